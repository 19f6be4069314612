package admin_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/server/sso"
	"github.com/parley-dev/parley/storage"
)

var testSSOKey = []byte("the test instance's sso key, 32 bytes or so")

// withAdmin makes e.do answer from an admin handler over e's store with
// the given SSO key, so the tests know the key the secrets derive from.
func (e *env) withAdmin(key []byte) *env {
	e.t.Helper()
	h, err := admin.New(admin.Config{Store: e.store, BaseURL: baseURL, Now: e.clock.Now, RatesOff: true, SSOKey: key})
	e.must(err)
	app := fiber.New()
	h.Mount(app)
	e.app = app
	return e
}

func (e *env) site(id string) storage.Site {
	e.t.Helper()
	s, err := e.store.Site(e.ctx, id)
	e.must(err)
	return s
}

func rotate(e *env, user string) answer {
	return e.do(call{method: "POST", path: "/admin/sites/blog/sso", user: user})
}

const secretWarning = "Copy it now: Parley will not show it again. Rotating makes a new secret and the old one stops working at once."

func TestSSORotateShowsTheSecretOnce(t *testing.T) {
	e := newEnv(t, false).withAdmin(testSSOKey)
	if a := e.do(call{method: "GET", path: "/admin/sites/blog", user: "alice"}); a.status != 200 ||
		!strings.Contains(a.body, "Turn on and create secret") || !strings.Contains(a.body, "<strong>Off</strong>") {
		t.Fatalf("settings page before: %d %.2000s", a.status, a.body)
	}

	a := rotate(e, "alice")
	v1 := sso.Secret(testSSOKey, "blog", 1)
	if a.status != 200 || !strings.Contains(a.body, v1) || !strings.Contains(a.body, secretWarning) {
		t.Fatalf("turn on: %d %.3000s", a.status, a.body)
	}
	if !strings.Contains(a.body, `data-copy="#sso-secret"`) || !strings.Contains(a.body, `id="sso-secret"`) {
		t.Error("the secret has no copy button")
	}
	checkHeaders(t, a)
	if s := e.site("blog"); !s.Settings.SSO || s.Settings.SSOKeyVersion != 1 {
		t.Fatalf("after turning on: %+v", s.Settings)
	}

	a = rotate(e, "alice")
	v2 := sso.Secret(testSSOKey, "blog", 2)
	if v1 == v2 {
		t.Fatal("versions 1 and 2 have the same secret")
	}
	if a.status != 200 || !strings.Contains(a.body, v2) || strings.Contains(a.body, v1) {
		t.Fatalf("rotate: %d %.3000s", a.status, a.body)
	}
	if s := e.site("blog"); !s.Settings.SSO || s.Settings.SSOKeyVersion != 2 {
		t.Fatalf("after rotating: %+v", s.Settings)
	}

	page := e.do(call{method: "GET", path: "/admin/sites/blog", user: "alice"})
	if page.status != 200 {
		t.Fatalf("settings page: %d", page.status)
	}
	for _, s := range []string{v1, v2} {
		if strings.Contains(page.body, s) {
			t.Errorf("the settings page shows a secret")
		}
	}
	if !strings.Contains(page.body, "<strong>On</strong> (secret version 2, created ") || !strings.Contains(page.body, "Rotate secret") {
		t.Errorf("settings page status: %.4000s", page.body)
	}

	// Audited, and never with the secret: moderators read the log.
	log, err := e.store.Audit(e.ctx, "blog", 0)
	e.must(err)
	if len(log) != 2 || log[0].Action != "sso-secret" || log[0].After != "version 2" || log[0].Actor != "alice" ||
		log[1].After != "version 1" {
		t.Errorf("audit log: %+v", log)
	}
	auditPage := e.do(call{method: "GET", path: "/admin/sites/blog/audit", user: "mia"})
	if auditPage.status != 200 || strings.Contains(auditPage.body, v1) || strings.Contains(auditPage.body, v2) {
		t.Errorf("audit page for a moderator: %d, or it shows a secret", auditPage.status)
	}
	// Another site's secret differs.
	if sso.Secret(testSSOKey, "other", 1) == v1 {
		t.Error("sites share a secret")
	}
}

