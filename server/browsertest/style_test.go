package browsertest

import (
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/parley-dev/parley/storage"
)

// hostileCSS are style sheets of blogs that style everything, hard.
var hostileCSS = map[string]string{
	"star": `* { color: red !important; font-size: 40px !important; display: inline !important;
		line-height: 5 !important; letter-spacing: 3px !important; word-spacing: 9px !important;
		text-transform: uppercase !important; font-family: "Comic Sans MS", cursive !important;
		font-style: italic !important; font-weight: 100 !important; text-align: right !important;
		text-indent: 30px !important; white-space: pre !important; text-shadow: 1px 1px lime !important;
		cursor: crosshair !important; visibility: visible !important; }`,
	"elements": `html { font-size: 31px; } body { font: 25px/3 serif; color: navy; text-align: center; }
		div, p, a, button, ol, li, textarea, input, select, label, section, article, header, footer, form, span, h2, h3, time {
			background: yellow !important; margin: 40px !important; padding: 30px !important;
			border: 7px dotted red !important; list-style: square inside !important; float: left !important;
			width: 100px !important; position: relative !important; top: 20px !important; opacity: 0.5 !important; }
		button { background: lime !important; color: purple !important; border-radius: 0 !important; }
		a { color: orange !important; text-decoration: overline !important; }
		textarea, input { background: black !important; color: white !important; }
		#parley { letter-spacing: 0.5em; font-variant: small-caps; line-height: 4; tab-size: 20; }`,
	"custom properties": `:root, #parley { --text: red; --bg: lime; --accent: orange; --radius: 40px;
		--d-text: red; --d-bg: lime; --border: red; --muted: red; }`,
}

// styledProps are the computed properties compared.
var styledProps = []string{
	"color", "background-color", "font-size", "font-family", "font-weight", "font-style", "font-variant-caps",
	"line-height", "letter-spacing", "word-spacing", "text-transform", "text-align", "text-indent",
	"text-shadow", "text-decoration-line", "white-space", "display", "float", "position", "opacity",
	"margin-top", "margin-left", "padding-top", "padding-left", "border-top-width", "border-top-style",
	"border-top-color", "border-top-left-radius", "list-style-type", "cursor", "visibility", "tab-size",
}

// styledParts are the widget's elements whose styles are compared.
var styledParts = []string{
	".parley-root", ".parley-heading", "label", "input[name=name]", "textarea", "button[type=submit]",
	"[role=tab]", "ol.parley-thread", "li.parley-item", "article.parley-comment", ".parley-who",
	".parley-who a", ".parley-aff", ".parley-badge", "a.parley-time", "time", ".parley-body p",
	".parley-body a", ".parley-body strong", ".parley-vote", ".parley-foot .parley-link",
	"ol.parley-replies", ".parley-replies .parley-comment",
}

// computedStyles reads styledProps of every styledPart.
func computedStyles(e *env) map[string]map[string]string {
	e.t.Helper()
	return eval[map[string]map[string]string](e, `(() => {
		const out = {}, props = `+jsList(styledProps)+`;
		for (const sel of `+jsList(styledParts)+`) {
			const el = pt.q(sel);
			if (!el) { out[sel] = {missing: 'yes'}; continue; }
			const cs = getComputedStyle(el);
			out[sel] = Object.fromEntries(props.map(p => [p, cs.getPropertyValue(p)]));
		}
		return out;
	})()`)
}

func jsList(list []string) string {
	s := "["
	for _, v := range list {
		s += js(v) + ","
	}
	return s + "]"
}

// seedStyled posts comments that show every styled part.
func seedStyled(e *env) {
	a := e.post(draft{Name: "Ada", Website: "https://ada.example", Affiliation: "Engines",
		Body: "Some **bold** and [a link](https://example.com)."})
	e.setBadge(a.ID, storage.BadgeOwner)
	e.post(draft{Parent: a.ID, Name: "Bob", Body: "A reply."})
}

// TestHostCSSDoesNotReachIn compares the computed styles of the widget's
// parts on a plain blog and on blogs with aggressive style sheets.
func TestHostCSSDoesNotReachIn(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	seedStyled(e)
	attrs := `data-page-id="` + testPage + `" data-theme="light"`
	e.openWidget(e.embedPage("/plain", attrs, ""))
	want := computedStyles(e)
	for sel, props := range want {
		if props["missing"] != "" {
			t.Fatalf("no %s in the widget", sel)
		}
	}
	for name, css := range hostileCSS {
		e.openWidget(e.embedPage("/hostile", attrs, "<style>"+css+"</style>"))
		got := computedStyles(e)
		for _, sel := range styledParts {
			for _, p := range styledProps {
				if got[sel][p] != want[sel][p] {
					t.Errorf("%s: %s { %s: %s }, want %s", name, sel, p, got[sel][p], want[sel][p])
				}
			}
		}
	}
}

// TestCustomProperties restyles the widget the documented way: the
// --parley-* custom properties set on the target element reach in.
func TestCustomProperties(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	seedStyled(e)
	e.openWidget(e.embedPage("/custom", `data-page-id="`+testPage+`" data-theme="dark"`,
		`<style>html { font-size: 10px } #parley { --parley-accent: rgb(138, 43, 226); --parley-font-size: 20px;
			--parley-font: Georgia, serif; --parley-bg: rgb(250, 240, 230); --parley-text: rgb(20, 20, 20); }</style>`))
	type look struct{ Accent, Size, Family, Bg, Text string }
	got := eval[look](e, `(() => { const root = getComputedStyle(pt.q('.parley-root'));
		return {Accent: getComputedStyle(pt.q('button[type=submit]')).backgroundColor, Size: root.fontSize,
			Family: root.fontFamily, Bg: root.backgroundColor, Text: root.color}; })()`)
	want := look{Accent: "rgb(138, 43, 226)", Size: "20px", Family: "Georgia, serif", Bg: "rgb(250, 240, 230)", Text: "rgb(20, 20, 20)"}
	if got != want {
		t.Errorf("restyled widget %+v, want %+v", got, want)
	}
}

