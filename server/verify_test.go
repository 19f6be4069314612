package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/mail/mailtest"
	"github.com/parley-dev/parley/storage"
)

// askLink asks for a magic link to addr from a device with token (""
// for none) and returns the code the mail carries.
func askLink(t *testing.T, e *env, smtp *mailtest.Server, token, addr string) string {
	t.Helper()
	before := len(smtp.Messages())
	r := e.do(req{method: "POST", path: "/api/v1/sites/blog/verify", token: token, origin: testOrigin,
		body: map[string]any{"email": addr, "page_url": testOrigin + "/post?x=1#comments", "lang": "en"}})
	if r.status != http.StatusAccepted {
		t.Fatalf("verify: %d %s", r.status, r.body)
	}
	got := smtp.Wait(t, before+1, 5*time.Second)[before]
	if got.To[0] != addr || !strings.Contains(got.Header("Subject"), "Verify your e-mail address") {
		t.Fatalf("mail to %v: %q", got.To, got.Header("Subject"))
	}
	u, err := url.Parse(link(t, got.Text(), testOrigin+"/post?x=1#parley-verify="))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Fragment, "parley-verify=")
}

// confirmLink confirms a code from a device with token and returns the
// answer's status and body.
func confirmLink(e *env, token, code string) (int, identityAnswer, apiError) {
	r := e.do(req{method: "POST", path: "/api/v1/sites/blog/verify/confirm", token: token, origin: testOrigin,
		body: map[string]any{"code": code}})
	var a identityAnswer
	var fail apiError
	if r.status == http.StatusOK {
		r.decode(e.t, &a)
	} else {
		fail = r.apiErr(e.t)
	}
	return r.status, a, fail
}

func TestMagicLinkMakesEveryDeviceTheSameReader(t *testing.T) {
	e, smtp := newMailEnv(t)
	laptop := e.post("", comment("p", "Written on the laptop"))

	code := askLink(t, e, smtp, laptop.ReaderToken, "ada@example.com")
	status, a, _ := confirmLink(e, laptop.ReaderToken, code)
	if status != http.StatusOK || a.ReaderToken != laptop.ReaderToken {
		t.Fatalf("laptop confirms: %d, token changed: %v", status, a.ReaderToken != laptop.ReaderToken)
	}
	if !a.Reader.Verified || a.Reader.Email != "ada@example.com" || a.Reader.Name != "Ada" || a.Reader.Member {
		t.Fatalf("reader %+v", a.Reader)
	}
	// The verified reader's comments carry the mark, and their address
	// is filled in for them.
	marked := e.post(laptop.ReaderToken, comment("p", "Now verified"))
	if !marked.Comment.Author.Verified {
		t.Fatal("a verified reader's comment has no verified mark")
	}
	stored, err := e.store.Comment(context.Background(), "blog", marked.Comment.ID)
	if err != nil || stored.Author.Email != "ada@example.com" {
		t.Fatalf("stored author %+v %v", stored.Author, err)
	}

	// The phone commented before it confirmed gives it a token for
	// the same reader, the laptop's comments are its own, and its own
	// comment joins them.
	// (Not yet as "Ada": that name is the verified reader's.)
	early := comment("p", "Written on the phone")
	early["author"] = map[string]any{"name": "A. Lovelace"}
	before := e.post("", early)
	code = askLink(t, e, smtp, "", "ada@example.com")
	status, phone, _ := confirmLink(e, before.ReaderToken, code)
	if status != http.StatusOK || phone.ReaderToken == before.ReaderToken || phone.ReaderToken == laptop.ReaderToken {
		t.Fatalf("phone confirms: %d %q", status, phone.ReaderToken)
	}
	for _, tok := range []string{phone.ReaderToken, laptop.ReaderToken} {
		for _, cv := range e.list(tok, "page=p").Comments {
			if !cv.Mine || cv.Markdown == "" {
				t.Fatalf("a device of the reader does not own %q", cv.HTML)
			}
		}
	}
	var mine myData
	e.do(req{method: "GET", path: "/api/v1/sites/blog/me", token: phone.ReaderToken, origin: testOrigin}).decode(t, &mine)
	if len(mine.Comments) != 3 || mine.Identity == nil || mine.Identity.Email != "ada@example.com" {
		t.Fatalf("the phone's data: %d comments, identity %+v", len(mine.Comments), mine.Identity)
	}
	r := e.do(req{method: "DELETE", path: "/api/v1/sites/blog/comments/" + laptop.Comment.ID, token: phone.ReaderToken, origin: testOrigin})
	if r.status != http.StatusOK && r.status != http.StatusNoContent {
		t.Fatalf("the phone deletes the laptop's comment: %d %s", r.status, r.body)
	}

	// A link works once; a forged one and an expired one not at all.
	if status, _, fail := confirmLink(e, "", code); status != http.StatusUnprocessableEntity || fail.Code != "link_invalid" || fail.Field != "code" {
		t.Fatalf("reused link: %d %+v", status, fail)
	}
	if status, _, fail := confirmLink(e, "", randomCode()); status != http.StatusUnprocessableEntity || fail.Code != "link_invalid" {
		t.Fatalf("forged link: %d %+v", status, fail)
	}
	if status, _, fail := confirmLink(e, "", "short"); status != http.StatusUnprocessableEntity || fail.Code != "link_invalid" {
		t.Fatalf("malformed link: %d %+v", status, fail)
	}
	code = askLink(t, e, smtp, "", "ada@example.com")
	e.clock.Advance(verifyFor + time.Second)
	if status, _, fail := confirmLink(e, "", code); status != http.StatusUnprocessableEntity || fail.Code != "link_expired" {
		t.Fatalf("expired link: %d %+v", status, fail)
	}
	if status, _, fail := confirmLink(e, "", code); status != http.StatusUnprocessableEntity || fail.Code != "link_invalid" {
		t.Fatalf("expired link, again: %d %+v", status, fail)
	}
}

