package render

import (
	"strings"
	"testing"
	"unicode"
)

// typicalMarkdown is what readers write. The bound must leave every byte of
// it alone, so a normal comment renders exactly as it did before the bound.
var typicalMarkdown = []string{
	typicalComment,
	strings.Repeat(typicalComment+"\n\n", 20),
	"> quoted\n> more\n\nreply\n\n> > nested\n> back\nlazy line",
	"- one\n- two\n  - nested\n    - deeper\n      - deepest\n        more text\n- three",
	"1. first\n2. second\n   1. sub\n   2. sub\n      - mixed\n3. third",
	"* a\n\n  paragraph in the item\n\n      code in the item\n* b\n+ other list",
	"> - quoted list\n>   - nested\n>\n> 1. ordered\n\n- > quote in a list\n  > more",
	"[link](https://example.com/a_b_(c)) and ![img](https://e.com/i.png \"t\") and [empty]()",
	"[ref][1], [other] and [collapsed][]\n\n[1]: https://e.com\n[other]: https://e.org \"title\"\n[collapsed]: <https://e.net>",
	"<https://e.com> and https://e.com/path?q=1&r=[2] and www.e.com and me@e.com (see https://e.com/a).",
	"```go\nfunc main() {\n\tfmt.Println(\"*a_[b](<x>)\")\n}\n```\n\n~~~\n> not a quote\n[[[ not brackets\n~~~",
	"    indented code with *stars* and [brackets\n    more\n\ntext",
	"*em* **strong** ***both*** _em_ __strong__ ~~del~~ ~single~ `code` ``co`de``",
	"snake_case_names, 2*3*4 = 24, a * b, **unclosed and _also",
	"# Title\n\nSetext\n======\n\nOther\n---\n\n* * *\n\n## Closing ##",
	"a <b>tag</b>, <!-- comment -->, <?pi?>, &amp; &copy; &#42; \\* \\_ \\[ \\\\",
	"<div>\n*not emphasis* [not a link\n</div>\n\n<x-custom attr=\"v\">\ntext\n\nafter",
	"| table | syntax |\n|---|---|\n| stays | text |",
	"line one\nline two  \nline three\\\nline four",
	"Footnote-like [1], [[double]], [a [nested] label](https://e.com) and ![a ![b](c)](d)",
	"Math: [0, 1), f(x) = [x], a[i][j] and {a: [b, [c, [d]]]}",
	"`a` and ``b ` c`` and a lone ` backtick and \\`escaped`",
	"Emoji 😀, accents é à ü, CJK 漢字, RTL עברית, combining e\u0301",
	"tabs\tand\ttrailing  \n\t- tab list\n\t\tcontinued",
}

func TestBoundLeavesMarkdownAlone(t *testing.T) {
	for _, in := range typicalMarkdown {
		if got := string(bound([]byte(in))); got != in {
			t.Errorf("bound changed %q\nto %q", in, got)
		}
	}
}

// TestBoundLeavesLiteralsAlone puts hostile shapes inside code blocks and
// HTML blocks, whose text goldmark never parses: the bound must not rewrite
// a byte of them, however long.
func TestBoundLeavesLiteralsAlone(t *testing.T) {
	for _, s := range hostileShapes {
		body := s.gen(3000)
		if strings.Contains(body, "```") || strings.Contains(body, "\n") {
			continue // would end the block it is put in
		}
		for _, in := range []string{
			"```\n" + body + "\n```\n",
			"    " + body + "\n",
			"<div>\n" + body + "\n</div>\n",
			"<!--\n" + body + "\n-->\n",
		} {
			if got := string(bound([]byte(in))); got != in {
				t.Errorf("%s: bound rewrote a literal block:\n%.200q", s.name, got)
			}
		}
	}
}

// TestBoundRendersAsBefore checks the promise that escaping keeps a hostile
// body's text: for most shapes the bounded body renders byte for byte as the
// unbounded one did, only faster. Sizes are kept small enough for the
// unbounded render to be quick.
func TestBoundRendersAsBefore(t *testing.T) {
	r := New()
	changed := map[string]bool{
		// The cut falls at the same depth but between different blocks.
		"quote then list": true, "indented lists": true,
		// Definitions past maxDefinitions show as text.
		"reference definitions": true,
	}
	for _, s := range hostileShapes {
		in := s.gen(3000)
		bounded, old := r.Render(in, allOpts), r.convert([]byte(in), allOpts)
		if changed[s.name] {
			if got, want := letters(Text(bounded)), letters(Text(old)); s.name != "reference definitions" && got != want {
				t.Errorf("%s: text changed:\n got %.200q\nwant %.200q", s.name, got, want)
			}
			continue
		}
		if bounded != old {
			t.Errorf("%s: renders differently:\n got %.300q\nwant %.300q", s.name, bounded, old)
		}
	}
}

// letters keeps the letters and digits of s: the words, without the
// punctuation markup is made of.
func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

