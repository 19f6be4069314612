package admin_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// route is one admin route with a request that succeeds for its owner.
type route struct {
	method string
	path   func(e *env) string
	form   func(e *env) url.Values
	owner  bool // owner-only: a moderator gets 403
	site   bool // tenant-scoped: another site's owner gets 403
	want   int  // status for alice, the owner of blog
	check  func(t *testing.T, e *env)
}

func fixed(p string) func(*env) string { return func(*env) string { return p } }

func vals(kv ...string) func(*env) url.Values {
	return func(*env) url.Values {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
}

func commentForm(action string) func(*env) url.Values {
	return func(e *env) url.Values { return url.Values{"action": {action}, "id": {e.pending.ID}} }
}

func status(t *testing.T, e *env, id string, want storage.Status) {
	t.Helper()
	c, err := e.store.Comment(e.ctx, "blog", id)
	if err != nil || c.Status != want {
		t.Errorf("comment status = %q (%v), want %q", c.Status, err, want)
	}
}

var routes = map[string]route{
	"dashboard": {method: "GET", path: fixed("/admin/"), want: 200},
	"create site": {method: "POST", path: fixed("/admin/sites"), form: vals("id", "newsite", "name", "New", "origins", "https://new.example"), want: 303,
		check: func(t *testing.T, e *env) {
			u, _ := e.store.User(e.ctx, "alice")
			if u.Role("newsite") != storage.RoleOwner {
				t.Errorf("alice's roles: %v", u.Roles)
			}
		}},
	"logout": {method: "POST", path: fixed("/admin/logout"), want: 303,
		check: func(t *testing.T, e *env) {
			if _, err := e.store.Session(e.ctx, sha("tok-alice"), e.clock.Now()); err == nil {
				t.Error("session survived sign-out")
			}
		}},
	"settings page": {method: "GET", path: fixed("/admin/sites/blog"), owner: true, site: true, want: 200},
	"save settings": {method: "POST", path: fixed("/admin/sites/blog/settings"), owner: true, site: true, want: 303,
		form: vals("name", "Renamed", "origins", "https://blog.example\nhttp://localhost:*", "moderation", "all",
			"edit_window", "10", "max_length", "2000", "close_after_days", "0", "allow_links", "on",
			"blocked_words", "viagra", "suspect_words", "casino\r\n free money \n", "max_links", "", "min_submit_time", "5",
			"duplicate_window", "12", "rate_posts", "4", "rate_votes", "", "check_url", "https://spam.example/check"),
		check: func(t *testing.T, e *env) {
			s, _ := e.store.Site(e.ctx, "blog")
			set := s.Settings
			if s.Name != "Renamed" || set.Moderation != storage.ModerateAll || len(s.Origins) != 2 || set.MaxLength != 2000 {
				t.Errorf("site after save: %+v", s)
			}
			if !slices.Equal(set.BlockedWords, []string{"viagra"}) || !slices.Equal(set.SuspectWords, []string{"casino", "free money"}) ||
				set.MaxLinks != -1 || set.MinSubmitTime != 5*time.Second || set.DuplicateWindow != 12*time.Hour ||
				set.RateLimits != (storage.RateLimits{Posts: 4}) || set.CheckURL != "https://spam.example/check" {
				t.Errorf("moderation settings after save: %+v", set)
			}
			if !strings.HasPrefix(s.SigningSecret, "psec_") {
				t.Errorf("a spam check URL without a signing secret: %q", s.SigningSecret)
			}
		}},
	"delete page": {method: "GET", path: fixed("/admin/sites/blog/delete"), owner: true, site: true, want: 200},
	"delete site": {method: "POST", path: fixed("/admin/sites/blog/delete"), form: vals("confirm", "blog"), owner: true, site: true, want: 303,
		check: func(t *testing.T, e *env) {
			if _, err := e.store.Site(e.ctx, "blog"); err == nil {
				t.Error("site not deleted")
			}
		}},
	"add moderator": {method: "POST", path: fixed("/admin/sites/blog/moderators"), form: vals("user", "zed"), owner: true, site: true, want: 303,
		check: func(t *testing.T, e *env) {
			if u, _ := e.store.User(e.ctx, "zed"); u.Role("blog") != storage.RoleModerator {
				t.Errorf("zed's roles: %v", u.Roles)
			}
		}},
	"remove moderator": {method: "POST", path: fixed("/admin/sites/blog/moderators/remove"), form: vals("user", "mia"), owner: true, site: true, want: 303,
		check: func(t *testing.T, e *env) {
			if u, _ := e.store.User(e.ctx, "mia"); u.Role("blog") != "" {
				t.Errorf("mia's roles: %v", u.Roles)
			}
		}},
	"queue":        {method: "GET", path: fixed("/admin/sites/blog/queue?tab=pending"), site: true, want: 200},
	"awaiting tab": {method: "GET", path: fixed("/admin/sites/blog/queue?tab=awaiting"), site: true, want: 200},
	"no reply needed": {method: "POST", path: fixed("/admin/sites/blog/comments"), site: true, want: 303,
		form: func(e *env) url.Values { return url.Values{"action": {"noreply"}, "id": {e.live.ID}} },
		check: func(t *testing.T, e *env) {
			if c, _ := e.store.Comment(e.ctx, "blog", e.live.ID); !c.Answered {
				t.Error("the comment still awaits a reply")
			}
		}},
	"approve": {method: "POST", path: fixed("/admin/sites/blog/comments"), form: commentForm("approve"), site: true, want: 303,
		check: func(t *testing.T, e *env) { status(t, e, e.pending.ID, storage.StatusApproved) }},
	"comment page": {method: "GET", path: func(e *env) string { return "/admin/sites/blog/comments/" + e.live.ID }, site: true, want: 200},
	"edit": {method: "POST", path: func(e *env) string { return "/admin/sites/blog/comments/" + e.live.ID + "/edit" }, form: vals("body", "moderated *text*"), site: true, want: 303,
		check: func(t *testing.T, e *env) {
			c, _ := e.store.Comment(e.ctx, "blog", e.live.ID)
			if c.Markdown != "moderated *text*" || strings.TrimSpace(c.HTML) != "<p>moderated <em>text</em></p>" || c.Edited.IsZero() {
				t.Errorf("edited comment: %+v", c)
			}
			a, _ := e.store.Audit(e.ctx, "blog", 1)
			if len(a) != 1 || a[0].Action != "edit" || a[0].Before != e.live.Markdown || a[0].After != c.Markdown || a[0].Actor != "alice" {
				t.Errorf("audit: %+v", a)
			}
			page := e.do(call{method: "GET", path: "/admin/sites/blog/comments/" + e.live.ID, user: "alice"})
			if !strings.Contains(page.body, `<td class="text" data-label="Before">`+e.live.Markdown+`</td>`) {
				t.Error("the comment page does not show the text before the edit")
			}
		}},
	"reply": {method: "POST", path: func(e *env) string { return "/admin/sites/blog/comments/" + e.live.ID + "/reply" }, form: vals("body", "Thanks!"), site: true, want: 303,
		check: func(t *testing.T, e *env) {
			cs, _ := e.store.PageComments(e.ctx, "blog", "p")
			last := cs[len(cs)-1]
			if last.ParentID != e.live.ID || last.Author.Badge != storage.BadgeOwner || last.Status != storage.StatusApproved || strings.TrimSpace(last.HTML) != "<p>Thanks!</p>" {
				t.Errorf("reply: %+v", last)
			}
			if c, _ := e.store.Comment(e.ctx, "blog", e.live.ID); !c.Answered {
				t.Error("the replied-to comment still awaits a reply")
			}
		}},
	"ban author": {method: "POST", path: func(e *env) string { return "/admin/sites/blog/comments/" + e.live.ID + "/ban" }, form: vals("kind", "reader", "days", "0", "note", "troll", "remove", "on"), site: true, want: 303,
		check: func(t *testing.T, e *env) {
			if _, err := e.store.MatchBan(e.ctx, "blog", e.clock.Now(), storage.BanKey{Kind: storage.BanReader, Value: readerHash}); err != nil {
				t.Errorf("no ban: %v", err)
			}
			status(t, e, e.live.ID, storage.StatusDeleted)
			status(t, e, e.pending.ID, storage.StatusDeleted)
		}},
	"pages": {method: "GET", path: fixed("/admin/sites/blog/pages"), site: true, want: 200},
	"lock page": {method: "POST", path: fixed("/admin/sites/blog/pages"), form: vals("page", "p", "action", "lock"), site: true, want: 303,
		check: func(t *testing.T, e *env) {
			if p, _ := e.store.Page(e.ctx, "blog", "p"); !p.Locked {
				t.Error("page not locked")
			}
		}},
	"bans": {method: "GET", path: fixed("/admin/sites/blog/bans"), site: true, want: 200},
	"add ban": {method: "POST", path: fixed("/admin/sites/blog/bans"), form: vals("kind", "email", "value", "Troll@Example.com", "days", "7"), site: true, want: 303,
		check: func(t *testing.T, e *env) {
			if _, err := e.store.MatchBan(e.ctx, "blog", e.clock.Now(), storage.BanKey{Kind: storage.BanEmail, Value: "troll@example.com"}); err != nil {
				t.Errorf("no ban: %v", err)
			}
		}},
	"lift ban": {method: "POST", path: fixed("/admin/sites/blog/bans/lift"), form: vals("kind", "ip", "value", "ip-1"), site: true, want: 303,
		check: func(t *testing.T, e *env) {
			if bans, _ := e.store.Bans(e.ctx, "blog", e.clock.Now()); len(bans) != 0 {
				t.Errorf("bans left: %v", bans)
			}
		}},
	"audit":     {method: "GET", path: fixed("/admin/sites/blog/audit"), site: true, want: 200},
	"data page": {method: "GET", path: fixed("/admin/sites/blog/data"), site: true, owner: true, want: 200},
	"export": {method: "POST", path: fixed("/admin/sites/blog/export"), site: true, owner: true, want: 200,
		check: func(t *testing.T, e *env) {
			if log, _ := e.store.Audit(e.ctx, "blog", 1); len(log) != 1 || log[0].Action != "export" {
				t.Errorf("the export is not in the audit log: %+v", log)
			}
		}},
	// A form that is not an upload: refused, after the tenancy checks.
	"import": {method: "POST", path: fixed("/admin/sites/blog/import"), form: vals("format", "disqus"), site: true, owner: true, want: 422},
}

// TestRoutes tries every admin route without a session, without a CSRF
// token, from another origin, as the owner of another site, as a mere
// moderator where an owner is needed, and finally as the site's owner.
// Every refused request must leave the store exactly as it was.
func TestRoutes(t *testing.T) {
	for name, r := range routes {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, false)
			// A ban for "lift ban" to lift.
			e.must(e.store.PutBan(e.ctx, storage.Ban{SiteID: "blog", Kind: storage.BanIP, Value: "ip-1", Created: e.clock.Now()}))
			var form url.Values
			if r.form != nil {
				form = r.form(e)
			}
			path := r.path(e)
			refuse := func(what string, c call, want int) {
				t.Helper()
				before := e.snapshot()
				a := e.do(c)
				if a.status != want {
					t.Errorf("%s: status %d, want %d; body %.300s", what, a.status, want, a.body)
				}
				if after := e.snapshot(); after != before {
					t.Errorf("%s: the store changed", what)
				}
			}
			if r.method == "GET" {
				a := e.do(call{method: "GET", path: path})
				if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/admin/login?next=") {
					t.Errorf("no session: %d to %q, want 303 to the sign-in page", a.status, a.header.Get("Location"))
				}
			} else {
				refuse("no session", call{method: "POST", path: path, form: form}, http.StatusUnauthorized)
				refuse("no CSRF token", call{method: "POST", path: path, form: form, user: "alice", noCSRF: true}, http.StatusForbidden)
				refuse("wrong CSRF token", call{method: "POST", path: path, form: url.Values{"csrf": {"csrf-bob"}}, user: "alice", noCSRF: true}, http.StatusForbidden)
				refuse("cross-site", call{method: "POST", path: path, form: form, user: "alice", header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}}, http.StatusForbidden)
				refuse("foreign origin", call{method: "POST", path: path, form: form, user: "alice", header: map[string]string{"Origin": "https://evil.example"}}, http.StatusForbidden)
			}
			if r.site {
				refuse("another tenant", call{method: r.method, path: path, form: form, user: "bob"}, http.StatusForbidden)
				refuse("no role at all", call{method: r.method, path: path, form: form, user: "zed"}, http.StatusForbidden)
			}
			if r.owner {
				refuse("moderator on an owner route", call{method: r.method, path: path, form: form, user: "mia"}, http.StatusForbidden)
			}
			a := e.do(call{method: r.method, path: path, form: form, user: "alice",
				header: map[string]string{"Origin": baseURL, "Sec-Fetch-Site": "same-origin"}})
			if a.status != r.want {
				t.Fatalf("owner: status %d, want %d; body %.500s", a.status, r.want, a.body)
			}
			checkHeaders(t, a)
			if r.check != nil {
				r.check(t, e)
			}
		})
	}
}

// checkHeaders asserts the admin page's security headers.
func checkHeaders(t *testing.T, a answer) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
	}
	for k, v := range want {
		if got := a.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}
