package server

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func TestPostReplyAndReadBack(t *testing.T) {
	e := newEnv(t)
	first := e.post("", map[string]any{
		"page": "post-1", "page_url": "https://blog.example/post-1", "page_title": "Post one",
		"author": map[string]any{"name": " Ada ", "email": "ada@example.com", "website": "https://ada.example", "affiliation": "Analyst"},
		"body":   "Hello **world**\nsecond line\n\nnew paragraph",
	})
	if first.ReaderToken == "" {
		t.Fatal("first write issued no reader_token")
	}
	c := first.Comment
	if c.Author.Name != "Ada" || c.Author.Affiliation != "Analyst" || c.Author.Website != "https://ada.example" {
		t.Errorf("author = %+v", c.Author)
	}
	if want := "<p>Hello <strong>world</strong><br/>\nsecond line</p>\n<p>new paragraph</p>"; strings.TrimSpace(c.HTML) != want {
		t.Errorf("html = %q, want %q", c.HTML, want)
	}
	if !c.Mine || c.Status != storage.StatusApproved || !c.EditableUntil.Equal(c.Created.Add(15*time.Minute)) {
		t.Errorf("own fields = mine %v status %q until %v", c.Mine, c.Status, c.EditableUntil)
	}

	reply := e.post(first.ReaderToken, map[string]any{"page": "post-1", "parent": c.ID, "body": "a reply", "author": map[string]any{"name": "Ada"}})
	if reply.ReaderToken != "" {
		t.Error("a reader with a token got a new one")
	}
	second := e.post("", comment("post-1", "another thread"))

	th := e.list("", "page=post-1")
	var ids []string
	for _, cv := range th.Comments {
		ids = append(ids, cv.ID)
		if cv.Mine || cv.Status != "" {
			t.Errorf("anonymous read shows own fields on %s", cv.ID)
		}
	}
	if want := []string{c.ID, reply.Comment.ID, second.Comment.ID}; strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("order = %v, want %v", ids, want)
	}
	if th.Comments[1].Parent != c.ID || th.Total != 3 || th.Page.Count != 3 || th.Page.Title != "Post one" {
		t.Errorf("thread = %+v", th)
	}
	raw := e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?page=post-1"})
	if strings.Contains(string(raw.body), "ada@example.com") || strings.Contains(string(raw.body), "reader_hash") || strings.Contains(string(raw.body), "ip_hash") {
		t.Errorf("public answer leaks private data: %s", raw.body)
	}
	mine := e.list(first.ReaderToken, "page=post-1")
	if !mine.Comments[0].Mine || mine.Comments[2].Mine {
		t.Errorf("mine flags wrong: %+v", mine.Comments)
	}
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.MaxLength = 50 })
	other := e.post("", comment("other-page", "elsewhere")).Comment
	long := func(n int) string { return strings.Repeat("é", n) }
	author := func(k, v string) map[string]any {
		return map[string]any{"page": "p", "body": "hi", "author": map[string]any{k: v}}
	}
	tests := []struct {
		name   string
		rq     req
		status int
		code   string
		field  string
	}{
		{"unknown site", req{path: "/api/v1/sites/nope/comments", body: comment("p", "hi")}, 404, "not_found", ""},
		{"empty body", req{body: comment("p", "  \n ")}, 422, "required", "body"},
		{"body too long", req{body: comment("p", long(51))}, 422, "too_long", "body"},
		{"control char", req{body: comment("p", "a\x07b")}, 422, "invalid", "body"},
		{"name too long", req{body: author("name", long(65))}, 422, "too_long", "author.name"},
		{"bidi override in name", req{body: author("name", "evil\u202Egnp.exe")}, 422, "invalid", "author.name"},
		{"affiliation too long", req{body: author("affiliation", long(121))}, 422, "too_long", "author.affiliation"},
		{"website not http", req{body: author("website", "javascript:alert(1)")}, 422, "invalid", "author.website"},
		{"website too long", req{body: author("website", "https://x.example/"+strings.Repeat("a", 2048))}, 422, "too_long", "author.website"},
		{"bad email", req{body: author("email", "not an email")}, 422, "invalid", "author.email"},
		{"email with name", req{body: author("email", "Ada <ada@example.com>")}, 422, "invalid", "author.email"},
		{"missing page", req{body: map[string]any{"body": "hi"}}, 422, "invalid", "page"},
		{"page url not http", req{body: map[string]any{"page": "p", "body": "hi", "page_url": "ftp://x"}}, 422, "invalid", "page_url"},
		{"parent not uuid", req{body: map[string]any{"page": "p", "body": "hi", "parent": "x"}}, 422, "invalid", "parent"},
		{"parent missing", req{body: map[string]any{"page": "p", "body": "hi", "parent": "01900000-0000-7000-8000-000000000000"}}, 422, "invalid", "parent"},
		{"parent on other page", req{body: map[string]any{"page": "p", "body": "hi", "parent": other.ID}}, 422, "invalid", "parent"},
		{"server-owned field", req{body: map[string]any{"page": "p", "body": "hi", "status": "approved"}}, 400, "unknown_field", "status"},
		{"server-owned score", req{body: map[string]any{"page": "p", "body": "hi", "score": 99}}, 400, "unknown_field", "score"},
		{"wrong type", req{body: map[string]any{"page": "p", "body": 5}}, 400, "invalid_json", "body"},
		{"invalid json", req{raw: []byte(`{"page":`)}, 400, "invalid_json", ""},
		{"invalid utf8", req{raw: []byte("{\"page\":\"p\",\"body\":\"\xff\xfe\"}")}, 400, "invalid_utf8", ""},
		{"form post", req{raw: []byte("page=p&body=hi"), contentType: "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", ""},
		{"text plain", req{raw: []byte(`{"page":"p","body":"hi"}`), contentType: "text/plain"}, 415, "unsupported_media_type", ""},
		{"malformed token", req{body: comment("p", "hi"), token: "abc"}, 401, "unauthorized", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rq := tt.rq
			rq.method = "POST"
			if rq.path == "" {
				rq.path = "/api/v1/sites/blog/comments"
			}
			r := e.do(rq)
			if r.status != tt.status {
				t.Fatalf("status = %d, want %d: %s", r.status, tt.status, r.body)
			}
			ae := r.apiErr(t)
			if ae.Code != tt.code || ae.Field != tt.field || ae.Message == "" {
				t.Errorf("error = %+v, want code %q field %q", ae, tt.code, tt.field)
			}
		})
	}
	// Nothing above may have been written.
	if th := e.list("", "page=p"); len(th.Comments) != 0 {
		t.Errorf("rejected posts were stored: %+v", th.Comments)
	}
}

