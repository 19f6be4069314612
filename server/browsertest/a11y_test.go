package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/parley-dev/parley/storage"
)

// axeViolation is one failed axe rule, with the nodes that fail it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// TestAxe runs axe-core over a blog post with a busy thread (badges, links,
// votes, one's own comment, an open reply form, a shown error) in the light
// and the dark theme: no serious or critical violations.
func TestAxe(t *testing.T) {
	t.Parallel()
	src := axeSource(t)
	e := newSite(t)
	a := e.post(draft{Name: "Ada", Website: "https://ada.example", Affiliation: "Engines Ltd",
		Body: "Some **bold**, `code`, a [link](https://example.com) and\n\n> a quote\n\n- a list"})
	e.setBadge(a.ID, storage.BadgeModerator)
	b := e.post(draft{Parent: a.ID, Name: "Bob", Body: "A reply."})
	mine := e.post(draft{Parent: b.ID, Name: "Me", Body: "My own reply."})

	for _, theme := range []string{"light", "dark"} {
		e.openAs(e.embedPage("/axe-"+theme, `data-page-id="`+testPage+`" data-theme="`+theme+`"`, ""), mine.Token)
		// An open reply form and an error message are part of the page too.
		e.run(`pt.btn(` + js(a.ID) + `, 'Reply').click()`)
		e.run(mainForm + `.querySelector('button[type=submit]').click()`) // empty: "Please fill in this field."
		e.waitFor("the reply form and the error", `pt.li(`+js(a.ID)+`).querySelector('form') && `+mainForm+`.querySelector('[aria-invalid=true]')`)
		e.waitFor("own comment controls", `pt.btn(`+js(mine.ID)+`, 'Edit')`)

		if err := chromedp.Do(e.ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			t.Fatalf("load axe-core: %v", err)
		}
		vs := eval[[]axeViolation](e, `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)`)
		for _, v := range vs {
			msg := fmt.Sprintf("%s: %s [%s] %s", theme, v.ID, v.Impact, v.Help)
			for _, n := range v.Nodes {
				msg += fmt.Sprintf("\n\t%v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
			}
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Error(msg)
			} else {
				t.Log(msg)
			}
		}
	}
}

// TestKeyboard reaches a comment's Reply button with Tab from the top of
// the page, opens the reply form with Enter, works the Write/Preview tabs
// with the arrow keys, and sends the reply with Ctrl+Enter.
func TestKeyboard(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	a := e.post(draft{Name: "Ada", Body: "Reply to me."})
	e.openWidget(e.embedPage("/keys", `data-page-id="`+testPage+`"`, ""))

	reply := `pt.btn(` + js(a.ID) + `, 'Reply')`
	var path []string
	for i := 0; !eval[bool](e, `pt.active() === `+reply); i++ {
		if i == 40 {
			t.Fatalf("Tab never reached the Reply button; focus went %s", strings.Join(path, " → "))
		}
		e.keys(kb.Tab)
		path = append(path, eval[string](e, `(a => a.tagName + (a.name ? '[' + a.name + ']' : '') + ':' + (a.textContent || '').trim().slice(0, 12))(pt.active())`))
	}
	t.Logf("Tab went %s", strings.Join(path, " → "))
	e.keys(kb.Enter)
	form := `pt.li(` + js(a.ID) + `).querySelector('form.parley-form')`
	e.waitFor("the reply form with focus in its textarea", form+` && pt.active() === `+field(form, "body"))

	e.keys("**Loud** reply")
	tab := func(name string) string {
		return `[...` + form + `.querySelectorAll('[role=tab]')].find(t => t.textContent === '` + name + `')`
	}
	if err := chromedp.Do(e.ctx, chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))); err != nil {
		t.Fatal(err)
	}
	e.waitFor("focus on the Write tab", `pt.active() === `+tab("Write"))

	selected := func(name string) string {
		return `pt.active() === ` + tab(name) + ` && ` + tab(name) + `.getAttribute('aria-selected') === 'true' && pt.visible(pt.root().getElementById(` + tab(name) + `.getAttribute('aria-controls')))`
	}
	e.keys(kb.ArrowRight)
	e.waitFor("the Preview tab selected", selected("Preview"))
	e.waitFor("the preview rendered", form+`.querySelector('.parley-preview strong')`)
	e.keys(kb.ArrowLeft)
	e.waitFor("the Write tab selected", selected("Write"))
	e.keys(kb.End)
	e.waitFor("End: the Preview tab", selected("Preview"))
	e.keys(kb.Home)
	e.waitFor("Home: the Write tab", selected("Write"))
	if got := eval[string](e, tab("Preview")+`.tabIndex + ',' + `+tab("Write")+`.tabIndex`); got != "-1,0" {
		t.Errorf("tab indexes preview,write = %s, want -1,0 (one tab stop)", got)
	}

	e.keys(kb.Tab)
	e.waitFor("focus back in the textarea", `pt.active() === `+field(form, "body"))
	if err := chromedp.Do(e.ctx, chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		t.Fatal(err)
	}
	e.waitFor("the reply sent", `!`+form+` && pt.li(`+js(a.ID)+`).querySelector('ol.parley-replies strong')`)
	if n := len(e.stored(testPage)); n != 2 {
		t.Errorf("%d comments stored, want 2", n)
	}
}
