package render

import (
	"testing"
	"unicode/utf8"
)

// FuzzRender checks the renderer's promises on arbitrary input under every
// Options combination: no disallowed element, attribute or URL, well-formed
// output that cannot swallow what follows, valid UTF-8, and a body that the
// sanitizing stages leave unchanged when run again.
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
	r := New()
	f.Fuzz(func(t *testing.T, in string, flags uint8) {
		opts := Options{AllowLinks: flags&1 != 0, AllowImages: flags&2 != 0}
		got := r.Render(in, opts)
		if v := violations(got, opts); len(v) > 0 {
			t.Fatalf("Render(%q, %+v) = %q: %v", in, opts, got, v)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Render(%q) = %q is not valid UTF-8", in, got)
		}
		if again := r.clean([]byte(got), opts); again != got {
			t.Fatalf("Render(%q) = %q is not stable under clean: %q", in, got, again)
		}
	})
}
