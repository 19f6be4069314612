package browsertest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/parley-dev/parley/server"
	"github.com/parley-dev/parley/server/mail/mailtest"
	"github.com/parley-dev/parley/server/sso"
	"github.com/parley-dev/parley/storage"
)

// The reader's identity in the widget: magic links that make a device a
// verified reader (the mail goes through a real SMTP server), and the
// blog's own sign-in (SSO).

// mailEnv is a Parley server of its own that sends mail to smtp, whose
// outbox delivers at once.
func mailEnv(t *testing.T, settings ...func(*storage.SiteSettings)) (*env, *mailtest.Server) {
	t.Helper()
	smtp := mailtest.Start(t)
	e := newConfiguredEnv(t, func(c *server.Config) {
		c.Mail = smtp.Config()
		c.Outbox.Poll, c.Outbox.Backoff = 20*time.Millisecond, func(int) time.Duration { return 0 }
	}, settings...)
	return e, smtp
}

// magicLink waits for the n-th mail (from 1) and returns the link in it
// to the page at pageURL.
func magicLink(t *testing.T, smtp *mailtest.Server, n int, to, pageURL string) string {
	t.Helper()
	got := smtp.Wait(t, n, 10*time.Second)[n-1]
	if len(got.To) != 1 || got.To[0] != to {
		t.Fatalf("mail %d to %v, want %s", n, got.To, to)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(pageURL+"#parley-verify=") + `[\w-]+`).FindString(got.Text())
	if link == "" {
		t.Fatalf("no magic link to %s in:\n%s", pageURL, got.Text())
	}
	return link
}

// askForLink fills in the widget's "Verify your e-mail" form (open) with
// addr, sends it and waits for the widget to say the mail went.
func askForLink(e *env, addr string) {
	e.t.Helper()
	box := `pt.q('.parley-verify')`
	e.waitFor("the verify form, focus in it", box+` && pt.active() === pt.q('#parley-ve')`)
	e.run(`pt.q('#parley-ve').value = ''`)
	e.typeInto(`pt.q('#parley-ve')`, addr)
	e.run(`pt.btn(` + box + `, 'Send link').click()`)
	e.waitFor("the mail to be sent", `pt.text(`+box+`.querySelector('[role=status]')) === `+
		js("We sent a link to "+addr+". Open it on any device to confirm."))
}

// confirmHere opens a magic link in e's tab and presses Confirm.
func confirmHere(e *env, link string) {
	e.t.Helper()
	e.openWidget(link)
	e.waitFor("the confirm box", `pt.btn(pt.q('.parley-notice'), 'Confirm')`)
	if got := eval[string](e, `pt.text(pt.q('.parley-notice p'))`); got != "Confirm your e-mail address to be known as a verified reader on this site, on this device." {
		e.t.Errorf("the confirm box says %q", got)
	}
	e.run(`pt.btn(pt.q('.parley-notice'), 'Confirm').click()`)
}

