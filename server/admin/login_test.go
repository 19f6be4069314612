package admin_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/server"
)

// signIn goes through the sign-in form as a browser would and returns the
// answer to the POST.
func (e *env) signIn(srv *server.Server, name, pw, next string, extra ...*http.Cookie) *http.Response {
	e.t.Helper()
	return e.signInFrom(srv, "192.0.2.1", name, pw, next, extra...)
}

// signInFrom is signIn from the client address from.
func (e *env) signInFrom(srv *server.Server, from, name, pw, next string, extra ...*http.Cookie) *http.Response {
	e.t.Helper()
	get := httptest.NewRequest("GET", "/admin/login", nil)
	get.Header.Set("X-Forwarded-For", from)
	res, err := srv.App().Test(get, -1)
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
	r.Header.Set("X-Forwarded-For", from)
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
	// Five failures from one address lock that address out of the account,
	// the right password included...
	for range 5 {
		if res := e.signIn(e.srv, "mia", "not the password", ""); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a wrong password: %d", res.StatusCode)
		}
	}
	res := e.signIn(e.srv, "mia", password, "")
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("6th attempt: %d", res.StatusCode)
	}
	// ...but not out of another account, and not another address.
	if res := e.signIn(e.srv, "alice", password, ""); res.StatusCode != http.StatusSeeOther {
		t.Errorf("alice from the same address: %d", res.StatusCode)
	}
	if res := e.signInFrom(e.srv, "198.51.100.2", "mia", password, ""); res.StatusCode != http.StatusSeeOther {
		t.Errorf("mia from another address: %d", res.StatusCode)
	}
	// After the window, the address may try again.
	e.clock.mu.Lock()
	e.clock.now = e.clock.now.Add(16 * time.Minute)
	e.clock.mu.Unlock()
	if res := e.signIn(e.srv, "mia", password, ""); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after the window: %d", res.StatusCode)
	}
}

// TestOwnerIsNotLockedOut: failures from many addresses lock an account,
// but not for the addresses its owner signed in from before.
func TestOwnerIsNotLockedOut(t *testing.T) {
	e := newEnv(t, false)
	home := "192.0.2.77"
	if res := e.signInFrom(e.srv, home, "alice", password, ""); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("alice at home: %d", res.StatusCode)
	}
	for i := range 12 {
		e.signInFrom(e.srv, fmt.Sprintf("203.0.113.%d", i), "alice", "guess", "")
	}
	if res := e.signInFrom(e.srv, "198.51.100.99", "alice", password, ""); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right password from a new address while the account is attacked: %d, want 429", res.StatusCode)
	}
	if res := e.signInFrom(e.srv, home, "alice", password, ""); res.StatusCode != http.StatusSeeOther {
		t.Errorf("alice from her own address while the account is attacked: %d, want 303", res.StatusCode)
	}
}

// TestSignInBurst: many simultaneous wrong passwords for one account from
// one address are refused before any password is hashed, except the few
// the limits allow.
func TestSignInBurst(t *testing.T) {
	e := newEnv(t, false)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 150 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := e.signIn(e.srv, "alice", "wrong password!", "")
			mu.Lock()
			statuses[res.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if statuses[http.StatusTooManyRequests] < 145 || statuses[http.StatusUnauthorized] > 5 || len(statuses) > 2 {
		t.Errorf("150 simultaneous attempts: %v; want at most 5 hashed (401), the rest 429", statuses)
	}
}

func TestSignInOddNames(t *testing.T) {
	e := newEnv(t, false)
	for _, name := range []string{"ali\x00ce", strings.Repeat("a", 5000), "../../etc"} {
		if res := e.signIn(e.srv, name, password, ""); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("sign-in as %.20q: %d, want 401", name, res.StatusCode)
		}
	}
}

func TestSecureCookieOverHTTPS(t *testing.T) {
	e := newEnv(t, false)
	srv, err := server.New(e.ctx, e.store, server.Config{BaseURL: "https://comments.example", Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
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
