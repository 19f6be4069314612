package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// hostile is what a reader might type to attack the host page or the admin
// page. Each case is checked under every Options combination.
var hostile = []string{
	`<script>alert(1)</script>`,
	`x <script>alert(1)</script> y`,
	`<img src=x onerror=alert(1)>`,
	`[x](javascript:alert(1))`,
	`[x](JAVASCRIPT:alert(1))`,
	`[x](  javascript:alert(1))`,
	`[x](<javascript:alert(1)>)`,
	"[x](java\tscript:alert(1))",
	`[x](&#106;avascript:alert(1))`,
	`[x](&#x6A;avascript&#58;alert(1))`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`![x](data:image/png;base64,iVBORw0KGgo=)`,
	`![x](data:image/svg+xml,<svg onload=alert(1)>)`,
	`[x](vbscript:msgbox(1))`,
	`[x](file:///etc/passwd)`,
	`<a href="https://e.com" id="x" class="y">a</a>`,
	`<a href="javascript:alert(1)">a</a>`,
	`<iframe src="https://evil.com"></iframe>`,
	`<style>body{display:none}</style>`,
	`<svg onload=alert(1)>`,
	`<form action="https://evil.com"><input name="password"></form>`,
	`<input autofocus onfocus=alert(1)>`,
	`<p id="login" class="admin">clobber</p>`,
	`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	`![a](/admin/delete)`,
	`![a](admin/delete)`,
	`![a](//evil.com/x.png)`,
	`![a](http:/admin/delete)`,
	`![a](https:admin)`,
	`![a](mailto:a@b.c)`,
	`![a]( javascript:alert(1))`,
	`[a](/admin/delete)`,
	`[a](//evil.com)`,
	`[a](https:/admin)`,
	`[a](#top)`,
	`[a](?q=1)`,
	`[a](mailto:)`,
	"[a]: javascript:alert(1)\n\n[a]",
	"[a]: /admin\n\n![a]",
	`<b>unclosed`,
	`<div><p>unclosed`,
	`**unclosed *emphasis`,
	"```\n<script>alert(1)</script>\n```",
	"<textarea>\n\n</textarea><p>",
	"<!-- <script> -->",
	"<![CDATA[<script>]]>",
	`"><script>alert(1)</script>`,
	"\x00<script>alert(1)</script>",
	"ok \xff\xfe <b> bad utf-8 \xc3",
}

func TestRenderHostile(t *testing.T) {
	r := New()
	for _, in := range hostile {
		for _, opts := range []Options{{}, {AllowLinks: true}, {AllowImages: true}, allOpts} {
			got := r.Render(in, opts)
			if v := violations(got, opts); len(v) > 0 {
				t.Errorf("Render(%q, %+v) = %q: %v", in, opts, got, v)
			}
			// The tree walk in violations is the real check; these
			// substrings cannot occur in escaped text, so they are a
			// second opinion that does not depend on a parser.
			for _, bad := range []string{"<script", "<iframe", "<style", "<svg", "<form", "<input", "<math", `="javascript:`} {
				if strings.Contains(strings.ToLower(got), bad) {
					t.Errorf("Render(%q, %+v) = %q contains %q", in, opts, got, bad)
				}
			}
		}
	}
}

// TestCleanHostileHTML feeds raw HTML straight to the sanitizing stages. The
// Markdown stage never passes HTML through, but the sanitizer must hold on
// its own should that ever change.
func TestCleanHostileHTML(t *testing.T) {
	r := New()
	tests := []struct {
		in, want string
	}{
		{`<script>alert(1)</script>ok`, "ok"},
		{`<img src="https://e.com/i.png" onerror="alert(1)" id="x" class="y" alt="i">`, `<img src="https://e.com/i.png" alt="i"/>`},
		{`<img src="/admin/delete" alt="i">`, "i"},
		{`<img src="//evil.com/x.png">`, ""},
		{`<img src="mailto:a@b.c" alt="m">`, "m"},
		{`<a href="&#106;avascript:alert(1)">x</a>`, "x"},
		{`<a href=" JAVASCRIPT:alert(1)">x</a>`, "x"},
		{`<a href="vbscript:x">x</a>`, "x"},
		{`<a href="data:text/html,x">x</a>`, "x"},
		{`<a href="https://e.com" id="x" class="y" target="_self" rel="opener">x</a>`,
			`<a href="https://e.com"` + rel + `>x</a>`},
		{`<a href="https:/admin">x</a>`, "x"},
		{`<p style="position:fixed" onclick="x()">p</p>`, "<p>p</p>"},
		{`<iframe src="https://e.com">inside</iframe>after`, "after"},
		{`<style>p{}</style><svg onload="x()"><p>s</p></svg>`, "<p>s</p>"},
		{`<form><input name="x"><button>b</button></form>`, "b"},
		{`<ol start="3" type="a" reversed><li>x</li></ol>`, `<ol start="3"><li>x</li></ol>`},
		{`<ol start="-1;x"><li>x</li></ol>`, `<ol><li>x</li></ol>`},
		{`<h1 id="a">h</h1>`, "h"},
		{`<p><b>bold`, "<p>bold</p>"},
		{`<em>open<p>para`, "<em>open<p>para</p></em>"},
	}
	for _, tt := range tests {
		got := r.clean([]byte(tt.in), allOpts)
		if got != tt.want {
			t.Errorf("clean(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if v := violations(got, allOpts); len(v) > 0 {
			t.Errorf("clean(%q) = %q: %v", tt.in, got, v)
		}
	}
}

// TestRenderClosesItsTags checks that a body cannot swallow the comment
// rendered after it, whatever the reader left open.
func TestRenderClosesItsTags(t *testing.T) {
	r := New()
	for _, in := range []string{"**open", "> quote", "- item", "```\ncode", "<b>open", "[x](https://e.com"} {
		body := r.Render(in, allOpts)
		nodes := parseBody(t, body+"<p>next</p>")
		last := nodes[len(nodes)-1]
		if last.Data != "p" || textOf(last) != "next" || last.Parent != nil {
			t.Errorf("Render(%q) = %q swallows the next comment", in, body)
		}
	}
}

// TestRenderLargeInput checks that long and pathological input renders safely.
// Speed is measured by the benchmarks; a hang here fails on go test's timeout.
func TestRenderLargeInput(t *testing.T) {
	r := New()
	inputs := map[string]string{
		"long text":       strings.Repeat("word ", 2000),
		"many lines":      strings.Repeat("line\n", 2000),
		"nested quotes":   strings.Repeat(">", 10000),
		"nested lists":    nestedList(95),
		"nested numbers":  strings.Repeat("1. ", 3300),
		"nested emphasis": strings.Repeat("*_", 2500) + "x" + strings.Repeat("_*", 2500),
		"nested images":   strings.Repeat("[![", 2000) + "x" + strings.Repeat("](https://e.com))", 250),
		"open brackets":   strings.Repeat("[", 10000),
		"open emphasis":   strings.Repeat("*a", 5000),
		"many links":      strings.Repeat("[x](https://e.com) ", 500),
		"open html":       strings.Repeat("<b>", 3000),
		"backticks":       strings.Repeat("`", 10000),
		"link references": strings.Repeat("[a]: https://e.com\n", 500) + strings.Repeat("[a] ", 500),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			got := r.Render(in, allOpts)
			if v := violations(got, allOpts); len(v) > 0 {
				t.Errorf("%d bytes of output break rules: %v", len(got), v[:min(len(v), 3)])
			}
		})
	}
}

