package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func TestThreadSortAndPagination(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 5 {
		a := e.post("", comment("p", fmt.Sprintf("top %d", i)))
		ids = append(ids, a.Comment.ID)
		e.clock.Advance(time.Minute)
	}
	reply := e.post("", map[string]any{"page": "p", "parent": ids[0], "body": "reply"})
	voter := e.post("", comment("other", "voter")).ReaderToken
	r := e.do(req{method: "PUT", path: "/api/v1/sites/blog/comments/" + ids[3] + "/vote", body: map[string]any{"value": 1}, token: voter})
	if r.status != 200 {
		t.Fatalf("vote: %d %s", r.status, r.body)
	}

	got := func(th threadAnswer) string {
		var s []string
		for _, c := range th.Comments {
			s = append(s, c.ID)
		}
		return strings.Join(s, ",")
	}
	join := func(s ...string) string { return strings.Join(s, ",") }
	tests := []struct{ query, want string }{
		{"page=p", join(ids[0], reply.Comment.ID, ids[1], ids[2], ids[3], ids[4])},
		{"page=p&sort=newest", join(ids[4], ids[3], ids[2], ids[1], ids[0], reply.Comment.ID)},
		{"page=p&sort=top", join(ids[3], ids[0], reply.Comment.ID, ids[1], ids[2], ids[4])},
	}
	for _, tt := range tests {
		if th := e.list("", tt.query); got(th) != tt.want {
			t.Errorf("%s: got %s, want %s", tt.query, got(th), tt.want)
		}
	}

	// Walk the pages two comments at a time: a limit bounds the whole
	// answer, replies included.
	var walked []string
	cursor := ""
	for range 10 {
		th := e.list("", "page=p&limit=2&cursor="+cursor)
		walked = append(walked, got(th))
		if th.Total != 6 {
			t.Errorf("total = %d", th.Total)
		}
		if cursor = th.NextCursor; cursor == "" {
			break
		}
	}
	if want := []string{join(ids[0], reply.Comment.ID), join(ids[1], ids[2]), join(ids[3], ids[4])}; !slices.Equal(walked, want) {
		t.Errorf("pages = %v, want %v", walked, want)
	}
	// A page may end inside a thread: the next carries on with its replies.
	first := e.list("", "page=p&limit=1")
	rest := e.list("", "page=p&limit=1&cursor="+first.NextCursor)
	if got(first) != ids[0] || got(rest) != reply.Comment.ID || rest.Comments[0].Parent != ids[0] {
		t.Errorf("limit=1 pages: %s then %s", got(first), got(rest))
	}

	for _, q := range []string{"page=p&sort=best", "page=p&limit=0", "page=p&limit=500", "page=p&cursor=!!", ""} {
		r := e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?" + q})
		if r.status != 400 || r.apiErr(t).Field == "" {
			t.Errorf("%q: %d %s", q, r.status, r.body)
		}
	}
}

func TestThreadETag(t *testing.T) {
	e := newEnv(t)
	e.post("", comment("p", "one"))
	path := "/api/v1/sites/blog/comments?page=p"
	r := e.do(req{method: "GET", path: path})
	etag := r.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if r := e.do(req{method: "GET", path: path, header: map[string]string{"If-None-Match": etag}}); r.status != http.StatusNotModified || len(r.body) != 0 {
		t.Errorf("revalidation: %d", r.status)
	}
	e.post("", comment("p", "two"))
	if r := e.do(req{method: "GET", path: path, header: map[string]string{"If-None-Match": etag}}); r.status != http.StatusOK {
		t.Errorf("after a new comment: %d, want 200", r.status)
	}
}

