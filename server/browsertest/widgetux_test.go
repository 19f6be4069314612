package browsertest

import (
	"net/http"
	"strings"
	"testing"
)

// The reader's side of the widget as the UX issue asked for it: a form
// that leads with its text box and asks who one is only when one writes,
// avatars, a look that follows the host page, vote controls, a Report form
// with radio buttons, and a message a site owner can act on.

// TestWidgetUXForm: the text box comes first and the author fields show on
// the first focus; after posting (and a reload) the form says "Posting as
// NAME (AFFILIATION) · change"; a reply form is compact on a phone; the
// buttons say what they do; a comment being edited has no footer.
func TestWidgetUXForm(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	a := e.post(draft{Name: "Ada", Body: "Reply to me."})
	url := e.embedPage("/ux-form", `data-page-id="`+testPage+`"`, lightHost)
	e.viewport(1280, 900)
	e.openWidget(url)

	type shape struct {
		TextareaFirst bool
		FieldsHeight  float64
		Label         string
		As            string
	}
	read := func(form string) shape {
		return eval[shape](e, `(() => { const f = `+form+`, ta = f.querySelector('textarea'), fs = f.querySelector('.parley-fields'),
			as = f.querySelector('.parley-as');
			return {TextareaFirst: !!(ta.compareDocumentPosition(fs) & Node.DOCUMENT_POSITION_FOLLOWING) && ta.getBoundingClientRect().top < fs.getBoundingClientRect().top + 1,
				FieldsHeight: fs.getBoundingClientRect().height, Label: pt.text(f.querySelector('button[type=submit]')),
				As: as && pt.visible(as) ? pt.text(as) : ''}; })()`)
	}
	s := read(mainForm)
	if !s.TextareaFirst || s.FieldsHeight != 0 || s.Label != "Post" || s.As != "" {
		t.Errorf("new reader's form before writing: %+v; want the text box first, no fields, Post", s)
	}
	e.shootAt("form-new-reader", mainForm)
	e.run(field(mainForm, "body") + `.focus()`)
	e.waitFor("the author fields on focus", mainForm+`.querySelector('.parley-fields').getBoundingClientRect().height > 40 && pt.visible(`+field(mainForm, "name")+`)`)
	e.shootAt("form-fields-open", mainForm)

	e.typeInto(field(mainForm, "name"), "Grace Hopper")
	e.typeInto(field(mainForm, "affiliation"), "Navy")
	e.typeInto(field(mainForm, "body"), "Remember me.")
	e.run(mainForm + `.querySelector('button[type=submit]').click()`)
	e.waitFor("the posted comment", `pt.qa('article.parley-comment').length === 2`)
	if got := eval[string](e, `localStorage.getItem('parley.author.`+e.site+`')`); !strings.Contains(got, "Grace Hopper") {
		t.Errorf("remembered author %q, want it under parley.author.%s", got, e.site)
	}

	// After a reload: "Posting as", no fields, even on focus; change shows them.
	e.openWidget(url)
	const posting = "Posting as Grace Hopper (Navy) · change"
	e.waitFor("Posting as", `pt.text(`+mainForm+`.querySelector('.parley-as')) === `+js(posting))
	e.run(field(mainForm, "body") + `.focus()`)
	if s := read(mainForm); s.FieldsHeight != 0 || s.As != posting {
		t.Errorf("known reader's form on focus: %+v; want %q and no fields", s, posting)
	}
	e.shootAt("form-posting-as", mainForm)
	e.run(`pt.btn(` + mainForm + `, 'change').click()`)
	e.waitFor("the fields again, with the name", mainForm+`.querySelector('.parley-fields').getBoundingClientRect().height > 40 && pt.active() === `+field(mainForm, "name")+
		` && `+field(mainForm, "name")+`.value === 'Grace Hopper'`)

	// A reply form on a phone: text box, Posting as and the buttons.
	e.viewport(390, 844)
	replyForm := `pt.li(` + js(a.ID) + `).querySelector('form.parley-form')`
	e.run(`pt.btn(` + js(a.ID) + `, 'Reply').click()`)
	e.waitFor("the reply form", replyForm+` && pt.text(`+replyForm+`.querySelector('.parley-as')) === `+js(posting))
	if h := eval[float64](e, replyForm+`.getBoundingClientRect().height`); h >= 160 {
		t.Errorf("reply form is %.0f px high at 390 px, want under 160", h)
	}
	if s := read(replyForm); s.Label != "Reply" || s.FieldsHeight != 0 {
		t.Errorf("reply form %+v; want the button Reply and no fields", s)
	}
	e.shootAt("form-reply-phone", `pt.art(`+js(a.ID)+`)`)
	e.run(`pt.btn(` + replyForm + `, 'Cancel').click()`)

	// A new reader's reply form: compact until they type.
	e.run(`localStorage.removeItem('parley.author.` + e.site + `')`)
	e.openWidget(url)
	e.run(`pt.btn(` + js(a.ID) + `, 'Reply').click()`)
	e.waitFor("the reply form, focused", replyForm+` && pt.active() === `+field(replyForm, "body"))
	if h := eval[float64](e, replyForm+`.getBoundingClientRect().height`); h >= 160 {
		t.Errorf("a new reader's reply form is %.0f px high at 390 px, want under 160", h)
	}
	e.keys("Hi")
	e.waitFor("the fields once the reader types", replyForm+`.querySelector('.parley-fields').getBoundingClientRect().height > 40`)
	e.run(`pt.btn(` + replyForm + `, 'Cancel').click()`)

	// Editing one's own comment: Save, and no footer meanwhile.
	e.viewport(1280, 900)
	own := postViaForm(e, "Grace Hopper", "Edit me.")
	e.run(`pt.btn(` + js(own) + `, 'Edit').click()`)
	editForm := `pt.li(` + js(own) + `).querySelector('form.parley-form')`
	e.waitFor("the edit form", editForm)
	type editing struct {
		Label  string
		Footer bool
	}
	if got := eval[editing](e, `({Label: pt.text(`+editForm+`.querySelector('button[type=submit]')), Footer: pt.visible(pt.art(`+js(own)+`).querySelector('.parley-foot'))})`); got.Label != "Save" || got.Footer {
		t.Errorf("while editing: %+v; want Save and the comment's footer hidden", got)
	}
	e.run(`pt.btn(` + editForm + `, 'Cancel').click()`)
	e.waitFor("the footer back", `!`+editForm+` && pt.visible(pt.art(`+js(own)+`).querySelector('.parley-foot'))`)
}

