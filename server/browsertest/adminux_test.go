package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/storage"
)

// phoneWidth is the CSS width of a common phone.
const phoneWidth = 390

// TestAdminOnAPhone works the admin page at a phone's width: no page
// scrolls sideways, words wrap whole, the queue is a list of cards whose
// own buttons moderate one comment each, and destructive actions look
// it. It takes screenshots of the queue at 1280 and 390 pixels wide into
// $PARLEY_SCREENSHOTS, when that is set.
func TestAdminOnAPhone(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.Moderation = storage.ModerateAll; s.AllowLinks = true })
	ctx := context.Background()
	hash, err := admin.HashPassword("owner password")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateUser(ctx, storage.User{Name: "owner", PasswordHash: hash, Roles: map[string]storage.Role{e.site: storage.RoleOwner}}); err != nil {
		t.Fatal(err)
	}
	viewport := func(w, h int64) {
		t.Helper()
		if err := chromedp.Do(e.ctx, chromedp.EmulateViewport(w, h)); err != nil {
			t.Fatal(err)
		}
	}
	at := e.openAdmin
	// fits checks that the page does not scroll sideways at the phone's
	// width, and that no word may be split except long URLs and tokens in
	// their own box.
	fits := func(name string) {
		t.Helper()
		e.fitsPhone(name)
		if bad := eval[string](e, `[...document.querySelectorAll('body, body *')].filter(el => {
				const s = getComputedStyle(el);
				return s.wordBreak === 'break-all' || (s.overflowWrap === 'anywhere' && !el.closest('.token, code, pre, .rendered a'));
			}).slice(0, 5).map(el => el.tagName + '.' + el.className).join('; ')`); bad != "" {
			t.Errorf("%s: words may split mid-word in %s", name, bad)
		}
	}

	// Comments on three pages, with what makes pages wide: a long link,
	// a long word, code, a quote; all held for review.
	long := "https://example.com/" + strings.Repeat("very-long-path-segment/", 8)
	bodies := []string{
		"A first *comment* with a [link](" + long + ") and a bare one: " + long,
		"> quoting someone\n\nand `some code` and a long word: Donaudampfschifffahrtsgesellschaftskapitän.",
		"Buy cheap things at " + long,
		"Another thoughtful remark about the post, long enough to wrap over a few lines on a phone screen.",
		"Reported by readers.",
		"Deleted already.",
	}
	var ids []string
	for i, b := range bodies {
		d := draft{Page: []string{"post-1", "/2026/a-page-with-a-rather-long-key-that-goes-on", "post-3"}[i%3],
			PageTitle: []string{"Hello world", "", "A post with a title that is long enough to wrap"}[i%3],
			Name:      []string{"Ida", "Bob", "Spammer McSpamface", "Zoë", "Kim", "Lee"}[i], Email: "reader" + string(rune('a'+i)) + "@example.com", Body: b}
		ids = append(ids, e.post(d).ID)
	}
	setStatus := func(id string, st storage.Status) {
		t.Helper()
		if _, err := e.store.UpdateComment(ctx, e.site, id, func(c *storage.Comment) error { c.Status = st; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	setStatus(ids[2], storage.StatusSpam)
	setStatus(ids[3], storage.StatusApproved)
	setStatus(ids[4], storage.StatusApproved)
	setStatus(ids[5], storage.StatusDeleted)
	for i, reason := range []string{"spam", "spam", "off-topic"} {
		f := storage.Flag{SiteID: e.site, CommentID: ids[4], ReaderHash: "flagger-" + string(rune('a'+i)), Reason: reason}
		if i == 2 {
			f.Note = "has nothing to do with the post"
		}
		if err := e.store.AddFlag(ctx, f); err != nil {
			t.Fatal(err)
		}
	}

	// The sign-in page, then signing in, at a phone's width.
	viewport(phoneWidth, 844)
	at("/admin/login", "/admin/login")
	fits("the sign-in page")
	e.run(`document.querySelector('#name').value = 'owner'`)
	e.run(`document.querySelector('#password').value = 'owner password'`)
	e.run(`document.querySelector('form[action="/admin/login"] button[type=submit]').click()`)
	e.waitFor("the dashboard", `location.pathname === '/admin/' && document.readyState === 'complete'`)

	// A settings change and a ban from a comment, for the audit log and
	// the bans page.
	q := "/admin/sites/" + e.site
	at(q, q)
	e.run(`document.querySelector('#max_links').value = '5'`)
	e.run(`document.querySelector('form[action$="/settings"]').requestSubmit()`)
	e.waitFor("the settings saved", `/Saved/.test(document.querySelector('.flash')?.textContent || '')`)
	at(q+"/comments/"+ids[2], q+"/comments/"+ids[2])
	if got := eval[string](e, `document.querySelector('#ban-days').selectedOptions[0].textContent`); got != "30 days" {
		t.Errorf("the comment page's ban form offers %q first", got)
	}
	e.run(`document.querySelector('form[action$="/ban"]').requestSubmit()`)
	e.waitFor("the bans page", `location.pathname === `+js(q+"/bans")+` && document.readyState === 'complete'`)
	if who := eval[string](e, `document.querySelector('td.who-banned')?.textContent || ''`); !strings.Contains(who, "Spammer McSpamface") || !strings.Contains(who, "Buy cheap things") || !strings.Contains(who, "A post with a title") {
		t.Errorf("the ban does not say who was banned: %q", who)
	}
	if got := eval[string](e, `document.querySelector('#ban-days').selectedOptions[0].textContent`); got != "30 days" {
		t.Errorf("the bans page's form offers %q first", got)
	}

	// Every page fits a phone.
	pages := []struct{ name, url string }{
		{"dashboard", "/admin/"},
		{"site settings", q},
		{"queue-pending", q + "/queue?tab=pending"},
		{"queue-flagged", q + "/queue?tab=flagged"},
		{"queue-spam", q + "/queue?tab=spam"},
		{"queue-deleted", q + "/queue?tab=deleted"},
		{"queue-approved", q + "/queue?tab=approved"},
		{"comment", q + "/comments/" + ids[0]},
		{"pages", q + "/pages"},
		{"bans", q + "/bans"},
		{"audit", q + "/audit"},
		{"data", q + "/data"},
	}
	for _, p := range pages {
		path, _, _ := strings.Cut(p.url, "?")
		at(p.url, path)
		fits(p.name)
		e.shoot("phone-" + strings.ReplaceAll(p.name, " ", "-"))
	}
	at(q+"/audit", q+"/audit")
	if got := eval[string](e, `document.querySelector('.changes')?.textContent || ''`); got != "max links: no limit → 5" {
		t.Errorf("the audit log says of the settings change: %q", got)
	}
	if !eval[bool](e, `[...document.querySelectorAll('a')].some(a => a.pathname === `+js(q+"/comments/"+ids[2])+`)`) {
		t.Error("the audit log does not link the ban to its comment")
	}

	// The queue is a list of cards, each with its own buttons; Spam and
	// Delete look destructive.
	at(q+"/queue?tab=pending", q+"/queue")
	card := `document.getElementById(` + js("c-"+ids[0]) + `)`
	if got := eval[string](e, `getComputedStyle(`+card+`).display`); got != "grid" {
		t.Errorf("a pending comment is shown as %q, not a card", got)
	}
	if got := eval[[]string](e, `[...`+card+`.querySelectorAll('.quick button')].map(b => b.textContent.trim())`); strings.Join(got, ",") != "Approve,Spam,Delete" {
		t.Errorf("a pending card's actions: %q", got)
	}
	if got := eval[[]string](e, `[...document.querySelectorAll('.bulkbar button')].map(b => b.textContent.trim())`); strings.Join(got, ",") != "Approve,Spam,Delete" {
		t.Errorf("the pending tab's bulk actions: %q", got)
	}
	if !eval[bool](e, `(() => { const [a, s] = [...`+card+`.querySelectorAll('.quick button')].map(b => getComputedStyle(b).color); return a !== s; })()`) {
		t.Error("Spam looks like Approve")
	}
	if !eval[bool](e, `[...document.querySelectorAll('tr.item .quick button')].every(b => { const r = b.getBoundingClientRect(); return r.left >= 0 && r.right <= `+strconv.Itoa(phoneWidth)+` && r.height >= 40; })`) {
		t.Error("a card's buttons are off screen or too small to tap")
	}
	if eval[string](e, card+`.querySelector('.body a')?.getAttribute('href') || ''`) != long {
		t.Error("the comment is not shown as readers see it (its link)")
	}
	if eval[string](e, card+`.querySelector('td.page .page-title')?.textContent || ''`) != "Hello world" {
		t.Error("the page is not shown by its title")
	}
	e.shoot("queue-390")
	viewport(1280, 900)
	at(q+"/queue?tab=pending", q+"/queue")
	if got := eval[string](e, `getComputedStyle(`+card+`).display`); got != "table-row" {
		t.Errorf("on a wide screen a comment is shown as %q, not a table row", got)
	}
	e.shoot("queue-1280")
	at(q+"/queue?tab=flagged", q+"/queue")
	if got := eval[[]string](e, `[...document.querySelectorAll('.flags')].map(p => p.textContent)`); strings.Join(got, "|") != "Reported 3 times: spam ×2, off-topic" {
		t.Errorf("flag summaries: %q", got)
	}
	e.shoot("queue-flagged-1280")
	for _, p := range []string{"bans", "audit"} {
		at(q+"/"+p, q+"/"+p)
		e.shoot(p + "-1280")
	}

	// Approve from the card, on the phone: the comment leaves the pending
	// tab and is published.
	viewport(phoneWidth, 844)
	at(q+"/queue?tab=pending", q+"/queue")
	e.run(card + `.querySelector('.quick button[form="quick-approve"]').click()`)
	e.waitFor("the approval", `/Done/.test(document.querySelector('.flash')?.textContent || '') && !`+card)
	if c, err := e.store.Comment(ctx, e.site, ids[0]); err != nil || c.Status != storage.StatusApproved {
		t.Errorf("after Approve on its card: %q %v", c.Status, err)
	}
	if !eval[bool](e, `!!document.getElementById(`+js("c-"+ids[1])+`)`) {
		t.Error("Approve on one card touched another")
	}
	at(q+"/queue?tab=approved", q+"/queue")
	e.waitFor("the comment in the published tab", card)

	// Turning on sign-in shows its secret once, on a page that fits.
	at(q, q)
	e.run(`document.querySelector('form[action$="/sso"]').requestSubmit()`)
	e.waitFor("the secret", `/^psso_/.test(document.querySelector('#sso-secret')?.textContent || '')`)
	fits("the sign-in secret")
	e.shoot("phone-sso-secret")
	secret := eval[string](e, `document.querySelector('#sso-secret').textContent`)
	at(q, q)
	if html := eval[string](e, `document.documentElement.outerHTML`); strings.Contains(html, secret) || !strings.Contains(html, "secret version 1") {
		t.Error("the settings page shows the secret again, or not that sign-in is on")
	}
	e.run(`document.querySelector('#sso-h').scrollIntoView()`)
	e.shoot("phone-sso-settings")
}
