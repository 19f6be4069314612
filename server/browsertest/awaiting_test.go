package browsertest

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/storage"
)

// TestAwaitingReplyOnAPhone works the "Awaiting your reply" tab at a
// phone's width: the dashboard counts and links it, it lists the readers'
// comments oldest first, the owner replies to the oldest from its card and
// it leaves the list (the reply shows in the page's thread with the owner's
// badge), "No reply needed" dismisses another, and nothing scrolls
// sideways. With $PARLEY_SCREENSHOTS set it saves screenshots there.
func TestAwaitingReplyOnAPhone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	hash, err := admin.HashPassword("owner password")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateUser(ctx, storage.User{Name: "owner", DisplayName: "Olga the owner", PasswordHash: hash,
		Roles: map[string]storage.Role{e.site: storage.RoleOwner}}); err != nil {
		t.Fatal(err)
	}
	at, fits := e.openAdmin, e.fitsPhone
	rows := func() []string {
		t.Helper()
		return eval[[]string](e, `[...document.querySelectorAll('tr.item')].map(tr => tr.id.slice(2))`)
	}

	// Three readers ask, one after the other; the owner's own post and a
	// held comment never await a reply.
	oldest := e.post(draft{PageTitle: "Hello world", Name: "Ida", Email: "ida@example.com",
		Body: "How do I subscribe to new posts? A question long enough to wrap over a few lines on a phone: https://example.com/" + "a-rather-long-link-that-goes-on-and-on"})
	middle := e.post(draft{Name: "Bob", Body: "Great post, thanks."})
	newest := e.post(draft{Name: "Zoë", Body: "Is there a part two?"})
	staff := e.post(draft{Name: "Staff", Body: "Welcome, everyone."})
	e.setBadge(staff.ID, storage.BadgeOwner)
	held := e.post(draft{Name: "Kim", Body: "Held for review."})
	if _, err := e.store.UpdateComment(ctx, e.site, held.ID, func(c *storage.Comment) error { c.Status = storage.StatusPending; return nil }); err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Do(e.ctx, chromedp.EmulateViewport(phoneWidth, 844)); err != nil {
		t.Fatal(err)
	}
	at("/admin/login", "/admin/login")
	e.run(`document.querySelector('#name').value = 'owner'`)
	e.run(`document.querySelector('#password').value = 'owner password'`)
	e.run(`document.querySelector('form[action="/admin/login"] button[type=submit]').click()`)
	e.waitFor("the dashboard", `location.pathname === '/admin/' && document.readyState === 'complete'`)
	fits("the dashboard")
	e.shoot("awaiting-dashboard")
	link := `document.querySelector('a[href$="/queue?tab=awaiting"]')`
	if got := eval[string](e, link+`?.textContent || ''`); got != "3 awaiting your reply" {
		t.Errorf("the dashboard says %q", got)
	}

	// The dashboard's link opens the tab: oldest first, its count on
	// the tab, a reply box on each card.
	e.run(link + `.click()`)
	q := "/admin/sites/" + e.site + "/queue"
	e.waitFor("the awaiting tab", `location.search === '?tab=awaiting' && document.readyState === 'complete'`)
	fits("the awaiting tab")
	e.shoot("awaiting-tab")
	if got := rows(); !slices.Equal(got, []string{oldest.ID, middle.ID, newest.ID}) {
		t.Fatalf("the tab lists %v, want oldest first %v", got, []string{oldest.ID, middle.ID, newest.ID})
	}
	if got := eval[string](e, `document.querySelector('.subtabs [aria-current=page]').textContent.replace(/\s+/g, ' ').trim()`); got != "Awaiting your reply (3)" {
		t.Errorf("the current tab reads %q", got)
	}
	card := `document.getElementById(` + js("c-"+oldest.ID) + `)`
	if !eval[bool](e, `(() => { const c = `+card+`, r = c.querySelector('textarea').getBoundingClientRect();
			const b = [...c.querySelectorAll('.quick button')];
			return b.map(x => x.textContent.trim()).join() === 'Reply,No reply needed' && r.left >= 0 && r.right <= `+strconv.Itoa(phoneWidth)+` &&
				b.every(x => { const q = x.getBoundingClientRect(); return q.left >= 0 && q.right <= `+strconv.Itoa(phoneWidth)+` && q.height >= 40; }); })()`) {
		t.Error("the oldest card's reply box and buttons are missing, off screen or too small to tap")
	}

	// Reply inline to the oldest: back on the tab, which no longer lists it.
	e.typeInto(card+`.querySelector('textarea')`, "Use the RSS feed at /feed.xml.")
	e.shoot("awaiting-typing")
	e.run(`[...` + card + `.querySelectorAll('.quick button')].find(b => b.textContent.trim() === 'Reply').click()`)
	e.waitFor("the tab after the reply", `/published/.test(document.querySelector('.flash')?.textContent || '') && document.readyState === 'complete'`)
	if got := eval[string](e, `location.pathname + location.search`); got != q+"?tab=awaiting&ok=replied" {
		t.Errorf("after the reply the page is %q", got)
	}
	if got := rows(); !slices.Equal(got, []string{middle.ID, newest.ID}) {
		t.Errorf("after the reply the tab lists %v", got)
	}
	fits("the tab after a reply")
	e.shoot("awaiting-replied")

	// Dismiss the next one: no reply needed.
	e.run(`[...document.getElementById(` + js("c-"+middle.ID) + `).querySelectorAll('.quick button')].find(b => b.textContent.trim() === 'No reply needed').click()`)
	e.waitFor("the tab after the dismissal", `/Done/.test(document.querySelector('.flash')?.textContent || '') && document.readyState === 'complete'`)
	if got := rows(); !slices.Equal(got, []string{newest.ID}) {
		t.Errorf("after the dismissal the tab lists %v", got)
	}
	if got := eval[string](e, `document.querySelector('.subtabs [aria-current=page]').textContent.replace(/\s+/g, ' ').trim()`); got != "Awaiting your reply (1)" {
		t.Errorf("the current tab reads %q", got)
	}
	fits("the tab after a dismissal")
	e.shoot("awaiting-dismissed")
	if c := e.comment(middle.ID); !c.Answered || c.Status != storage.StatusApproved {
		t.Errorf("the dismissed comment: %+v", c)
	}

	// The reply is on the page's thread, under the oldest comment, with
	// the owner's badge.
	e.openWidget(e.embedPage("/awaiting", `data-page-id="`+testPage+`"`, ""))
	var reply storage.Comment
	for _, c := range e.stored(testPage) {
		if c.ParentID == oldest.ID {
			reply = c
		}
	}
	if reply.ID == "" || reply.Author.Badge != storage.BadgeOwner || reply.Author.Name != "Olga the owner" {
		t.Fatalf("the stored reply: %+v", reply)
	}
	shown := eval[string](e, `(() => { const a = pt.art(`+js(reply.ID)+`), p = pt.li(`+js(oldest.ID)+`);
		return a && p && p.contains(a) ? pt.text(a.querySelector('.parley-body')) + ' | ' + pt.text(a.querySelector('.parley-badge')) : ''; })()`)
	if shown != "Use the RSS feed at /feed.xml. | Owner" {
		t.Errorf("the thread shows the reply as %q", shown)
	}
	e.shoot("awaiting-thread")
}
