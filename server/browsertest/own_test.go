package browsertest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/parley-dev/parley/storage"
)

// postViaForm posts body as name through the main form and returns the new
// comment's id once it shows.
func postViaForm(e *env, name, body string) string {
	e.t.Helper()
	before := eval[int](e, `pt.qa('article.parley-comment').length`)
	e.typeInto(field(mainForm, "name"), name)
	e.run(field(mainForm, "body") + `.value = ` + js(body))
	e.run(mainForm + `.querySelector('button[type=submit]').click()`)
	e.waitFor("the posted comment, focused", `pt.qa('article.parley-comment').length === `+strconv.Itoa(before+1)+
		` && pt.active().matches('article')`)
	return strings.TrimPrefix(eval[string](e, `pt.active().id`), "parley-")
}

// TestEditAndDeleteOwn edits the reader's own comment inside the edit
// window, then deletes it through the in-widget confirmation.
func TestEditAndDeleteOwn(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	e.openWidget(e.embedPage("/own", `data-page-id="`+testPage+`"`, ""))
	id := postViaForm(e, "Ida", "Original text.")
	art := `pt.art(` + js(id) + `)`

	type own struct {
		Left       string
		Votes      int
		Edit, Del  bool
		Hidden     bool
		Prefill    string
		EditedMeta string
	}
	o := eval[own](e, `({Left: [...`+art+`.querySelectorAll('.parley-foot .parley-meta')].map(m => m.textContent).join(''),
		Votes: `+art+`.querySelectorAll('.parley-vote').length, Edit: !!pt.btn(`+js(id)+`, 'Edit'), Del: !!pt.btn(`+js(id)+`, 'Delete')})`)
	if o.Left != "You can edit for 15 more minutes" || !o.Edit || !o.Del {
		t.Errorf("own comment's footer: %q, edit %v, delete %v", o.Left, o.Edit, o.Del)
	}
	if o.Votes != 0 {
		t.Errorf("%d vote buttons on one's own comment", o.Votes)
	}

	// Edit: the form takes the body's place, prefilled with the Markdown.
	e.run(`pt.btn(` + js(id) + `, 'Edit').click()`)
	editForm := `pt.li(` + js(id) + `).querySelector('form.parley-form')`
	e.waitFor("the edit form", editForm+` && pt.active() === `+field(editForm, "body"))
	o = eval[own](e, `({Hidden: !pt.visible(`+art+`.querySelector('.parley-body')), Prefill: `+field(editForm, "body")+`.value})`)
	if !o.Hidden || o.Prefill != "Original text." {
		t.Errorf("edit form: body hidden %v, prefilled %q", o.Hidden, o.Prefill)
	}
	e.run(field(editForm, "body") + `.select()`)
	e.keys("Edited **text**.")
	e.run(editForm + `.querySelector('button[type=submit]').click()`)
	e.waitFor("the edited comment", `!`+editForm+` && `+art+` && `+art+`.querySelector('.parley-body strong')`)
	e.waitFor("the announcement", `pt.live() === 'Your changes were saved.'`)
	o = eval[own](e, `({EditedMeta: [...`+art+`.querySelectorAll('.parley-head .parley-meta')].map(m => m.textContent).join('|'),
		Prefill: `+art+`.querySelector('.parley-body').innerHTML.trim(), Edit: !!pt.btn(`+js(id)+`, 'Edit')})`)
	if o.EditedMeta != "edited" || o.Prefill != "<p>Edited <strong>text</strong>.</p>" || !o.Edit {
		t.Errorf("after the edit: meta %q, body %q, can edit again %v", o.EditedMeta, o.Prefill, o.Edit)
	}
	if c := e.comment(id); c.Markdown != "Edited **text**." || c.Edited.IsZero() {
		t.Errorf("stored after the edit: markdown %q, edited %v", c.Markdown, c.Edited)
	}

	// Delete asks first; Cancel puts the controls back.
	e.run(`pt.btn(` + js(id) + `, 'Delete').click()`)
	confirm := art + `.querySelector('[role=group].parley-confirm')`
	e.waitFor("the confirmation, focus on Cancel", confirm+` && pt.active() === pt.btn(`+confirm+`, 'Cancel')`)
	if q := eval[string](e, `pt.root().getElementById(`+confirm+`.getAttribute('aria-labelledby')).textContent`); q != "Delete this comment?" {
		t.Errorf("confirmation asks %q", q)
	}
	e.run(`pt.btn(` + confirm + `, 'Cancel').click()`)
	e.waitFor("the controls back, focus on Delete", `!`+confirm+` && pt.active() === pt.btn(`+js(id)+`, 'Delete')`)
	if c := e.comment(id); c.Status != storage.StatusApproved {
		t.Fatalf("cancelled delete left status %q", c.Status)
	}

	e.run(`pt.btn(` + js(id) + `, 'Delete').click()`)
	e.waitFor("the confirmation", confirm)
	e.run(`pt.btn(` + confirm + `, 'Delete').click()`)
	e.waitFor("the comment to go", `!`+art)
	e.waitFor("the announcement", `pt.live() === 'Your comment was deleted.'`)
	if got := eval[string](e, `pt.text(pt.q('.parley-heading')) + '|' + pt.text(pt.q('.parley-note'))`); got != "Comments|No comments yet. Start the discussion." {
		t.Errorf("after the delete the widget says %q", got)
	}
	if c := e.comment(id); c.Status != storage.StatusDeleted {
		t.Errorf("stored status %q, want deleted", c.Status)
	}
}

