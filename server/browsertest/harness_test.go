package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/parley-dev/parley/server"
	"github.com/parley-dev/parley/storage"
)

// browser is the one Chromium all tests share; each test gets its own
// browser context (a fresh profile: no shared localStorage or cache).
var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	stopShared()
	os.Exit(code)
}

// chromiumPath finds Chromium, or says why there is none.
func chromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	return "", fmt.Errorf("no Chromium found (install Debian's chromium package or set CHROMIUM_PATH)")
}

// requireBrowser starts Chromium once and returns its context, or skips the
// test (fails it under CI) when there is none.
func requireBrowser(t testing.TB) context.Context {
	t.Helper()
	path, err := chromiumPath()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("browser tests cannot run in CI: %v", err)
		}
		t.Skipf("skipping browser test: %v", err)
	}
	browser.once.Do(func() {
		actx, _ := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path),
			chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-extensions", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			// A real blog's reader has third-party cookies blocked; the
			// widget must not need them.
			chromedp.Flag("test-third-party-cookie-phaseout", true),
			chromedp.Flag("lang", "en-US"),
			chromedp.WindowSize(1200, 900),
		)
		ctx, cancel := chromedp.NewContext(actx)
		browser.ctx, browser.cancel = ctx, cancel
		browser.err = chromedp.Do(ctx) // start the browser
	})
	if browser.err != nil {
		t.Fatalf("start chromium: %v", browser.err)
	}
	return browser.ctx
}

// env is one browser test's world: a Parley server on http://localhost:P1
// over a real Badger store, a blog on http://127.0.0.1:P2 (another origin),
// and a tab in a browser context of its own.
type env struct {
	t     testing.TB
	ctx   context.Context
	store storage.Store
	srv   *server.Server
	api   string // the Parley server's origin
	blog  string // the host blog's origin
	site  string // the blog's site id
	pages sync.Map
	net   *netlog

	mu       sync.Mutex
	blogHits []string // paths the blog was asked for
}

// start serves the blog, registers its site and opens the tab.
func (e *env) start(bctx context.Context, settings []func(*storage.SiteSettings)) {
	t := e.t
	t.Helper()
	blog := httptest.NewServer(http.HandlerFunc(e.serveBlog))
	t.Cleanup(blog.Close)
	e.blog = blog.URL // http://127.0.0.1:PORT

	// The test sites leave the checks that hold comments sent at once, or
	// twice, or with many links, to the tests of those checks.
	set := storage.DefaultSiteSettings()
	set.MinSubmitTime, set.DuplicateWindow, set.MaxLinks = 0, 0, -1
	for _, f := range settings {
		f(&set)
	}
	site := storage.Site{ID: e.site, Name: "Test blog", Origins: []string{e.blog}, Settings: set, Created: time.Now()}
	if err := e.store.CreateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}

	tab, cancelTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext(), chromedp.WithListener(e.net.listen))
	t.Cleanup(func() {
		cancelTab()
		if ex := e.net.exceptions(); len(ex) > 0 && !t.Failed() {
			t.Errorf("uncaught exceptions in the page:\n%s", strings.Join(ex, "\n"))
		}
	})
	if err := chromedp.Do(tab); err != nil { // open the tab, without a deadline
		t.Fatalf("open tab: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(tab, testTimeout)
	t.Cleanup(cancelTimeout)
	e.ctx = ctx
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: helpersJS}); err != nil {
		t.Fatalf("install page helpers: %v", err)
	}
}

// serveBlog serves the pages published with page, and records every path
// asked for: a stored XSS payload that fires an image request shows here.
func (e *env) serveBlog(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.blogHits = append(e.blogHits, r.URL.Path)
	e.mu.Unlock()
	body, ok := e.pages.Load(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, body)
}

// hits returns the paths the blog was asked for.
func (e *env) hits() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.blogHits...)
}

// page publishes a blog page at path whose body holds html, and returns its URL.
func (e *env) page(path, html string) string {
	e.pages.Store(path, html)
	return e.blog + path
}

// hostPage is a blog post embedding the widget.
type hostPage struct {
	Path  string // URL path on the blog
	Attrs string // data- attributes of the script tag besides data-site
	Head  string // extra <head> content, e.g. a <style>
	Lang  string // <html lang>; "en" when empty
}