func TestHostileInputNeverBecomesMarkup(t *testing.T) {
	e := newEnv(t)
	xss := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	a := e.post("", map[string]any{
		"page": "p", "page_title": xss,
		"author": map[string]any{"name": xss[:40], "affiliation": xss},
		"body":   xss + "\n\n[click](javascript:alert(3)) <a href=\"javascript:alert(4)\" onclick=\"x()\">x</a>",
	})
	assertInert(t, a.Comment.HTML)
	// Plain-text fields are kept as typed: they are data, and the widget
	// inserts them as text.
	if a.Comment.Author.Name != xss[:40] {
		t.Errorf("name changed: %q", a.Comment.Author.Name)
	}
	r := e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?page=p"})
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff on API answers")
	}
	if strings.Contains(string(r.body), "<script") {
		t.Errorf("JSON carries a raw <script: %s", r.body)
	}
	var th threadAnswer
	r.decode(t, &th)
	assertInert(t, th.Comments[0].HTML)
}

// assertInert fails if html, parsed as a browser would, holds any element
// or attribute that could run script or load something.
func assertInert(t *testing.T, s string) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"})
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Img, atom.Iframe, atom.Style, atom.Svg, atom.Form, atom.Input, atom.Object, atom.Embed:
				t.Errorf("live <%s> in %s", n.Data, s)
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" || a.Key == "id" || a.Key == "class" ||
					((a.Key == "href" || a.Key == "src") && !strings.HasPrefix(v, "https:") && !strings.HasPrefix(v, "http:") && !strings.HasPrefix(v, "mailto:")) {
					t.Errorf("attribute %s=%q in %s", a.Key, a.Val, s)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func TestEditAndDeleteOwn(t *testing.T) {
	e := newEnv(t)
	mine := e.post("", comment("p", "first version"))
	token := mine.ReaderToken
	other := e.post("", comment("p", "someone else")).ReaderToken
	path := "/api/v1/sites/blog/comments/" + mine.Comment.ID

	r := e.do(req{method: "PATCH", path: path, body: map[string]any{"body": "*second* version"}, token: token, origin: testOrigin})
	if r.status != http.StatusOK {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	var ed writeAnswer
	r.decode(t, &ed)
	if !strings.Contains(ed.Comment.HTML, "<em>second</em>") || ed.Comment.Edited.IsZero() {
		t.Errorf("edited = %+v", ed.Comment)
	}

	for _, tc := range []struct {
		name, token string
		status      int
		code        string
	}{
		{"no token", "", 401, "unauthorized"},
		{"someone else", other, 403, "forbidden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, m := range []string{"PATCH", "DELETE"} {
				r := e.do(req{method: m, path: path, body: map[string]any{"body": "hijack"}, token: tc.token})
				if r.status != tc.status || r.apiErr(t).Code != tc.code {
					t.Errorf("%s: %d %s", m, r.status, r.body)
				}
			}
		})
	}
	if th := e.list("", "page=p"); !strings.Contains(th.Comments[0].HTML, "second") {
		t.Errorf("a refused change was written: %s", th.Comments[0].HTML)
	}

	e.clock.Advance(16 * time.Minute)
	r = e.do(req{method: "PATCH", path: path, body: map[string]any{"body": "late"}, token: token})
	if r.status != 403 || r.apiErr(t).Code != "edit_window_closed" {
		t.Errorf("late edit: %d %s", r.status, r.body)
	}
	r = e.do(req{method: "DELETE", path: path, token: token})
	if r.status != 403 || r.apiErr(t).Code != "edit_window_closed" {
		t.Errorf("late delete: %d %s", r.status, r.body)
	}

	fresh := e.post(token, comment("p", "delete me"))
	r = e.do(req{method: "DELETE", path: "/api/v1/sites/blog/comments/" + fresh.Comment.ID, token: token, origin: testOrigin})
	if r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	th := e.list(token, "page=p")
	for _, c := range th.Comments {
		if c.ID == fresh.Comment.ID {
			t.Error("deleted comment still listed")
		}
	}
	if th.Page.Count != 2 || th.Total != 2 {
		t.Errorf("count %d total %d after delete, want 2", th.Page.Count, th.Total)
	}
}

