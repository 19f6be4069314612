package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parley-dev/parley/storage"
)

func TestReaderExportsTheirData(t *testing.T) {
	e := newEnv(t)
	mine := e.post("", map[string]any{"page": "p", "body": "my *first* words",
		"author": map[string]any{"name": "Ada", "email": "ada@example.com"}})
	tok := mine.ReaderToken
	e.post(tok, comment("q", "my second words"))
	other := e.post("", comment("p", "someone else"))
	if r := e.do(req{method: "PUT", path: "/api/v1/sites/blog/comments/" + other.Comment.ID + "/vote", token: tok, body: map[string]any{"value": 1}}); r.status != http.StatusOK {
		t.Fatalf("vote: %d %s", r.status, r.body)
	}

	r := e.do(req{method: "GET", path: "/api/v1/sites/blog/me", token: tok})
	if r.status != http.StatusOK {
		t.Fatalf("export: %d %s", r.status, r.body)
	}
	var got myData
	r.decode(t, &got)
	if len(got.Comments) != 2 || got.Comments[0].Markdown != "my *first* words" || got.Comments[1].PageKey != "q" {
		t.Fatalf("exported comments: %+v", got.Comments)
	}
	if got.Comments[0].Author.Email != "ada@example.com" || strings.Contains(string(r.body), "someone else") {
		t.Errorf("the export holds the reader's own e-mail and nothing of others': %s", r.body)
	}
	if len(got.Votes) != 1 || got.Votes[0].CommentID != other.Comment.ID || got.Votes[0].Value != 1 {
		t.Errorf("exported votes: %+v", got.Votes)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	if r := e.do(req{method: "GET", path: "/api/v1/sites/blog/me"}); r.status != http.StatusUnauthorized {
		t.Errorf("export without a token: %d %s", r.status, r.body)
	}
}

func TestReaderErasesTheirData(t *testing.T) {
	e := newEnv(t)
	mine := e.post("", map[string]any{"page": "p", "body": "erase me",
		"author": map[string]any{"name": "Ada", "email": "ada@example.com", "website": "https://ada.example"}})
	tok := mine.ReaderToken
	reply := e.post("", map[string]any{"page": "p", "parent": mine.Comment.ID, "body": "a reply that stays", "author": map[string]any{"name": "Bo"}})
	if r := e.do(req{method: "PUT", path: "/api/v1/sites/blog/comments/" + reply.Comment.ID + "/vote", token: tok, body: map[string]any{"value": 1}}); r.status != http.StatusOK {
		t.Fatalf("vote: %d %s", r.status, r.body)
	}

	r := e.do(req{method: "DELETE", path: "/api/v1/sites/blog/me", token: tok})
	if r.status != http.StatusOK {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	var n struct{ Comments, Votes int }
	r.decode(t, &n)
	if n.Comments != 1 || n.Votes != 1 {
		t.Errorf("erase answered %+v, want 1 comment and 1 vote", n)
	}
	stored, err := e.store.Comment(t.Context(), "blog", mine.Comment.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status != storage.StatusDeleted || stored.Author != (storage.Author{}) || stored.Markdown != "" ||
		stored.HTML != "" || stored.ReaderHash != "" || stored.IPHash != "" {
		t.Errorf("erased comment keeps data: %+v", stored)
	}
	th := e.list("", "page=p")
	if len(th.Comments) != 2 || !th.Comments[0].Deleted || th.Comments[1].HTML == "" || th.Comments[1].Score != 0 {
		t.Errorf("thread after the erasure: %+v (the reply stays readable, its vote withdrawn)", th.Comments)
	}
	r = e.do(req{method: "GET", path: "/api/v1/sites/blog/me", token: tok})
	var after myData
	r.decode(t, &after)
	if len(after.Comments) != 0 || len(after.Votes) != 0 {
		t.Errorf("the token still reaches data after the erasure: %+v", after)
	}
}

func TestReaderDataIsRateLimited(t *testing.T) {
	quiet := func(s *storage.SiteSettings) { s.MinSubmitTime = 0 }
	e := newGuardedEnv(t, nil, quiet)
	tok := e.post("", comment("p", "hello")).ReaderToken
	var last resp
	for range 11 {
		last = e.do(req{method: "GET", path: "/api/v1/sites/blog/me", token: tok})
	}
	if last.status != http.StatusTooManyRequests || last.apiErr(t).Code != "rate_limited" {
		t.Errorf("the 11th export in a period: %d %s", last.status, last.body)
	}
}
