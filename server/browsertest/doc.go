// Package browsertest holds Parley's end-to-end tests in a real headless
// Chromium: the widget embedded in a blog page served from another origin
// than the Parley server, as on a real third-party blog.
//
// The tests need Debian's chromium (or CHROMIUM_PATH). Without it they skip
// with a message, except when CI is set, where they fail.
package browsertest
