package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-dev/parley/storage"
)

func TestInstanceAdminSeesEverySite(t *testing.T) {
	e := newEnv(t, false)
	a := e.do(call{method: "GET", path: "/admin/", user: "root"})
	if !strings.Contains(a.body, "/admin/sites/blog/queue") || !strings.Contains(a.body, "/admin/sites/other/queue") {
		t.Errorf("admin dashboard lacks a site: %s", a.body)
	}
	if a := e.do(call{method: "GET", path: "/admin/sites/other/queue", user: "root"}); a.status != 200 {
		t.Errorf("admin on other's queue: %d", a.status)
	}
	if a := e.do(call{method: "GET", path: "/admin/sites/nope/queue", user: "root"}); a.status != http.StatusNotFound {
		t.Errorf("admin on a missing site: %d", a.status)
	}
	// Others cannot tell a missing site from somebody else's.
	if a := e.do(call{method: "GET", path: "/admin/sites/nope/queue", user: "alice"}); a.status != http.StatusForbidden {
		t.Errorf("alice on a missing site: %d", a.status)
	}
	// A user's dashboard lists only their own sites.
	a = e.do(call{method: "GET", path: "/admin/", user: "alice"})
	if strings.Contains(a.body, "/admin/sites/other") {
		t.Error("alice's dashboard shows bob's site")
	}
}

// A moderator works the queue; their reply carries the moderator badge.
func TestModeratorActions(t *testing.T) {
	e := newEnv(t, false)
	a := e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "mia", form: url.Values{"action": {"approve"}, "id": {e.pending.ID, e.live.ID}}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", a.status, a.body)
	}
	status(t, e, e.pending.ID, storage.StatusApproved)
	a = e.do(call{method: "POST", path: "/admin/sites/blog/comments/" + e.live.ID + "/reply", user: "mia", form: url.Values{"body": {"Noted."}}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", a.status, a.body)
	}
	cs, _ := e.store.PageComments(e.ctx, "blog", "p")
	if last := cs[len(cs)-1]; last.Author.Badge != storage.BadgeModerator || last.Author.Name != "mia" {
		t.Errorf("reply author %+v", last.Author)
	}
	// A comment id of another site cannot be acted on through this one.
	before := e.snapshot()
	a = e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "mia", form: url.Values{"action": {"delete"}, "id": {e.foreign.ID}}})
	if a.status == http.StatusSeeOther || e.snapshot() != before {
		t.Errorf("deleting another site's comment: %d", a.status)
	}
	if a := e.do(call{method: "GET", path: "/admin/sites/blog/comments/" + e.foreign.ID, user: "mia"}); a.status != http.StatusNotFound {
		t.Errorf("another site's comment page: %d", a.status)
	}
	for _, action := range []string{"spam", "restore", "pin", "unpin", "delete"} {
		a = e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "mia", form: url.Values{"action": {action}, "id": {e.live.ID}}})
		if a.status != http.StatusSeeOther {
			t.Errorf("%s: %d", action, a.status)
		}
	}
	status(t, e, e.live.ID, storage.StatusDeleted)
	log, _ := e.store.Audit(e.ctx, "blog", 0)
	var actions []string
	for _, l := range log {
		actions = append(actions, l.Action)
	}
	if got := strings.Join(actions, " "); got != "delete unpin pin restore spam reply approve approve" {
		t.Errorf("audit log: %s", got)
	}
	if log[0].Before != "approved" || log[0].After != "deleted" || log[0].Actor != "mia" || log[0].CommentID != e.live.ID {
		t.Errorf("audit entry: %+v", log[0])
	}
	page := e.do(call{method: "GET", path: "/admin/sites/blog/audit", user: "mia"})
	if !strings.Contains(page.body, "unpin") {
		t.Error("audit page lacks entries")
	}
}

