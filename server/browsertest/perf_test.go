package browsertest

import (
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Speed is measured here and logged, never asserted: the machines that run
// the tests are shared and noisy.

// firstRender is one measured first render of a thread.
type firstRender struct {
	Script   time.Duration // from embed.js starting to run to the thread on screen
	Fetched  time.Duration // from embed.js starting to run to the thread's JSON received
	Dates    time.Duration // from embed.js starting to run to the full dates on hover set (after the render is painted)
	Page     time.Duration // from the navigation's start to the thread on screen
	Comments int           // comments shown
	Embed    float64       // bytes received for embed.js, headers included
	Locale   float64       // bytes received for locale files
	Thread   float64       // bytes received for the thread's JSON
}

// seedFirstRender stores a 200-comment thread: 40 threads of five.
func seedFirstRender(e *env) {
	e.bulk(testPage, 40, 4)
}

// measureFirstRender loads url with the browser cache off and reads the
// widget's performance marks.
func measureFirstRender(e *env, url string) firstRender {
	e.t.Helper()
	if _, err := chromedp.Call(e.ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		e.t.Fatal(err)
	}
	e.net.reset()
	e.open(url)
	e.waitFor("the first render", `performance.getEntriesByName('parley:rendered').length === 1`)
	e.waitFor("the full dates", `performance.getEntriesByName('parley:dates').length === 1`)
	type marks struct {
		Start, Rendered, Fetched, Dates float64
		Comments                        int
	}
	m := eval[marks](e, `({Start: performance.getEntriesByName('parley:start')[0].startTime,
		Rendered: performance.getEntriesByName('parley:rendered')[0].startTime, Comments: pt.qa('article').length,
		Dates: performance.getEntriesByName('parley:dates')[0].startTime,
		Fetched: performance.getEntriesByType('resource').find(r => r.name.includes('/comments?')).responseEnd})`)
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	r := firstRender{
		Script:   ms(m.Rendered - m.Start),
		Fetched:  ms(m.Fetched - m.Start),
		Dates:    ms(m.Dates - m.Start),
		Page:     ms(m.Rendered),
		Comments: m.Comments,
	}
	// The bytes come from the protocol: the resources are cross-origin, so
	// the page's resource timing does not show their sizes.
	sum := func(part string) float64 {
		n := 0.0
		for _, req := range e.finished(http.MethodGet, part) {
			n += req.Bytes
		}
		return n
	}
	r.Embed, r.Locale, r.Thread = sum("/embed.js"), sum("/widget/i18n/"), sum("/comments?")
	return r
}

// TestFirstRender200 logs how long the first render of a 200-comment
// thread takes and what it downloads: in English in a fresh tab (a new
// browser context, so a new renderer process) of a browser that has just
// started, then in German in the same tab, then in English in a fresh tab
// of the browser now running, as a reader's browser would be.
func TestFirstRender200(t *testing.T) {
	e := newSite(t)
	seedFirstRender(e)
	runs := []struct {
		e         *env
		lang, tab string
	}{
		{e, "en", "fresh tab, browser just started"},
		{e, "de", "same tab"},
		{nil, "en", "fresh tab, browser running"},
	}
	for _, run := range runs {
		if run.e == nil {
			run.e = newSite(t) // a new browser context, with its own blog and site
			seedFirstRender(run.e)
		}
		r := measureFirstRender(run.e, run.e.embedPage("/perf-"+run.lang, `data-page-id="`+testPage+`" data-lang="`+run.lang+`"`, ""))
		if r.Comments != 200 {
			t.Errorf("%s (%s): %d comments shown, want 200", run.lang, run.tab, r.Comments)
		}
		t.Logf("%s (%s): first render of %d comments: %v from script start (thread JSON in at %v; %v from navigation; full dates on hover at %v); downloaded embed.js %.0f B, locale %.0f B (widget total %.0f B), thread JSON %.0f B",
			run.lang, run.tab, r.Comments, r.Script.Round(100*time.Microsecond), r.Fetched.Round(100*time.Microsecond), r.Page.Round(100*time.Microsecond),
			r.Dates.Round(100*time.Microsecond), r.Embed, r.Locale, r.Embed+r.Locale, r.Thread)
	}
}

// BenchmarkFirstRender200 measures the first render of a 200-comment thread
// in English, in one tab: the first iteration in a fresh one. ms/render is
// the time from embed.js starting to the thread on screen, as the page's
// performance marks show it; ms/dates to the full dates on hover, which the
// widget sets once the render has been painted.
func BenchmarkFirstRender200(b *testing.B) {
	e := newSite(b)
	seedFirstRender(e)
	url := e.embedPage("/perf", `data-page-id="`+testPage+`"`, "")
	var total, dates time.Duration
	var last firstRender
	n := 0
	for b.Loop() {
		last = measureFirstRender(e, url)
		total += last.Script
		dates += last.Dates
		n++
	}
	b.ReportMetric(float64(total.Microseconds())/float64(n)/1000, "ms/render")
	b.ReportMetric(float64(dates.Microseconds())/float64(n)/1000, "ms/dates")
	b.ReportMetric(last.Embed+last.Locale, "widget-B")
	b.ReportMetric(last.Thread, "thread-B")
}