func TestVerifiedReadersKeepTheirAddressAndName(t *testing.T) {
	e, smtp := newMailEnv(t)
	ada := e.post("", comment("p", "First"))
	code := askLink(t, e, smtp, ada.ReaderToken, "ada@example.com")
	if status, _, fail := confirmLink(e, ada.ReaderToken, code); status != http.StatusOK {
		t.Fatalf("confirm: %d %+v", status, fail)
	}
	for _, tc := range []struct {
		name, email, field string
	}{
		{"Grace", "ADA@example.com", "author.email"},
		{"Ada", "", "author.name"},
		{"ＡＤＡ", "", "author.name"},   // full-width
		{"Аda", "", "author.name"},   // Cyrillic А
		{"A d a", "", "author.name"}, // spaced out
	} {
		in := comment("p", "Posing as someone else: "+tc.name)
		in["author"] = map[string]any{"name": tc.name, "email": tc.email}
		r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: in, origin: testOrigin})
		if fail := r.apiErr(t); r.status != http.StatusUnprocessableEntity || fail.Code != "impersonation" || fail.Field != tc.field {
			t.Fatalf("%q <%s>: %d %+v", tc.name, tc.email, r.status, fail)
		}
	}
	// Ada herself, from her verified device, may.
	e.post(ada.ReaderToken, comment("p", "Still me"))

	// Erasing her data frees her name and address.
	if r := e.do(req{method: "DELETE", path: "/api/v1/sites/blog/me", token: ada.ReaderToken, origin: testOrigin}); r.status != http.StatusOK {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	if _, err := e.store.ReaderByEmail(context.Background(), "blog", "ada@example.com"); err == nil {
		t.Fatal("the erased reader still holds their address")
	}
	e.post("", comment("p", "Another Ada"))
}

