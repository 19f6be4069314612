package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// The smaller findings of the hardening issue: inputs that answered 5xx,
// names that hide or impersonate, tokens that skipped the cache, answers
// without bound, scans no request should cause, and connection floods.

func TestInvalidIdentifiersAreClientErrors(t *testing.T) {
	e := newEnv(t)
	for _, rq := range []req{
		{method: "POST", path: "/api/v1/preview", body: map[string]any{"site": "de\x00mo", "body": "hi"}},
		{method: "POST", path: "/api/v1/preview", body: map[string]any{"site": strings.Repeat("x", 500), "body": "hi"}},
		{method: "GET", path: "/api/v1/sites/bl%00og/comments?page=p"},
		{method: "GET", path: "/api/v1/sites/blog/comments?page=p%00q"},
		{method: "PATCH", path: "/api/v1/sites/blog/comments/a%00b", body: map[string]any{"body": "x"}, token: e.srv.newReaderToken()},
	} {
		r := e.do(rq)
		if r.status < 400 || r.status >= 500 || r.apiErr(t).Code == "" {
			t.Errorf("%s %q: %d %s", rq.method, rq.path, r.status, r.body)
		}
	}
}

func TestHostileNames(t *testing.T) {
	e := newEnv(t)
	if err := e.store.CreateUser(context.Background(), storage.User{Name: "elena", DisplayName: "Elena Marsh",
		Roles: map[string]storage.Role{"blog": storage.RoleOwner}}); err != nil {
		t.Fatal(err)
	}
	for name, code := range map[string]string{
		"Sam\u200b":                        "invalid",       // zero-width space
		"\u202eevil":                       "invalid",       // bidi override
		"Sam\u200f":                        "invalid",       // bidi mark
		"Sam\U000E0041\U000E0042":          "invalid",       // tag characters
		"Z" + strings.Repeat("\u0301", 30): "invalid",       // stacked combining marks
		"Еlena Marsh":                      "impersonation", // Cyrillic Е
		"elena marsh":                      "impersonation",
	} {
		in := comment("p", "hello")
		in["author"] = map[string]any{"name": name}
		r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: in})
		if r.status != 422 || r.apiErr(t).Code != code || r.apiErr(t).Field != "author.name" {
			t.Errorf("name %q: %d %s, want 422 %s on author.name", name, r.status, r.body, code)
		}
	}
	// International names and emoji stay as typed, normalized (NFKC).
	for in, want := range map[string]string{"José Núñez": "José Núñez", "Đặng Thị Ngọc Hà": "Đặng Thị Ngọc Hà", "Sam 🍞": "Sam 🍞", "  Ｓａｍ  ": "Sam"} {
		c := comment("p", "hi "+in)
		c["author"] = map[string]any{"name": in}
		if got := e.post("", c).Comment.Author.Name; got != want {
			t.Errorf("name %q stored as %q, want %q", in, got, want)
		}
	}
}

// countingStore is the real store, counting the reads a test must not
// cause.
type countingStore struct {
	storage.Store
	pageReads, siteScans atomic.Int32
}

func (s *countingStore) PageComments(ctx context.Context, siteID, pageKey string) ([]storage.Comment, error) {
	s.pageReads.Add(1)
	return s.Store.PageComments(ctx, siteID, pageKey)
}

func (s *countingStore) Sites(ctx context.Context) ([]storage.Site, error) {
	s.siteScans.Add(1)
	return s.Store.Sites(ctx)
}

