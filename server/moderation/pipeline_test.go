package moderation_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/storage"
)

func TestCleanCommentIsAccepted(t *testing.T) {
	e := newEnv(t)
	if codes, refused := e.run(e.create("A thoughtful comment about bread.")); refused != "" || len(codes) != 0 {
		t.Errorf("clean comment: held for %v, refused %q", codes, refused)
	}
}

func TestBansStopEveryWrite(t *testing.T) {
	for _, kind := range []storage.BanKind{storage.BanReader, storage.BanIP, storage.BanEmail} {
		t.Run(string(kind), func(t *testing.T) {
			e := newEnv(t)
			value := map[storage.BanKind]string{storage.BanReader: "r1", storage.BanIP: "a1", storage.BanEmail: "sam@example.com"}[kind]
			if err := e.store.PutBan(e.ctx, storage.Ban{SiteID: "blog", Kind: kind, Value: value, Expires: e.clock.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			w := e.create("hello")
			w.Author.Email = "Sam@Example.com"
			before := e.keep(w, storage.StatusApproved)
			writes := map[string]moderation.Write{
				"create": w,
				"edit":   {Kind: moderation.Edit, Site: e.site, Page: storage.Page{Key: "p"}, Reader: "r1", IPHash: "a1", HTML: "<p>x</p>", Before: &before},
				"vote":   {Kind: moderation.Vote, Site: e.site, Page: storage.Page{Key: "p"}, Reader: "r1", IPHash: "a1", Author: w.Author},
				"flag":   {Kind: moderation.Flag, Site: e.site, Reader: "r1", IPHash: "a1", Author: w.Author},
			}
			for name, w := range writes {
				if kind == storage.BanEmail && (name == "vote" || name == "flag") {
					continue // a vote or flag carries no e-mail
				}
				if _, refused := e.run(w); refused != "banned" {
					t.Errorf("%s by a banned reader: refused %q, want banned", name, refused)
				}
			}
			e.clock.Advance(2 * time.Hour)
			w.Markdown, w.HTML = "back again", "<p>back again</p>"
			if _, refused := e.run(w); refused != "" {
				t.Errorf("after the ban expired: refused %q", refused)
			}
		})
	}
}

func TestLockedPagesTakeNoWrites(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.CloseAfterDays = 30 })
	w := e.create("hello")
	w.Page = storage.Page{Key: "p", Locked: true}
	if _, refused := e.run(w); refused != "locked" {
		t.Errorf("create on a locked page: %q", refused)
	}
	w.Page = storage.Page{Key: "p", Created: e.clock.Now().AddDate(0, 0, -31)}
	if _, refused := e.run(w); refused != "locked" {
		t.Errorf("create on a page older than close-after: %q", refused)
	}
	before := storage.Comment{ID: newID(), Status: storage.StatusApproved}
	for _, k := range []moderation.Kind{moderation.Edit, moderation.Vote} {
		if _, refused := e.run(moderation.Write{Kind: k, Site: e.site, Page: storage.Page{Key: "p", Locked: true}, Reader: "r1", Before: &before, HTML: "<p>x</p>"}); refused != "locked" {
			t.Errorf("%v on a locked page: %q", k, refused)
		}
	}
	if _, refused := e.run(moderation.Write{Kind: moderation.Flag, Site: e.site, Page: storage.Page{Key: "p", Locked: true}, Reader: "r1"}); refused != "" {
		t.Errorf("a report on a locked page: refused %q; abuse can be reported any time", refused)
	}
}

