package browsertest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
)

// netlog records a tab's network traffic and uncaught exceptions from the
// DevTools events. The widget's resources are cross-origin without
// Timing-Allow-Origin, so the page's own resource timing shows no sizes;
// the protocol does.
type netlog struct {
	mu     sync.Mutex
	byID   map[network.RequestID]*request
	order  []*request
	thrown []string
}

// request is one network request of the page.
type request struct {
	URL    string
	Method string
	Type   network.ResourceType
	Status int64
	Bytes  float64 // encoded bytes received, headers included
	Done   bool
}

// listen is the tab's event listener. It runs in the tab's event loop, so
// it only records.
func (n *netlog) listen(ev any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.byID == nil {
		n.byID = map[network.RequestID]*request{}
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if _, ok := n.byID[ev.RequestID]; ok {
			return // a redirect of a request we have
		}
		r := &request{URL: ev.Request.URL, Method: ev.Request.Method, Type: ev.Type}
		n.byID[ev.RequestID] = r
		n.order = append(n.order, r)
	case *network.EventResponseReceived:
		if r := n.byID[ev.RequestID]; r != nil {
			r.Status = ev.Response.Status
		}
	case *network.EventLoadingFinished:
		if r := n.byID[ev.RequestID]; r != nil {
			r.Bytes, r.Done = ev.EncodedDataLength, true
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		n.thrown = append(n.thrown, fmt.Sprintf("%s:%d: %s", d.URL, d.LineNumber+1, text))
	}
}

// reset forgets the requests seen so far.
func (n *netlog) reset() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.byID, n.order = nil, nil
}

// requests returns copies of the requests whose URL contains part and,
// when method is not empty, whose method is method.
func (n *netlog) requests(method, part string) []request {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []request
	for _, r := range n.order {
		if strings.Contains(r.URL, part) && (method == "" || r.Method == method) {
			out = append(out, *r)
		}
	}
	return out
}

// finished waits until every request matching method and part has
// finished loading (its events arrive after the page has used it) and
// returns them.
func (e *env) finished(method, part string) []request {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		reqs := e.net.requests(method, part)
		done := true
		for _, r := range reqs {
			done = done && r.Done
		}
		if done {
			return reqs
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("requests %s %s did not finish: %+v", method, part, reqs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exceptions returns the uncaught exceptions the page threw.
func (n *netlog) exceptions() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.thrown...)
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// helpersJS runs in every document of a test's tab before the page's own
// scripts. It gives the tests short names for reaching into the widget's
// shadow root; the widget does not know about it.
const helpersJS = `window.pt = {
  root: () => { const h = document.querySelector('#parley'); return h && h.shadowRoot; },
  q: s => { const r = pt.root(); return r && r.querySelector(s); },
  qa: s => { const r = pt.root(); return r ? [...r.querySelectorAll(s)] : []; },
  // art is the <article> of a comment; ids start with a digit, so no CSS.
  art: id => { const r = pt.root(); return r && r.getElementById('parley-' + id); },
  // btn is the button of a comment (or of el) whose text is text.
  btn: (id, text) => {
    const scope = typeof id === 'string' ? pt.art(id) : id;
    return scope && [...scope.querySelectorAll('button')].find(b => b.textContent.trim() === text);
  },
  // active is the focused element, looking into shadow roots.
  active: () => { let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return a; },
  visible: el => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden',
  text: el => el ? el.textContent.trim() : null,
  // live is what the polite live region says.
  live: () => { const l = pt.q('[aria-live=polite]'); return l ? l.textContent : null; },
  // li is the list item of a comment.
  li: id => { const a = pt.art(id); return a && a.closest('li'); },
};`