func TestIdentityMagicLink(t *testing.T) {
	e, smtp := mailEnv(t)
	e.viewport(390, 900)
	url := e.embedPage("/verify", `data-page-id="`+testPage+`"`, lightHost)
	e.openWidget(url)
	first := postViaForm(e, "Ada Lovelace", "Written before verifying.")

	// "Posting as Ada Lovelace · change · Verify your e-mail".
	e.waitFor("the verify action", `pt.q('.parley-as .parley-vlink')`)
	e.run(`pt.q('.parley-as .parley-vlink').click()`)
	e.waitFor("the verify form", `pt.q('.parley-verify')`)
	e.shootAt("identity-verify-form-light-390", `pt.q('.parley-verify')`)
	askForLink(e, "ada@example.com")
	link := magicLink(t, smtp, 1, "ada@example.com", url)

	// Opening the link changes nothing; the button confirms. This device
	// holds the token of the first comment, so the address takes its
	// identity.
	tokenBefore := eval[string](e, `localStorage.getItem('parley.token')`)
	e.open("about:blank") // else only the fragment changes: no new page
	e.open(link)
	e.waitLoaded()
	e.waitFor("the confirm box", `pt.btn(pt.q('.parley-notice'), 'Confirm')`)
	e.shootAt("identity-confirm-light-390", `pt.q('.parley-notice')`)
	e.run(`pt.btn(pt.q('.parley-notice'), 'Confirm').click()`)
	e.waitFor("the confirmation", `pt.text(pt.q('.parley-said')) === `+
		js("Your e-mail address ada@example.com is confirmed: you are a verified reader on this site, on this device."))
	type after struct {
		Hash, Token, As string
		Identity        struct {
			Email    string `json:"email"`
			Verified bool   `json:"verified"`
			Member   bool   `json:"member"`
		}
		EmailShown bool
	}
	a := eval[after](e, `({Hash: location.hash, Token: localStorage.getItem('parley.token'),
		Identity: JSON.parse(localStorage.getItem('parley.identity')),
		As: pt.text(`+mainForm+`.querySelector('.parley-as')),
		EmailShown: !`+field(mainForm, "email")+`.closest('[hidden]')})`)
	if a.Hash != "" || a.Token == "" || a.Token != tokenBefore {
		t.Errorf("after confirming: hash %q, token kept %v", a.Hash, a.Token == tokenBefore)
	}
	if !a.Identity.Verified || a.Identity.Email != "ada@example.com" || a.Identity.Member {
		t.Errorf("stored identity %+v", a.Identity)
	}
	if !strings.HasPrefix(a.As, "Posting as Ada Lovelace ✓ (verified) · change") || a.EmailShown {
		t.Errorf("the form says %q; e-mail field shown %v", a.As, a.EmailShown)
	}
	// A comment posted now carries the mark.
	e.run(field(mainForm, "body") + `.value = 'Now verified.'`)
	e.run(mainForm + `.querySelector('button[type=submit]').click()`)
	e.waitFor("the verified comment", `pt.qa('article.parley-comment').length === 2 && pt.active().matches('article')`)
	second := strings.TrimPrefix(eval[string](e, `pt.active().id`), "parley-")
	e.waitFor("the verified mark", `pt.art(`+js(second)+`).querySelector('.parley-who .parley-ok')`)
	if got := eval[string](e, `pt.text(pt.art(`+js(second)+`).querySelector('.parley-who'))`); got != "Ada Lovelace ✓verified" {
		t.Errorf("the verified comment's name reads %q", got)
	}
	if c := e.comment(second); !c.Author.Verified || c.Author.Email != "ada@example.com" {
		t.Errorf("stored author %+v", c.Author)
	}
	if eval[bool](e, `!!pt.art(`+js(first)+`).querySelector('.parley-ok')`) {
		t.Error("the comment written before verifying has the mark")
	}
	e.shootAt("identity-thread-light-390", `pt.q('.parley-thread')`)
	e.prefers("dark")
	e.openWidget(e.embedPage("/verify-dark", `data-page-id="`+testPage+`"`, darkHost))
	e.waitFor("the marks", `pt.qa('.parley-ok').length >= 1 && pt.q('.parley-av')`)
	e.shootAt("identity-thread-dark-390", `pt.q('.parley-thread')`)
	e.prefers("light")

	// Another device, a fresh browser context: it asks for a link
	// itself, and its confirmation makes it the same reader.
	o := e.reader()
	o.viewport(390, 900)
	o.prefers("dark")
	o.openWidget(e.embedPage("/verify-dark2", `data-page-id="`+testPage+`"`, darkHost))
	o.run(field(mainForm, "body") + `.focus()`) // a new reader: the author fields open
	o.waitFor("the verify action under the e-mail field", `pt.visible(pt.q('.parley-field .parley-vlink'))`)
	o.run(`pt.q('.parley-field .parley-vlink').click()`)
	o.waitFor("the verify form", `pt.q('.parley-verify')`)
	o.shootAt("identity-verify-form-dark-390", `pt.q('.parley-verify')`)
	askForLink(o, "ada@example.com")
	link2 := magicLink(t, smtp, 2, "ada@example.com", e.blog+"/verify-dark2")
	o.open("about:blank")
	o.open(link2)
	o.waitLoaded()
	o.waitFor("the confirm box", `pt.btn(pt.q('.parley-notice'), 'Confirm')`)
	o.shootAt("identity-confirm-dark-390", `pt.q('.parley-notice')`)
	o.run(`pt.btn(pt.q('.parley-notice'), 'Confirm').click()`)
	o.waitFor("both comments as the reader's own", `pt.btn(`+js(first)+`, 'Edit') && pt.btn(`+js(second)+`, 'Delete')`)
	if !eval[bool](o, `!!pt.art(`+js(second)+`).querySelector('.parley-ok') && location.hash === ''`) {
		t.Error("on the second device the verified comment has no mark, or the link stays in the URL")
	}

	// The link again: used already.
	o.open("about:blank")
	o.open(link2)
	o.waitLoaded()
	o.waitFor("the confirm box", `pt.btn(pt.q('.parley-notice'), 'Confirm')`)
	o.run(`pt.btn(pt.q('.parley-notice'), 'Confirm').click()`)
	o.waitFor("the used link's message", `pt.text(pt.q('.parley-notice .parley-error')) === `+
		js("This link was used already or is not valid. You can ask for a new one.")+
		` && pt.btn(pt.q('.parley-notice'), 'Ask for a new link')`)
	o.shootAt("identity-link-invalid-dark-390", `pt.q('.parley-notice')`)
	o.run(`pt.btn(pt.q('.parley-notice'), 'Ask for a new link').click()`)
	// A verified reader's form offers no verification; the box just goes.
	o.waitFor("the box to go", `!pt.q('.parley-notice')`)
}

