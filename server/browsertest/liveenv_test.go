package browsertest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// What the live tests need beyond the harness (a Parley server of their
// own whose configuration they may change: newConfiguredEnv): a second
// reader on the same blog, and the server-sent events each tab receives.

// reader opens a second reader on e's blog: a tab in a browser context of
// its own (its own localStorage, so its own reader token), on the same
// Parley server and site. Publish pages with e (the blog serves e's).
func (e *env) reader() *env {
	t := e.t
	t.Helper()
	o := &env{t: t, net: &netlog{}, store: e.store, srv: e.srv, api: e.api, blog: e.blog, site: e.site}
	tab, cancelTab := chromedp.NewContext(requireBrowser(t), chromedp.WithNewBrowserContext(), chromedp.WithListener(o.net.listen))
	t.Cleanup(func() {
		cancelTab()
		if ex := o.net.exceptions(); len(ex) > 0 && !t.Failed() {
			t.Errorf("uncaught exceptions in the second reader's page:\n%s", strings.Join(ex, "\n"))
		}
	})
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, testTimeout)
	t.Cleanup(cancel)
	o.ctx = ctx
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: helpersJS}); err != nil {
		t.Fatalf("install page helpers: %v", err)
	}
	return o
}

// sseLog records the server-sent events a tab receives, from the
// DevTools protocol: what reached the browser, whatever the widget did
// with it.
type sseLog struct {
	mu  sync.Mutex
	got []sseMessage
}

type sseMessage struct{ Event, ID, Data string }

// watchSSE starts recording e's tab's server-sent events.
func watchSSE(e *env) *sseLog {
	e.t.Helper()
	l := &sseLog{}
	err := chromedp.Listen(e.ctx, func(ev any) {
		if m, ok := ev.(*network.EventEventSourceMessageReceived); ok {
			l.mu.Lock()
			l.got = append(l.got, sseMessage{m.EventName, m.EventID, m.Data})
			l.mu.Unlock()
		}
	})
	if err != nil {
		e.t.Fatalf("listen to the tab's events: %v", err)
	}
	return l
}

// wait waits until the tab has received an event named event whose data
// contains part, and returns it.
func (l *sseLog) wait(t testing.TB, event, part string) sseMessage {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		l.mu.Lock()
		for _, m := range l.got {
			if m.Event == event && strings.Contains(m.Data, part) {
				l.mu.Unlock()
				return m
			}
		}
		got := append([]sseMessage(nil), l.got...)
		l.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no %s event with %q reached the tab; it got %+v", event, part, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitStreams waits until n live streams of the tab have been answered
// (200, text/event-stream) and returns their requests.
func (e *env) waitStreams(n int) []request {
	e.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var open []request
		for _, r := range e.net.requests("GET", "/events?") {
			if r.Status == 200 {
				open = append(open, r)
			}
		}
		if len(open) >= n {
			return open
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d live streams answered, want %d: %+v", len(open), n, e.net.requests("", "/events?"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// setVisibility makes the page believe the tab is hidden or visible, as
// switching tabs does, and tells it so.
func (e *env) setVisibility(state string) {
	e.t.Helper()
	e.run(`Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => ` + js(state) + `});
		Object.defineProperty(document, 'hidden', {configurable: true, get: () => ` + js(state) + ` === 'hidden'});
		document.dispatchEvent(new Event('visibilitychange'))`)
}