func TestRateLimits(t *testing.T) {
	e := newRatedEnv(t, func(s *storage.SiteSettings) { s.DuplicateWindow = 0 })
	post := func(reader, addr string, fresh bool) string {
		w := e.create("hello")
		w.Reader, w.IPHash, w.NewReader = reader, addr, fresh
		_, refused := e.run(w)
		return refused
	}
	def := moderation.DefaultRates()[moderation.Posts]
	for i := range def {
		if r := post("r1", "a1", false); r != "" {
			t.Fatalf("post %d of %d refused: %s", i+1, def, r)
		}
	}
	if r := post("r1", "a1", false); r != "rate_limited" {
		t.Fatalf("post %d: %q, want rate_limited", def+1, r)
	}
	// A fresh token does not help: the address is counted first.
	if r := post("fresh", "a1", true); r != "rate_limited" {
		t.Errorf("a fresh token from the same address: %q", r)
	}
	// Another address is free, but not the same reader there.
	if r := post("r2", "a2", false); r != "" {
		t.Errorf("another reader at another address: %q", r)
	}
	if r := post("r1", "a3", false); r != "rate_limited" {
		t.Errorf("the limited reader from another address: %q", r)
	}
	// A refused write is never rendered.
	rendered := 0
	w := e.create("hello")
	w.Render = func(*moderation.Write) error { rendered++; return nil }
	if _, r := e.run(w); r != "rate_limited" || rendered != 0 {
		t.Errorf("a rate-limited write: %q, rendered %d times", r, rendered)
	}
	// The refusal says when to come back; then it works again.
	w = e.create("hello")
	_, err := e.p.Run(e.ctx, w)
	var ref *moderation.Refusal
	if !errors.As(err, &ref) || ref.RetryAfter <= 0 || ref.RetryAfter > storage.RatePeriod/time.Duration(def)+time.Second {
		t.Errorf("refusal %+v", ref)
	}
	e.clock.Advance(ref.RetryAfter)
	w = e.create("")
	w.Render = func(w *moderation.Write) error {
		rendered++
		w.Markdown, w.HTML = "rendered late", "<p>rendered late</p>"
		return nil
	}
	if _, r := e.run(w); r != "" || rendered != 1 {
		t.Errorf("after Retry-After: %q, rendered %d times", r, rendered)
	}
}

func TestRateLimitSettings(t *testing.T) {
	e := newRatedEnv(t, func(s *storage.SiteSettings) { s.RateLimits.Posts = 2; s.DuplicateWindow = 0 })
	for i := range 2 {
		if _, r := e.run(e.create("x")); r != "" {
			t.Fatalf("post %d: %q", i, r)
		}
	}
	if _, r := e.run(e.create("x")); r != "rate_limited" {
		t.Errorf("the site's own limit of 2: third post %q", r)
	}
	off := moderation.New(moderation.Config{Store: e.store, Limiter: nil, RatesOff: true, Now: e.clock.Now})
	for range 50 {
		w := e.create("x")
		w.Site.Settings.MinSubmitTime = 0
		if _, err := off.Run(e.ctx, w); err != nil {
			t.Fatalf("with rate limits off: %v", err)
		}
	}
	if got := off.SiteDefaults(); got != (storage.RateLimits{}) {
		t.Errorf("defaults with limits off: %+v", got)
	}
	scaled := moderation.New(moderation.Config{Store: e.store, RateScale: 10})
	if got := scaled.SiteDefaults().Posts; got != 10*moderation.DefaultRates()[moderation.Posts] {
		t.Errorf("x10: %d posts", got)
	}
}