// TestWidgetUXButtonsInEveryLanguage: the form's button says Post in the
// reader's language.
func TestWidgetUXButtonsInEveryLanguage(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	for lang, want := range map[string]string{"de": "Veröffentlichen", "fr": "Publier", "ja": "投稿"} {
		e.openWidget(e.embedPage("/ux-"+lang, `data-page-id="`+testPage+`" data-lang="`+lang+`"`, ""))
		if got := eval[string](e, `pt.text(`+mainForm+`.querySelector('button[type=submit]'))`); got != want {
			t.Errorf("%s: button %q, want %q", lang, got, want)
		}
	}
}

// TestWidgetUXAvatars: every comment gets an avatar made in the page (no
// request anywhere but the Parley server and the blog), the same name the
// same colour and another name another; staff have theirs marked, their
// badge beside it; the avatar sits in room kept for it.
func TestWidgetUXAvatars(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	owner, mod, reply, second := uxThread(e)
	e.post(draft{Name: "Sam Okafor", Body: "Again."})
	e.viewport(1280, 900)
	e.openWidget(e.embedPage("/ux-avatars", `data-page-id="`+testPage+`"`, lightHost))
	e.waitFor("the avatars", `pt.qa('article.parley-comment').every(a => a.querySelector('.parley-av'))`)
	type avatar struct {
		Text, Bg           string
		Staff, Inside      bool
		BadgeNextToName    bool
		Left, HeadLeft     float64
		Right, ArticleLeft float64
	}
	read := func(id string) avatar {
		return eval[avatar](e, `(() => { const a = pt.art(`+js(id)+`), av = a.querySelector('.parley-av'), head = a.querySelector('.parley-head'),
			who = head.querySelector('.parley-who'), r = av.getBoundingClientRect();
			return {Text: av.textContent, Bg: getComputedStyle(av).backgroundColor, Staff: av.classList.contains('parley-staff'),
				BadgeNextToName: !!who.nextElementSibling && who.nextElementSibling.classList.contains('parley-badge'),
				Left: r.left, Right: r.right, HeadLeft: head.getBoundingClientRect().left, ArticleLeft: a.getBoundingClientRect().left}; })()`)
	}
	o, m, r, s := read(owner), read(mod), read(reply), read(second)
	if o.Text != "EM" || r.Text != "SO" || m.Text != "MT" || s.Text != "JP" {
		t.Errorf("initials %q %q %q %q, want EM SO MT JP", o.Text, r.Text, m.Text, s.Text)
	}
	if !o.Staff || !m.Staff || r.Staff || s.Staff || !o.BadgeNextToName || !m.BadgeNextToName {
		t.Errorf("staff marks: owner %+v, moderator %+v, reader %+v", o, m, r)
	}
	if o.Bg == s.Bg || o.Bg == r.Bg || r.Bg == s.Bg {
		t.Errorf("avatar colours %s %s %s: want one per name", o.Bg, r.Bg, s.Bg)
	}
	sams := eval[[]string](e, `pt.qa('.parley-av').filter(av => av.textContent === 'SO').map(av => getComputedStyle(av).backgroundColor)`)
	if len(sams) != 2 || sams[0] != sams[1] {
		t.Errorf("Sam's avatars %v: want two of one colour", sams)
	}
	// In the article's room before its header: drawing it moved nothing.
	if o.Left < o.ArticleLeft-0.5 || o.Right > o.HeadLeft+0.5 {
		t.Errorf("owner's avatar at %.1f–%.1f, article at %.1f, header at %.1f", o.Left, o.Right, o.ArticleLeft, o.HeadLeft)
	}
	for _, req := range e.net.requests("", "") {
		if !strings.HasPrefix(req.URL, e.api) && !strings.HasPrefix(req.URL, e.blog) && !strings.HasPrefix(req.URL, "data:") {
			t.Errorf("request to %s", req.URL)
		}
	}
	e.shootAt("avatars-light", `pt.q('.parley-thread')`)

	// The room is there before the later bundle: the header starts at the
	// same place in the first render's styles alone.
	before := eval[float64](e, `(() => { const a = pt.art(`+js(owner)+`); a.querySelector('.parley-av').remove();
		return a.querySelector('.parley-head').getBoundingClientRect().left; })()`)
	if before != o.HeadLeft {
		t.Errorf("header at %.1f without the avatar, %.1f with it: a layout jump", before, o.HeadLeft)
	}

	// Readable initials, on a light page and on a dark one.
	lowest := func() float64 {
		return eval[float64](e, `(() => { `+luminanceJS+`
			return Math.min(...pt.qa('.parley-av:not(.parley-anon)').map(av => { const cs = getComputedStyle(av); return contrast(cs.color, cs.backgroundColor); })); })()`)
	}
	for _, name := range []string{"Ada", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lu"} {
		e.post(draft{Name: name, Body: "Colour " + name + "."})
	}
	e.openWidget(e.embedPage("/ux-avatars", `data-page-id="`+testPage+`"`, lightHost))
	e.waitFor("the avatars", `pt.qa('.parley-av').length === pt.qa('article.parley-comment').length`)
	if c := lowest(); c < 4.5 {
		t.Errorf("light: an avatar's initials have contrast %.2f", c)
	}
	e.openWidget(e.embedPage("/ux-avatars-dark", `data-page-id="`+testPage+`"`, darkHost))
	e.waitFor("the avatars", `pt.qa('.parley-av').length === pt.qa('article.parley-comment').length && pt.q('.parley-dark')`)
	if c := lowest(); c < 4.5 {
		t.Errorf("dark: an avatar's initials have contrast %.2f", c)
	}
}