// TestSSORefusals: without a session, without or with a wrong CSRF token,
// from another site, as another site's owner, as a user without a role
// and as the site's moderator, neither SSO action changes anything or
// shows a secret; nor does a GET.
func TestSSORefusals(t *testing.T) {
	for _, path := range []string{"/admin/sites/blog/sso", "/admin/sites/blog/sso/off"} {
		t.Run(path, func(t *testing.T) {
			e := newEnv(t, false).withAdmin(testSSOKey)
			if strings.HasSuffix(path, "/off") {
				if a := rotate(e, "alice"); a.status != 200 {
					t.Fatalf("turn on: %d", a.status)
				}
			}
			secrets := []string{sso.Secret(testSSOKey, "blog", 1), sso.Secret(testSSOKey, "blog", 2)}
			refuse := func(what string, c call, want int) {
				t.Helper()
				before := e.snapshot()
				a := e.do(c)
				if a.status != want {
					t.Errorf("%s: status %d, want %d; body %.300s", what, a.status, want, a.body)
				}
				if e.snapshot() != before {
					t.Errorf("%s: the store changed", what)
				}
				for _, s := range secrets {
					if strings.Contains(a.body, s) {
						t.Errorf("%s: the answer shows a secret", what)
					}
				}
			}
			refuse("no session", call{method: "POST", path: path}, http.StatusUnauthorized)
			refuse("no CSRF token", call{method: "POST", path: path, user: "alice", noCSRF: true}, http.StatusForbidden)
			refuse("wrong CSRF token", call{method: "POST", path: path, form: url.Values{"csrf": {"csrf-bob"}}, user: "alice", noCSRF: true}, http.StatusForbidden)
			refuse("cross-site", call{method: "POST", path: path, user: "alice", header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}}, http.StatusForbidden)
			refuse("another site's owner", call{method: "POST", path: path, user: "bob"}, http.StatusForbidden)
			refuse("no role at all", call{method: "POST", path: path, user: "zed"}, http.StatusForbidden)
			refuse("moderator", call{method: "POST", path: path, user: "mia"}, http.StatusForbidden)
			// A GET changes nothing (there is no such page).
			before := e.snapshot()
			if a := e.do(call{method: "GET", path: path, user: "alice"}); a.status < 400 {
				t.Errorf("GET %s: %d", path, a.status)
			}
			if e.snapshot() != before {
				t.Error("a GET changed the store")
			}
		})
	}
}

func TestSSOModeratorSeesNoSecret(t *testing.T) {
	e := newEnv(t, false).withAdmin(testSSOKey)
	if a := rotate(e, "alice"); a.status != 200 {
		t.Fatalf("turn on: %d", a.status)
	}
	secret := sso.Secret(testSSOKey, "blog", 1)
	for _, p := range []string{"/admin/sites/blog", "/admin/sites/blog/queue", "/admin/sites/blog/audit", "/admin/"} {
		a := e.do(call{method: "GET", path: p, user: "mia"})
		if p == "/admin/sites/blog" && a.status != http.StatusForbidden {
			t.Errorf("settings page for a moderator: %d, want 403", a.status)
		}
		if strings.Contains(a.body, secret) {
			t.Errorf("%s shows the secret to a moderator", p)
		}
	}
	// Nor does another tenant's owner rotate it.
	if a := rotate(e, "bob"); a.status != http.StatusForbidden {
		t.Errorf("bob rotates blog's secret: %d", a.status)
	}
	if s := e.site("blog"); s.Settings.SSOKeyVersion != 1 {
		t.Errorf("version after refusals: %d", s.Settings.SSOKeyVersion)
	}
}

func TestSSOTurnOff(t *testing.T) {
	e := newEnv(t, false).withAdmin(testSSOKey)
	if a := rotate(e, "alice"); a.status != 200 {
		t.Fatalf("turn on: %d", a.status)
	}
	a := e.do(call{method: "POST", path: "/admin/sites/blog/sso/off", user: "alice"})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/admin/sites/blog?ok=ssooff" {
		t.Fatalf("turn off: %d %q", a.status, a.header.Get("Location"))
	}
	if s := e.site("blog"); s.Settings.SSO || s.Settings.SSOKeyVersion != 1 {
		t.Fatalf("after turning off: %+v", s.Settings)
	}
	if log, _ := e.store.Audit(e.ctx, "blog", 1); len(log) != 1 || log[0].Action != "sso-off" {
		t.Errorf("turning off is not audited: %+v", log)
	}
	page := e.do(call{method: "GET", path: "/admin/sites/blog?ok=ssooff", user: "alice"})
	if !strings.Contains(page.body, "<strong>Off</strong>") || !strings.Contains(page.body, "Turn on and create secret") ||
		strings.Contains(page.body, "Rotate secret") {
		t.Errorf("settings page after turning off: %.4000s", page.body)
	}
	// Turning on again makes a new secret, not the old one.
	a = rotate(e, "alice")
	if a.status != 200 || !strings.Contains(a.body, sso.Secret(testSSOKey, "blog", 2)) || strings.Contains(a.body, sso.Secret(testSSOKey, "blog", 1)) {
		t.Fatalf("turn on again: %d", a.status)
	}
}

