package render

import (
	"slices"
	"strings"
	"testing"
	"time"
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

// BenchmarkRenderShapes renders each hostile shape at 10 000 characters, the
// default max_length, and reports its cost as a multiple of rendering plain
// prose of the same length ("x-prose": the median render of the shape over
// the median of prose renders taken in between, by the thread's CPU time).
// The ratio is what to read: absolute times move with the machine and its
// load, the ratio shows whether a shape costs more than its length.
func BenchmarkRenderShapes(b *testing.B) {
	benchShapes(b, 10000)
}

// BenchmarkRenderShapesLarge does the same at 100 000 characters, the most a
// site owner can allow; a shape whose ratio grows between the two sizes is
// not linear.
func BenchmarkRenderShapesLarge(b *testing.B) {
	benchShapes(b, 100000)
}

func benchShapes(b *testing.B, n int) {
	r := New()
	plain := prose(n)
	for _, s := range hostileShapes {
		in := s.gen(n)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			var shapeTimes, proseTimes []time.Duration
			for b.Loop() {
				shapeTimes = append(shapeTimes, cpuTime(func() { r.Render(in, allOpts) }))

				// Prose rendered in between, outside the timer, sees
				// the same load as the shape, so their ratio holds up
				// on a busy machine.
				b.StopTimer()
				proseTimes = append(proseTimes, renderTime(r, plain))
				b.StartTimer()
			}
			b.ReportMetric(float64(median(shapeTimes))/float64(median(proseTimes)), "x-prose")
		})
	}
}

// renderTime is the CPU time of the fastest of three renders of in.
func renderTime(r *Renderer, in string) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		best = min(best, cpuTime(func() { r.Render(in, allOpts) }))
	}
	return best
}

func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}
