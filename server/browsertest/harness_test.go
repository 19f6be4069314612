package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parley-dev/parley/server"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// browser is the one Chromium all tests share; each test gets its own
// browser context (a fresh profile: no shared localStorage).
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

// requireBrowser starts Chromium once, or skips the test (fails it under CI)
// when there is none.
func requireBrowser(t *testing.T) context.Context {
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
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			// A real blog's reader has third-party cookies blocked; the
			// widget must not need them.
			chromedp.Flag("test-third-party-cookie-phaseout", true),
			chromedp.WindowSize(1200, 900),
		)
		ctx, cancel := chromedp.NewContext(actx)
		browser.ctx, browser.cancel = ctx, cancel
		browser.err = chromedp.Do(ctx) // start the browser
	})
	if browser.err != nil {
		t.Fatalf("start chromium: %v", browser.err)
	}
	ctx, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// env is one browser test's world: a Parley server on http://localhost:P1
// over a real Badger store, a blog on http://127.0.0.1:P2 (another origin),
// and a browser tab.
type env struct {
	t     *testing.T
	ctx   context.Context
	store storage.Store
	srv   *server.Server
	api   string // the Parley server's origin
	blog  string // the host blog's origin
	pages sync.Map
}

// siteID is the site the blog embeds.
const siteID = "blog"

func newEnv(t *testing.T, settings ...func(*storage.SiteSettings)) *env {
	t.Helper()
	ctx := requireBrowser(t)
	e := &env{t: t, ctx: ctx}

	store, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e.store = store

	blog := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := e.pages.Load(r.URL.Path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(blog.Close)
	e.blog = blog.URL // http://127.0.0.1:PORT

	set := storage.DefaultSiteSettings()
	for _, f := range settings {
		f(&set)
	}
	site := storage.Site{ID: siteID, Name: "Test blog", Origins: []string{e.blog}, Settings: set, Created: time.Now()}
	if err := store.CreateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.api = "http://localhost:" + fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	srv, err := server.New(context.Background(), store, server.Config{BaseURL: e.api})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	go func() {
		if err := srv.Serve(ln); err != nil {
			log.Printf("serve: %v", err)
		}
	}()
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return e
}

// page publishes a blog page at path whose body holds html, and returns its URL.
func (e *env) page(path, html string) string {
	e.pages.Store(path, html)
	return e.blog + path
}

// embedPage publishes a blog post embedding the widget with the given
// data- attributes (site is added) and optional extra head content.
func (e *env) embedPage(path, attrs, head string) string {
	return e.page(path, fmt.Sprintf(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Post %s</title>%s</head>
<body><article><h1>A blog post</h1><p>Text of the post.</p></article>
<div id="parley"></div>
<script src="%s/embed.js" data-site="%s" %s async></script></body></html>`, path, head, e.api, siteID, attrs))
}

// open navigates the tab to url.
func (e *env) open(url string) {
	e.t.Helper()
	if err := chromedp.Do(e.ctx, chromedp.Navigate(url)); err != nil {
		e.t.Fatalf("navigate %s: %v", url, err)
	}
}

// eval runs JavaScript in the page and decodes its (JSON) result into T.
func eval[T any](e *env, js string) T {
	e.t.Helper()
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		e.t.Fatalf("eval %s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is truthy.
func (e *env) waitFor(what, predicate string) {
	e.t.Helper()
	_, err := chromedp.Run(e.ctx, chromedp.Poll[bool](predicate,
		chromedp.WithPollingTimeout(15*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		e.t.Fatalf("waiting for %s (%s): %v", what, predicate, err)
	}
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// root is the JavaScript expression of the widget's shadow root.
const root = `document.querySelector('#parley').shadowRoot`

// inRoot is a JavaScript expression querying the widget's shadow root.
func inRoot(selector string) string {
	return root + `.querySelector(` + js(selector) + `)`
}