func TestVotes(t *testing.T) {
	e := newEnv(t)
	author := e.post("", comment("p", "vote on me"))
	path := "/api/v1/sites/blog/comments/" + author.Comment.ID + "/vote"
	// The voter is at another address than the author.
	vote := func(token string, v any) resp {
		return e.do(req{method: "PUT", path: path, body: map[string]any{"value": v}, token: token, origin: testOrigin, from: "198.51.100.7"})
	}
	r := vote("", 1)
	var va voteAnswer
	r.decode(t, &va)
	if r.status != 200 || va.Score != 1 || va.ReaderToken == "" {
		t.Fatalf("first vote: %d %s", r.status, r.body)
	}
	voter := va.ReaderToken
	steps := []struct {
		value, score int
	}{{1, 1}, {-1, -1}, {0, 0}, {1, 1}}
	for _, s := range steps {
		r := vote(voter, s.value)
		va = voteAnswer{}
		r.decode(t, &va)
		if r.status != 200 || va.Score != s.score || va.Vote != s.value || va.ReaderToken != "" {
			t.Errorf("vote %d: %d %s", s.value, r.status, r.body)
		}
	}
	if th := e.list(voter, "page=p"); th.Comments[0].Vote != 1 || th.Comments[0].Score != 1 {
		t.Errorf("thread shows vote %d score %d", th.Comments[0].Vote, th.Comments[0].Score)
	}
	for _, tc := range []struct {
		name   string
		token  string
		value  any
		status int
		code   string
	}{
		{"own comment", author.ReaderToken, 1, 403, "forbidden"},
		{"value 2", voter, 2, 422, "invalid"},
		{"value missing", voter, nil, 422, "invalid"},
		{"value text", voter, "up", 400, "invalid_json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := vote(tc.token, tc.value)
			if r.status != tc.status || r.apiErr(t).Code != tc.code {
				t.Errorf("%d %s", r.status, r.body)
			}
		})
	}
	r = e.do(req{method: "PUT", path: "/api/v1/sites/blog/comments/01900000-0000-7000-8000-000000000000/vote", body: map[string]any{"value": 1}, token: voter})
	if r.status != 404 {
		t.Errorf("vote on unknown comment: %d", r.status)
	}
}

func TestCounts(t *testing.T) {
	e := newEnv(t)
	a := e.post("", comment("https://blog.example/a/", "one"))
	e.post(a.ReaderToken, comment("https://blog.example/a", "two"))
	e.post(a.ReaderToken, comment("b", "three"))
	held := e.post(a.ReaderToken, comment("b", "to delete"))
	e.do(req{method: "DELETE", path: "/api/v1/sites/blog/comments/" + held.Comment.ID, token: a.ReaderToken})

	r := e.do(req{method: "POST", path: "/api/v1/sites/blog/counts", origin: testOrigin,
		body: map[string]any{"pages": []string{"HTTPS://Blog.Example/a?utm_source=x", "b", "none"}}})
	var got struct{ Counts map[string]int }
	r.decode(t, &got)
	want := map[string]int{"HTTPS://Blog.Example/a?utm_source=x": 2, "b": 1, "none": 0}
	if r.status != 200 || fmt.Sprint(got.Counts) != fmt.Sprint(want) {
		t.Errorf("counts = %d %v, want %v", r.status, got.Counts, want)
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprint("p", i)
	}
	for _, body := range []map[string]any{{"pages": many}, {"pages": []string{}}, {"pages": []string{"ok", "bad\x00key"}}} {
		r := e.do(req{method: "POST", path: "/api/v1/sites/blog/counts", body: body})
		if r.status != 422 || !strings.HasPrefix(r.apiErr(t).Field, "pages") {
			t.Errorf("counts %v: %d %s", len(body["pages"].([]string)), r.status, r.body)
		}
	}
}

func TestPreviewMatchesStoredHTML(t *testing.T) {
	e := newEnv(t)
	body := "Some *markdown* with a [link](https://example.com) and <b>raw html</b>\nline two"
	r := e.do(req{method: "POST", path: "/api/v1/preview", body: map[string]any{"site": "blog", "body": body}, origin: testOrigin})
	var pv struct{ HTML string }
	r.decode(t, &pv)
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != testOrigin {
		t.Fatalf("preview: %d %v %s", r.status, r.header, r.body)
	}
	if stored := e.post("", comment("p", body)).Comment.HTML; pv.HTML != stored {
		t.Errorf("preview %q != stored %q", pv.HTML, stored)
	}
	for _, tc := range []struct {
		rq     req
		status int
	}{
		{req{body: map[string]any{"site": "nope", "body": "x"}}, 404},
		{req{body: map[string]any{"body": "x"}}, 422},
		{req{body: map[string]any{"site": "blog", "body": ""}}, 422},
		{req{body: map[string]any{"site": "blog", "body": "x"}, origin: "https://evil.example"}, 403},
	} {
		tc.rq.method, tc.rq.path = "POST", "/api/v1/preview"
		if r := e.do(tc.rq); r.status != tc.status {
			t.Errorf("%v: %d %s", tc.rq.body, r.status, r.body)
		}
	}
}

