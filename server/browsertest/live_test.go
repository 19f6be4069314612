package browsertest

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server"
	"github.com/parley-dev/parley/server/mail"
	"github.com/parley-dev/parley/storage"
)

// The widget's live updates (widget/src/live.js): two readers on one page,
// each in a browser context of their own, on a Parley server of the
// test's own (newLiveEnv). What one does shows on the other's screen
// through the page's server-sent events, without a reload.

// shownTimes is the JavaScript count of the articles of comment id.
func shownTimes(id string) string {
	return `pt.qa('article').filter(a => a.id === 'parley-' + ` + js(id) + `).length`
}

// settle gives a tab a moment to do what it would do with events that
// have reached it: there is nothing to wait for when the right answer is
// that nothing happens.
func settle() { time.Sleep(500 * time.Millisecond) }

// TestLiveNewComment: reader A posts; reader B sees the comment appear
// without a reload, once, announced, with the count updated; A, whose own
// comment comes back through the stream too, still shows it once, as
// theirs. Both get the feed link under the thread.
func TestLiveNewComment(t *testing.T) {
	t.Parallel()
	a := newConfiguredEnv(t, nil)
	url := a.embedPage("/live", `data-page-id="`+testPage+`"`, "")
	b := a.reader()
	a.openWidget(url)
	b.openWidget(url)
	aSSE, bSSE := watchSSE(a), watchSSE(b)
	a.waitStreams(1)
	streams := b.waitStreams(1)
	if u := streams[0].URL; !strings.Contains(u, "/api/v1/sites/"+a.site+"/events?page="+testPage+"&since=") {
		t.Errorf("stream URL %s", u)
	}

	id := postViaForm(a, "Alice", "Hello from *A*.")
	b.waitFor("A's comment on B's screen", `pt.art(`+js(id)+`)`)
	aSSE.wait(t, "comment", id)
	bSSE.wait(t, "comment", id)
	settle()

	type view struct {
		Times          int
		Heading, Live  string
		Body, Name     string
		Edit, Reply    bool
		Votes, Focused bool
	}
	look := func(e *env) view {
		return eval[view](e, `(() => { const art = pt.art(`+js(id)+`);
			return {Times: `+shownTimes(id)+`, Heading: pt.text(pt.q('.parley-heading')), Live: pt.live(),
				Body: art.querySelector('.parley-body').innerHTML.trim(), Name: pt.text(art.querySelector('.parley-who')),
				Edit: !!pt.btn(`+js(id)+`, 'Edit'), Reply: !!pt.btn(`+js(id)+`, 'Reply'),
				Votes: !!art.querySelector('button[aria-label="Vote up"]'), Focused: pt.active() === art}; })()`)
	}
	av, bv := look(a), look(b)
	if av.Times != 1 || bv.Times != 1 {
		t.Fatalf("the comment is shown %d times to its author and %d times to the other reader, want once each", av.Times, bv.Times)
	}
	if !av.Edit || av.Votes || !av.Focused || av.Heading != "1 comment" {
		t.Errorf("author's view after the echo: %+v; want it still theirs (Edit, no votes), focused, counted once", av)
	}
	if bv.Edit || !bv.Votes || !bv.Reply || bv.Focused || bv.Name != "Alice" || bv.Body != "<p>Hello from <em>A</em>.</p>" || bv.Heading != "1 comment" {
		t.Errorf("other reader's view: %+v", bv)
	}
	b.waitFor("the announcement", `pt.live() === 'New comment by Alice'`)
	if got := eval[string](b, `pt.text(pt.q('.parley-note'))`); got != "" {
		t.Errorf("the empty-thread note still says %q", got)
	}

	// A reply from B goes under A's comment on A's screen, nested.
	b.run(`pt.btn(` + js(id) + `, 'Reply').click()`)
	form := `pt.li(` + js(id) + `).querySelector('form.parley-form')`
	b.waitFor("the reply form", form)
	b.typeInto(field(form, "name"), "Bob")
	b.run(field(form, "body") + `.value = 'Hi Alice.'`)
	b.run(form + `.querySelector('button[type=submit]').click()`)
	b.waitFor("B's reply", `pt.li(`+js(id)+`).querySelector('ol.parley-replies article')`)
	reply := strings.TrimPrefix(eval[string](b, `pt.li(`+js(id)+`).querySelector('ol.parley-replies article').id`), "parley-")
	a.waitFor("B's reply under A's comment", `pt.art(`+js(reply)+`) && pt.art(`+js(reply)+`).closest('ol.parley-replies') === pt.li(`+js(id)+`).querySelector('ol.parley-replies')`)
	a.waitFor("the count", `pt.text(pt.q('.parley-heading')) === '2 comments'`)
	bSSE.wait(t, "comment", reply)
	settle()
	if n := eval[int](b, shownTimes(reply)); n != 1 {
		t.Errorf("B's own reply is shown %d times", n)
	}

	// B votes on A's comment: A sees the score, still without vote buttons.
	score := `pt.text(pt.art(` + js(id) + `).querySelector('.parley-score'))`
	b.run(`pt.art(` + js(id) + `).querySelector('button[aria-label="Vote up"]').click()`)
	b.waitFor("B's vote", score+` === '1'`)
	a.waitFor("the score on A's screen", score+` === '1'`)
	aSSE.wait(t, "score", id)

	// A edits: B sees the new body and the edited mark; A's comment stays
	// A's, with Edit and the score.
	a.run(`pt.btn(` + js(id) + `, 'Edit').click()`)
	edit := `pt.li(` + js(id) + `).querySelector('form.parley-form')`
	a.waitFor("the edit form", edit)
	a.run(field(edit, "body") + `.value = 'Hello from **A**, edited.'`)
	a.run(edit + `.querySelector('button[type=submit]').click()`)
	edited := `pt.art(` + js(id) + `).querySelector('.parley-body strong') && [...pt.art(` + js(id) + `).querySelectorAll('.parley-head .parley-meta')].some(m => m.textContent === 'edited')`
	b.waitFor("the edit on B's screen", edited)
	a.waitFor("the edit on A's screen", edited+` && !`+edit)
	aSSE.wait(t, "comment", "edited.")
	settle()
	if !eval[bool](a, `!!pt.btn(`+js(id)+`, 'Edit') && !pt.art(`+js(id)+`).querySelector('button[aria-label="Vote up"]') && `+score+` === '1'`) {
		t.Error("after the echo of the edit, A's comment is no longer shown as A's own, with its score")
	}
	if n := eval[int](b, shownTimes(id)); n != 1 {
		t.Errorf("the edited comment is shown %d times to B", n)
	}
	if eval[bool](b, `pt.art(`+js(id)+`).querySelector('button[aria-label="Vote up"]').getAttribute('aria-pressed') !== 'true'`) {
		t.Error("B's vote is no longer shown after the edit")
	}

	// The feed link, under the thread.
	type link struct{ Text, Href, Rel, Type, Title string }
	want := link{"Feed", a.api + "/api/v1/sites/" + a.site + "/feed.atom?page=" + testPage, "alternate", "application/atom+xml", "Atom feed of this discussion"}
	for _, e := range []*env{a, b} {
		l := eval[link](e, `(() => { const a = pt.q('.parley-feed a');
			return a ? {Text: pt.text(a), Href: a.href, Rel: a.rel, Type: a.type, Title: a.title} : {}; })()`)
		if l != want {
			t.Errorf("feed link %+v, want %+v", l, want)
		}
	}
	if !eval[bool](a, `(() => { const p = pt.q('.parley-feed'); return !!p && !!(pt.q('.parley-thread').compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING); })()`) {
		t.Error("the feed link is not below the thread")
	}
	res, err := http.Get(want.Href)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "atom") {
		t.Errorf("GET %s: %d %s", want.Href, res.StatusCode, res.Header.Get("Content-Type"))
	}
}