// TestWidgetUXAutoTheme: the auto theme follows the host page, not the
// reader's system: a light blog on a dark system stays light, a dark blog
// on a light system is dark, and so is a page that says color-scheme:
// dark. The widget paints no background of its own then; its text boxes
// stay readable.
func TestWidgetUXAutoTheme(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	uxThread(e)
	type look struct {
		Dark                 bool
		RootBg               string
		TextContrast         float64
		InputContrast        float64
		PageBg, Text, Inputs string
	}
	read := func() look {
		return eval[look](e, `(() => { `+luminanceJS+`
			const root = pt.q('.parley-root'), ta = pt.q('textarea');
			// Nothing painted: the canvas, dark where the page asks for it.
			let bg = getComputedStyle(document.documentElement).colorScheme === 'dark' ? 'rgb(18, 18, 18)' : 'rgb(255, 255, 255)';
			for (let el = document.querySelector('#parley'); el; el = el.parentElement) {
				const c = getComputedStyle(el).backgroundColor;
				if (!/, 0\)$|transparent/.test(c)) { bg = c; break; }
			}
			const cs = getComputedStyle(root), ts = getComputedStyle(ta);
			return {Dark: root.classList.contains('parley-dark'), RootBg: cs.backgroundColor, PageBg: bg, Text: cs.color, Inputs: ts.backgroundColor,
				TextContrast: contrast(cs.color, bg), InputContrast: contrast(ts.color, ts.backgroundColor)}; })()`)
	}
	for _, c := range []struct {
		name, system, head string
		dark               bool
	}{
		{"light blog, dark system", "dark", lightHost, false},
		{"dark blog, light system", "light", darkHost, true},
		{"color-scheme: dark, light system", "light", schemeHost, true},
		{"plain page, dark system", "dark", "", false},
	} {
		e.prefers(c.system)
		e.openWidget(e.embedPage("/ux-theme", `data-page-id="`+testPage+`"`, c.head))
		l := read()
		if l.Dark != c.dark {
			t.Errorf("%s: dark %v, want %v", c.name, l.Dark, c.dark)
		}
		if l.RootBg != "rgba(0, 0, 0, 0)" {
			t.Errorf("%s: the widget paints %s, want the page's background", c.name, l.RootBg)
		}
		if l.TextContrast < 7 || l.InputContrast < 7 {
			t.Errorf("%s: text contrast %.1f on the page's %s, %.1f in the text box", c.name, l.TextContrast, l.PageBg, l.InputContrast)
		}
	}
	e.prefers("light")
	e.viewport(1280, 900)
	e.openWidget(e.embedPage("/ux-dark", `data-page-id="`+testPage+`"`, darkHost))
	e.waitFor("the avatars", `pt.q('.parley-av')`)
	e.shootAt("auto-dark-host", `pt.q('.parley-root')`)
	e.shootAt("auto-dark-host-thread", `pt.q('.parley-thread')`)
	e.viewport(390, 844)
	e.openWidget(e.embedPage("/ux-dark", `data-page-id="`+testPage+`"`, darkHost))
	e.waitFor("the avatars", `pt.q('.parley-av')`)
	e.shootAt("auto-dark-host-phone", `pt.q('.parley-root')`)

	// A dark theme set on a light page paints a box of its own.
	e.viewport(1280, 900)
	e.openWidget(e.embedPage("/ux-boxed", `data-page-id="`+testPage+`" data-theme="dark"`, lightHost))
	if got := eval[string](e, `getComputedStyle(pt.q('.parley-root')).backgroundColor`); got == "rgba(0, 0, 0, 0)" {
		t.Error("a dark theme on a light page paints no background")
	}
	e.waitFor("the avatars", `pt.q('.parley-av')`)
	e.shootAt("dark-theme-on-light-page", `pt.q('.parley-root')`)
}

