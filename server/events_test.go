package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// listen serves e's app on a loopback port, for answers that stream, and
// returns its base URL.
func (e *env) listen() string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go e.srv.Serve(ln)
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.srv.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String()
}

// sse is one server-sent event as a reader gets it.
type sse struct {
	id, name, data string
}

// stream is an open event stream.
type stream struct {
	t      testing.TB
	res    *http.Response
	events chan sse
}

// openStream opens GET .../events with the given query and headers.
func openStream(t testing.TB, base, query string, header map[string]string) (*stream, *http.Response) {
	t.Helper()
	r, err := http.NewRequest("GET", base+"/api/v1/sites/blog/events?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Origin", testOrigin)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		return nil, res
	}
	s := &stream{t: t, res: res, events: make(chan sse, 100)}
	t.Cleanup(func() { res.Body.Close() })
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		var ev sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					s.events <- ev
				}
				ev = sse{}
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	return s, res
}

// next returns the next event, failing after a few seconds.
func (s *stream) next() sse {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			s.t.Fatal("stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		s.t.Fatal("no event within 5 s")
	}
	return sse{}
}

// quiet fails if an event arrives within d.
func (s *stream) quiet(d time.Duration) {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if ok {
			s.t.Fatalf("unexpected event %+v", ev)
		}
	case <-time.After(d):
	}
}

func TestLiveStreamCarriesPublicChanges(t *testing.T) {
	e := newEnv(t)
	base := e.listen()
	s, res := openStream(t, base, "page=p&since=0", nil)
	if s == nil {
		t.Fatalf("status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != testOrigin {
		t.Fatalf("CORS origin %q", got)
	}

	in := comment("p", "Hello **live**")
	in["author"] = map[string]any{"name": "Ada", "email": "ada@example.com"}
	a := e.post("", in)
	ev := s.next()
	if ev.name != "comment" || ev.id == "" {
		t.Fatalf("first event %+v", ev)
	}
	var cv map[string]any
	if err := json.Unmarshal([]byte(ev.data), &cv); err != nil {
		t.Fatal(err)
	}
	if cv["id"] != a.Comment.ID || !strings.Contains(cv["html"].(string), "<strong>live</strong>") {
		t.Fatalf("comment event %s", ev.data)
	}
	for _, private := range []string{"ada@example.com", "markdown", "mine", "reader_hash", "ip_hash"} {
		if strings.Contains(ev.data, private) {
			t.Fatalf("event shows %q: %s", private, ev.data)
		}
	}
	v1, _ := strconv.Atoi(ev.id)

	r := e.do(req{method: "PUT", path: "/api/v1/sites/blog/comments/" + a.Comment.ID + "/vote", body: map[string]any{"value": 1},
		token: e.post("", comment("other", "voter")).ReaderToken, origin: testOrigin})
	if r.status != http.StatusOK {
		t.Fatalf("vote: %d %s", r.status, r.body)
	}
	if ev = s.next(); ev.name != "score" || ev.data != fmt.Sprintf(`{"id":%q,"score":1}`, a.Comment.ID) {
		t.Fatalf("score event %+v", ev)
	}
	if v2, _ := strconv.Atoi(ev.id); v2 <= v1 {
		t.Fatalf("versions %d then %d", v1, v2)
	}

	r = e.do(req{method: "PATCH", path: "/api/v1/sites/blog/comments/" + a.Comment.ID, body: map[string]any{"body": "Edited"},
		token: a.ReaderToken, origin: testOrigin})
	if r.status != http.StatusOK {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	if ev = s.next(); ev.name != "comment" || !strings.Contains(ev.data, "Edited") {
		t.Fatalf("edit event %+v", ev)
	}
	r = e.do(req{method: "DELETE", path: "/api/v1/sites/blog/comments/" + a.Comment.ID, token: a.ReaderToken, origin: testOrigin})
	if r.status/100 != 2 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if ev = s.next(); ev.name != "remove" || ev.data != fmt.Sprintf(`{"id":%q}`, a.Comment.ID) {
		t.Fatalf("remove event %+v", ev)
	}
	// The comment on another page went to that page's readers only.
	s.quiet(100 * time.Millisecond)
}

func TestLiveStreamHidesHeldComments(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.Moderation = storage.ModerateAll })
	base := e.listen()
	s, _ := openStream(t, base, "page=p", nil)
	a := e.post("", comment("p", "wait for me"))
	s.quiet(200 * time.Millisecond)
	// Approval makes it public: now it is news.
	if _, err := e.srv.store.UpdateComment(context.Background(), "blog", a.Comment.ID, func(c *storage.Comment) error {
		c.Status = storage.StatusApproved
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if ev := s.next(); ev.name != "comment" || !strings.Contains(ev.data, a.Comment.ID) {
		t.Fatalf("after approval %+v", ev)
	}
}

func TestLiveStreamResumesFromAVersion(t *testing.T) {
	e := newEnv(t)
	base := e.listen()
	e.post("", comment("p", "first"))
	v0 := e.list("", "page=p").Page.Version
	second := e.post("", comment("p", "second"))
	third := e.post("", comment("p", "third"))

	// A reader whose thread was at v0 gets what came since, in order.
	s, _ := openStream(t, base, "page=p", map[string]string{"Last-Event-ID": strconv.FormatInt(v0, 10)})
	if a, b := s.next(), s.next(); !strings.Contains(a.data, second.Comment.ID) || !strings.Contains(b.data, third.Comment.ID) {
		t.Fatalf("replay: %+v, %+v", a, b)
	}
	s.quiet(100 * time.Millisecond)

	// Up to date: nothing to replay, no reload.
	now := e.list("", "page=p").Page.Version
	up, _ := openStream(t, base, "page=p&since="+strconv.FormatInt(now, 10), nil)
	up.quiet(100 * time.Millisecond)

	// After a restart the node knows no history: a reader behind the
	// stored version is told to reload, one at it is not.
	e.srv.Close()
	e.startServer()
	base = e.listen()
	behind, _ := openStream(t, base, "page=p&since="+strconv.FormatInt(v0, 10), nil)
	if ev := behind.next(); ev.name != "resync" {
		t.Fatalf("behind after restart: %+v", ev)
	}
	current, _ := openStream(t, base, "page=p&since="+strconv.FormatInt(now, 10), nil)
	current.quiet(100 * time.Millisecond)
	// A new page (version 0, no comments yet) is current at 0.
	fresh, _ := openStream(t, base, "page=new&since=0", nil)
	fresh.quiet(50 * time.Millisecond)
}

func TestLiveStreamRefusesBadInputAndTooManyStreams(t *testing.T) {
	e := newGuardedEnv(t, func(c *Config) { c.RatesOff, c.MaxStreamsPerClient = true, 2 })
	base := e.listen()
	for _, q := range []string{"page=p&since=-1", "page=p&since=x", "since=1"} {
		if s, res := openStream(t, base, q, nil); s != nil || res.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: a stream", q)
		}
	}
	openStream(t, base, "page=p", nil)
	openStream(t, base, "page=q", nil)
	s, res := openStream(t, base, "page=r", nil)
	if s != nil || res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("third stream from one address: %v", res.StatusCode)
	}
}

func TestShutdownEndsLiveStreams(t *testing.T) {
	e := newEnv(t)
	base := e.listen()
	s, _ := openStream(t, base, "page=p", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.srv.Shutdown(ctx) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Shutdown waited for an open stream")
	}
	for range s.events {
	} // the body ends
}