func TestSSONeedsTheInstanceKey(t *testing.T) {
	e := newEnv(t, false).withAdmin(nil)
	before := e.snapshot()
	if a := rotate(e, "alice"); a.status != http.StatusServiceUnavailable {
		t.Errorf("turn on without a key: %d", a.status)
	}
	if e.snapshot() != before {
		t.Error("the store changed")
	}
	if a := e.do(call{method: "GET", path: "/admin/sites/blog", user: "alice"}); strings.Contains(a.body, "Turn on and create secret") {
		t.Error("the settings page offers to turn on SSO without a key")
	}
}

func TestPostingPolicySettings(t *testing.T) {
	e := newEnv(t, false).withAdmin(testSSOKey)
	form := func(extra ...string) url.Values { return settingsForm("all", extra...) }
	save := func(v url.Values) answer { return e.saveSettings("alice", v) }
	page := func() string {
		a := e.do(call{method: "GET", path: "/admin/sites/blog", user: "alice"})
		if a.status != 200 {
			t.Fatalf("settings page: %d", a.status)
		}
		return a.body
	}
	if b := page(); !strings.Contains(b, `name="posting" value="anyone" checked`) || strings.Contains(b, `name="trust_verified" checked`) {
		t.Errorf("the form before saving: %.6000s", b)
	}

	if a := save(form("posting", "verified", "trust_verified", "on")); a.status != http.StatusSeeOther {
		t.Fatalf("save verified: %d %.500s", a.status, a.body)
	}
	if s := e.site("blog").Settings; s.Posting != storage.PostVerified || !s.TrustVerified {
		t.Fatalf("after saving verified: posting %q, trust %v", s.Posting, s.TrustVerified)
	}
	if b := page(); !strings.Contains(b, `name="posting" value="verified" checked`) || !strings.Contains(b, `name="trust_verified" checked`) {
		t.Errorf("the form does not show the saved policy")
	}
	if log, _ := e.store.Audit(e.ctx, "blog", 1); len(log) != 1 ||
		!strings.Contains(log[0].Note, "who may post: anyone → verified") || !strings.Contains(log[0].Note, "verified readers trusted: off → on") {
		t.Errorf("audit: %+v", log)
	}

	// Unchecked, the box turns trust off; the policy goes back to anyone.
	if a := save(form("posting", "anyone")); a.status != http.StatusSeeOther {
		t.Fatalf("save anyone: %d", a.status)
	}
	if s := e.site("blog").Settings; s.Posting != storage.PostAnyone || s.TrustVerified {
		t.Fatalf("after saving anyone: posting %q, trust %v", s.Posting, s.TrustVerified)
	}

	refused := func(what string, v url.Values, words ...string) {
		t.Helper()
		before := e.snapshot()
		a := save(v)
		if a.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", what, a.status)
		}
		body := html.UnescapeString(a.body)
		for _, w := range words {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the answer does not say %q: %.1500s", what, w, body)
			}
		}
		if e.snapshot() != before {
			t.Errorf("%s: the store changed", what)
		}
	}
	refused("an unknown policy", form("posting", "everyone"), "“posting”")
	refused("members with SSO off", form("posting", "members"), "turn on sign-in first")

	// With sign-in on, members only is fine; then sign-in cannot be
	// turned off until the policy changes.
	if a := rotate(e, "alice"); a.status != 200 {
		t.Fatalf("turn on: %d", a.status)
	}
	if a := save(form("posting", "members")); a.status != http.StatusSeeOther {
		t.Fatalf("save members: %d %.500s", a.status, a.body)
	}
	if s := e.site("blog").Settings; s.Posting != storage.PostMembers || !s.SSO {
		t.Fatalf("after saving members: %+v", s)
	}
	before := e.snapshot()
	if a := e.do(call{method: "POST", path: "/admin/sites/blog/sso/off", user: "alice"}); a.status != http.StatusUnprocessableEntity {
		t.Errorf("turning off under members only: %d", a.status)
	}
	if e.snapshot() != before {
		t.Error("refused turn-off changed the store")
	}
	// A form without the field keeps the policy.
	if a := save(form()); a.status != http.StatusSeeOther {
		t.Fatalf("save without posting: %d", a.status)
	}
	if s := e.site("blog").Settings; s.Posting != storage.PostMembers {
		t.Errorf("a form without the field changed the policy to %q", s.Posting)
	}
}