// TestWidgetUXLayout: top-level comments line up with the heading and the
// form; threads are set apart; code is styled; at 390 px nothing overflows
// sideways, not even a long line of code.
func TestWidgetUXLayout(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	owner, _, _, _ := uxThread(e)
	e.post(draft{Parent: owner, Name: "Long Liner", Body: "```\n" + strings.Repeat("a_very_long_identifier_", 12) + "\n```\n\n" + strings.Repeat("https://example.com/a/very/long/path/", 4)})
	url := e.embedPage("/ux-layout", `data-page-id="`+testPage+`"`, lightHost)
	for _, width := range []int64{1280, 390} {
		e.viewport(width, 900)
		e.openWidget(url)
		e.waitFor("the avatars", `pt.q('.parley-av')`)
		type edges struct {
			Heading, Form, Articles []float64
			Rule                    string
			Code, Pre               string
			Overflow, RootOverflow  float64
		}
		g := eval[edges](e, `(() => { const left = el => el.getBoundingClientRect().left;
			const second = pt.q('.parley-thread > li + li');
			return {Heading: [left(pt.q('.parley-heading'))], Form: [left(`+mainForm+`), left(`+mainForm+`.querySelector('textarea'))],
				Articles: pt.qa('.parley-thread > li > article').map(left),
				Rule: second ? getComputedStyle(second).borderTopStyle : '',
				Code: getComputedStyle(pt.q('.parley-body code')).fontFamily, Pre: getComputedStyle(pt.q('.parley-body pre')).backgroundColor,
				Overflow: document.documentElement.scrollWidth - innerWidth,
				RootOverflow: pt.q('.parley-root').scrollWidth - pt.q('.parley-root').clientWidth}; })()`)
		for _, x := range append(g.Form, g.Articles...) {
			if x < g.Heading[0]-1 || x > g.Heading[0]+1 {
				t.Errorf("%d px: left edges heading %.1f, form %v, top-level comments %v; want them within 1 px", width, g.Heading[0], g.Form, g.Articles)
				break
			}
		}
		if g.Rule != "solid" {
			t.Errorf("%d px: no rule between top-level threads (%q)", width, g.Rule)
		}
		if !strings.Contains(g.Code, "monospace") || g.Pre == "rgba(0, 0, 0, 0)" {
			t.Errorf("%d px: code in %q, code block background %s", width, g.Code, g.Pre)
		}
		if g.Overflow > 0 || g.RootOverflow > 0 {
			t.Errorf("%d px: the page overflows sideways by %.0f px, the widget by %.0f px", width, g.Overflow, g.RootOverflow)
		}
	}
	e.shootAt("layout-phone", `pt.q('.parley-thread')`)
}

