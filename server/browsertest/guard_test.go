package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// TestFormDefences writes as a reader on a site with the form check, a
// suspect word and the default link limit: the form fetches its token when
// the reader starts writing and carries a honeypot no person sees; a
// comment the server would hold for a rule the reader can act on brings a
// nudge, and "Send anyway" sends it to the queue; a filled-in honeypot is
// held without a word to the robot.
func TestFormDefences(t *testing.T) {
	t.Parallel()
	e := newSite(t, func(s *storage.SiteSettings) {
		s.MinSubmitTime = time.Second
		s.SuspectWords = []string{"crypto"}
		s.MaxLinks = 2
	})
	e.openWidget(e.embedPage("/guard", `data-page-id="`+testPage+`"`, ""))
	body := field(mainForm, "body")
	submit := mainForm + `.querySelector('button[type=submit]')`

	// Starting to write loads the defences and fetches the form token.
	e.run(body + `.focus()`)
	e.waitFor("the honeypot", field(mainForm, "phone"))
	type hidden struct {
		AriaHidden, Tab string
		Left            float64
		Label           bool
	}
	h := eval[hidden](e, `(() => { const hp = `+field(mainForm, "phone")+`, box = hp.closest('[aria-hidden]');
		return {AriaHidden: box.getAttribute('aria-hidden'), Tab: hp.getAttribute('tabindex'), Left: hp.getBoundingClientRect().right,
			Label: !!hp.closest('label')}; })()`)
	if h.AriaHidden != "true" || h.Tab != "-1" || h.Left > 0 || !h.Label {
		t.Errorf("honeypot %+v: want hidden from screen readers, out of the tab order and off screen", h)
	}
	time.Sleep(1200 * time.Millisecond) // the reader takes a moment to write
	e.typeInto(body, "A person wrote this, slowly.")
	e.run(submit + `.click()`)
	e.waitFor("the comment", `pt.qa('article.parley-comment').length === 1`)
	first := strings.TrimPrefix(eval[string](e, `pt.q('article.parley-comment').id`), "parley-")
	if c := e.comment(first); c.Status != storage.StatusApproved {
		t.Errorf("a comment written by a person: %s %v", c.Status, c.HoldReasons)
	}
	if n := len(e.net.requests("GET", "/api/v1/sites/"+e.site+"/form")); n != 1 {
		t.Errorf("%d form token requests, want 1", n)
	}

	// A suspect word: the reader is told before it is held.
	e.typeInto(body, "Let me tell you about crypto.")
	e.run(submit + `.click()`)
	// Under the text area, next to the button the reader pressed.
	top := `pt.root().getElementById(` + body + `.getAttribute('aria-describedby'))`
	e.waitFor("the nudge", `pt.text(`+top+`) === 'Comments with words that often mean spam wait for a moderator before they appear. You can edit it, or send it as it is. Edit Send anyway'`)
	if n := eval[int](e, `pt.qa('article.parley-comment').length`); n != 1 {
		t.Fatalf("the nudged comment was posted: %d comments shown", n)
	}
	if got := eval[string](e, body+`.value`); got != "Let me tell you about crypto." {
		t.Errorf("the text after the nudge: %q", got)
	}
	e.run(`[...` + top + `.querySelectorAll('button')].find(b => pt.text(b) === 'Send anyway').click()`)
	e.waitFor("the held comment", `pt.qa('article.parley-comment').length === 2 && pt.text(pt.q('.parley-pending')) === 'Awaiting moderation'`)
	held := e.stored(testPage)
	if len(held) != 2 || held[1].Status != storage.StatusPending || len(held[1].HoldReasons) != 1 || !strings.HasPrefix(held[1].HoldReasons[0], "suspect_word") {
		t.Errorf("after Send anyway: %+v", held)
	}

	// A robot fills in every field it finds.
	e.run(field(mainForm, "phone") + `.value = '+1 555 0100'`)
	e.typeInto(body, "Cheap bread, buy now.")
	e.run(submit + `.click()`)
	e.waitFor("the robot's comment", `pt.qa('article.parley-comment').length === 3`)
	got := e.stored(testPage)
	if c := got[len(got)-1]; c.Status != storage.StatusPending || len(c.HoldReasons) != 1 || !strings.HasPrefix(c.HoldReasons[0], "honeypot") {
		t.Errorf("with the honeypot filled in: %s %v", c.Status, c.HoldReasons)
	}
}
