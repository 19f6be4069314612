package widget

import "testing"

// budget is the most a first render may download, gzipped: JS and CSS.
const budget = 10000

// TestFirstRenderBudget adds up what a first render in English downloads:
// embed.js, which carries the styles and the English strings. Other
// languages add their locale bundle; the later bundle (later.js: live
// updates, the feed link, and what a reader needs to write, report or
// delete) comes after the thread is on screen; count.js is a separate,
// optional script.
func TestFirstRenderBudget(t *testing.T) {
	a := mustBuild(t)
	first := []string{"/embed.js"}
	total, br := 0, 0
	for _, p := range first {
		total += len(mustLookup(t, a, p).Gzip)
		br += len(mustLookup(t, a, p).Brotli)
	}
	t.Logf("first render (English) downloads %d bytes gzipped (budget %d), %d with brotli", total, budget, br)
	if br == 0 || br >= total {
		t.Errorf("brotli form is %d bytes, not smaller than gzip's %d", br, total)
	}
	if total > budget {
		t.Errorf("first render downloads %d bytes gzipped, over the budget of %d", total, budget)
	}
	for _, p := range a.Paths() {
		asset := mustLookup(t, a, p)
		t.Logf("%-32s %6d bytes, %5d gzipped", p, len(asset.Body), len(asset.Gzip))
	}
}