// TestLiveKeepsScroll: reader B has scrolled to the end of a long thread
// when a reply to the first comment, far above the viewport, arrives. What
// B looks at does not move: the page scrolls by the reply's height. So it
// does where the browser has no CSS scroll anchoring of its own (Safari;
// here a host page that turns it off), which Chromium would do anyway.
func TestLiveKeepsScroll(t *testing.T) {
	t.Parallel()
	for name, head := range map[string]string{"anchoring": "", "no anchoring": `<style>html, body { overflow-anchor: none; }</style>`} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			keepsScroll(t, head)
		})
	}
}

func keepsScroll(t *testing.T, head string) {
	e := newConfiguredEnv(t, nil)
	ids := e.bulk(testPage, 40, 0)
	e.openWidget(e.embedPage("/long", `data-page-id="`+testPage+`"`, head))
	e.waitStreams(1)
	last := `pt.art(` + js(ids[len(ids)-1]) + `)`
	e.run(`scrollTo(0, document.documentElement.scrollHeight)`)
	e.waitFor("the end of the thread in view", `scrollY > 1000 && `+last+`.getBoundingClientRect().bottom < innerHeight`)

	type pos struct{ Y, Top, First, Height float64 }
	where := func(extra string) pos {
		return eval[pos](e, `({Y: scrollY, Top: `+last+`.getBoundingClientRect().top, First: pt.art(`+js(ids[0])+`).getBoundingClientRect().bottom`+extra+`})`)
	}
	before := where("")
	if before.First > 0 {
		t.Fatalf("the first comment is in view (bottom at %v): the test needs it above", before.First)
	}
	r := e.post(draft{Parent: ids[0], Name: "Bea", Body: "A late reply to the first comment."})
	e.waitFor("the reply under the first comment", `pt.art(`+js(r.ID)+`) && pt.art(`+js(r.ID)+`).closest('ol.parley-replies') === pt.li(`+js(ids[0])+`).querySelector('ol.parley-replies')`)
	settle() // and anything that would move the page afterwards
	after := where(`, Height: pt.li(` + js(ids[0]) + `).querySelector('ol.parley-replies').getBoundingClientRect().height`)
	t.Logf("scrollY %v -> %v, last comment's top %v -> %v, replies list %vpx", before.Y, after.Y, before.Top, after.Top, after.Height)
	if math.Abs(after.Top-before.Top) > 3 {
		t.Errorf("the comment in view moved from %v to %v px from the viewport's top", before.Top, after.Top)
	}
	if got := after.Y - before.Y; after.Height == 0 || math.Abs(got-after.Height) > 12 {
		t.Errorf("the page scrolled by %v px for a %v px insertion above the viewport", got, after.Height)
	}
	if got := eval[string](e, `pt.text(pt.q('.parley-heading'))`); got != "41 comments" {
		t.Errorf("heading %q", got)
	}
}