func TestQueue(t *testing.T) {
	e := newEnv(t, false)
	evil := e.comment("blog", storage.StatusPending)
	e.must(func() error {
		_, err := e.store.UpdateComment(e.ctx, "blog", evil.ID, func(c *storage.Comment) error {
			c.Author.Name = `<script>alert(1)</script>`
			c.Markdown = `<img src=x onerror=alert(2)> needle`
			return nil
		})
		return err
	}())
	e.must(e.store.AddFlag(e.ctx, storage.Flag{SiteID: "blog", CommentID: e.live.ID, ReaderHash: "r9", Reason: "abuse", Note: "rude"}))

	a := e.do(call{method: "GET", path: "/admin/sites/blog/queue", user: "alice"})
	if strings.Contains(a.body, "<script>alert") || strings.Contains(a.body, "<img src=x") {
		t.Error("reader text is not escaped")
	}
	if !strings.Contains(a.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("escaped author name missing")
	}
	for _, want := range []string{"Pending <span class=\"count\">(2)</span>", "Flagged <span class=\"count\">(1)</span>", "Published <span class=\"count\">(1)</span>"} {
		if !strings.Contains(a.body, want) {
			t.Errorf("tab counts: missing %q", want)
		}
	}
	if !strings.Contains(a.body, "https://blog.example/p#parley-"+evil.ID) {
		t.Error("no link to the comment in context")
	}
	a = e.do(call{method: "GET", path: "/admin/sites/blog/queue?tab=pending&q=NEEDLE&order=oldest", user: "alice"})
	if !strings.Contains(a.body, evil.ID) || strings.Contains(a.body, e.pending.ID) {
		t.Error("text filter")
	}
	a = e.do(call{method: "GET", path: "/admin/sites/blog/queue?tab=flagged", user: "alice"})
	if !strings.Contains(a.body, "Reported once: abuse") || !strings.Contains(a.body, "rude") || !strings.Contains(a.body, e.live.ID) {
		t.Errorf("flagged tab: %s", a.body)
	}
	e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "alice", form: url.Values{"action": {"dismiss"}, "id": {e.live.ID}}})
	if f, _ := e.store.FlaggedComments(e.ctx, "blog"); len(f) != 0 {
		t.Error("dismiss kept the flags")
	}
	if a := e.do(call{method: "GET", path: "/admin/sites/blog/queue?tab=bogus", user: "alice"}); a.status != http.StatusNotFound {
		t.Errorf("unknown tab: %d", a.status)
	}
}

func TestSiteForms(t *testing.T) {
	e := newEnv(t, false)
	for name, tc := range map[string]struct {
		path string
		form url.Values
	}{
		"bad site id":    {"/admin/sites", url.Values{"id": {"Bad Id!"}}},
		"taken site id":  {"/admin/sites", url.Values{"id": {"other"}}},
		"bad origin":     {"/admin/sites", url.Values{"id": {"fine"}, "origins": {"javascript:alert(1)"}}},
		"bad moderation": {"/admin/sites/blog/settings", url.Values{"moderation": {"maybe"}}},
		"bad number":     {"/admin/sites/blog/settings", url.Values{"moderation": {"all"}, "edit_window": {"-1"}}},
		"wrong confirm":  {"/admin/sites/blog/delete", url.Values{"confirm": {"other"}}},
		"unknown user":   {"/admin/sites/blog/moderators", url.Values{"user": {"ghost"}}},
	} {
		t.Run(name, func(t *testing.T) {
			before := e.snapshot()
			a := e.do(call{method: "POST", path: tc.path, user: "alice", form: tc.form})
			if a.status < 400 || a.status >= 500 {
				t.Errorf("status %d", a.status)
			}
			if e.snapshot() != before {
				t.Error("the store changed")
			}
		})
	}
	a := e.do(call{method: "GET", path: "/admin/sites/blog", user: "alice"})
	if !strings.Contains(a.body, `&lt;script src=&#34;http://parley.test/embed.js&#34; data-site=&#34;blog&#34; async&gt;&lt;/script&gt;`) {
		t.Errorf("no embed snippet: %s", a.body)
	}
}

