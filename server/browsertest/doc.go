// Package browsertest holds Parley's end-to-end tests in a real headless
// Chromium: the widget embedded in a blog page served from another origin
// than the Parley server, as on a real third-party blog, and the admin page.
//
// The tests need Debian's chromium (or CHROMIUM_PATH). Without it they skip
// with a message, except when CI is set, where they fail.
//
// # The harness
//
// One Chromium serves the whole package; every test gets its own browser
// context (fresh localStorage and cache) with one tab, and a blog of its
// own on http://127.0.0.1:P2 whose site allows only that origin. The Parley
// server runs on http://localhost:P1 (another origin) over a real Badger
// store in a temporary directory: newSite gives a test a site ("blog-N")
// on a server and store that the widget tests share, which spares each
// test a new database and a new widget build and lets them run in
// parallel; newEnv starts a fresh store and server of the test's own, with
// the site "blog", for tests that need an empty database. Third-party
// cookies are blocked, as in a reader's browser. Test data goes in through
// the public API from Go (env.post) or straight into the store (env.bulk,
// env.setBadge); never through private server functions.
//
// The widget's DOM lives in an open shadow root, so tests drive it with
// JavaScript (env.run, eval, env.waitFor, which polls and never sleeps)
// using small helpers installed in every document of the tab (window.pt:
// pt.q, pt.art(id), pt.btn(id, text), pt.active() for the focused element
// inside shadow roots...), and with real key events for keyboard checks
// (env.keys, env.typeInto). The tab's network requests and uncaught
// exceptions are recorded from the DevTools protocol (env.net); an uncaught
// exception fails the test.
//
// # axe-core
//
// TestAxe downloads axe-core from the npm registry, checks the tarball
// against its published sha512 integrity, and caches it under
// os.UserCacheDir()/parley-test/. Without network it skips, except under
// CI. No copy of axe is kept in the repository.
//
// # Speed
//
// Speed is logged, never asserted. The widget marks 'parley:start' when
// embed.js runs, 'parley:rendered' when the thread is first on screen, and
// 'parley:dates' when it has set the full dates on hover, in a task after
// the render has been painted (logged too, as ms/dates in the benchmark).
// TestFirstRender200 renders in English in a fresh tab (a new browser
// context: a new renderer process, with none of Chromium's Intl data
// loaded yet) right after Chromium starts, then in German in the same tab,
// then in English in a fresh tab of the browser now running; the
// benchmark's first iteration is in a fresh tab, the others in the same
// one:
//
//	go test -run TestFirstRender200 -v ./server/browsertest/
//	go test -run '^$' -bench FirstRender200 ./server/browsertest/
package browsertest
