package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func TestBannedReaderCannotPostOrVote(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	troll := e.post("", comment("p", "first")).ReaderToken
	other := e.post("", comment("p", "someone else's"))
	ban := storage.Ban{SiteID: "blog", Kind: storage.BanReader, Value: hashToken(troll), Created: e.clock.Now(), Expires: e.clock.Now().Add(time.Hour)}
	if err := e.store.PutBan(ctx, ban); err != nil {
		t.Fatal(err)
	}
	r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", "again"), token: troll, origin: testOrigin})
	if r.status != http.StatusForbidden || r.apiErr(t).Code != "banned" {
		t.Errorf("banned post: %d %s", r.status, r.body)
	}
	r = e.do(req{method: "PUT", path: "/api/v1/sites/blog/comments/" + other.Comment.ID + "/vote", body: map[string]any{"value": 1}, token: troll, origin: testOrigin})
	if r.status != http.StatusForbidden || r.apiErr(t).Code != "banned" {
		t.Errorf("banned vote: %d %s", r.status, r.body)
	}
	// The ban expires.
	e.clock.Advance(2 * time.Hour)
	e.post(troll, comment("p", "reformed"))
}

func TestBanByEmailAndIP(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	if err := e.store.PutBan(ctx, storage.Ban{SiteID: "blog", Kind: storage.BanEmail, Value: "troll@example.com"}); err != nil {
		t.Fatal(err)
	}
	in := comment("p", "hi")
	in["author"] = map[string]any{"name": "T", "email": "TROLL@example.com"}
	r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: in, origin: testOrigin})
	if r.status != http.StatusForbidden || r.apiErr(t).Code != "banned" {
		t.Errorf("e-mail ban: %d %s", r.status, r.body)
	}
	// Every test request comes from the same address, so an IP ban stops
	// everyone here, and only on this site.
	c := e.post("", comment("p", "before the ban"))
	cm, _ := e.store.Comment(ctx, "blog", c.Comment.ID)
	if err := e.store.PutBan(ctx, storage.Ban{SiteID: "blog", Kind: storage.BanIP, Value: cm.IPHash}); err != nil {
		t.Fatal(err)
	}
	r = e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", "x"), origin: testOrigin})
	if r.status != http.StatusForbidden || r.apiErr(t).Code != "banned" {
		t.Errorf("IP ban: %d %s", r.status, r.body)
	}
}
