package admin_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server"
)

// signIn goes through the sign-in form as a browser would and returns the
// answer to the POST.
func (e *env) signIn(srv *server.Server, name, pw, next string, extra ...*http.Cookie) *http.Response {
	e.t.Helper()
	res, err := srv.App().Test(httptest.NewRequest("GET", "/admin/login", nil), -1)
	if err != nil {
		e.t.Fatal(err)
	}
	var token string
	for _, c := range res.Cookies() {
		if c.Name == "parley_login_csrf" {
			token = c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				e.t.Errorf("login CSRF cookie %+v", c)
			}
		}
	}
	if token == "" {
		e.t.Fatal("no login CSRF cookie")
	}
	form := url.Values{"name": {name}, "password": {pw}, "csrf": {token}, "next": {next}}
	r := httptest.NewRequest("POST", "/admin/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(&http.Cookie{Name: "parley_login_csrf", Value: token})
	for _, c := range extra {
		r.AddCookie(c)
	}
	res, err = srv.App().Test(r, -1)
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

func sessionCookie(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestSignIn(t *testing.T) {
	e := newEnv(t, false)
	res := e.signIn(e.srv, "Alice", password, "/admin/sites/blog/queue")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/sites/blog/queue" {
		t.Fatalf("sign-in: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	c := sessionCookie(res, cookieName)
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/admin" || c.Secure {
		t.Fatalf("session cookie %+v", c)
	}
	// The cookie signs the browser in; the store holds only its hash.
	r := httptest.NewRequest("GET", "/admin/", nil)
	r.AddCookie(c)
	res, _ = e.srv.App().Test(r, -1)
	if res.StatusCode != 200 {
		t.Errorf("dashboard with the new session: %d", res.StatusCode)
	}
	if _, err := e.store.Session(e.ctx, c.Value, e.clock.Now()); err == nil {
		t.Error("the raw token is a session key")
	}
	// The session ends at its expiry.
	e.clock.mu.Lock()
	e.clock.now = e.clock.now.Add(13 * time.Hour)
	e.clock.mu.Unlock()
	r = httptest.NewRequest("GET", "/admin/", nil)
	r.AddCookie(c)
	res, _ = e.srv.App().Test(r, -1)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("dashboard after expiry: %d", res.StatusCode)
	}
}

func TestSignInRefused(t *testing.T) {
	e := newEnv(t, false)
	for name, tc := range map[string]struct{ user, pw, next string }{
		"wrong password": {"alice", "wrong password!", ""},
		"no such user":   {"nobody", password, ""},
		"empty":          {"", "", ""},
	} {
		t.Run(name, func(t *testing.T) {
			res := e.signIn(e.srv, tc.user, tc.pw, tc.next)
			if res.StatusCode != http.StatusUnauthorized || sessionCookie(res, cookieName) != nil {
				t.Errorf("status %d", res.StatusCode)
			}
		})
	}
	t.Run("open redirect", func(t *testing.T) {
		for _, next := range []string{"//evil.example/admin", "https://evil.example/", "/\\evil", "/elsewhere"} {
			res := e.signIn(e.srv, "alice", password, next)
			if loc := res.Header.Get("Location"); loc != "/admin/" {
				t.Errorf("next %q: redirected to %q", next, loc)
			}
		}
	})
	t.Run("no CSRF cookie", func(t *testing.T) {
		form := url.Values{"name": {"alice"}, "password": {password}, "csrf": {"guess"}}
		r := httptest.NewRequest("POST", "/admin/login", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, _ := e.srv.App().Test(r, -1)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("status %d", res.StatusCode)
		}
	})
}

func TestSignInRateLimit(t *testing.T) {
	e := newEnv(t, false)
	for range 10 {
		e.signIn(e.srv, "mia", "not the password", "")
	}
	res := e.signIn(e.srv, "mia", password, "")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("11th attempt: %d", res.StatusCode)
	}
	// Another account from the same client is not locked yet.
	if res := e.signIn(e.srv, "alice", password, ""); res.StatusCode != http.StatusSeeOther {
		t.Errorf("alice: %d", res.StatusCode)
	}
	// After the window, mia may try again.
	e.clock.mu.Lock()
	e.clock.now = e.clock.now.Add(16 * time.Minute)
	e.clock.mu.Unlock()
	if res := e.signIn(e.srv, "mia", password, ""); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: %d", res.StatusCode)
	}
}

func TestSecureCookieOverHTTPS(t *testing.T) {
	e := newEnv(t, false)
	srv, err := server.New(e.ctx, e.store, server.Config{BaseURL: "https://comments.example", Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	res := e.signIn(srv, "alice", password, "")
	c := sessionCookie(res, "__Host-parley_admin")
	if c == nil || !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" {
		t.Fatalf("cookie over https: %+v", c)
	}
}

func TestSignOut(t *testing.T) {
	e := newEnv(t, false)
	a := e.do(call{method: "POST", path: "/admin/logout", user: "alice"})
	if a.status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", a.status)
	}
	if !regexp.MustCompile(`parley_admin=;.*expires=`).MatchString(strings.ToLower(a.header.Get("Set-Cookie"))) {
		t.Errorf("cookie not cleared: %q", a.header.Get("Set-Cookie"))
	}
	if a := e.do(call{method: "GET", path: "/admin/", user: "alice"}); a.status != http.StatusSeeOther {
		t.Errorf("dashboard after sign-out: %d", a.status)
	}
}
