package browsertest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parley-dev/parley/storage"
)

// The main form of the widget; its fields by name.
const (
	mainForm = `pt.root().querySelector('section > div > form.parley-form')`
)

// field is the JavaScript expression of a form control by name, in form.
func field(form, name string) string {
	return `(` + form + `).querySelector('[name=` + name + `]')`
}

// TestPostComment posts through the form: the comment shows at once with
// focus on it, the live region says so, the reader token lands in the
// blog's localStorage, and the store has the comment.
func TestPostComment(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	e.openWidget(e.embedPage("/post", `data-page-id="`+testPage+`"`, ""))

	e.typeInto(field(mainForm, "name"), "Grace Hopper")
	e.typeInto(field(mainForm, "body"), "First *post*, typed for real.")
	e.run(mainForm + `.querySelector('button[type=submit]').click()`)

	e.waitFor("the new comment", `pt.qa('article.parley-comment').length === 1`)
	id := strings.TrimPrefix(eval[string](e, `pt.q('article.parley-comment').id`), "parley-")
	e.waitFor("focus on the new comment", `pt.active() === pt.art(`+js(id)+`)`)
	e.waitFor("the announcement", `pt.live() === 'Your comment was posted.'`)

	type shown struct{ Name, Body, Heading, Textarea, Token string }
	s := eval[shown](e, `({Name: pt.text(pt.art(`+js(id)+`).querySelector('.parley-who')),
		Body: pt.art(`+js(id)+`).querySelector('.parley-body').innerHTML.trim(), Heading: pt.text(pt.q('.parley-heading')),
		Textarea: `+field(mainForm, "body")+`.value, Token: localStorage.getItem('parley.token')})`)
	if s.Name != "Grace Hopper" || s.Body != "<p>First <em>post</em>, typed for real.</p>" {
		t.Errorf("shown name %q body %q", s.Name, s.Body)
	}
	if s.Heading != "1 comment" || s.Textarea != "" {
		t.Errorf("heading %q, textarea %q after posting", s.Heading, s.Textarea)
	}
	if s.Token == "" {
		t.Fatal("no reader token in the blog's localStorage")
	}

	got := e.comment(id)
	if got.Markdown != "First *post*, typed for real." || got.Author.Name != "Grace Hopper" ||
		got.Status != storage.StatusApproved || got.PageKey != testPage || got.ReaderHash == "" {
		t.Errorf("stored %+v", got)
	}
	// The stored token proves the comment is the reader's.
	var thread struct {
		Comments []struct {
			ID   string `json:"id"`
			Mine bool   `json:"mine"`
		} `json:"comments"`
	}
	e.call(http.MethodGet, "/api/v1/sites/"+e.site+"/comments?page="+testPage, s.Token, nil, http.StatusOK, &thread)
	if len(thread.Comments) != 1 || thread.Comments[0].ID != id || !thread.Comments[0].Mine {
		t.Errorf("with the stored token the API answers %+v, want the comment as mine", thread.Comments)
	}
	if n := len(e.net.requests("", "cookie")); n != 0 {
		t.Errorf("%d requests mention cookies", n)
	}
}