// TestWidgetCSSDoesNotLeakOut compares the blog's own elements with and
// without the widget on the page.
func TestWidgetCSSDoesNotLeakOut(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	seedStyled(e)
	body := `<h1>Title</h1><p>Text with <a href="/x">a link</a>.</p><ol><li>one</li></ol>
		<form><label for=q>Q</label><input id=q><textarea></textarea><button>Go</button></form><time>today</time>`
	read := `(() => { const out = {};
		for (const el of document.querySelectorAll('body > main > *:not(#parley), body > main > * *')) {
			const cs = getComputedStyle(el);
			out[el.tagName + [...el.parentElement.children].indexOf(el)] = ` + jsList(styledProps) + `.map(p => cs.getPropertyValue(p)).join(';');
		}
		return out; })()`
	e.open(e.page("/without", `<!doctype html><html lang="en"><head><title>t</title></head><body><main>`+body+`</main></body></html>`))
	want := eval[map[string]string](e, read)
	e.openWidget(e.page("/with", `<!doctype html><html lang="en"><head><title>t</title></head><body><main>`+body+
		`<div id="parley"></div></main><script src="`+e.api+`/embed.js" data-site="`+e.site+`" data-page-id="`+testPage+`" async></script></body></html>`))
	got := eval[map[string]string](e, read)
	if len(want) < 8 {
		t.Fatalf("read only %d host elements", len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("host element %s styled\n %s\nwith the widget, want\n %s", k, got[k], v)
		}
	}
}

// luminanceJS returns the relative luminance (WCAG) of a computed colour.
const luminanceJS = `const lum = c => { const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
	return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
	const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };`

// TestThemes checks the light and dark themes, and auto following the
// page (widgetux_test.go has more of that): colours and contrast against
// what is behind the widget, which paints no background of its own unless
// its theme is not the page's (a dark widget on this light page), and then
// keeps its text off the edges of its box.
func TestThemes(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	seedStyled(e)
	type colours struct {
		Bg, Text, Muted, Textarea float64
		Contrast, MutedContrast   float64
		Pad                       float64 // the root's inline padding, px
		Painted                   bool    // the root has a background
	}
	read := func() colours {
		return eval[colours](e, `(() => { `+luminanceJS+`
			const root = getComputedStyle(pt.q('.parley-root')), aff = getComputedStyle(pt.q('.parley-aff'));
			const painted = root.backgroundColor !== 'rgba(0, 0, 0, 0)';
			let bg = painted ? root.backgroundColor : 'rgb(255, 255, 255)'; // else the page's canvas, as nothing else paints
			if (!painted && getComputedStyle(document.documentElement).colorScheme === 'light dark' && matchMedia('(prefers-color-scheme: dark)').matches) bg = 'rgb(18, 18, 18)';
			return {Bg: lum(bg), Text: lum(root.color), Muted: lum(aff.color), Painted: painted,
				Textarea: lum(getComputedStyle(pt.q('textarea')).backgroundColor),
				Contrast: contrast(root.color, bg), MutedContrast: contrast(aff.color, bg),
				Pad: Math.min(parseFloat(root.paddingLeft), parseFloat(root.paddingRight))}; })()`)
	}
	check := func(name string, dark, painted bool) {
		c := read()
		if dark != (c.Bg < 0.05) || dark != (c.Text > 0.6) || dark != (c.Textarea < 0.05) {
			t.Errorf("%s: background luminance %.3f, text %.3f, textarea %.3f; want dark %v", name, c.Bg, c.Text, c.Textarea, dark)
		}
		// A box of its own keeps its text off its edges; a widget on the
		// page's background lines up with the post's text.
		if painted != c.Painted || painted != (c.Pad > 0) {
			t.Errorf("%s: background painted %v, inline padding %.1fpx; want painted and padded %v", name, c.Painted, c.Pad, painted)
		}
		if c.Contrast < 7 || c.MutedContrast < 4.5 {
			t.Errorf("%s: contrast %.2f (muted %.2f)", name, c.Contrast, c.MutedContrast)
		}
	}
	for _, theme := range []string{"light", "dark"} {
		e.openWidget(e.embedPage("/"+theme, `data-page-id="`+testPage+`" data-theme="`+theme+`"`, ""))
		check(theme, theme == "dark", theme == "dark")
	}
	// A page that says nothing is light, whatever the reader prefers; one
	// that takes both schemes follows the reader.
	for _, scheme := range []string{"light", "dark"} {
		if _, err := chromedp.Call(e.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
			t.Fatal(err)
		}
		e.openWidget(e.embedPage("/auto", `data-page-id="`+testPage+`"`, ""))
		check(fmt.Sprintf("auto on a plain page, prefers %s", scheme), false, false)
		e.openWidget(e.embedPage("/auto-both", `data-page-id="`+testPage+`"`, `<style>:root { color-scheme: light dark }</style>`))
		check(fmt.Sprintf("auto on a light-and-dark page, prefers %s", scheme), scheme == "dark", false)
	}
}
