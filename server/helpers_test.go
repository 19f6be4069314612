package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// testOrigin is the blog that embeds the test site.
const testOrigin = "https://blog.example"

// clock is a settable time source for edit-window tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a server over a real Badger store in a temp dir, with a site
// "blog" that allows testOrigin.
type env struct {
	t     testing.TB
	srv   *Server
	store storage.Store
	clock *clock
	dir   string
	cfg   Config // what startServer builds the server with
}

// openStore opens the store of a test's data directory: Badger there, or
// inside TestHTTPOnPostgres the PostgreSQL database kept for it.
func openStore(t testing.TB, dir string) storage.Store {
	t.Helper()
	return storeOpener(t, dir)
}

var storeOpener = func(t testing.TB, dir string) storage.Store {
	st, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return st
}

// newEnv is an env whose abuse defences stay out of the way of the tests
// of everything else: no rate limits, and a site without the form check,
// the duplicate check or a link limit. settings change the site's
// settings after that.
func newEnv(t testing.TB, settings ...func(*storage.SiteSettings)) *env {
	t.Helper()
	quiet := func(s *storage.SiteSettings) { s.MinSubmitTime, s.DuplicateWindow, s.MaxLinks = 0, 0, -1 }
	return newGuardedEnv(t, func(c *Config) { c.RatesOff = true }, append([]func(*storage.SiteSettings){quiet}, settings...)...)
}

// newGuardedEnv is an env with the site's default settings and the
// server's default defences, changed by cfg and settings.
func newGuardedEnv(t testing.TB, cfg func(*Config), settings ...func(*storage.SiteSettings)) *env {
	t.Helper()
	e := &env{t: t, dir: t.TempDir(), clock: &clock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}}
	// app.Test's connections come from 0.0.0.0; trusting it as a proxy
	// lets a request say which client it is (req.from).
	e.cfg = Config{BaseURL: "http://parley.test", Now: e.clock.Now, TrustedProxies: []string{"0.0.0.0"}}
	if cfg != nil {
		cfg(&e.cfg)
	}
	e.store = openStore(t, e.dir)
	t.Cleanup(func() { e.store.Close() })
	set := storage.DefaultSiteSettings()
	for _, f := range settings {
		f(&set)
	}
	site := storage.Site{ID: "blog", Name: "Blog", Origins: []string{testOrigin}, Settings: set, Created: e.clock.Now()}
	if err := e.store.CreateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	e.startServer()
	return e
}

func (e *env) startServer() {
	e.t.Helper()
	srv, err := New(context.Background(), e.store, e.cfg)
	if err != nil {
		e.t.Fatalf("new server: %v", err)
	}
	e.srv = srv
	// Cleanups run last first: the server's background work stops
	// before the store it uses closes.
	e.t.Cleanup(srv.Close)
}

// restart closes the database and opens it again under a new server.
func (e *env) restart() {
	e.t.Helper()
	e.srv.Close()
	if err := e.store.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.store = openStore(e.t, e.dir)
	e.startServer()
}

// req is one API request; zero fields mean "not sent".
type req struct {
	method, path string
	body         any    // marshalled to JSON unless raw is set
	raw          []byte // sent as is
	contentType  string // default application/json when there is a body
	token        string
	origin       string
	header       map[string]string
	from         string // the client's address (X-Forwarded-For); default 192.0.2.1
}

// resp is an answer with its body kept for decoding.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// apiErr decodes an error answer.
func (r resp) apiErr(t testing.TB) apiError {
	t.Helper()
	var e struct{ Error apiError }
	r.decode(t, &e)
	return e.Error
}

func (e *env) do(rq req) resp {
	e.t.Helper()
	var body io.Reader
	if rq.raw != nil {
		body = bytes.NewReader(rq.raw)
	} else if rq.body != nil {
		b, err := json.Marshal(rq.body)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	r := httptest.NewRequest(rq.method, rq.path, body)
	if body != nil {
		ct := rq.contentType
		if ct == "" {
			ct = "application/json"
		}
		r.Header.Set("Content-Type", ct)
	}
	if rq.token != "" {
		r.Header.Set("Authorization", "Bearer "+rq.token)
	}
	if rq.origin != "" {
		r.Header.Set("Origin", rq.origin)
	}
	if rq.from == "" {
		rq.from = "192.0.2.1"
	}
	r.Header.Set("X-Forwarded-For", rq.from)
	for k, v := range rq.header {
		r.Header.Set(k, v)
	}
	res, err := e.srv.App().Test(r, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// post creates a comment and returns the answer, failing unless it is 201.
func (e *env) post(token string, in map[string]any) writeAnswer {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: in, token: token, origin: testOrigin})
	if r.status != http.StatusCreated {
		e.t.Fatalf("post: status %d: %s", r.status, r.body)
	}
	var a writeAnswer
	r.decode(e.t, &a)
	return a
}

// list reads a page's thread.
func (e *env) list(token, query string) threadAnswer {
	e.t.Helper()
	r := e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?" + query, token: token})
	if r.status != http.StatusOK {
		e.t.Fatalf("list: status %d: %s", r.status, r.body)
	}
	var a threadAnswer
	r.decode(e.t, &a)
	return a
}

func comment(page, body string) map[string]any {
	return map[string]any{"page": page, "body": body, "author": map[string]any{"name": "Ada"}}
}