func TestCORS(t *testing.T) {
	e := newEnv(t)
	path := "/api/v1/sites/blog/comments"
	tests := []struct {
		name, method, origin string
		status               int
		allowOrigin          string
	}{
		{"read from the blog", "GET", testOrigin, 200, testOrigin},
		// Refused with a message the page may read: it holds no comments.
		{"read from elsewhere", "GET", "https://evil.example", 403, "https://evil.example"},
		{"read from another port", "GET", "https://blog.example:8443", 403, "https://blog.example:8443"},
		{"read from http", "GET", "http://blog.example", 403, "http://blog.example"},
		{"preflight from the blog", "OPTIONS", testOrigin, 204, testOrigin},
		{"preflight from elsewhere", "OPTIONS", "https://evil.example", 403, ""},
		{"post from the blog", "POST", testOrigin, 201, testOrigin},
		{"post from elsewhere", "POST", "https://evil.example", 403, ""},
		{"post from null origin", "POST", "null", 403, ""},
		{"post without origin (curl)", "POST", "", 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rq := req{method: tt.method, path: path + "?page=p", origin: tt.origin}
			if tt.method == "POST" {
				rq.path, rq.body = path, comment("p", tt.name)
			}
			r := e.do(rq)
			if r.status != tt.status || r.header.Get("Access-Control-Allow-Origin") != tt.allowOrigin {
				t.Errorf("status %d allow %q: %s", r.status, r.header.Get("Access-Control-Allow-Origin"), r.body)
			}
			if tt.method == "OPTIONS" && tt.status == 204 && !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Authorization") {
				t.Errorf("preflight allows headers %q", r.header.Get("Access-Control-Allow-Headers"))
			}
		})
	}
	if th := e.list("", "page=p"); th.Total != 2 {
		t.Errorf("%d comments stored, want the 2 allowed posts", th.Total)
	}
}

func TestOriginPatterns(t *testing.T) {
	tests := []struct {
		origin   string
		patterns []string
		want     bool
	}{
		{"http://localhost:8080", []string{"http://localhost:*"}, true},
		{"http://localhost", []string{"http://localhost:*"}, true},
		{"https://localhost:8080", []string{"http://localhost:*"}, false},
		{"http://localhost.evil.com:8080", []string{"http://localhost:*"}, false},
		{"https://blog.example", []string{"https://blog.example:443"}, true},
		{"https://BLOG.example", []string{"https://blog.example"}, true},
		{"https://blog.example:444", []string{"https://blog.example"}, false},
		{"https://sub.blog.example", []string{"https://blog.example"}, false},
		{"null", []string{"https://blog.example"}, false},
		{"https://blog.example/path", []string{"https://blog.example"}, false},
	}
	for _, tt := range tests {
		if got := originAllowed(tt.origin, tt.patterns); got != tt.want {
			t.Errorf("originAllowed(%q, %v) = %v", tt.origin, tt.patterns, got)
		}
	}
}

func TestUnknownRouteAndHealth(t *testing.T) {
	e := newEnv(t)
	r := e.do(req{method: "GET", path: "/api/v1/nope"})
	if r.status != 404 || r.apiErr(t).Code != "not_found" {
		t.Errorf("unknown route: %d %s", r.status, r.body)
	}
	r = e.do(req{method: "GET", path: "/healthz"})
	if r.status != 200 || !strings.Contains(string(r.body), "ok") {
		t.Errorf("healthz: %d %s", r.status, r.body)
	}
}