// embed publishes p and returns its URL.
func (e *env) embed(p hostPage) string {
	if p.Lang == "" {
		p.Lang = "en"
	}
	return e.page(p.Path, fmt.Sprintf(`<!doctype html><html lang="%s"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Post %s</title>%s</head>
<body><main><article><h1>A blog post</h1><p>Text of the post.</p></article>
<div id="parley"></div></main>
<script src="%s/embed.js" data-site="%s" %s async></script></body></html>`,
		p.Lang, p.Path, p.Head, e.api, e.site, p.Attrs))
}

// embedPage publishes a blog post embedding the widget with the given
// data- attributes (site is added) and optional extra head content.
func (e *env) embedPage(path, attrs, head string) string {
	return e.embed(hostPage{Path: path, Attrs: attrs, Head: head})
}

// open navigates the tab to url.
func (e *env) open(url string) {
	e.t.Helper()
	if err := chromedp.Do(e.ctx, chromedp.Navigate(url)); err != nil {
		e.t.Fatalf("navigate %s: %v", url, err)
	}
}

// openWidget navigates to url and waits until the widget shows its thread
// (the loading note is gone).
func (e *env) openWidget(url string) {
	e.t.Helper()
	e.open(url)
	e.waitLoaded()
}

// waitLoaded waits until the widget has drawn its thread, and set the full
// dates that show on hover (once the thread is painted).
func (e *env) waitLoaded() {
	e.t.Helper()
	e.waitFor("the widget to load its thread",
		`pt.q('.parley-thread') && pt.q('form.parley-form') && !/…|\.\.\./.test(pt.q('.parley-note').textContent) && pt.qa('time').every(t => t.title)`)
}

// eval runs JavaScript in the page (awaiting a promise) and decodes its
// JSON result into T.
func eval[T any](e *env, js string) T {
	e.t.Helper()
	v, err := retryGone(e, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		e.t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

// retryGone runs a, again while it fails because the page's JavaScript
// context it used went away: right after a navigation, chromedp can still
// hold the previous document's context for a moment.
func retryGone[T any](e *env, a chromedp.Action[T]) (T, error) {
	for i := 0; ; i++ {
		v, err := chromedp.Run(e.ctx, a)
		if err == nil || i == 50 || !contextGone(err) {
			return v, err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func contextGone(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Execution context was destroyed") ||
		strings.Contains(msg, "Inspected target navigated or closed")
}

// run runs JavaScript for its effect.
func (e *env) run(js string) {
	e.t.Helper()
	eval[chromedp.Void](e, js)
}

// waitFor polls a JavaScript predicate until it is truthy (20 s at most:
// generous, for a loaded CI machine running other packages alongside).
func (e *env) waitFor(what, predicate string) {
	e.t.Helper()
	_, err := retryGone(e, chromedp.Poll[bool]("!!("+predicate+")",
		chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		// Say what the page shows, and what it threw: the cleanup's report
		// of uncaught exceptions is skipped once a test has failed.
		shown, _ := chromedp.Run(e.ctx, chromedp.Evaluate[string](
			`(() => { const r = window.pt && pt.root(); return r ? r.textContent.slice(0, 300) : 'no widget'; })()`))
		var api []string
		for _, r := range e.net.requests("", e.api+"/api/") {
			api = append(api, fmt.Sprintf("%s %s: %d", r.Method, r.URL, r.Status))
		}
		e.t.Fatalf("waiting for %s (%s): %v\nthe widget says: %q\nexceptions: %q\nAPI requests: %q",
			what, predicate, err, shown, e.net.exceptions(), api)
	}
}

// keys sends real key events to whatever has focus.
func (e *env) keys(keys string) {
	e.t.Helper()
	if err := chromedp.Do(e.ctx, chromedp.KeyEvent(keys)); err != nil {
		e.t.Fatalf("key events %q: %v", keys, err)
	}
}

// typeInto focuses the element of the JavaScript expression el and types
// text into it with real key events.
func (e *env) typeInto(el, text string) {
	e.t.Helper()
	e.run(`(` + el + `).focus()`)
	e.keys(text)
}
