package browsertest

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// fragment fetches a page's thread as HTML, as a static site generator
// does at build time.
func (e *env) fragment(page string) string {
	e.t.Helper()
	res, err := http.Get(e.api + "/api/v1/sites/" + e.site + "/comments.html?page=" + page)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		e.t.Fatalf("comments.html: %d %v: %s", res.StatusCode, err, b)
	}
	return string(b)
}

// watchJS runs before the widget's script: it sums the page's layout
// shifts, and on every frame from the first that shows the probe's comment
// counts its copies on screen, in the page's markup (light DOM) and in the
// widget's shadow root.
const watchJS = `<script>
window.cls = 0; window.shifts = [];
new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) { cls += e.value; shifts.push(e.value); (window.sources = window.sources || []).push(e.sources.map(s => (s.node && (s.node.nodeName + '.' + (s.node.className || ''))) + ' ' + s.previousRect.y + '->' + s.currentRect.y + ' h' + s.previousRect.height + '->' + s.currentRect.height).join('; ')); } })
  .observe({type: 'layout-shift', buffered: true});
window.copies = {min: Infinity, max: 0, frames: 0, both: 0, neither: 0};
window.seen = text => {
  const host = document.querySelector('#parley');
  if (!host) return null;
  const shown = root => root ? [...root.querySelectorAll('.parley-body')]
    .filter(b => b.textContent.includes(text) && b.getClientRects().length > 0).length : 0;
  return {light: shown(host), shadow: shown(host.shadowRoot)};
};
(function frame() {
  const s = seen(window.probe || '');
  const n = s ? s.light + s.shadow : 0;
  // Counting starts once the page's copy is on screen: on a busy machine
  // a frame may be painted while the parser is still inside the markup.
  if (!n && !copies.frames) return requestAnimationFrame(frame);
  copies.frames++;
  copies.min = Math.min(copies.min, n); copies.max = Math.max(copies.max, n);
  if (s.light && s.shadow) copies.both++;
  if (!n) copies.neither++;
  if (!window.stopWatch) requestAnimationFrame(frame);
})();
addEventListener('DOMContentLoaded', () => {
  const f = document.querySelector('#parley > [data-parley-thread]');
  const r = el => el ? Math.round(el.getBoundingClientRect().height) : -1;
  window.before = {host: r(document.querySelector('#parley')), heading: r(f.querySelector('h2')), list: r(f.querySelector('ol'))};
});
</script>`

// TestHTMLTakeover: a blog built with the thread included (comments.html
// in #parley) gets the widget, which takes the thread over: no frame shows
// both copies or neither, once it has rendered only its own is visible,
// and the page below it does not jump.
func TestHTMLTakeover(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	a := e.post(draft{Name: "Ada", Affiliation: "Engines Ltd", Body: "The first comment, about bread."})
	e.post(draft{Parent: a.ID, Name: "Bob", Body: "A reply to the first one."})
	e.post(draft{Parent: a.ID, Name: "Cleo", Body: "Another reply, with *emphasis*."})
	e.post(draft{Name: "Dan", Body: "A second thread.\n\nWith two paragraphs."})
	texts := []string{"The first comment", "A reply to the first", "Another reply", "A second thread"}

	frag := e.fragment(testPage)
	for _, vp := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1200, 1400}, {"phone", 390, 1800}} {
		t.Run(vp.name, func(t *testing.T) {
			if err := chromedp.Do(e.ctx, chromedp.EmulateViewport(vp.width, vp.height)); err != nil {
				t.Fatal(err)
			}
			takeover(t, e, frag, texts)
		})
	}
}