// TestWidgetUXScores: others' comments have a vote control (up, the score,
// down); one's own shows no bare 0, and its score once others voted.
func TestWidgetUXScores(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	other := e.post(draft{Name: "Ada", Body: "Vote on me."})
	mine := e.post(draft{Name: "Me", Body: "My own."})
	e.openAs(e.embedPage("/ux-scores", `data-page-id="`+testPage+`"`, lightHost), mine.Token)
	type votes struct {
		Buttons      []string
		Score        string
		ShownOwn     bool
		OwnText      string
		OwnVoteCount int
	}
	read := func() votes {
		return eval[votes](e, `(() => { const v = pt.art(`+js(other.ID)+`).querySelector('.parley-votes'), own = pt.art(`+js(mine.ID)+`).querySelector('.parley-votes');
			return {Buttons: [...v.querySelectorAll('button')].map(b => b.getAttribute('aria-label')), Score: pt.text(v.querySelector('.parley-score')),
				ShownOwn: pt.visible(own), OwnText: own ? own.innerText.replace(/\s+/g, ' ').trim() : '',
				OwnVoteCount: pt.art(`+js(mine.ID)+`).querySelectorAll('button.parley-vote').length}; })()`)
	}
	v := read()
	if strings.Join(v.Buttons, ",") != "Vote up,Vote down" || v.Score != "0" {
		t.Errorf("others' vote control %+v, want up, 0, down", v)
	}
	if v.ShownOwn || v.OwnVoteCount != 0 {
		t.Errorf("own comment's score shown %v (%q), %d vote buttons; want nothing at 0", v.ShownOwn, v.OwnText, v.OwnVoteCount)
	}
	// Another reader votes: one's own comment shows the score, no buttons.
	e.call(http.MethodPut, "/api/v1/sites/"+e.site+"/comments/"+mine.ID+"/vote", other.Token, []byte(`{"value":1}`), http.StatusOK, nil)
	e.openAs(e.embedPage("/ux-scores", `data-page-id="`+testPage+`"`, lightHost), mine.Token)
	if v := read(); !v.ShownOwn || !strings.Contains(v.OwnText, "1") || v.OwnVoteCount != 0 {
		t.Errorf("own comment with a vote: %+v; want its score, no buttons", v)
	}
}

