// Package widget is the browser side of Parley: the embeddable comment
// widget (embed.js) with its styles and string tables, the comment-count
// script (count.js), and the admin page's script and style sheet.
//
// # Sources and generated files
//
// The sources are in src/ (the widget) and admin/ (the admin page): modern
// JavaScript modules and CSS, with no framework and no npm step.
//
//	go generate ./widget
//
// bundles and minifies them with esbuild's Go API (widget/internal/bundle),
// compresses every file with gzip -9 and brotli -11, and writes the outcome
// to dist/: assets.bin, the bytes, and manifest.json, each URL path with
// its type, ETag and place in assets.bin. dist/ is committed and embedded,
// so building Parley needs no generate step, and start-up neither bundles
// nor compresses: Build and BuildAdmin hand out views of the binary's
// read-only data, so no copy of the assets comes onto the heap, and
// esbuild is not linked into the server.
//
// After editing anything in src/ or admin/, run go generate ./widget and
// commit dist/ with the change: TestDistIsFresh bundles the sources as the
// generator does and fails while dist/ is stale.
//
// # Assets
//
//	/embed.js                       the widget; stable URL (short cache + ETag)
//	/widget/parley.<hash>.js        the same bundle under an immutable URL
//	/count.js                       the comment-count script; stable URL
//	/widget/count.<hash>.js         the same under an immutable URL
//	/widget/i18n/<lang>.<hash>.js   one string table per language but English
//	/widget/later.<hash>.js         what comes after the thread, loaded once it is shown
//	/admin/assets/admin.<hash>.js   the admin page's script (BuildAdmin)
//	/admin/assets/admin.<hash>.css  the admin page's style sheet
//
// The styles are minified and compiled into embed.js as a string, which the
// widget adopts into its shadow root (a constructed style sheet, so a host
// page's CSP for inline styles does not get in the way). English is compiled
// in too, so a first render in English downloads embed.js alone; any other
// language adds its locale bundle, loaded on demand as a plain <script>
// that registers its table on window.__parleyI18n (no eval, no fetch).
// Likewise what a reader needs only after the thread is shown (src/later.js:
// live updates over server-sent events, the feed link, the Report dialog,
// the comment form's defences, reply e-mail opt-in and Preview tab, and the
// question before a deletion, with their English strings and styles) is
// left out of embed.js: once the thread is rendered the widget adds that
// bundle as a <script>, which registers it on window.__parleyLater. The
// server should serve every asset with Cross-Origin-Resource-Policy:
// cross-origin and without X-Frame-Options.
//
// # Embedding
//
//	<div id="parley"></div>
//	<script src="https://comments.example.com/embed.js" data-site="myblog" async></script>
//
// The widget finds the server from its own script's src (a server under a
// sub-path works) and reads these data- attributes: site (required),
// page-id, page-url, page-title, theme (light, dark or auto, the default,
// which follows prefers-color-scheme), lang, sort (oldest, the default,
// newest or top), target (a selector; default #parley), and auto="false" to
// leave rendering to the script API.
//
// The page key is data-page-id, else data-page-url, else the href of
// <link rel=canonical>, else location.href without the fragment; the server
// normalizes URLs. The language is data-lang, else <html lang>, else the
// browser's, the first of them that Parley speaks (en, de, fr, es, pt, ru,
// zh, ja), else English.
//
// # Script API, for single-page apps
//
//	const w = Parley.render({target, site, pageId, pageUrl, pageTitle, theme, lang, sort, server, sso})
//	w.reload({pageId: "next-post"})   // another page in the same place
//	Parley.destroy(w)                 // or Parley.destroy(target)
//	Parley.signIn(payload)            // the blog's signed payload for its member (SSO)
//	Parley.signOut()                  // back to an anonymous reader
//	ParleyCount.update()              // count.js: fill the counts again
//
// The snippet's data-sso="PAYLOAD" is render's sso; data-sso="" says no
// member is signed in.
//
// # Reading and posting
//
// Each comment shows its author (linked to their website when it is
// http(s)), affiliation, badge, a "Pinned" label when a moderator pinned it,
// a relative time with the full date on hover, the body, its score with
// vote buttons, and Reply and Report; the reader's own comments add Edit and
// Delete while the edit window lasts. One delegated listener on the list
// handles every comment's buttons (they carry data-act), and comments are
// cloned from prepared templates, so a long thread renders in one pass. The
// widget sets the performance marks parley:start and parley:rendered.
//
// In a fresh tab, Chromium takes 40 to 200 ms to make its first Intl
// formatter (relative time, date or number alike; Intl.PluralRules is
// cheap), more than the rest of a first render. So no formatter is made
// before the thread is on screen: the relative times are phrases from the
// string tables (now, minute ... year; the browser tests check them
// against Intl.RelativeTimeFormat in every language), numbers below 1000
// are written as plain digits, and the full dates on hover
// (Intl.DateTimeFormat) are set in a task after the render has been
// painted, which sets the mark parley:dates. The section is built, and its
// style sheet parsed, while the thread's JSON is on its way.
//
// # Reader identity
//
// The reader token issued by the API is kept in the host page's
// localStorage under "parley.token" and sent as Authorization: Bearer on
// every request. Also in localStorage: "parley.author" (the form's name,
// e-mail, website and affiliation), "parley.drafts" (unsent text per site,
// page and reply) and "parley.markdown" (the Markdown of one's own recent
// comments, since the API returns HTML only, to prefill the edit form)
// and "parley.notify" (whether the reader last asked for reply e-mails).
// No cookies.
//
// A verified reader (a magic link confirmed here, or a member the blog
// signed in) holds a longer token that carries their identity, the same
// on every device, and "parley.identity": who they are on which site
// (name, e-mail, member id), so the form says whom it posts as without a
// request. identity.js, in the later bundle, asks for magic links, shows
// the Confirm box of a page opened with #parley-verify=CODE, exchanges
// sign-in payloads, and marks verified authors in the thread.
//
// # Styling
//
// The widget renders into a shadow root: the host page's CSS does not reach
// in, and the widget's does not leak out. Site owners restyle it with the
// CSS custom properties listed at the top of src/widget.css, set on the
// target element: --parley-font, --parley-font-size, --parley-text,
// --parley-bg, --parley-muted, --parley-accent, --parley-accent-text,
// --parley-border, --parley-input, --parley-highlight, --parley-error,
// --parley-radius and --parley-indent.
//
// # Comment counts
//
//	<a href="/posts/hello/" data-parley-count></a>
//	<span data-parley-count="hello-world" data-parley-count-format="number"></span>
//	<script src="https://comments.example.com/count.js" data-site="myblog" async></script>
//
// count.js fills every element marked data-parley-count with "3 comments"
// in the page's language (or the bare number with
// data-parley-count-format="number"); the key is the attribute's value, or
// the element's href when the value is empty. All keys go in one request to
// the counts endpoint (100 at most per request).
package widget