// TestRenderLimitsNesting checks that deep nesting is flattened at
// maxNesting with its words kept, so hostile input cannot make the HTML parse
// quadratic.
func TestRenderLimitsNesting(t *testing.T) {
	r := New()
	for name, in := range map[string]string{
		"quotes":   strings.Repeat(">", 3*maxNesting) + " deep words",
		"lists":    strings.Repeat("- ", 3*maxNesting) + "deep words",
		"emphasis": strings.Repeat("*", 6*maxNesting) + "deep words" + strings.Repeat("*", 6*maxNesting),
	} {
		t.Run(name, func(t *testing.T) {
			body := r.Render(in, allOpts)
			if !strings.Contains(body, "deep words") {
				t.Errorf("the words were lost: %q", body)
			}
			if d := maxDepth(parseBody(t, body)); d < maxNesting/2 || d > maxNesting+2 {
				t.Errorf("element depth %d, want about %d: %q", d, maxNesting, body)
			}
		})
	}
}

func maxDepth(nodes []*html.Node) int {
	deepest := 0
	for _, n := range nodes {
		if n.Type != html.ElementNode {
			continue
		}
		var kids []*html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			kids = append(kids, c)
		}
		deepest = max(deepest, 1+maxDepth(kids))
	}
	return deepest
}

func nestedList(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat("  ", i) + "- x\n")
	}
	return b.String()
}

func TestRenderInvalidUTF8(t *testing.T) {
	r := New()
	got := r.Render("caf\xe9 \xff\xfe ok", allOpts)
	if want := "<p>caf\uFFFD \uFFFD ok</p>\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzRender checks the renderer's promises on arbitrary input under every
// Options combination: no disallowed element, attribute or URL, well-formed
// output that cannot swallow what follows, valid UTF-8, and a body that the
// sanitizing stages leave unchanged when run again. It checks the bounding
// stage too: nesting within maxNesting and a model of goldmark's blocks that
// matches goldmark. While fuzzing (and only then, since timing depends on
// the machine), it also checks that the input repeated to 10 000 bytes does
// not render super-linearly.
func FuzzRender(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, uint8(3))
	}
	f.Add(typicalComment, uint8(1))
	f.Add("plain\ntext\n\nparagraphs", uint8(0))
	f.Add("![i](https://e.com/i.png) [l](https://e.com)", uint8(2))
	f.Add("# h\n\n> q\n\n1. a\n2. b\n\n```\nc\n```", uint8(3))
	f.Add("<a href='https://e.com' onclick=x>", uint8(1))
	f.Add("[a](https://e.com/?q=\"><script>)", uint8(1))
	f.Add("www.e.com/a_(b)?c=<d>", uint8(1))
	for _, s := range hostileShapes {
		f.Add(s.gen(200), uint8(3))
	}
	for _, s := range typicalMarkdown {
		f.Add(s, uint8(3))
	}
	r := New()
	timed := fuzzing()
	f.Fuzz(func(t *testing.T, in string, flags uint8) {
		opts := Options{AllowLinks: flags&1 != 0, AllowImages: flags&2 != 0}
		got := r.Render(in, opts)
		if v := violations(got, opts); len(v) > 0 {
			t.Fatalf("Render(%q, %+v) = %q: %v", in, opts, got, v)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Render(%q) = %q is not valid UTF-8", in, got)
		}
		if strings.Contains(strings.ToLower(got), "<script") {
			t.Fatalf("Render(%q) = %q has a script tag", in, got)
		}
		if again := r.clean([]byte(got), opts); again != got {
			t.Fatalf("Render(%q) = %q is not stable under clean: %q", in, got, again)
		}
		checkBound(t, in)
		if timed {
			checkTime(t, r, in)
		}
	})
}
