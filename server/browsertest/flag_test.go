package browsertest

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestFlag reports another reader's comment from the keyboard: the Report
// control opens a labelled group under the comment, focus on its first
// reason (a radio button), Escape closes it, a reason and the Report
// button send the report (202, a reader token kept, the flag stored for
// the moderators); after a reload the comment says it was reported, and a
// browser that forgot it is told so by the server (409). One's own
// comment has no Report control. The dialog's code is in the later bundle (later.js), fetched
// once after the thread is shown (it also brings live updates); in another
// language it speaks that language.
func TestFlag(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	a := e.post(draft{Name: "Ada", Body: "Buy cheap watches."})
	url := e.embedPage("/flag", `data-page-id="`+testPage+`"`, "")
	e.openWidget(url)
	const flagBundle = "/widget/later."
	if reqs := e.net.requests("", flagBundle); len(reqs) > 1 {
		t.Errorf("the later bundle was fetched more than once: %+v", reqs)
	}

	report := `pt.btn(` + js(a.ID) + `, 'Report')`
	group := `pt.art(` + js(a.ID) + `).querySelector('.parley-flag[role=group]')`
	if got := eval[string](e, report+`.getAttribute('aria-expanded')`); got != "false" {
		t.Fatalf("Report button: aria-expanded %q, want false", got)
	}

	// Open, then Escape: closed again, focus back on Report.
	e.run(report + `.focus()`)
	e.keys("\r")
	e.waitFor("the report group, focus on its first reason", group+` && pt.active() === `+group+`.querySelector('input[type=radio]')`)
	if reqs := e.finished(http.MethodGet, flagBundle); len(reqs) != 1 || reqs[0].Status != http.StatusOK {
		t.Errorf("requests for the Report dialog's bundle %+v, want one answered 200", reqs)
	}
	type opened struct {
		Title, NoteLabel, Expanded string
		Reasons                    []string
	}
	o := eval[opened](e, `(() => { const g = `+group+`, ta = g.querySelector('textarea');
		return {Title: pt.root().getElementById(g.getAttribute('aria-labelledby')).textContent,
			NoteLabel: pt.text(g.querySelector('label[for="' + ta.id + '"]')), Expanded: `+report+`.getAttribute('aria-expanded'),
			Reasons: [...g.querySelectorAll('input[type=radio]')].map(r => r.closest('label').textContent.trim()).concat([...g.querySelectorAll('button')].map(b => b.textContent))}; })()`)
	if o.Title != "Why report this comment?" || o.NoteLabel != "Note (optional)" || o.Expanded != "true" {
		t.Errorf("report group: title %q, note label %q, aria-expanded %q", o.Title, o.NoteLabel, o.Expanded)
	}
	if want := "Spam|Abuse|Off-topic|Other|Cancel|Report"; strings.Join(o.Reasons, "|") != want {
		t.Errorf("report group buttons %q, want %q", strings.Join(o.Reasons, "|"), want)
	}
	e.keys("\x1b") // Escape
	e.waitFor("the group closed, focus on Report", `!`+group+` && pt.active() === `+report+` && `+report+`.getAttribute('aria-expanded') === 'false'`)

	// Open again, choose Spam with Space, Tab to the note and type it, Tab
	// past Cancel to Report and press Enter.
	e.net.reset()
	e.keys(" ")
	e.waitFor("the report group", group+` && pt.active() === `+group+`.querySelector('input[value=spam]')`)
	e.keys(" ")
	e.waitFor("Spam chosen", group+`.querySelector('input[value=spam]').checked`)
	e.keys("\t")
	e.waitFor("focus on the note", `pt.active() === `+group+`.querySelector('textarea')`)
	e.keys("Looks like an ad.")
	e.keys("\t\t")
	e.waitFor("focus on Report", `pt.active() === `+group+`.querySelector('button[type=submit]')`)
	if reqs := e.net.requests("", flagBundle); len(reqs) != 0 {
		t.Errorf("the Report dialog's bundle was fetched again: %+v", reqs)
	}
	e.keys("\r")
	thanks := `pt.art(` + js(a.ID) + `).querySelector('.parley-foot .parley-meta')`
	e.waitFor("the thank-you, focused", `!`+group+` && pt.text(`+thanks+`) === 'Thanks, a moderator will take a look.' && pt.active() === `+thanks)
	if eval[bool](e, `!!`+report) {
		t.Error("the Report button is still there after reporting")
	}
	if reqs := e.finished(http.MethodPost, "/comments/"+a.ID+"/flag"); len(reqs) != 1 || reqs[0].Status != http.StatusAccepted {
		t.Errorf("flag requests %+v, want one answered 202", reqs)
	}
	if eval[string](e, `localStorage.getItem('parley.token') || ''`) == "" {
		t.Error("the reader token the flag issued was not kept")
	}
	flagged, err := e.store.FlaggedComments(context.Background(), e.site)
	if err != nil {
		t.Fatal(err)
	}
	if len(flagged) != 1 || flagged[0].Comment.ID != a.ID || len(flagged[0].Flags) != 1 ||
		flagged[0].Flags[0].Reason != "spam" || flagged[0].Flags[0].Note != "Looks like an ad." {
		t.Fatalf("stored flags %+v, want one spam flag on %s with the note", flagged, a.ID)
	}

	// The same reader, after a reload: this browser remembers the report.
	e.openWidget(url)
	e.waitFor("the reported note", `!`+report+` && pt.text(`+thanks+`) === 'You already reported this comment.'`)

	// A browser that forgot it: the server says so.
	e.run(`localStorage.removeItem('parley.reported.` + e.site + `')`)
	e.openWidget(url)
	e.net.reset()
	e.run(report + `.click()`)
	e.waitFor("the report group", group)
	e.run(group + `.querySelector('input[value=abuse]').click()`)
	e.run(group + `.querySelector('button[type=submit]').click()`)
	e.waitFor("the already-reported note", `pt.text(`+thanks+`) === 'You already reported this comment.' && pt.active() === `+thanks)
	if reqs := e.finished(http.MethodPost, "/flag"); len(reqs) != 1 || reqs[0].Status != http.StatusConflict {
		t.Errorf("second flag requests %+v, want one answered 409", reqs)
	}
	if flagged, _ := e.store.FlaggedComments(context.Background(), e.site); len(flagged) != 1 || len(flagged[0].Flags) != 1 {
		t.Errorf("stored flags after the second report %+v, want still one", flagged)
	}

	// One's own comment cannot be reported.
	own := postViaForm(e, "Bob", "My own words.")
	if eval[bool](e, `!!pt.btn(`+js(own)+`, 'Report')`) {
		t.Error("one's own comment has a Report button")
	}

	// In German: the dialog's strings come from the German table.
	e.run(`localStorage.removeItem('parley.reported.` + e.site + `')`)
	e.openWidget(e.embedPage("/flag-de", `data-page-id="`+testPage+`" data-lang="de"`, ""))
	melden := `pt.btn(` + js(a.ID) + `, 'Melden')`
	e.waitFor("the German Report button", melden)
	e.run(melden + `.click()`)
	e.waitFor("the German report group", group)
	de := eval[opened](e, `(() => { const g = `+group+`;
		return {Title: pt.root().getElementById(g.getAttribute('aria-labelledby')).textContent,
			Reasons: [...g.querySelectorAll('input[type=radio]')].map(r => r.closest('label').textContent.trim()).concat([...g.querySelectorAll('button')].map(b => b.textContent))}; })()`)
	if de.Title != "Warum melden Sie diesen Kommentar?" || strings.Join(de.Reasons, "|") != "Spam|Missbrauch|Themenfremd|Anderes|Abbrechen|Melden" {
		t.Errorf("German report group: title %q, buttons %q", de.Title, strings.Join(de.Reasons, "|"))
	}
}