func takeover(t *testing.T, e *env, frag string, texts []string) {
	url := e.page("/built", fmt.Sprintf(`<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Built post</title><script>window.probe = %s</script>%s</head>
<body><main><article><h1>A blog post</h1><p>Text of the post.</p></article>
<div id="parley">%s</div>
<footer style="min-height: 600px; background: #eee"><p>The blog's footer, right under the comments.</p></footer></main>
<script src="%s/embed.js" data-site="%s" data-page-id="%s" async></script></body></html>`,
		js(texts[0]), watchJS, frag, e.api, e.site, testPage))

	e.open(url)
	e.waitLoaded()
	// A few more frames after the render.
	e.run(`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 300))))`)
	e.run(`window.stopWatch = true`)

	type shown struct{ Light, Shadow int }
	for _, text := range texts {
		s := eval[shown](e, `seen(`+js(text)+`)`)
		if s.Light != 0 || s.Shadow != 1 {
			t.Errorf("%q: %d copies visible in the page's markup and %d in the widget; want 0 and 1", text, s.Light, s.Shadow)
		}
	}
	// The light DOM copy is still in the document, for search engines.
	if n := eval[int](e, `document.querySelectorAll('#parley > [data-parley-thread] [itemtype="https://schema.org/Comment"]').length`); n != 4 {
		t.Errorf("%d Comment items left in the page's markup, want 4", n)
	}
	type watch struct {
		Min, Max, Frames, Both, Neither int
	}
	w := eval[watch](e, `copies`)
	if w.Both != 0 || w.Neither != 0 || w.Min != 1 || w.Max != 1 {
		t.Errorf("over %d frames the first comment showed %d to %d times; %d frames with both copies, %d with neither",
			w.Frames, w.Min, w.Max, w.Both, w.Neither)
	}
	cls := eval[float64](e, `cls`)
	shifts := eval[[]float64](e, `shifts`)
	type sizes struct{ Host, Footer float64 }
	sz := eval[sizes](e, `({Host: document.querySelector('#parley').getBoundingClientRect().height,
		Footer: document.querySelector('footer').getBoundingClientRect().top})`)
	parts := eval[map[string]any](e, `(() => { const r = el => el ? Math.round(el.getBoundingClientRect().height) : -1;
		return {before, bar: r(pt.q('.parley-bar')), form: r(pt.q('form.parley-form')), list: r(pt.q('ol.parley-thread')), root: r(pt.q('.parley-root'))}; })()`)
	t.Logf("sizes: %v; shifted: %v", parts, eval[any](e, `window.sources`))
	t.Logf("cumulative layout shift %.4f (shifts %v) over %d frames; widget %.0f px tall, footer at %.0f px", cls, shifts, w.Frames, sz.Host, sz.Footer)
	if cls >= 0.1 {
		t.Errorf("cumulative layout shift %.4f, want < 0.1", cls)
	}
	// The included thread keeps the widget's room: heading bar, form and
	// comments (the form's room is fragmentCSS's --parley-form-room).
	room := eval[float64](e, `before.host`)
	if widget := eval[float64](e, `pt.q('.parley-root').getBoundingClientRect().height`); math.Abs(room-widget) > 4 {
		t.Errorf("the included thread is %.0f px tall, the widget %.0f px", room, widget)
	}
}

// TestNoScriptDiscussion: the discussion page works in a browser with
// JavaScript off, showing the comments and pointing at the blog's page.
func TestNoScriptDiscussion(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	// bulk's pages have a title ("Bulk") and a URL, https://blog.example/KEY.
	e.bulk("nojs", 1, 1)
	if _, err := chromedp.Call(e.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	// Scripts of the page's own are off indeed.
	e.open(e.page("/scripted", `<!doctype html><title>before</title><script>document.title = 'ran'</script>`))
	if title, err := chromedp.Run(e.ctx, chromedp.Title()); err != nil || title != "before" {
		t.Fatalf("JavaScript is not disabled: title %q (%v)", title, err)
	}
	e.open(e.api + "/sites/" + e.site + "/discussion?page=nojs")
	// The page runs no script, so the test reads it over the protocol.
	type doc struct {
		Title, Canonical, Text string
		Comments               int
	}
	d, err := chromedp.Run(e.ctx, chromedp.EvaluateAsDevTools[doc](`({Title: document.title,
		Canonical: (document.querySelector('link[rel=canonical]') || {}).href || '',
		Text: document.querySelector('main').innerText,
		Comments: document.querySelectorAll('[itemtype="https://schema.org/Comment"]').length})`))
	if err != nil {
		t.Fatal(err)
	}
	title, canonical, text, comments := d.Title, d.Canonical, d.Text, d.Comments
	t.Logf("title %q, canonical %q, %d Comment items", title, canonical, comments)
	if title != "Comments on Bulk" || canonical != "https://blog.example/nojs" {
		t.Errorf("title %q, canonical %q", title, canonical)
	}
	for _, want := range []string{"Comment 0.0, with some text to lay out.", "Comment 0.1, with some text", "2 comments", "Reader 1", "Reader 2", "Back to the page"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page does not show %q:\n%s", want, text)
		}
	}
	if comments != 2 {
		t.Errorf("%d Comment items, want 2", comments)
	}
}