func TestImpersonation(t *testing.T) {
	e := newEnv(t)
	for _, u := range []storage.User{
		{Name: "elena", DisplayName: "Elena Marsh", Roles: map[string]storage.Role{"blog": storage.RoleOwner}},
		{Name: "mod-mia", Roles: map[string]storage.Role{"blog": storage.RoleModerator}},
		{Name: "otto", DisplayName: "Otto Other", Roles: map[string]storage.Role{"other": storage.RoleOwner}},
	} {
		if err := e.store.CreateUser(e.ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for name, refused := range map[string]bool{
		"Elena Marsh":          true,
		"ELENA  MARSH":         true,
		"Еlena Marsh":          true, // Cyrillic Е
		"Elena\u200bMarsh":     true,
		"Ｅｌｅｎａ Ｍａｒｓｈ":          true,
		"Eléna Marsh":          true,
		"elena":                true, // the user name
		"Mod Mia":              true,
		"Elena March":          false,
		"Helena Marsh":         false,
		"Otto Other":           false, // staff of another site only
		"A reader named Elena": false,
	} {
		w := e.create("hello")
		w.Author.Name = name
		if _, r := e.run(w); (r == "impersonation") != refused {
			t.Errorf("name %q: refused %q, want impersonation %v", name, r, refused)
		}
	}
}

func TestFormCheck(t *testing.T) {
	e := newEnv(t)
	now := e.clock.Now()
	tests := []struct {
		name     string
		token    string
		honeypot string
		want     string // hold reason, "" for none
	}{
		{"a minute of writing", e.p.FormToken("blog", now.Add(-time.Minute)), "", ""},
		{"a second of writing", e.p.FormToken("blog", now.Add(-time.Second)), "", "too_fast"},
		{"no token", "", "", "no_form_token"},
		{"another site's token", e.p.FormToken("other", now.Add(-time.Minute)), "", "no_form_token"},
		{"a forged token", strings.Repeat("A", 32), "", "no_form_token"},
		{"a token from two days ago", e.p.FormToken("blog", now.Add(-48*time.Hour)), "", "no_form_token"},
		{"the honeypot filled in", e.p.FormToken("blog", now.Add(-time.Minute)), "+1 555 0100", "honeypot"},
	}
	for _, tt := range tests {
		w := e.create("hello " + tt.name)
		w.Form = moderation.Form{Token: tt.token, Honeypot: tt.honeypot}
		codes, refused := e.run(w)
		if refused != "" || (tt.want == "" && len(codes) > 0) || (tt.want != "" && !slices.Equal(codes, []string{tt.want})) {
			t.Errorf("%s: held for %v (refused %q), want %q", tt.name, codes, refused, tt.want)
		}
	}
	// Off: nothing is asked of the form.
	w := e.create("hello")
	w.Site.Settings.MinSubmitTime, w.Form = 0, moderation.Form{}
	if codes, _ := e.run(w); len(codes) != 0 {
		t.Errorf("form check off: held for %v", codes)
	}
}

func TestLinksAndSuspectWordsNudgeThenHold(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.SuspectWords = []string{"crypto"} })
	body := "See https://a.example, [b](https://b.example) and www.c.example/x for crypto"
	w := e.create(body)
	_, err := e.p.Run(e.ctx, w)
	var ref *moderation.Refusal
	if !errors.As(err, &ref) || ref.Code != "would_hold" || len(ref.Reasons) != 2 ||
		ref.Reasons[0].Code != "links" || ref.Reasons[1].Code != "suspect_word" || !strings.Contains(ref.Message, "3 links") {
		t.Fatalf("first send: %v (%+v)", err, ref)
	}
	w.Confirmed = true
	if codes, refused := e.run(w); refused != "" || !slices.Equal(codes, []string{"links", "suspect_word"}) {
		t.Errorf("sent anyway: held for %v, refused %q", codes, refused)
	}
	// Where every comment is held anyway, there is nothing to nudge about.
	w.Confirmed = false
	w.Site.Settings.Moderation = storage.ModerateAll
	if codes, refused := e.run(w); refused != "" || !slices.Equal(codes, []string{"links", "suspect_word", "moderation"}) {
		t.Errorf("moderated site: held for %v, refused %q", codes, refused)
	}
	// Two links are within the default limit; links the site turns into
	// text still count.
	if codes, _ := e.run(e.create("[a](https://a.example) and https://b.example")); len(codes) != 0 {
		t.Errorf("two links held for %v", codes)
	}
	noLinks := e.create("https://a.example https://b.example https://c.example")
	noLinks.Site.Settings.AllowLinks = false
	noLinks.HTML = e.poster.Render(noLinks.Site, noLinks.Markdown).HTML()
	noLinks.Confirmed = true
	if codes, _ := e.run(noLinks); !slices.Equal(codes, []string{"links"}) {
		t.Errorf("three addresses as text: held for %v", codes)
	}
}

