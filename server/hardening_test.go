package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// The findings of the hardening issue, each reproduced as an attacker or a
// spammer would go about it, through the HTTP API over a real store.

// guarded is an env with the server's default defences and the site's
// default settings, except the form check (the API tests send no form
// token; TestFormToken does).
func guarded(t *testing.T, settings ...func(*storage.SiteSettings)) *env {
	noForm := func(s *storage.SiteSettings) { s.MinSubmitTime = 0 }
	return newGuardedEnv(t, nil, append([]func(*storage.SiteSettings){noForm}, settings...)...)
}

func TestPostFloodIsThrottled(t *testing.T) {
	e := guarded(t)
	statuses := map[int]int{}
	var retry string
	for i := range 300 {
		r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", fmt.Sprint("flood ", i)), origin: testOrigin})
		statuses[r.status]++
		if r.status == http.StatusTooManyRequests {
			retry = r.header.Get("Retry-After")
			if r.apiErr(t).Code != "rate_limited" {
				t.Fatalf("429 without rate_limited: %s", r.body)
			}
		}
	}
	if statuses[201] != 10 || statuses[429] != 290 || retry == "" {
		t.Errorf("300 posts from one address: %v, Retry-After %q; want 10 accepted", statuses, retry)
	}
	// Another address posts on; ten minutes later the first does too.
	if r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", "hi"), from: "198.51.100.9"}); r.status != 201 {
		t.Errorf("another address: %d %s", r.status, r.body)
	}
	e.clock.Advance(storage.RatePeriod)
	e.post("", comment("p", "later"))
}

func TestForwardedForIsBelievedOnlyFromProxies(t *testing.T) {
	// No trusted proxy: a client's own X-Forwarded-For changes nothing.
	e := newGuardedEnv(t, func(c *Config) { c.TrustedProxies = nil }, func(s *storage.SiteSettings) { s.MinSubmitTime = 0 })
	accepted := 0
	for i := range 30 {
		r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", fmt.Sprint("spoof ", i)), from: fmt.Sprintf("203.0.113.%d", i)})
		if r.status == 201 {
			accepted++
		}
	}
	if accepted != 10 {
		t.Errorf("rotating X-Forwarded-For without a trusted proxy: %d accepted, want 10", accepted)
	}

	// Behind a trusted proxy that appends (nginx, Caddy), an IP-banned
	// reader's own header is on the left and ignored.
	e = newEnv(t)
	banned := e.post("", comment("p", "before the ban"))
	c, err := e.store.Comment(context.Background(), "blog", banned.Comment.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.PutBan(context.Background(), storage.Ban{SiteID: "blog", Kind: storage.BanIP, Value: c.IPHash}); err != nil {
		t.Fatal(err)
	}
	r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", "again"), from: "1.2.3.4, 192.0.2.1"})
	if r.status != http.StatusForbidden || r.apiErr(t).Code != "banned" {
		t.Errorf("banned reader with their own X-Forwarded-For: %d %s", r.status, r.body)
	}
}

func TestVoteAndFlagStuffingCountOnce(t *testing.T) {
	e := newEnv(t)
	c := e.post("", comment("p", "vote on me")).Comment
	path := "/api/v1/sites/blog/comments/" + c.ID
	statuses := map[int]int{}
	for range 300 {
		r := e.do(req{method: "PUT", path: path + "/vote", body: map[string]any{"value": 1}, from: "198.51.100.50"})
		statuses[r.status]++
	}
	stored, _ := e.store.Comment(context.Background(), "blog", c.ID)
	if stored.Score != 1 || statuses[200] != 1 || statuses[409] != 299 {
		t.Errorf("300 tokenless votes from one address: score %d, statuses %v; want score 1", stored.Score, statuses)
	}
	// A fresh token from the author's own address is still the author.
	if r := e.do(req{method: "PUT", path: path + "/vote", body: map[string]any{"value": 1}}); r.status != http.StatusForbidden {
		t.Errorf("the author's address voting with a fresh token: %d %s", r.status, r.body)
	}
	statuses = map[int]int{}
	for range 100 {
		r := e.do(req{method: "POST", path: path + "/flag", body: map[string]any{"reason": "spam"}, from: "198.51.100.51"})
		statuses[r.status]++
	}
	flagged, _ := e.store.FlaggedComments(context.Background(), "blog")
	if len(flagged) != 1 || len(flagged[0].Flags) != 1 || statuses[202] != 1 {
		t.Errorf("100 tokenless flags from one address: %d flags, statuses %v; want 1", len(flagged[0].Flags), statuses)
	}
}

func TestEditsPassModeration(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) {
		s.BlockedWords, s.SuspectWords = []string{"casino"}, []string{"crypto"}
	})
	ctx := context.Background()
	a := e.post("", comment("p", "A harmless comment"))
	path := "/api/v1/sites/blog/comments/" + a.Comment.ID
	edit := func(body string, confirm bool) resp {
		return e.do(req{method: "PATCH", path: path, body: map[string]any{"body": body, "confirm_hold": confirm}, token: a.ReaderToken})
	}
	if r := edit("Now with a casino link", false); r.status != 422 || r.apiErr(t).Code != "blocked_word" {
		t.Errorf("edit into a blocked word: %d %s", r.status, r.body)
	}
	r := edit("All about crypto", false)
	if r.status != http.StatusConflict || r.apiErr(t).Code != "would_hold" || len(r.apiErr(t).Reasons) != 1 {
		t.Errorf("edit into a suspect word: %d %s", r.status, r.body)
	}
	if r := edit("All about crypto", true); r.status != 200 {
		t.Fatalf("edit sent anyway: %d %s", r.status, r.body)
	}
	c, _ := e.store.Comment(ctx, "blog", a.Comment.ID)
	if c.Status != storage.StatusPending || len(c.HoldReasons) != 1 || !strings.HasPrefix(c.HoldReasons[0], "suspect_word") {
		t.Errorf("after a held edit: %s %v", c.Status, c.HoldReasons)
	}
	if th := e.list("", "page=p"); th.Total != 0 {
		t.Errorf("the held edit is still published: %+v", th.Comments)
	}

	// On a site that holds every comment, any edit goes back to the queue.
	b := e.post("", comment("p", "Approved before the switch"))
	site, _ := e.store.Site(ctx, "blog")
	site.Settings.Moderation = storage.ModerateAll
	if err := e.store.UpdateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	if r := e.do(req{method: "PATCH", path: "/api/v1/sites/blog/comments/" + b.Comment.ID, body: map[string]any{"body": "spam now"}, token: b.ReaderToken}); r.status != 200 {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	if c, _ := e.store.Comment(ctx, "blog", b.Comment.ID); c.Status != storage.StatusPending {
		t.Errorf("an edit on a moderated site stays %s", c.Status)
	}

	// Readers' edits and deletions are in the audit log.
	if r := e.do(req{method: "DELETE", path: "/api/v1/sites/blog/comments/" + b.Comment.ID, token: b.ReaderToken}); r.status != 204 {
		t.Fatalf("delete: %d", r.status)
	}
	log, _ := e.store.Audit(ctx, "blog", 0)
	var actions []string
	for _, en := range log {
		if !strings.HasPrefix(en.Actor, "reader ") {
			t.Errorf("audit actor %q", en.Actor)
		}
		actions = append(actions, en.Action)
	}
	if strings.Join(actions, ",") != "reader-delete,reader-edit,reader-edit" {
		t.Errorf("audit log: %v", actions)
	}
}

func TestBannedOrLockedEditsAreRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.post("", comment("p", "mine"))
	path := "/api/v1/sites/blog/comments/" + a.Comment.ID
	if err := e.store.PutBan(ctx, storage.Ban{SiteID: "blog", Kind: storage.BanReader, Value: hashToken(a.ReaderToken)}); err != nil {
		t.Fatal(err)
	}
	for _, rq := range []req{
		{method: "PATCH", path: path, body: map[string]any{"body": "edited"}, token: a.ReaderToken},
		{method: "POST", path: path + "/flag", body: map[string]any{"reason": "spam"}, token: a.ReaderToken},
	} {
		if r := e.do(rq); r.status != http.StatusForbidden || r.apiErr(t).Code != "banned" {
			t.Errorf("%s by a banned reader: %d %s", rq.method, r.status, r.body)
		}
	}
	if err := e.store.DeleteBan(ctx, "blog", storage.BanKey{Kind: storage.BanReader, Value: hashToken(a.ReaderToken)}); err != nil {
		t.Fatal(err)
	}
	p, _ := e.store.Page(ctx, "blog", "p")
	p.Locked = true
	if err := e.store.UpdatePage(ctx, p); err != nil {
		t.Fatal(err)
	}
	if r := e.do(req{method: "PATCH", path: path, body: map[string]any{"body": "edited"}, token: a.ReaderToken}); r.status != http.StatusForbidden || r.apiErr(t).Code != "locked" {
		t.Errorf("edit on a locked page: %d %s", r.status, r.body)
	}
	if c, _ := e.store.Comment(ctx, "blog", a.Comment.ID); c.Markdown != "mine" {
		t.Errorf("a refused edit was stored: %q", c.Markdown)
	}
}

func TestFormToken(t *testing.T) {
	e := newGuardedEnv(t, func(c *Config) { c.RatesOff = true })
	r := e.do(req{method: "GET", path: "/api/v1/sites/blog/form", origin: testOrigin})
	var f struct {
		FormToken string `json:"form_token"`
	}
	r.decode(t, &f)
	if r.status != 200 || f.FormToken == "" || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("form token: %d %s", r.status, r.body)
	}
	in := comment("p", "written by a person")
	in["form_token"] = f.FormToken
	if a := e.post("", in); a.Comment.Status != storage.StatusPending {
		t.Errorf("sent at once: %s, want held as too fast", a.Comment.Status)
	}
	e.clock.Advance(30 * time.Second)
	in["body"] = "written by a person, slowly"
	if a := e.post("", in); a.Comment.Status != storage.StatusApproved {
		t.Errorf("sent after 30 s: %s", a.Comment.Status)
	}
	in["body"], in["honeypot"] = "written by a robot", "555-0100"
	a := e.post("", in)
	c, _ := e.store.Comment(context.Background(), "blog", a.Comment.ID)
	if c.Status != storage.StatusPending || len(c.HoldReasons) != 1 || !strings.HasPrefix(c.HoldReasons[0], "honeypot") {
		t.Errorf("honeypot filled in: %s %v", c.Status, c.HoldReasons)
	}
	delete(in, "form_token")
	delete(in, "honeypot")
	in["body"] = "sent by a script"
	if a := e.post("", in); a.Comment.Status != storage.StatusPending {
		t.Errorf("without a form token: %s", a.Comment.Status)
	}
}