// TestLiveRemove: what is no longer public goes from the other reader's
// screen as the thread shows it: a comment without replies is taken out;
// one with replies stays as "This comment was deleted."; a placeholder
// whose last reply goes goes too. The deletions come through the API (as
// a reader deletes their own from any device) and through the widget of
// the author, whose own view counts the deletion once.
func TestLiveRemove(t *testing.T) {
	t.Parallel()
	a := newConfiguredEnv(t, nil)
	root := a.post(draft{Name: "Ada", Body: "A root."})
	kid := a.post(draft{Parent: root.ID, Name: "Kim", Body: "A reply."})
	solo := a.post(draft{Name: "Sol", Body: "On its own."})
	url := a.embedPage("/remove", `data-page-id="`+testPage+`"`, "")
	b := a.reader()
	a.openAs(url, kid.Token) // A is Kim
	b.openWidget(url)
	a.waitStreams(1)
	b.waitStreams(1)
	heading := `pt.text(pt.q('.parley-heading'))`

	del := func(p posted) {
		a.call(http.MethodDelete, "/api/v1/sites/"+a.site+"/comments/"+p.ID, p.Token, nil, http.StatusNoContent, nil)
	}
	del(solo)
	b.waitFor("the lone comment to go", `!pt.art(`+js(solo.ID)+`) && `+heading+` === '2 comments'`)
	a.waitFor("the lone comment to go for A too", `!pt.art(`+js(solo.ID)+`) && `+heading+` === '2 comments'`)

	del(root)
	b.waitFor("the root as a placeholder", `pt.art(`+js(root.ID)+`) && pt.art(`+js(root.ID)+`).classList.contains('parley-deleted') && `+heading+` === '1 comment'`)
	if got := eval[string](b, `pt.text(pt.art(`+js(root.ID)+`))`); got != "This comment was deleted." {
		t.Errorf("placeholder says %q", got)
	}
	if !eval[bool](b, `!!pt.art(`+js(kid.ID)+`) && pt.art(`+js(kid.ID)+`).closest('li').parentElement.closest('li') === pt.li(`+js(root.ID)+`)`) {
		t.Error("the reply is not under the placeholder any more")
	}

	// Kim deletes the reply in the widget: the placeholder has nothing left
	// to hold and goes too.
	a.waitFor("the root as a placeholder for A", `pt.art(`+js(root.ID)+`).classList.contains('parley-deleted')`)
	a.run(`pt.btn(` + js(kid.ID) + `, 'Delete').click()`)
	confirm := `pt.art(` + js(kid.ID) + `).querySelector('.parley-confirm')`
	a.waitFor("the confirmation", confirm)
	a.run(`pt.btn(` + confirm + `, 'Delete').click()`)
	a.waitFor("the reply to go", `!pt.art(`+js(kid.ID)+`)`)
	b.waitFor("the reply and its placeholder parent to go", `!pt.art(`+js(kid.ID)+`) && !pt.art(`+js(root.ID)+`)`)
	b.waitFor("the empty thread", heading+` === 'Comments' && pt.text(pt.q('.parley-note')) === 'No comments yet. Start the discussion.'`)
	settle()
	if got := eval[string](a, heading); got != "Comments" {
		t.Errorf("the author's heading after deleting their reply: %q (counted twice?)", got)
	}
	if got := eval[string](a, `pt.live()`); got != "Your comment was deleted." {
		t.Errorf("the author's live region says %q", got)
	}
}

