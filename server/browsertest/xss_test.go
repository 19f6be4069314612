package browsertest

import (
	"net/url"
	"strings"
	"testing"

	"github.com/parley-dev/parley/storage"
)

// Stored XSS payloads in every field a reader controls. Each one, if it ran,
// would set window.__pwned.
const (
	xssName    = `<img src=x onerror="window.__pwned='name'">`
	xssAff     = `<script>window.__pwned='aff'</script><b>bold</b>`
	xssWebsite = `http://example.com/"><img src=x onerror=window.__pwned='web'>`
	xssTitle   = `</title><script>window.__pwned='title'</script>`
	xssBody    = "<img src=x onerror=\"window.__pwned='body-img'\">\n\n" +
		"<script>window.__pwned='body-script'</script>\n\n" +
		"[click](javascript:window.__pwned='md-link') and ![pic](javascript:window.__pwned='md-img')\n\n" +
		"<a href=\"javascript:window.__pwned='raw-link'\">raw</a> <svg onload=\"window.__pwned='svg'\"></svg>\n\n" +
		"<iframe src=\"javascript:window.__pwned='iframe'\"></iframe> <style>*{display:none}</style>\n\n" +
		"<div id=\"parley\" class=\"parley-root\" style=\"position:fixed\">clobber</div>\n\n" +
		"<form action=\"javascript:window.__pwned='form'\"><button>go</button></form>\n\n" +
		"[ok](https://example.com/\"onmouseover=\"window.__pwned='attr')"
)

// xssChecksJS inspects the widget's shadow root for anything that could run
// script or change the page: it returns a list of findings.
const xssChecksJS = `(() => {
	const bad = [];
	for (const el of pt.root().querySelectorAll('*')) {
		for (const a of el.attributes) {
			if (/^on/i.test(a.name)) bad.push(el.tagName + ' has ' + a.name);
			if (/^\s*javascript:/i.test(a.value)) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
		}
	}
	for (const body of pt.root().querySelectorAll('.parley-body')) {
		for (const el of body.querySelectorAll('script, img, svg, iframe, form, style, object, embed, input, button, textarea'))
			bad.push('body holds <' + el.tagName.toLowerCase() + '>');
		for (const el of body.querySelectorAll('[id], [class], [style]')) bad.push('body element with id, class or style: ' + el.outerHTML);
	}
	if (document.querySelectorAll('#parley').length !== 1) bad.push('a second #parley in the document');
	if (window.__pwned !== undefined) bad.push('window.__pwned = ' + window.__pwned);
	return bad;
})()`

// TestStoredXSS seeds payloads through the API in the name, affiliation,
// website, page title and body: the widget shows the plain-text fields as
// text, the body as sanitized HTML, and nothing runs.
func TestStoredXSS(t *testing.T) {
	t.Parallel()
	e := newSite(t, func(s *storage.SiteSettings) { s.AllowImages = true })
	p := e.post(draft{Name: xssName, Affiliation: xssAff, Website: xssWebsite, PageTitle: xssTitle, Body: xssBody})
	q := e.post(draft{Parent: p.ID, Name: xssName, Body: "The same name, without a website."})
	e.openWidget(e.embedPage("/xss", `data-page-id="`+testPage+`"`, ""))
	e.waitFor("the page to settle", `document.readyState === 'complete' && new Promise(r => requestAnimationFrame(() => setTimeout(() => r(true), 50)))`)

	if bad := eval[[]string](e, xssChecksJS); len(bad) > 0 {
		t.Errorf("unsafe content in the widget:\n%s", strings.Join(bad, "\n"))
	}
	type shown struct{ Name, Link, Aff, Title string }
	s := eval[shown](e, `(() => { const art = pt.art(`+js(p.ID)+`), who = art.querySelector('.parley-who a');
		return {Name: who && who.textContent, Link: who && who.getAttribute('href'), Aff: pt.text(art.querySelector('.parley-aff')), Title: document.title}; })()`)
	if s.Name != xssName || s.Aff != xssAff {
		t.Errorf("name shown as %q, affiliation %q: want the raw text", s.Name, s.Aff)
	}
	if got := eval[string](e, `pt.art(`+js(q.ID)+`).querySelector('.parley-who').innerHTML`); got != "&lt;img src=x onerror=\"window.__pwned='name'\"&gt;" {
		t.Errorf("name without a website shown as HTML %q, want it as text", got)
	}
	if s.Link != xssWebsite {
		t.Errorf("website link %q, want %q", s.Link, xssWebsite)
	}
	if s.Title != "Post /xss" {
		t.Errorf("document title changed to %q", s.Title)
	}

	// The payloads fired no request: the page asked for itself, the widget,
	// the thread, the later bundle and the live stream, nothing else.
	for _, r := range e.net.requests("", "") {
		u, _ := url.Parse(r.URL)
		switch {
		case r.URL == e.blog+"/xss", r.URL == e.api+"/embed.js",
			strings.HasPrefix(r.URL, e.api+"/api/v1/sites/"+e.site+"/comments?"),
			strings.HasPrefix(r.URL, e.api+"/widget/later."),
			strings.HasPrefix(r.URL, e.api+"/api/v1/sites/"+e.site+"/events?"):
		case u != nil && u.Scheme == "data":
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
		}
	}
	for _, h := range e.hits() {
		if h != "/xss" {
			t.Errorf("the blog was asked for %s", h)
		}
	}
}

// TestPreviewXSS previews the same body payload: the preview panel is as
// safe as a posted comment.
func TestPreviewXSS(t *testing.T) {
	t.Parallel()
	e := newSite(t, func(s *storage.SiteSettings) { s.AllowImages = true })
	e.openWidget(e.embedPage("/preview-xss", `data-page-id="`+testPage+`"`, ""))
	e.run(field(mainForm, "body") + `.value = ` + js(xssBody))
	e.run(`[...` + mainForm + `.querySelectorAll('[role=tab]')].find(t => t.textContent === 'Preview').click()`)
	e.waitFor("the preview", mainForm+`.querySelector('.parley-preview a')`)
	e.waitFor("the page to settle", `new Promise(r => requestAnimationFrame(() => setTimeout(() => r(true), 50)))`)
	if bad := eval[[]string](e, xssChecksJS); len(bad) > 0 {
		t.Errorf("unsafe content in the preview:\n%s", strings.Join(bad, "\n"))
	}
}