// TestWidgetUXReport: the Report form offers radio buttons and a Report
// button; after a reload the comment says it was reported.
func TestWidgetUXReport(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	a := e.post(draft{Name: "Ada", Body: "Buy cheap watches."})
	url := e.embedPage("/ux-report", `data-page-id="`+testPage+`"`, lightHost)
	e.openWidget(url)
	form := `pt.art(` + js(a.ID) + `).querySelector('form.parley-flag')`
	e.run(`pt.btn(` + js(a.ID) + `, 'Report').click()`)
	e.waitFor("the Report form", form)
	type shown struct {
		Radios []string
		Submit string
	}
	s := eval[shown](e, `({Radios: [...`+form+`.querySelectorAll('input[type=radio]')].map(r => r.value + ':' + pt.text(r.closest('label'))),
		Submit: pt.text(`+form+`.querySelector('button[type=submit]'))})`)
	if strings.Join(s.Radios, ",") != "spam:Spam,abuse:Abuse,off-topic:Off-topic,other:Other" || s.Submit != "Report" {
		t.Errorf("Report form %+v", s)
	}
	e.shootAt("report-form", `pt.art(`+js(a.ID)+`)`)
	// Report without a reason: asked for one, nothing sent.
	e.run(form + `.querySelector('button[type=submit]').click()`)
	e.waitFor("the question for a reason", `pt.text(`+form+`.querySelector('.parley-error')) !== ''`)
	e.run(form + `.querySelector('input[value=abuse]').click()`)
	e.run(form + `.querySelector('button[type=submit]').click()`)
	e.waitFor("the thank-you", `!`+form+` && pt.text(pt.art(`+js(a.ID)+`).querySelector('.parley-foot .parley-meta')) === 'Thanks, a moderator will take a look.'`)
	if n := len(e.finished(http.MethodPost, "/flag")); n != 1 {
		t.Errorf("%d flag requests, want 1", n)
	}

	e.openWidget(url)
	e.waitFor("the reported note after a reload", `!pt.btn(`+js(a.ID)+`, 'Report') && pt.text(pt.art(`+js(a.ID)+`).querySelector('.parley-foot .parley-meta')) === 'You already reported this comment.'`)
	if got := eval[string](e, `localStorage.getItem('parley.reported.`+e.site+`') || ''`); !strings.Contains(got, a.ID) {
		t.Errorf("reported ids %q, want %s", got, a.ID)
	}
}

