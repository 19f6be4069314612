package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/sso"
	"github.com/parley-dev/parley/server/textnorm"
	"github.com/parley-dev/parley/storage"
)

// ssoEnv is an env whose site has sign-in turned on, and the site's secret.
func ssoEnv(t *testing.T, settings ...func(*storage.SiteSettings)) (*env, []byte) {
	t.Helper()
	on := func(s *storage.SiteSettings) { s.SSO, s.SSOKeyVersion = true, 1 }
	e := newEnv(t, append([]func(*storage.SiteSettings){on}, settings...)...)
	return e, siteSecret(t, e, "blog", 1)
}

// siteSecret is what the admin page shows a site's owner.
func siteSecret(t *testing.T, e *env, site string, version int) []byte {
	t.Helper()
	key, err := e.store.Secret(context.Background(), "sso")
	if err != nil {
		t.Fatal(err)
	}
	return []byte(sso.Secret(key, site, version))
}

func grace(e *env) sso.Member {
	return sso.Member{ID: "u-7", Name: "Grace Hopper", Email: "Grace@Example.com", Affiliation: "Member since 1952",
		Avatar: "https://blog.example/avatars/7.png", Expires: e.clock.Now().Add(10 * time.Minute).Unix()}
}

func (e *env) signIn(token, payload string) resp {
	return e.do(req{method: "POST", path: "/api/v1/sites/blog/sso", token: token, origin: testOrigin,
		body: map[string]any{"payload": payload}})
}

func TestMembersSignInAsOneReaderOnEveryDevice(t *testing.T) {
	e, secret := ssoEnv(t, func(s *storage.SiteSettings) { s.Posting = storage.PostMembers })
	var desk identityAnswer
	r := e.signIn("", sso.Sign(secret, grace(e)))
	if r.status != http.StatusOK {
		t.Fatalf("sign in: %d %s", r.status, r.body)
	}
	r.decode(t, &desk)
	if !desk.Reader.Member || !desk.Reader.Verified || desk.Reader.Name != "Grace Hopper" || desk.Reader.Email != "grace@example.com" {
		t.Fatalf("reader %+v", desk.Reader)
	}
	// The site says who she is, whatever the form says.
	in := comment("p", "Posted as a member")
	in["author"] = map[string]any{"name": "Mallory", "email": "mallory@example.com"}
	posted := e.post(desk.ReaderToken, in)
	a := posted.Comment.Author
	if a.Name != "Grace Hopper" || a.Affiliation != "Member since 1952" || !a.Verified || a.Avatar != "https://blog.example/avatars/7.png" {
		t.Fatalf("member's comment by %+v", a)
	}

	// Another device, another payload: the same reader.
	var phone identityAnswer
	e.signIn("", sso.Sign(secret, grace(e))).decode(t, &phone)
	if phone.ReaderToken == desk.ReaderToken {
		t.Fatal("two devices share one token")
	}
	if cv := e.list(phone.ReaderToken, "page=p").Comments[0]; !cv.Mine {
		t.Fatal("the member's comment is not theirs on their second device")
	}

	// Anonymous readers cannot post on a members-only site, nor take the
	// member's name where anyone may post.
	r = e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", "Me too"), origin: testOrigin})
	if fail := r.apiErr(t); r.status != http.StatusForbidden || fail.Code != "sign_in_required" {
		t.Fatalf("anonymous on a members-only site: %d %+v", r.status, fail)
	}
	site, _ := e.store.Site(context.Background(), "blog")
	site.Settings.Posting = storage.PostAnyone
	if err := e.store.UpdateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	fake := comment("p", "Grace here, honest")
	fake["author"] = map[string]any{"name": "grace  HOPPER"}
	r = e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: fake, origin: testOrigin})
	if fail := r.apiErr(t); r.status != http.StatusUnprocessableEntity || fail.Code != "impersonation" || fail.Field != "author.name" {
		t.Fatalf("anonymous under a member's name: %d %+v", r.status, fail)
	}
}

func TestSignInRefusesBadPayloads(t *testing.T) {
	e, secret := ssoEnv(t)
	good := sso.Sign(secret, grace(e))
	body, sig, _ := strings.Cut(good, ".")
	expired := grace(e)
	expired.Expires = e.clock.Now().Add(-time.Second).Unix()
	httpAvatar := grace(e)
	httpAvatar.Avatar = "http://blog.example/a.png"
	noName := grace(e)
	noName.Name = ""
	for _, tc := range []struct {
		name, payload, code, field string
	}{
		{"tampered", body[:len(body)-2] + "xy." + sig, "sso_signature", "payload"},
		{"another site's", sso.Sign(siteSecret(t, e, "other", 1), grace(e)), "sso_signature", "payload"},
		{"a rotated-out secret's", sso.Sign(siteSecret(t, e, "blog", 0), grace(e)), "sso_signature", "payload"},
		{"expired", sso.Sign(secret, expired), "sso_expired", "payload"},
		{"no dot", body, "sso_malformed", "payload"},
		{"no name", sso.Sign(secret, noName), "sso_malformed", "payload"},
		{"empty", "", "sso_malformed", "payload"},
		{"an http avatar", sso.Sign(secret, httpAvatar), "invalid", "payload.avatar"},
	} {
		r := e.signIn("", tc.payload)
		if fail := r.apiErr(t); r.status != http.StatusUnprocessableEntity || fail.Code != tc.code || fail.Field != tc.field {
			t.Errorf("%s payload: %d %+v", tc.name, r.status, fail)
		}
	}
	if _, err := e.store.ReaderByName(context.Background(), "blog", textnorm.Skeleton("Grace Hopper")); err == nil {
		t.Fatal("a refused sign-in stored the member")
	}

	site, _ := e.store.Site(context.Background(), "blog")
	site.Settings.SSO = false
	if err := e.store.UpdateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	if r := e.signIn("", good); r.status != http.StatusForbidden || r.apiErr(t).Code != "sso_off" {
		t.Fatalf("sign-in with SSO off: %d %s", r.status, r.body)
	}
}

func TestAMemberDoesNotTakeAnAddressVerifiedBefore(t *testing.T) {
	e, smtp := newMailEnv(t, func(s *storage.SiteSettings) { s.SSO, s.SSOKeyVersion = true, 1 })
	code := askLink(t, e, smtp, "", "grace@example.com")
	_, first, _ := confirmLink(e, "", code)
	var member identityAnswer
	r := e.signIn("", sso.Sign(siteSecret(t, e, "blog", 1), grace(e)))
	if r.status != http.StatusOK {
		t.Fatalf("sign in: %d %s", r.status, r.body)
	}
	r.decode(t, &member)
	if member.Reader.Email != "" {
		t.Fatalf("the member took the address another reader verified: %+v", member.Reader)
	}
	holder, err := e.store.ReaderByEmail(context.Background(), "blog", "grace@example.com")
	if err != nil || holder.Hash == e.srv.memberHash("blog", "u-7") {
		t.Fatalf("address held by %+v %v", holder, err)
	}
	e.post(first.ReaderToken, comment("p", "The address is still mine"))
}