// TestLiveHiddenTab: while the tab is hidden the stream is closed, and
// nothing arrives; shown again, a new stream from the last version seen
// brings what was missed.
func TestLiveHiddenTab(t *testing.T) {
	t.Parallel()
	e := newConfiguredEnv(t, nil)
	e.post(draft{Name: "Ada", Body: "Before."})
	e.openWidget(e.embedPage("/hidden", `data-page-id="`+testPage+`"`, ""))
	opened := e.waitStreams(1)
	sse := watchSSE(e)
	first := e.post(draft{Name: "Bo", Body: "While the tab was in view."})
	seen := sse.wait(t, "comment", first.ID)
	e.waitFor("the comment posted in view", `pt.art(`+js(first.ID)+`)`)

	e.setVisibility("hidden")
	settle()
	missed := e.post(draft{Name: "Hal", Body: "Written while the tab was hidden."})
	settle()
	if eval[bool](e, `!!pt.art(`+js(missed.ID)+`)`) {
		t.Fatal("a comment arrived while the tab was hidden: the stream stayed open")
	}
	if n := len(e.net.requests("GET", "/events?")); n != 1 {
		t.Errorf("%d streams opened while hidden", n)
	}

	e.setVisibility("visible")
	e.waitFor("the missed comment", `pt.art(`+js(missed.ID)+`) && pt.text(pt.q('.parley-heading')) === '3 comments'`)
	sse.wait(t, "comment", missed.ID)
	streams := e.waitStreams(2)
	since := func(u string) string {
		_, v, ok := strings.Cut(u, "since=")
		if !ok {
			t.Fatalf("no since in %s", u)
		}
		return v
	}
	if s0, s1 := since(opened[0].URL), since(streams[1].URL); s1 != seen.ID || s1 == s0 {
		t.Errorf("the new stream starts from version %s, the first from %s: want the last version seen, %s", s1, s0, seen.ID)
	}
	if n := eval[int](e, shownTimes(first.ID)+` + `+shownTimes(missed.ID)); n != 2 {
		t.Errorf("%d articles for two comments", n)
	}
}