func TestBoundExamples(t *testing.T) {
	deep := strings.Repeat(">", maxNesting)
	tests := []struct {
		name, in, want string
	}{
		{"quotes lose markers past the cap", strings.Repeat(">", 25) + " x", deep + "x"},
		{"spaced quotes too", strings.Repeat("> ", 25) + "x", strings.Repeat("> ", maxNesting) + "x"},
		{"a list counts twice", strings.Repeat("- ", 12) + "x", strings.Repeat("- ", maxNesting/2) + "x"},
		{"ordered lists", strings.Repeat("1. ", 11) + "x", strings.Repeat("1. ", maxNesting/2) + "x"},
		{"quote and list", strings.Repeat("> - ", 8) + "x", strings.Repeat("> - ", 6) + "> > x"},
		{"open brackets keep their characters", strings.Repeat("[", 25) + "x",
			strings.Repeat(`\[`, 5) + strings.Repeat("[", maxNesting) + "x"},
		{"open images escape the bracket", strings.Repeat("![", 21) + "x",
			`!\[` + strings.Repeat("![", maxNesting) + "x"},
		{"long tilde runs", "a" + strings.Repeat("~", 100), "a" + strings.Repeat(`\~`, 99) + "~"},
		{"short tilde runs stay", "a" + strings.Repeat("~", 20), "a" + strings.Repeat("~", 20)},
		{"unmatched emphasis", strings.Repeat("*a_", 400), strings.Repeat(`\*a\_`, 400)},
		{"matched emphasis stays", strings.Repeat("*a* _b_ ", 400), strings.Repeat("*a* _b_ ", 400)},
		{"code in a quote past the cap", strings.Repeat(">", 22) + "```\n<", deep + "```\n<"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(bound([]byte(tt.in))); got != tt.want {
				t.Errorf("bound(%.80q)\n got %.200q\nwant %.200q", tt.in, got, tt.want)
			}
		})
	}
}

// TestBoundEscapesOpenersWithoutClosers checks the code span case, where
// the escape is a character reference: an escaped backtick would still count
// in the runs that close code spans.
func TestBoundEscapesOpenersWithoutClosers(t *testing.T) {
	in := strings.Repeat("\\```a", 400)
	out := string(bound([]byte(in)))
	if !strings.HasPrefix(out, "\\```a") || !strings.Contains(out, "\\`&#96;&#96;a") {
		t.Errorf("bound(%.40q...) = %.120q...", in, out)
	}
	if got, want := Text(New().Render(in, allOpts)), Text(New().convert([]byte(in), allOpts)); got != want {
		t.Errorf("text changed:\n got %.100q\nwant %.100q", got, want)
	}
}

// TestBoundStructure checks what the bound guarantees about its output,
// on every hostile shape at the largest size a site may allow: goldmark's
// tree nests containers no deeper than maxNesting, no more than maxNesting
// brackets are open at once, and the model's paragraphs are goldmark's.
func TestBoundStructure(t *testing.T) {
	for _, s := range hostileShapes {
		for _, n := range []int{1000, 100000} {
			out := bound([]byte(s.gen(n)))
			if d := containerDepthOf(out); d > maxNesting {
				t.Errorf("%s at %d: containers nest %d deep", s.name, n, d)
			}
			if d := openBrackets(out); d > maxNesting {
				t.Errorf("%s at %d: %d brackets open at once", s.name, n, d)
			}
			if n <= 1000 {
				if d := modelDisagrees(out); d != "" {
					t.Errorf("%s at %d: %s", s.name, n, d)
				}
			}
		}
	}
}

// openBrackets is the most "[" open at once in src, not counting escaped
// ones or those in code spans; it knows nothing of the bound's model, so it
// can catch the model out.
func openBrackets(src []byte) int {
	deepest, open := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '`':
			j := i
			for j < len(src) && src[j] == '`' {
				j++
			}
			if k := strings.Index(string(src[j:]), string(src[i:j])); k >= 0 {
				j += k + j - i
			}
			i = j - 1
		case '[':
			open++
			deepest = max(deepest, open)
		case ']':
			open = max(open-1, 0)
		case '\n':
			if i+1 < len(src) && src[i+1] == '\n' {
				open = 0 // a paragraph ends
			}
		}
	}
	return deepest
}

// TestBoundAgreesWithLimitNesting checks that the source cap and the AST cap
// count depth the same way: a quote or list nested too deep shows its words
// at depth maxNesting, as limitNesting alone showed them.
func TestBoundAgreesWithLimitNesting(t *testing.T) {
	r := New()
	tests := []struct {
		name, in string
		depth    int // of the elements: a quote's words sit in a <p>, a tight item's do not
	}{
		{"quotes", strings.Repeat(">", 30) + " deep words", maxNesting + 1},
		{"spaced quotes", strings.Repeat("> ", 30) + "deep words", maxNesting + 1},
		{"lists", strings.Repeat("- ", 15) + "deep words", maxNesting},
		{"ordered lists", strings.Repeat("1. ", 15) + "deep words", maxNesting},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, old := r.Render(tt.in, allOpts), r.convert([]byte(tt.in), allOpts)
			if got != old {
				t.Errorf("bounded %q\n     old %q", got, old)
			}
			if d := maxDepth(parseBody(t, got)); d != tt.depth {
				t.Errorf("element depth %d, want %d: %q", d, tt.depth, got)
			}
		})
	}
}