// memberSecret is the site's SSO secret, as the admin page shows it.
func memberSecret(t *testing.T, e *env, version int) []byte {
	t.Helper()
	key, err := e.store.Secret(context.Background(), "sso")
	if err != nil {
		t.Fatal(err)
	}
	return []byte(sso.Secret(key, e.site, version))
}

func TestIdentitySignIn(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.SSO, s.SSOKeyVersion = true, 1 })
	secret := memberSecret(t, e, 1)
	grace := func() string {
		return sso.Sign(secret, sso.Member{ID: "m-42", Name: "Grace Hopper", Email: "grace@example.com",
			Affiliation: "Member since 1952", Avatar: "https://avatars.test/42.png", Expires: time.Now().Add(10 * time.Minute).Unix()})
	}
	serveAvatars(e)
	other := e.post(draft{Name: "Jun Park", Body: "A guest's comment, from before the site took members only."})
	e.viewport(390, 900)
	e.openWidget(e.embedPage("/member", `data-page-id="`+testPage+`" data-sso="`+grace()+`"`, lightHost))
	e.waitFor("the member signed in", `pt.text(`+mainForm+`.querySelector('.parley-as')) === 'Signed in as Grace Hopper ✓verified'`)
	if !eval[bool](e, mainForm+`.querySelector('.parley-fields').hidden`) {
		t.Error("a member is asked for the author fields")
	}
	e.run(field(mainForm, "body") + `.value = 'Posted as a member.'`)
	e.run(mainForm + `.querySelector('button[type=submit]').click()`)
	e.waitFor("the member's comment", `pt.qa('article.parley-comment').length === 2 && pt.active().matches('article')`)
	id := strings.TrimPrefix(eval[string](e, `pt.active().id`), "parley-")
	if got := eval[string](e, `pt.text(pt.art(`+js(id)+`).querySelector('.parley-who'))`); got != "Grace Hopper ✓verified" {
		t.Errorf("the member's comment is by %q", got)
	}
	if c := e.comment(id); c.Author.Name != "Grace Hopper" || !c.Author.Verified || c.Author.Avatar != "https://avatars.test/42.png" {
		t.Errorf("stored author %+v", c.Author)
	}
	if eval[bool](e, `!!pt.art(`+js(other.ID)+`).querySelector('.parley-ok')`) {
		t.Error("a guest's comment has the verified mark")
	}

	// Another device, a fresh payload for the same member: the comment is
	// theirs there too.
	e.waitFor("the member's picture", `pt.art(`+js(id)+`)?.querySelector('img.parley-av')?.naturalWidth > 0`)
	if got := eval[string](e, `pt.art(`+js(id)+`).querySelector('img.parley-av').getAttribute('referrerpolicy')`); got != "no-referrer" {
		t.Errorf("the member's picture has referrerpolicy %q", got)
	}
	e.shootAt("identity-member-light-390", `pt.q('.parley-bar')`)
	e.prefers("dark")
	e.openWidget(e.embedPage("/member-dark", `data-page-id="`+testPage+`" data-sso="`+grace()+`"`, darkHost))
	e.waitFor("the member's picture", `pt.art(`+js(id)+`)?.querySelector('img.parley-av')?.naturalWidth > 0`)
	e.shootAt("identity-member-dark-390", `pt.q('.parley-bar')`)
	e.prefers("light")

	o := e.reader()
	o.viewport(390, 900)
	o.openWidget(e.embedPage("/member2", `data-page-id="`+testPage+`" data-sso="`+grace()+`"`, lightHost))
	o.waitFor("the member's comment as their own", `pt.btn(`+js(id)+`, 'Edit')`)

	// The blog signs them out: the widget forgets them.
	o.openWidget(e.embedPage("/member3", `data-page-id="`+testPage+`" data-sso=""`, lightHost))
	o.waitFor("the member forgotten", `!localStorage.getItem('parley.identity') && !localStorage.getItem('parley.token') && !pt.btn(`+js(id)+`, 'Edit')`)

	// A payload signed with another secret: a note, and a guest.
	o.openWidget(e.embedPage("/member4", `data-page-id="`+testPage+`" data-sso="`+sso.Sign([]byte("wrong"), sso.Member{ID: "x", Name: "X", Expires: time.Now().Add(time.Minute).Unix()})+`"`, lightHost))
	o.waitFor("the note", `pt.text(pt.q('.parley-said')) === 'Signing you in with your account on this site did not work, so you comment as a guest.'`)

	// Parley.signIn from the page's script, then Parley.signOut.
	e.run(`Parley.signOut()`)
	e.waitFor("signed out", `!localStorage.getItem('parley.token') && !pt.btn(`+js(id)+`, 'Edit')`)
	e.run(`Parley.signIn(` + js(grace()) + `)`)
	e.waitFor("signed in again", `pt.btn(`+js(id)+`, 'Edit')`)
}

// serveAvatars answers the tab's requests to https://avatars.test/ with a
// picture, as a member's site would.
func serveAvatars(e *env) {
	e.t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			c := color.RGBA{R: 40, G: 120, B: 90, A: 255}
			if (x-32)*(x-32)+(y-26)*(y-26) < 150 || (y > 44 && (x-32)*(x-32) < 500-(y-64)*(y-64)) {
				c = color.RGBA{R: 240, G: 220, B: 190, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		e.t.Fatal(err)
	}
	body := buf.Bytes()
	err := chromedp.Listen(e.ctx, func(ev any) {
		if p, ok := ev.(*fetch.EventRequestPaused); ok {
			// Not from the tab's event loop, which must not wait.
			go chromedp.Call(e.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: p.RequestID, ResponseCode: 200,
				Body: body, ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "image/png"}}})
		}
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := chromedp.Call(e.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "https://avatars.test/*"}}}); err != nil {
		e.t.Fatal(err)
	}
}