func TestPageLockAndTitle(t *testing.T) {
	e := newEnv(t, false)
	for _, f := range []url.Values{{"page": {"p"}, "action": {"lock"}}, {"page": {"p"}, "action": {"title"}, "title": {"New title"}}} {
		if a := e.do(call{method: "POST", path: "/admin/sites/blog/pages", user: "mia", form: f}); a.status != http.StatusSeeOther {
			t.Fatalf("%v: %d %s", f, a.status, a.body)
		}
	}
	p, _ := e.store.Page(e.ctx, "blog", "p")
	if !p.Locked || p.Title != "New title" {
		t.Errorf("page %+v", p)
	}
	e.do(call{method: "POST", path: "/admin/sites/blog/pages", user: "mia", form: url.Values{"page": {"p"}, "action": {"unlock"}}})
	if p, _ := e.store.Page(e.ctx, "blog", "p"); p.Locked {
		t.Error("still locked")
	}
	if a := e.do(call{method: "POST", path: "/admin/sites/blog/pages", user: "mia", form: url.Values{"page": {"nope"}, "action": {"lock"}}}); a.status != 422 {
		t.Errorf("missing page: %d", a.status)
	}
}

// The admin page's headers stay on /admin: the widget must stay
// embeddable.
func TestHeadersScopedToAdmin(t *testing.T) {
	e := newEnv(t, false)
	checkHeaders(t, e.do(call{method: "GET", path: "/admin/login"}))
	for _, p := range []string{"/embed.js", "/api/v1/sites/blog/comments?page=p"} {
		a := e.do(call{method: "GET", path: p})
		if a.header.Get("X-Frame-Options") != "" || a.header.Get("Content-Security-Policy") != "" {
			t.Errorf("%s carries admin headers: %v", p, a.header)
		}
	}
	// The page's script and style sheet are served from /admin/assets.
	a := e.do(call{method: "GET", path: "/admin/login"})
	for ext, ctype := range map[string]string{"js": "text/javascript", "css": "text/css"} {
		m := regexp.MustCompile(`/admin/assets/admin\.[0-9a-f]{8}\.` + ext).FindString(a.body)
		if m == "" {
			t.Fatalf("no .%s asset in the page", ext)
		}
		got := e.do(call{method: "GET", path: m})
		if got.status != 200 || !strings.HasPrefix(got.header.Get("Content-Type"), ctype) || len(got.body) == 0 {
			t.Errorf("%s: %d %q", m, got.status, got.header.Get("Content-Type"))
		}
	}
}

func TestSignup(t *testing.T) {
	closed := newEnv(t, false)
	if a := closed.do(call{method: "GET", path: "/admin/signup"}); a.status != http.StatusNotFound {
		t.Errorf("sign-up when off: %d", a.status)
	}
	e := newEnv(t, true)
	res, err := e.srv.App().Test(newReq("GET", "/admin/signup", nil), -1)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("sign-up page: %v %v", res, err)
	}
	token := sessionCookie(res, "parley_login_csrf").Value
	form := url.Values{"user": {"Newbie"}, "password": {"long enough pw"}, "id": {"newblog"}, "name": {"New blog"}, "origins": {"https://new.example"}, "csrf": {token}}
	r := newReq("POST", "/admin/signup", strings.NewReader(form.Encode()))
	r.AddCookie(&http.Cookie{Name: "parley_login_csrf", Value: token})
	res, _ = e.srv.App().Test(r, -1)
	if res.StatusCode != http.StatusSeeOther || sessionCookie(res, cookieName) == nil {
		t.Fatalf("sign-up: %d", res.StatusCode)
	}
	u, err := e.store.User(e.ctx, "newbie")
	if err != nil || u.Role("newblog") != storage.RoleOwner || u.Admin {
		t.Errorf("new user %+v %v", u, err)
	}
	if s, err := e.store.Site(e.ctx, "newblog"); err != nil || s.OwnerID != "newbie" || s.Origins[0] != "https://new.example" {
		t.Errorf("new site %+v %v", s, err)
	}
}

// Scripts may send the CSRF token in a header instead of the form.
func TestCSRFHeader(t *testing.T) {
	e := newEnv(t, false)
	a := e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "alice", noCSRF: true,
		form:   url.Values{"action": {"approve"}, "id": {e.pending.ID}},
		header: map[string]string{"X-CSRF-Token": "csrf-alice", "Sec-Fetch-Site": "same-origin", "Origin": "null"}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("status %d", a.status)
	}
	status(t, e, e.pending.ID, storage.StatusApproved)
}