func TestVerificationRequestsAreChecked(t *testing.T) {
	e, smtp := newMailEnv(t)
	for _, tc := range []struct {
		body        map[string]any
		code, field string
	}{
		{map[string]any{"email": "", "page_url": testOrigin + "/p"}, "required", "email"},
		{map[string]any{"email": "not an address", "page_url": testOrigin + "/p"}, "invalid", "email"},
		{map[string]any{"email": "a@example.com"}, "required", "page_url"},
		{map[string]any{"email": "a@example.com", "page_url": "https://evil.example/p"}, "origin_not_allowed", "page_url"},
		{map[string]any{"email": "a@example.com", "page_url": "javascript:alert(1)"}, "invalid", "page_url"},
	} {
		r := e.do(req{method: "POST", path: "/api/v1/sites/blog/verify", body: tc.body, origin: testOrigin})
		if fail := r.apiErr(t); r.status != http.StatusUnprocessableEntity || fail.Code != tc.code || fail.Field != tc.field {
			t.Fatalf("%v: %d %+v", tc.body, r.status, fail)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(smtp.Messages()); n != 0 {
		t.Fatalf("%d mails sent for refused requests", n)
	}
}

func TestVerificationRequestsAreRateLimitedPerInbox(t *testing.T) {
	smtp := mailtest.Start(t)
	e := newGuardedEnv(t, func(c *Config) { c.Mail, c.BaseURL = smtp.Config(), "https://parley.test" })
	ask := func(from string) int {
		return e.do(req{method: "POST", path: "/api/v1/sites/blog/verify", origin: testOrigin, from: from,
			body: map[string]any{"email": "victim@example.com", "page_url": testOrigin + "/p"}}).status
	}
	for i := range 5 {
		if s := ask("192.0.2." + string(rune('1'+i))); s != http.StatusAccepted {
			t.Fatalf("request %d: %d", i, s)
		}
	}
	// A sixth, even from another address, would flood the inbox.
	if s := ask("198.51.100.7"); s != http.StatusTooManyRequests {
		t.Fatalf("sixth request to one inbox: %d", s)
	}
}

func TestPostingPolicyAndTrustedReaders(t *testing.T) {
	e, smtp := newMailEnv(t, func(s *storage.SiteSettings) {
		s.Posting, s.Moderation, s.TrustVerified = storage.PostVerified, storage.ModerateAll, true
	})
	r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", "Anyone?"), origin: testOrigin})
	if fail := r.apiErr(t); r.status != http.StatusForbidden || fail.Code != "verification_required" || fail.Field != "author.email" {
		t.Fatalf("anonymous post on a verified-only site: %d %+v", r.status, fail)
	}
	code := askLink(t, e, smtp, "", "ada@example.com")
	_, ada, _ := confirmLink(e, "", code)
	first := e.post(ada.ReaderToken, comment("p", "My first"))
	if first.Comment.Status != storage.StatusPending {
		t.Fatalf("first comment of a verified reader: %s", first.Comment.Status)
	}
	if _, err := e.store.UpdateComment(context.Background(), "blog", first.Comment.ID, func(c *storage.Comment) error {
		c.Status = storage.StatusApproved
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if second := e.post(ada.ReaderToken, comment("p", "My second")); second.Comment.Status != storage.StatusApproved {
		t.Fatalf("a trusted verified reader's second comment: %s", second.Comment.Status)
	}

	// Members only: a reader verified by e-mail is not a member.
	site, _ := e.store.Site(context.Background(), "blog")
	site.Settings.Posting = storage.PostMembers
	if err := e.store.UpdateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	r = e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", "Members?"), token: ada.ReaderToken, origin: testOrigin})
	if fail := r.apiErr(t); r.status != http.StatusForbidden || fail.Code != "sign_in_required" {
		t.Fatalf("verified reader on a members-only site: %d %+v", r.status, fail)
	}
}

func TestForgedIdentityTokensCarryNoOne(t *testing.T) {
	e := newEnv(t)
	ada := e.post("", comment("p", "Mine"))
	hash := hashToken(ada.ReaderToken)
	forged := e.identityTokenUnder([]byte("not the instance key"), hash)
	if cv := e.list(forged, "page=p").Comments[0]; cv.Mine {
		t.Fatal("a token signed with another key owns a comment")
	}
	if cv := e.list(e.srv.identityToken(hash), "page=p").Comments[0]; !cv.Mine {
		t.Fatal("a real identity token of the reader does not own their comment")
	}
}

// identityTokenUnder is identityToken with another key.
func (e *env) identityTokenUnder(key []byte, hash string) string {
	saved := e.srv.tokenKey
	defer func() { e.srv.tokenKey = saved }()
	e.srv.tokenKey = key
	return e.srv.identityToken(hash)
}