func TestForgedTokensShareTheCachedThread(t *testing.T) {
	e := newEnv(t)
	counted := &countingStore{Store: e.store}
	e.store = counted
	e.startServer()
	e.post("", comment("p", "one"))
	anon := e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?page=p"})
	random := make([]byte, 32)
	rand.Read(random)
	for name, token := range map[string]string{
		"never issued":       base64.RawURLEncoding.EncodeToString(random),
		"one changed letter": flip(e.srv.newReaderToken()),
	} {
		r := e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?page=p", token: token})
		if r.status != 200 || r.header.Get("ETag") != anon.header.Get("ETag") {
			t.Errorf("%s: %d, ETag %q, want the anonymous answer %q", name, r.status, r.header.Get("ETag"), anon.header.Get("ETag"))
		}
	}
	if n := counted.pageReads.Load(); n != 1 {
		t.Errorf("the page was read %d times, want once: forged tokens must hit the shared cache", n)
	}
	// A forged token cannot change a comment, and a malformed one is noticed.
	if r := e.do(req{method: "DELETE", path: "/api/v1/sites/blog/comments/x", token: base64.RawURLEncoding.EncodeToString(random)}); r.status != 401 {
		t.Errorf("delete with a forged token: %d", r.status)
	}
	if r := e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?page=p", token: "short"}); r.status != 401 {
		t.Errorf("malformed token: %d", r.status)
	}
}

// flip changes the first letter of a token.
func flip(tok string) string {
	if tok[0] == 'A' {
		return "B" + tok[1:]
	}
	return "A" + tok[1:]
}

func TestLimitBoundsTheWholeAnswer(t *testing.T) {
	e := newEnv(t)
	root := e.post("", comment("p", "root")).Comment.ID
	for i := range 300 {
		e.post("", map[string]any{"page": "p", "parent": root, "body": fmt.Sprint("reply ", i)})
	}
	th := e.list("", "page=p&limit=1")
	if len(th.Comments) != 1 || th.NextCursor == "" || th.Total != 301 {
		t.Errorf("limit=1 gave %d comments (total %d, cursor %q)", len(th.Comments), th.Total, th.NextCursor)
	}
	if th := e.list("", "page=p"); len(th.Comments) != defaultThreadLimit {
		t.Errorf("no limit gave %d comments, want %d", len(th.Comments), defaultThreadLimit)
	}
}

func TestPreviewPreflightReadsNoSites(t *testing.T) {
	e := newEnv(t)
	counted := &countingStore{Store: e.store}
	e.store = counted
	e.startServer()
	r := e.do(req{method: "OPTIONS", path: "/api/v1/preview", origin: "https://anyone.example",
		header: map[string]string{"Access-Control-Request-Method": "POST"}})
	if r.status != 204 || counted.siteScans.Load() != 0 {
		t.Errorf("preflight: %d after %d site scans", r.status, counted.siteScans.Load())
	}
	// The request itself is still judged by the named site.
	r = e.do(req{method: "POST", path: "/api/v1/preview", body: map[string]any{"site": "blog", "body": "hi"}, origin: "https://anyone.example"})
	if r.status != 403 || r.apiErr(t).Code != "forbidden_origin" {
		t.Errorf("preview from an origin the site does not allow: %d %s", r.status, r.body)
	}
}

func TestConnectionsPerClientAreCapped(t *testing.T) {
	e := newGuardedEnv(t, func(c *Config) { c.MaxConnsPerClient = 3; c.TrustedProxies = nil })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.srv.Serve(ln)
	t.Cleanup(func() { e.srv.Shutdown(context.Background()) })
	var conns []net.Conn
	for range 5 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		t.Cleanup(func() { c.Close() })
	}
	served := 0
	for _, c := range conns {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		buf := make([]byte, 12)
		if n, _ := c.Read(buf); n == 12 && string(buf) == "HTTP/1.1 200" {
			served++
		}
	}
	if served != 3 {
		t.Errorf("%d of 5 connections from one address served, want 3", served)
	}
	conns[0].Close()
	time.Sleep(50 * time.Millisecond) // the server sees the close
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	buf := make([]byte, 12)
	if n, _ := c.Read(buf); n != 12 || string(buf) != "HTTP/1.1 200" {
		t.Errorf("after one closed, a new connection got %q", buf[:n])
	}
}