func TestDeletedParentStaysAsPlaceholder(t *testing.T) {
	e := newEnv(t)
	parent := e.post("", comment("p", "parent"))
	child := e.post("", map[string]any{"page": "p", "parent": parent.Comment.ID, "body": "child", "author": map[string]any{}})
	r := e.do(req{method: "DELETE", path: "/api/v1/sites/blog/comments/" + parent.Comment.ID, token: parent.ReaderToken})
	if r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	th := e.list("", "page=p")
	if len(th.Comments) != 2 || !th.Comments[0].Deleted || th.Comments[0].HTML != "" || th.Comments[0].Author.Name != "" {
		t.Fatalf("placeholder = %+v", th.Comments)
	}
	if th.Comments[1].ID != child.Comment.ID || th.Comments[1].Author.Name != "" || th.Total != 1 {
		t.Errorf("child = %+v total %d", th.Comments[1], th.Total)
	}
}

func TestModerationModes(t *testing.T) {
	t.Run("all", func(t *testing.T) {
		e := newEnv(t, func(s *storage.SiteSettings) { s.Moderation = storage.ModerateAll })
		a := e.post("", comment("p", "held"))
		if a.Comment.Status != storage.StatusPending || !a.Comment.Mine {
			t.Fatalf("status = %q", a.Comment.Status)
		}
		if th := e.list("", "page=p"); len(th.Comments) != 0 || th.Page.Count != 0 {
			t.Errorf("pending comment visible to others: %+v", th)
		}
		th := e.list(a.ReaderToken, "page=p")
		if len(th.Comments) != 1 || th.Comments[0].Status != storage.StatusPending {
			t.Errorf("author cannot see own pending comment: %+v", th.Comments)
		}
		other := e.post("", comment("p", "other"))
		r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", token: other.ReaderToken,
			body: map[string]any{"page": "p", "parent": a.Comment.ID, "body": "reply to hidden"}})
		if r.status != 422 || r.apiErr(t).Field != "parent" {
			t.Errorf("reply to someone else's pending comment: %d %s", r.status, r.body)
		}
	})
	t.Run("first comment", func(t *testing.T) {
		e := newEnv(t, func(s *storage.SiteSettings) { s.Moderation = storage.ModerateFirst })
		a := e.post("", comment("p", "first"))
		if a.Comment.Status != storage.StatusPending {
			t.Fatalf("first comment status = %q", a.Comment.Status)
		}
		if b := e.post(a.ReaderToken, comment("p", "second")); b.Comment.Status != storage.StatusPending {
			t.Errorf("second comment before approval = %q", b.Comment.Status)
		}
		_, err := e.store.UpdateComment(t.Context(), "blog", a.Comment.ID, func(c *storage.Comment) error {
			c.Status = storage.StatusApproved
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if c := e.post(a.ReaderToken, comment("p", "third")); c.Comment.Status != storage.StatusApproved {
			t.Errorf("comment after approval = %q", c.Comment.Status)
		}
	})
}

func TestLockedAndClosedPages(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.CloseAfterDays = 30 })
	a := e.post("", comment("p", "open"))
	p, err := e.store.Page(t.Context(), "blog", "p")
	if err != nil {
		t.Fatal(err)
	}
	p.Locked = true
	if err := e.store.UpdatePage(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", "no")})
	if r.status != 403 || r.apiErr(t).Code != "locked" {
		t.Errorf("post on locked page: %d %s", r.status, r.body)
	}
	if th := e.list("", "page=p"); !th.Page.Locked {
		t.Error("thread does not say the page is locked")
	}
	e.post(a.ReaderToken, comment("q", "open page"))
	e.clock.Advance(31 * 24 * time.Hour)
	r = e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("q", "too late")})
	if r.status != 403 || r.apiErr(t).Code != "locked" {
		t.Errorf("post on closed page: %d %s", r.status, r.body)
	}
}

func TestDataSurvivesRestart(t *testing.T) {
	e := newEnv(t)
	a := e.post("", comment("p", "durable"))
	e.post(a.ReaderToken, map[string]any{"page": "p", "parent": a.Comment.ID, "body": "reply"})
	e.restart()
	th := e.list(a.ReaderToken, "page=p")
	if len(th.Comments) != 2 || th.Comments[0].ID != a.Comment.ID || !th.Comments[0].Mine || th.Comments[1].Parent != a.Comment.ID {
		t.Fatalf("after restart: %+v", th.Comments)
	}
	// The IP key survives too, so IP hashes stay comparable across restarts.
	b := e.post(a.ReaderToken, comment("p", "after restart"))
	ca, _ := e.store.Comment(t.Context(), "blog", a.Comment.ID)
	cb, _ := e.store.Comment(t.Context(), "blog", b.Comment.ID)
	if ca.IPHash == "" || ca.IPHash != cb.IPHash {
		t.Errorf("ip hash changed across restart: %q vs %q", ca.IPHash, cb.IPHash)
	}
	if strings.Contains(ca.IPHash, "0.0.0.0") || strings.Contains(ca.IPHash, ".") {
		t.Errorf("ip hash looks like an address: %q", ca.IPHash)
	}
}