// TestEditPrefillsMarkdown edits an own comment posted from another device
// (nothing in this browser's localStorage but the token): the edit form
// holds the Markdown the server returns, not the rendered text.
func TestEditPrefillsMarkdown(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	p := e.post(draft{Name: "Ida", Body: "Some **bold** and a [link](https://example.com)."})
	e.openAs(e.embedPage("/device", `data-page-id="`+testPage+`"`, ""), p.Token)
	e.run(`pt.btn(` + js(p.ID) + `, 'Edit').click()`)
	editForm := `pt.li(` + js(p.ID) + `).querySelector('form.parley-form')`
	e.waitFor("the edit form", editForm)
	if got := eval[string](e, field(editForm, "body")+`.value`); got != "Some **bold** and a [link](https://example.com)." {
		t.Errorf("edit form prefilled with %q, want the Markdown source", got)
	}
}

// TestVote votes on another reader's comment: the score changes, the button
// is pressed, and the vote is stored and shown again after a reload.
func TestVote(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	a := e.post(draft{Name: "Ada", Body: "Vote for me."})
	url := e.embedPage("/vote", `data-page-id="`+testPage+`"`, "")
	e.openWidget(url)

	up := `pt.art(` + js(a.ID) + `).querySelector('button[aria-label="Vote up"]')`
	down := `pt.art(` + js(a.ID) + `).querySelector('button[aria-label="Vote down"]')`
	score := `pt.text(pt.art(` + js(a.ID) + `).querySelector('.parley-score'))`
	if got := eval[string](e, up+`.getAttribute('aria-pressed') + `+down+`.getAttribute('aria-pressed') + `+score); got != "falsefalse0" {
		t.Fatalf("before voting: pressed up, down and score %q", got)
	}
	e.run(up + `.click()`)
	// The live stream may bring the new score before the vote's own
	// answer presses the button: wait for the button.
	e.waitFor("the vote to show", up+`.getAttribute('aria-pressed') === 'true'`)
	if got := eval[string](e, down+`.getAttribute('aria-pressed') + `+score); got != "false1" {
		t.Errorf("after voting up: aria-pressed down and score %q", got)
	}
	if c := e.comment(a.ID); c.Score != 1 {
		t.Errorf("stored score %d, want 1", c.Score)
	}
	if eval[string](e, `localStorage.getItem('parley.token') || ''`) == "" {
		t.Error("the vote's reader token was not kept")
	}

	e.openWidget(url)
	e.waitFor("the vote shown after a reload", up+`.getAttribute('aria-pressed') === 'true' && `+score+` === '1'`)

	// Pressing it again takes the vote back.
	e.run(up + `.click()`)
	e.waitFor("the vote withdrawn", score+` === '0' && `+up+`.getAttribute('aria-pressed') === 'false'`)
	if c := e.comment(a.ID); c.Score != 0 {
		t.Errorf("stored score %d after withdrawing, want 0", c.Score)
	}
}