func TestBlockedWordsOnNormalizedText(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.BlockedWords = []string{"casino", "cheap pills"} })
	for body, refused := range map[string]bool{
		"Best CASINO bonus":          true,
		"c&#97;sino tonight":         true, // an entity
		"**cas**ino":                 true, // split by emphasis
		"ca\u00adsino":               true, // a soft hyphen
		"cаsino":                     true, // a Cyrillic а
		"ｃａｓｉｎｏ":                     true, // full width
		"Cheap\n\npills":             true, // the layout does not hide a phrase
		"cheap   pills":              true,
		"casinos are another word":   false,
		"occasionally I bake":        false,
		"a fine comment about bread": false,
	} {
		_, r := e.run(e.create(body))
		if (r == "blocked_word") != refused {
			t.Errorf("%q: refused %q, want blocked %v", body, r, refused)
		}
	}
	w := e.create("hello")
	w.Author.Affiliation = "CASINO royale"
	var ref *moderation.Refusal
	if _, err := e.p.Run(e.ctx, w); !errors.As(err, &ref) || ref.Field != "author.affiliation" {
		t.Errorf("blocked word in the affiliation: %v", err)
	}
}

func TestDuplicates(t *testing.T) {
	e := newEnv(t)
	first := e.create("Buy my bread, it is the best bread.")
	e.keep(first, storage.StatusApproved)
	again := e.create("buy my  BREAD, it is the best bread.")
	if _, r := e.run(again); r != "duplicate" {
		t.Errorf("the same text on the same page: %q", r)
	}
	elsewhere := again
	elsewhere.Page = storage.Page{Key: "other-page"}
	if codes, _ := e.run(elsewhere); !slices.Equal(codes, []string{"duplicate"}) {
		t.Errorf("the same text on another page: held for %v", codes)
	}
	// From another reader at another address it is not a duplicate.
	stranger := again
	stranger.Reader, stranger.IPHash = "r9", "a9"
	if _, r := e.run(stranger); r != "" {
		t.Errorf("another reader: %q", r)
	}
	// The same reader from another address still is.
	moved := again
	moved.IPHash = "a9"
	if _, r := e.run(moved); r != "duplicate" {
		t.Errorf("the same reader elsewhere: %q", r)
	}
	e.clock.Advance(25 * time.Hour)
	if _, r := e.run(again); r != "" {
		t.Errorf("after the window: %q", r)
	}
}

func TestModerationModes(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.Moderation = storage.ModerateFirst; s.DuplicateWindow = 0 })
	w := e.create("my first comment")
	w.NewReader = true
	if codes, _ := e.run(w); !slices.Equal(codes, []string{"first_comment"}) {
		t.Errorf("first comment: held for %v", codes)
	}
	c := e.keep(w, storage.StatusApproved)
	w.NewReader = false
	if codes, _ := e.run(w); len(codes) != 0 {
		t.Errorf("after an approved comment: held for %v", codes)
	}
	edit := moderation.Write{Kind: moderation.Edit, Site: e.site, Page: storage.Page{Key: "p"}, Reader: "r1", HTML: "<p>edited</p>", Before: &c}
	if codes, _ := e.run(edit); len(codes) != 0 {
		t.Errorf("an edit on a first-comment site: held for %v", codes)
	}
	edit.Site.Settings.Moderation = storage.ModerateAll
	if codes, _ := e.run(edit); !slices.Equal(codes, []string{"moderation"}) {
		t.Errorf("an edit where every comment is held: held for %v", codes)
	}
}