// TestLiveResync: changes the server never published (made straight in
// the store, as after a restart) come with the next stream's resync: the
// thread is fetched again and merged. New comments appear, vanished ones
// go, and what did not change is not drawn again.
func TestLiveResync(t *testing.T) {
	t.Parallel()
	e := newConfiguredEnv(t, nil)
	ids := e.bulk(testPage, 3, 0)
	e.openWidget(e.embedPage("/resync", `data-page-id="`+testPage+`"`, ""))
	e.waitStreams(1)
	sse := watchSSE(e)
	e.run(`pt.art(` + js(ids[0]) + `).dataset.mark = 'kept'`)

	e.setVisibility("hidden")
	added := e.bulk(testPage, 1, 0)[0]
	if _, err := e.store.UpdateComment(context.Background(), e.site, ids[1], func(c *storage.Comment) error {
		c.Status = storage.StatusSpam
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	e.setVisibility("visible")
	sse.wait(t, "resync", "")
	e.waitFor("the merge", `pt.art(`+js(added)+`) && !pt.art(`+js(ids[1])+`) && pt.text(pt.q('.parley-heading')) === '3 comments'`)
	if got := eval[string](e, `pt.art(`+js(ids[0])+`).dataset.mark || ''`); got != "kept" {
		t.Error("an unchanged comment was drawn again")
	}
	order := eval[[]string](e, `pt.qa('.parley-thread > li > article').map(a => a.id.slice(7))`)
	if want := []string{ids[0], ids[2], added}; strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("after the merge the thread is %v, want %v", order, want)
	}
	// The stream after the merge starts from the version fetched, so it is
	// not told to resync again.
	streams := e.waitStreams(3)
	settle()
	if n := len(e.net.requests("GET", "/events?")); n != 3 {
		t.Errorf("%d streams opened, want 3 (the first, the one that was told to resync, the one after the merge)", n)
	}
	if u := streams[2].URL; !strings.Contains(u, "since=") {
		t.Errorf("the stream after the merge: %s", u)
	}
}

// TestLiveNotifyOptIn: on an instance that sends mail (settings.notify),
// the new-comment and reply forms offer "E-mail me when someone replies"
// under the e-mail field, usable only with an address, from the keyboard;
// the post carries the choice and the widget's language, and the choice
// is remembered. Without mail there is no such box.
func TestLiveNotifyOptIn(t *testing.T) {
	t.Parallel()
	t.Run("mail", func(t *testing.T) {
		t.Parallel()
		e := newConfiguredEnv(t, func(c *server.Config) {
			// Nothing listens there: the confirmation e-mail is queued and
			// fails to send, which the widget never learns.
			c.Mail = mail.Config{Host: "127.0.0.1", Port: 9, From: "parley@example.test", TLS: mail.TLSNone}
		})
		url := e.embedPage("/notify", `data-page-id="`+testPage+`"`, "")
		e.openWidget(url)
		box := field(mainForm, "notify")
		e.run(field(mainForm, "body") + `.focus()`)
		e.waitFor("the opt-in", box)
		type optIn struct {
			Type, Label          string
			Disabled, Checked    bool
			UnderEmail, Labelled bool
		}
		look := func() optIn {
			return eval[optIn](e, `(() => { const b = `+box+`, f = b.closest('.parley-field');
				return {Type: b.type, Label: b.labels.length ? pt.text(b.labels[0]) : '', Disabled: b.disabled, Checked: b.checked,
					UnderEmail: !!f && f.querySelector('input[name=email]') !== null &&
						!!(f.querySelector('input[name=email]').compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING),
					Labelled: b.labels.length === 1}; })()`)
		}
		o := look()
		if o.Type != "checkbox" || o.Label != "E-mail me when someone replies" || !o.Labelled || !o.UnderEmail {
			t.Errorf("opt-in %+v", o)
		}
		if !o.Disabled || o.Checked {
			t.Errorf("with no e-mail address the opt-in is disabled %v, checked %v", o.Disabled, o.Checked)
		}
		e.typeInto(field(mainForm, "email"), "ada@example.com")
		e.waitFor("the opt-in enabled", `!`+box+`.disabled`)
		e.run(box + `.focus()`)
		e.keys(" ")
		e.waitFor("the box checked from the keyboard", box+`.checked`)
		if got := eval[string](e, `localStorage.getItem('parley.notify')`); got != "true" {
			t.Errorf("remembered %q", got)
		}

		// What the post carries.
		e.run(`window.__posts = []; const f = window.fetch; window.fetch = (u, o) => {
			if (o && o.method === 'POST' && /\/comments$/.test(u)) __posts.push(JSON.parse(o.body)); return f(u, o); }`)
		id := postViaForm(e, "Ada", "Tell me about replies.")
		var posts []map[string]any
		if err := json.Unmarshal([]byte(eval[string](e, `JSON.stringify(__posts)`)), &posts); err != nil || len(posts) != 1 {
			t.Fatalf("posts %v (%v)", posts, err)
		}
		if posts[0]["notify"] != true || posts[0]["lang"] != "en" {
			t.Errorf("the post carries notify %v, lang %v", posts[0]["notify"], posts[0]["lang"])
		}

		// After a reload: an edit form does not offer it (the defences are
		// not loaded for edits); a reply form does, with the remembered
		// answer.
		e.openWidget(url)
		li := `pt.li(` + js(id) + `)`
		e.run(`pt.btn(` + js(id) + `, 'Edit').click()`)
		e.waitFor("the edit form", li+`.querySelector('form.parley-form')`)
		e.run(field(li+`.querySelector('form.parley-form')`, "body") + `.focus()`)
		settle()
		if eval[bool](e, `!!`+li+`.querySelector('form.parley-form [name=notify]')`) {
			t.Error("the edit form offers reply e-mails")
		}
		e.run(`pt.btn(` + li + `.querySelector('form.parley-form'), 'Cancel').click()`)
		e.waitFor("the edit form closed", `!`+li+`.querySelector('form.parley-form')`)
		e.run(`pt.btn(` + js(id) + `, 'Reply').click()`)
		form := li + `.querySelector('form.parley-form')`
		e.waitFor("the reply form", form)
		e.run(field(form, "body") + `.focus()`)
		e.waitFor("the reply form's opt-in, remembered", field(form, "notify")+` && `+field(form, "notify")+`.checked && !`+field(form, "notify")+`.disabled`)
	})
	t.Run("no mail", func(t *testing.T) {
		t.Parallel()
		e := newSite(t)
		e.openWidget(e.embedPage("/no-notify", `data-page-id="`+testPage+`"`, ""))
		e.run(field(mainForm, "body") + `.focus()`)
		e.waitFor("the form's defences", field(mainForm, "phone"))
		if eval[bool](e, `!!`+field(mainForm, "notify")) {
			t.Error("an instance that sends no mail offers reply e-mails")
		}
	})
}
