package render

import (
	"strings"
	"testing"
)

// typicalComment is about 500 characters with the things readers actually
// use: a link, emphasis, a list and a couple of paragraphs.
const typicalComment = `Thanks for writing this up! I ran into the same problem last week and
spent an afternoon on it before finding the **real** cause, which is
described in [the release notes](https://example.com/releases/v2.3#breaking).

A few things that helped me:

- pin the version in your lock file
- clear the *build cache* before retrying
- check ` + "`GOFLAGS`" + ` for a stray -mod=vendor

Hope that saves someone else the afternoon. I'd be curious whether the
fix in the next release covers the Windows case too.`

func BenchmarkRender(b *testing.B) {
	r := New()
	opts := Options{AllowLinks: true}
	b.SetBytes(int64(len(typicalComment)))
	b.ReportAllocs()
	for b.Loop() {
		r.Render(typicalComment, opts)
	}
}

// BenchmarkRenderLong renders a 10 000-character comment, the largest a site
// is likely to allow.
func BenchmarkRenderLong(b *testing.B) {
	r := New()
	long := strings.Repeat(typicalComment+"\n\n", 10000/len(typicalComment)+1)[:10000]
	opts := Options{AllowLinks: true, AllowImages: true}
	b.SetBytes(int64(len(long)))
	b.ReportAllocs()
	for b.Loop() {
		r.Render(long, opts)
	}
}

// BenchmarkRenderDeepQuotes renders 10 000 ">" characters, the worst nesting
// a comment of that size can ask for.
func BenchmarkRenderDeepQuotes(b *testing.B) {
	r := New()
	deep := strings.Repeat(">", 10000)
	b.ReportAllocs()
	for b.Loop() {
		r.Render(deep, Options{})
	}
}

func BenchmarkText(b *testing.B) {
	body := New().Render(typicalComment, Options{AllowLinks: true})
	b.ReportAllocs()
	for b.Loop() {
		Text(body)
	}
}