// TestReplyInPlace opens the reply form under a comment, cancels it, opens
// it again and replies: the reply shows nested under its parent.
func TestReplyInPlace(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	a := e.post(draft{Name: "Ada", Body: "A question?"})
	e.openWidget(e.embedPage("/reply", `data-page-id="`+testPage+`"`, ""))

	replyBtn := `pt.btn(` + js(a.ID) + `, 'Reply')`
	replyForm := `pt.li(` + js(a.ID) + `).querySelector('form.parley-form')`
	e.run(replyBtn + `.click()`)
	e.waitFor("the reply form with focus in it", replyForm+` && pt.active() === `+field(replyForm, "body"))
	if got := eval[string](e, replyForm+`.getAttribute('aria-label')`); got != "Reply to Ada" {
		t.Errorf("reply form labelled %q", got)
	}
	e.run(`pt.btn(` + replyForm + `, 'Cancel').click()`)
	e.waitFor("the reply form to close, focus back on Reply", `!`+replyForm+` && pt.active() === `+replyBtn)

	e.run(replyBtn + `.click()`)
	e.waitFor("the reply form", replyForm)
	e.typeInto(field(replyForm, "name"), "Bea")
	e.typeInto(field(replyForm, "body"), "An answer.")
	e.run(replyForm + `.querySelector('button[type=submit]').click()`)

	e.waitFor("the reply", `pt.qa('article.parley-comment').length === 2 && !`+replyForm)
	type reply struct {
		ID, Name, Body string
		Nested         bool
		Depth          string
	}
	r := eval[reply](e, `(() => { const li = pt.li(`+js(a.ID)+`).querySelector('ol.parley-replies > li'), art = li && li.querySelector('article');
		return li ? {ID: art.id.replace('parley-', ''), Name: pt.text(art.querySelector('.parley-who')), Body: pt.text(art.querySelector('.parley-body')),
			Nested: li.parentElement.parentElement === pt.li(`+js(a.ID)+`), Depth: li.dataset.depth} : {}; })()`)
	if !r.Nested || r.Name != "Bea" || r.Body != "An answer." || r.Depth != "1" {
		t.Fatalf("reply shown as %+v, want Bea's answer nested at depth 1 under Ada's comment", r)
	}
	if got := e.comment(r.ID); got.ParentID != a.ID {
		t.Errorf("stored reply's parent %q, want %q", got.ParentID, a.ID)
	}
	e.waitFor("focus on the reply", `pt.active() === pt.art(`+js(r.ID)+`)`)
}

// TestReplyAtCap replies to a comment at the site's max_depth: the reply
// goes after the parent's subtree in the same list, labelled with whom it
// answers, before the parent's next sibling.
func TestReplyAtCap(t *testing.T) {
	t.Parallel()
	e := newSite(t, func(s *storage.SiteSettings) { s.MaxDepth = 1 })
	a := e.post(draft{Name: "Ada", Body: "Root."})
	b := e.post(draft{Parent: a.ID, Name: "Bob", Body: "At the cap."})
	c := e.post(draft{Parent: b.ID, Name: "Cleo", Body: "Beyond it."})
	d := e.post(draft{Parent: a.ID, Name: "Dan", Body: "Bob's sibling."})
	e.openWidget(e.embedPage("/cap", `data-page-id="`+testPage+`"`, ""))

	e.run(`pt.btn(` + js(b.ID) + `, 'Reply').click()`)
	form := `pt.li(` + js(b.ID) + `).querySelector('form.parley-form')`
	e.waitFor("the reply form", form)
	e.typeInto(field(form, "body"), "Late answer to Bob.")
	e.run(form + `.querySelector('button[type=submit]').click()`)
	e.waitFor("the reply", `pt.qa('article.parley-comment').length === 5`)

	type order struct {
		IDs     []string
		Label   string
		Depth   string
		Focused bool
	}
	o := eval[order](e, `(() => { const list = pt.li(`+js(b.ID)+`).parentElement, items = [...list.children];
		const last = items.find(li => !['`+b.ID+`', '`+c.ID+`', '`+d.ID+`'].includes(li.querySelector('article').id.slice(7)));
		return {IDs: items.map(li => li.querySelector('article').id.slice(7)),
			Label: last ? [...last.querySelectorAll('.parley-head .parley-meta')].map(m => m.textContent).join('|') : '',
			Depth: last ? last.dataset.depth : '', Focused: !!last && pt.active() === last.querySelector('article')}; })()`)
	if len(o.IDs) != 4 || o.IDs[0] != b.ID || o.IDs[1] != c.ID || o.IDs[3] != d.ID {
		t.Fatalf("list at the cap holds %v; want bob, cleo, the new reply, dan", o.IDs)
	}
	if o.Label != "in reply to Bob" || o.Depth != "2" || !o.Focused {
		t.Errorf("new reply labelled %q at depth %s, focused %v", o.Label, o.Depth, o.Focused)
	}
	if got := e.comment(o.IDs[2]); got.ParentID != b.ID {
		t.Errorf("stored parent %q, want Bob's comment", got.ParentID)
	}
}