// TestWidgetUXWrongOrigin: on a page whose origin the site does not allow,
// the widget shows the server's message to the site owner, as text.
func TestWidgetUXWrongOrigin(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	e.post(draft{Name: "Ada", Body: "Hidden here."})
	e.embedPage("/ux-origin", `data-page-id="`+testPage+`"`, "")
	// The blog answers on localhost too: another origin than 127.0.0.1's.
	foreign := strings.Replace(e.blog, "127.0.0.1", "localhost", 1)
	e.open(foreign + "/ux-origin")
	want := "Comments are not enabled for " + foreign + ". Add it to the site's allowed origins in Parley's admin page."
	e.waitFor("the server's message", `pt.text(pt.q('.parley-note')) === `+js(want))
	if got := eval[string](e, `pt.root().textContent`); strings.Contains(got, "could not be loaded") || strings.Contains(got, "Hidden here") {
		t.Errorf("the widget says %q", got)
	}
	e.shootAt("wrong-origin", `pt.q('.parley-root')`)

	// The message is text, whatever it holds.
	e.open(e.page("/ux-origin-stub", `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title><script>
		const real = fetch;
		window.fetch = (url, opts) => /\/comments\?/.test(url) ? Promise.resolve(new Response(JSON.stringify({error: {code: 'origin_not_allowed',
			message: 'Not for <img src=x onerror="window.pwned=1"> here.', field: ''}}), {status: 403, headers: {'Content-Type': 'application/json'}})) : real(url, opts);
		</script></head><body><div id="parley"></div>
		<script src="`+e.api+`/embed.js" data-site="`+e.site+`" data-page-id="`+testPage+`" async></script></body></html>`))
	e.waitFor("the stubbed message", `pt.text(pt.q('.parley-note')) === 'Not for <img src=x onerror="window.pwned=1"> here.'`)
	if eval[bool](e, `!!pt.q('img') || !!window.pwned`) {
		t.Error("the server's message was inserted as markup")
	}
}

// TestScreenshotsWidget writes screenshots of the demo page into the
// folder $PARLEY_SCREENSHOTS names (and is skipped without it): the light
// post as it is, the same post on a dark page, and a phone's width.
func TestScreenshotsWidget(t *testing.T) {
	if screenshotDir() == "" {
		t.Skip("PARLEY_SCREENSHOTS is not set")
	}
	e := withDemo(t)
	demo := e.api + "/demo"

	e.viewport(1280, 900)
	e.prefers("light")
	e.openWidget(demo)
	e.waitFor("the avatars", `pt.q('.parley-av')`)
	e.shoot("demo-light")

	// The same post on a dark page, the reader's system dark too: the
	// widget's auto theme follows the page.
	e.prefers("dark")
	e.run(`document.body.style.background = '#15171c'; document.body.style.color = '#ddd';
		for (const el of document.querySelectorAll('.note')) el.style.background = '#1f2633';
		Parley.render({...document.querySelector('script[data-site]').dataset, target: '#parley'})`)
	e.waitLoaded()
	e.waitFor("the avatars", `pt.q('.parley-av') && pt.q('.parley-root.parley-dark')`)
	e.shoot("demo-dark")

	// A phone, the page light again, with a reader's reply form open.
	e.prefers("light")
	e.viewport(390, 844)
	e.openWidget(demo)
	e.waitFor("the avatars", `pt.q('.parley-av')`)
	e.run(`pt.qa('button[data-act=reply]')[0].click()`)
	e.waitFor("the reply form", `pt.q('.parley-item form.parley-form')`)
	e.shoot("demo-phone")
	e.shootAt("demo-phone-top", `pt.q('.parley-root')`)
}