func TestWidgetAssets(t *testing.T) {
	e := newEnv(t)
	br := e.do(req{method: "GET", path: "/embed.js", header: map[string]string{"Accept-Encoding": "gzip, deflate, br"}})
	if a, _ := e.srv.assets.Lookup("/embed.js"); br.header.Get("Content-Encoding") != "br" || !bytes.Equal(br.body, a.Brotli) {
		t.Errorf("embed.js for a browser: encoding %q, %d bytes", br.header.Get("Content-Encoding"), len(br.body))
	}
	r := e.do(req{method: "GET", path: "/embed.js", header: map[string]string{"Accept-Encoding": "gzip"}})
	if r.status != 200 || r.header.Get("Content-Encoding") != "gzip" || r.header.Get("Cross-Origin-Resource-Policy") != "cross-origin" || r.header.Get("Timing-Allow-Origin") != "*" ||
		r.header.Get("X-Frame-Options") != "" || !strings.Contains(r.header.Get("Cache-Control"), "max-age=300") {
		t.Fatalf("embed.js: %d %v", r.status, r.header)
	}
	etag := r.header.Get("ETag")
	if r := e.do(req{method: "GET", path: "/embed.js", header: map[string]string{"If-None-Match": etag}}); r.status != 304 {
		t.Errorf("embed.js revalidation: %d", r.status)
	}
	for _, p := range e.srv.assets.Paths() {
		r := e.do(req{method: "GET", path: p})
		if r.status != 200 || len(r.body) == 0 {
			t.Errorf("%s: %d", p, r.status)
		}
		if a, _ := e.srv.assets.Lookup(p); a.Immutable != strings.Contains(r.header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: cache %q", p, r.header.Get("Cache-Control"))
		}
	}
	if r := e.do(req{method: "GET", path: "/widget/nope.js"}); r.status != 404 {
		t.Errorf("missing asset: %d", r.status)
	}
}

func TestDemo(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	if err := e.srv.EnsureDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.EnsureDemo(ctx); err != nil {
		t.Fatal("second EnsureDemo:", err)
	}
	r := e.do(req{method: "GET", path: "/api/v1/sites/demo/comments?page=" + demoPageID, origin: "http://localhost:5173"})
	var th threadAnswer
	r.decode(t, &th)
	if r.status != 200 || th.Total != len(demoScript) || r.header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Fatalf("demo thread: %d, %d comments", r.status, th.Total)
	}
	var owner, anonymous, nested int
	for _, c := range th.Comments {
		if c.Author.Badge == storage.BadgeOwner {
			owner++
		}
		if c.Author.Name == "" {
			anonymous++
		}
		if c.Parent != "" {
			nested++
		}
	}
	if owner < 3 || anonymous != 1 || nested < 4 {
		t.Errorf("demo has %d owner answers, %d anonymous, %d replies", owner, anonymous, nested)
	}
	page := e.do(req{method: "GET", path: "/demo"})
	if page.status != 200 || !strings.Contains(string(page.body), `data-site="demo"`) || !strings.Contains(string(page.body), `src="/embed.js"`) {
		t.Errorf("demo page: %d %s", page.status, page.body)
	}
	// The page advertises its comments' feed to feed readers.
	feedURL := "/api/v1/sites/demo/feed.atom?page=" + demoPageID
	if !strings.Contains(string(page.body), `<link rel="alternate" type="application/atom+xml" title="Comments on this post" href="`+feedURL+`">`) {
		t.Errorf("demo page does not advertise its feed: %s", page.body)
	}
	if f := e.do(req{method: "GET", path: feedURL}); f.status != 200 || !strings.HasPrefix(f.header.Get("Content-Type"), "application/atom+xml") {
		t.Errorf("demo feed: %d %s", f.status, f.header.Get("Content-Type"))
	}
}

func TestOversizedBodyOverRealListener(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.srv.Serve(ln)
	t.Cleanup(func() { e.srv.Shutdown(t.Context()) })
	// Announce a body over the limit and send none of it: the server must
	// answer from the headers alone. (Sending the body races the server
	// closing the connection after its answer.)
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second)) // a server waiting for the body fails the test
	fmt.Fprintf(conn, "POST /api/v1/sites/blog/comments HTTP/1.1\r\nHost: parley.test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", bodyLimit+1)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Error apiError }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusRequestEntityTooLarge || body.Error.Code != "payload_too_large" {
		t.Errorf("oversized body: %d %+v", res.StatusCode, body.Error)
	}
}

func TestPinnedCommentsComeFirst(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 3 {
		ids = append(ids, e.post("", comment("p", fmt.Sprint("c", i))).Comment.ID)
	}
	_, err := e.store.UpdateComment(t.Context(), "blog", ids[1], func(c *storage.Comment) error { c.Pinned = true; return nil })
	if err != nil {
		t.Fatal(err)
	}
	for _, sort := range []string{"oldest", "newest", "top"} {
		th := e.list("", "page=p&sort="+sort)
		if th.Comments[0].ID != ids[1] || !th.Comments[0].Pinned || th.Comments[1].Pinned {
			t.Errorf("sort %s: first is %s (pinned %v), want the pinned %s", sort, th.Comments[0].ID, th.Comments[0].Pinned, ids[1])
		}
	}
}
