package render

import (
	"flag"
	"strings"
	"testing"
	"time"
)

// fuzzing reports whether this run is fuzzing (go test -fuzz). Only then are
// renders timed: a normal test run must not depend on how busy the machine
// is.
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// Time limits the fuzzer checks, against prose of the same length. The
// densest linear shapes (a line per list item or quote) cost about 25 times
// prose, so 40 is far from them; a super-linear shape at 10 000 bytes
// lands in the hundreds. A body that is slow only in proportion to its size
// must also not grow dearer per byte when it grows fourfold.
const (
	fuzzBodySize = 10000
	maxSlowdown  = 40
	maxGrowth    = 2.5
)

// checkTime fails t when in, repeated to fuzzBodySize bytes, renders
// super-linearly: far slower than prose, or dearer per byte at four times
// the size. Each time is the fastest of three renders taken in turn with
// the one it is compared with, and a suspect is measured again before it
// counts. The go fuzz coordinator gives up on a worker that takes seconds
// over one input, so the number of renders is kept small.
func checkTime(t *testing.T, r *Renderer, in string) {
	if in == "" {
		return
	}
	body := repeatTo(in, fuzzBodySize)
	plain := prose(fuzzBodySize)
	if cpuTime(func() { r.Render(body, allOpts) }) < 4*proseCost(r, plain) {
		return // most inputs stop here, after one render
	}
	ratio := timeRatio(r, body, plain)
	if ratio > maxSlowdown {
		if ratio = timeRatio(r, body, plain); ratio > maxSlowdown {
			t.Fatalf("%.60q repeated to %d bytes renders %.0f times slower than prose", in, len(body), ratio)
		}
	}
	big := repeatTo(in, 4*fuzzBodySize)
	if growth := timeRatio(r, big, body) / 4; growth > maxGrowth {
		if growth = timeRatio(r, big, body) / 4; growth > maxGrowth {
			t.Fatalf("%.60q repeated: %.1f times dearer per byte at %d bytes than at %d", in, growth, len(big), len(body))
		}
	}
}

// proseCost is the CPU time of rendering plain, remembered for a few
// hundred calls so that fast inputs cost the fuzzer one render each.
func proseCost(r *Renderer, plain string) time.Duration {
	if plainCost.calls%256 == 0 {
		plainCost.cost = renderTime(r, plain)
	}
	plainCost.calls++
	return plainCost.cost
}

// plainCost is per fuzz worker: each is a process with one goroutine
// running the fuzz function at a time.
var plainCost struct {
	calls int
	cost  time.Duration
}

// timeRatio is how many times longer a takes to render than b, each the
// fastest of three renders taken in turn, so both see the same load.
func timeRatio(r *Renderer, a, b string) float64 {
	ta, tb := time.Duration(1<<62), time.Duration(1<<62)
	for range 3 {
		ta = min(ta, cpuTime(func() { r.Render(a, allOpts) }))
		tb = min(tb, cpuTime(func() { r.Render(b, allOpts) }))
	}
	return float64(ta) / float64(tb)
}

// checkBound fails t when the bound's output breaks one of its promises:
// containers nest at most maxNesting deep in goldmark's own tree, and the
// model the bound works from finds the paragraphs goldmark finds.
func checkBound(t *testing.T, in string) {
	out := bound([]byte(strings.ToValidUTF8(in, "\uFFFD")))
	if d := containerDepthOf(out); d > maxNesting {
		t.Fatalf("bound(%q) = %q nests containers %d deep", in, out, d)
	}
	if d := modelDisagrees(out); d != "" {
		t.Fatalf("bound(%q) = %q: %s", in, out, d)
	}
}