// TestDraftSurvivesReload types into the form, reloads the page, and finds
// the text (and the author fields of an earlier post) still there.
func TestDraftSurvivesReload(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	url := e.embedPage("/draft", `data-page-id="`+testPage+`"`, "")
	e.openWidget(url)
	postViaForm(e, "Grace", "A first comment.")
	e.typeInto(field(mainForm, "body"), "Half a thought")
	e.waitFor("the draft to be saved", `(localStorage.getItem('parley.drafts') || '').includes('Half a thought')`)
	e.openWidget(url)
	got := eval[[]string](e, `[`+field(mainForm, "name")+`.value, `+field(mainForm, "body")+`.value]`)
	if got[0] != "Grace" || got[1] != "Half a thought" {
		t.Errorf("after a reload the form holds name %q, body %q", got[0], got[1])
	}
}

// TestPreview switches to the Preview tab: it shows the server's rendering.
func TestPreview(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	e.openWidget(e.embedPage("/preview", `data-page-id="`+testPage+`"`, ""))
	e.typeInto(field(mainForm, "body"), "Some **bold** and `code`.")
	e.run(`[...` + mainForm + `.querySelectorAll('[role=tab]')].find(t => t.textContent === 'Preview').click()`)
	panel := mainForm + `.querySelector('.parley-preview')`
	e.waitFor("the preview", panel+` && `+panel+`.querySelector('strong')`)
	type pv struct {
		HTML              string
		Visible, Textarea bool
	}
	p := eval[pv](e, `({HTML: `+panel+`.querySelector('.parley-body').innerHTML.trim(), Visible: pt.visible(`+panel+`),
		Textarea: pt.visible(`+field(mainForm, "body")+`)})`)
	if p.HTML != "<p>Some <strong>bold</strong> and <code>code</code>.</p>" {
		t.Errorf("preview %q", p.HTML)
	}
	if !p.Visible || p.Textarea {
		t.Errorf("preview panel visible %v, textarea visible %v", p.Visible, p.Textarea)
	}
	if n := len(e.net.requests(http.MethodPost, "/api/v1/preview")); n != 1 {
		t.Errorf("%d preview requests, want 1", n)
	}
}

// TestBodyTooLong posts more than the site allows: the server's error shows
// next to the body field, tied to it, and the text stays.
func TestBodyTooLong(t *testing.T) {
	t.Parallel()
	e := newSite(t, func(s *storage.SiteSettings) { s.MaxLength = 20 })
	e.openWidget(e.embedPage("/long", `data-page-id="`+testPage+`"`, ""))
	text := "This comment is longer than twenty characters."
	e.typeInto(field(mainForm, "body"), text)
	e.run(mainForm + `.querySelector('button[type=submit]').click()`)

	ta := field(mainForm, "body")
	e.waitFor("the error", `(() => { const ta = `+ta+`, ids = (ta.getAttribute('aria-describedby') || '').split(' ');
		return ids.some(id => { const el = pt.root().getElementById(id); return el && el.textContent.trim() !== ''; }); })()`)
	type errState struct {
		Text, Value, Invalid string
		Visible, Focused     bool
		Near                 float64
	}
	s := eval[errState](e, `(() => { const ta = `+ta+`;
		const el = ta.getAttribute('aria-describedby').split(' ').map(id => pt.root().getElementById(id)).find(el => el && el.textContent.trim());
		return {Text: el.textContent, Value: ta.value, Invalid: ta.getAttribute('aria-invalid'), Visible: pt.visible(el),
			Focused: pt.active() === ta, Near: el.getBoundingClientRect().top - ta.getBoundingClientRect().bottom}; })()`)
	if !s.Visible || !strings.Contains(s.Text, "20") {
		t.Errorf("error %q (visible %v), want the limit of 20", s.Text, s.Visible)
	}
	if s.Near < 0 || s.Near > 40 {
		t.Errorf("the error is %vpx from the textarea, want right under it", s.Near)
	}
	if s.Value != text || s.Invalid != "true" || !s.Focused {
		t.Errorf("textarea value %q, aria-invalid %q, focused %v", s.Value, s.Invalid, s.Focused)
	}
	if n := len(e.stored(testPage)); n != 0 {
		t.Errorf("%d comments stored", n)
	}
	if n := eval[int](e, `pt.qa('article.parley-comment').length`); n != 0 {
		t.Errorf("%d comments shown", n)
	}
}
