package server

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/live"
	"github.com/parley-dev/parley/server/pagekey"
	"github.com/parley-dev/parley/storage"
)

// events streams a page's public changes as server-sent events:
//
//	event: comment  data: the comment as in a thread answer (new or changed)
//	event: remove   data: {"id"}: no longer shown
//	event: score    data: {"id", "score"}
//	event: resync   data: {}: events since the reader's version are not
//	                known any more; reload the thread
//
// Each carries the page version after the change as its id. A reader
// resumes from a version with Last-Event-ID (EventSource's own
// reconnects) or ?since= (a new EventSource, after the thread answer's
// page.version).
func (s *Server) events(c *fiber.Ctx) error {
	site := siteOf(c)
	key, err := pagekey.Normalize(c.Query("page"))
	if err != nil {
		return badRequest("invalid", "page", "Give the page as ?page=ID or URL.")
	}
	key = strings.Clone(key)
	since, resume, err := streamSince(c)
	if err != nil {
		return err
	}
	client := s.ipHash(c)
	if !s.streams.acquire(client) {
		return &apiError{Status: fiber.StatusTooManyRequests, Code: "too_many_streams",
			Message: "Too many open live streams from your address; close some tabs.", retryAfter: time.Minute}
	}
	st, replay, known := s.hub.Open(site.ID, key, since)
	if st == nil {
		s.streams.release(client)
		return &apiError{Status: fiber.StatusServiceUnavailable, Code: "shutting_down", Message: "The server is restarting; try again."}
	}
	if resume && !known {
		// No history reaches back that far; the reader missed nothing
		// only if the page is still at their version.
		p, err := s.store.Page(c.UserContext(), site.ID, key)
		if errors.Is(err, storage.ErrNotFound) {
			known = since == 0
		} else if err == nil {
			known = p.Version == since
		}
	}
	head := ""
	if resume && !known {
		head = live.Resync
	}
	live.Serve(c, st, live.SSE{Head: head, Replay: replay, Format: pageEvent, Done: func() { s.streams.release(client) }})
	return nil
}

// streamSince reads the version a reader resumes from: Last-Event-ID, else
// ?since=. resume is false when neither is given (live from now on).
func streamSince(c *fiber.Ctx) (since int64, resume bool, err error) {
	raw := c.Get("Last-Event-ID")
	if raw == "" {
		raw = c.Query("since")
	}
	if raw == "" {
		return 0, false, nil
	}
	since, err = strconv.ParseInt(raw, 10, 64)
	if err != nil || since < 0 {
		return 0, false, badRequest("invalid", "since", "since must be a page version (a whole number).")
	}
	return since, true, nil
}

// pageEvent is the server-sent event readers of the page get for e, nil
// when they see no change.
func pageEvent(e *live.Event) []byte {
	cm := &e.Comment
	var name string
	var data any
	switch approved := cm.Status == storage.StatusApproved; {
	case e.Kind == live.Reloaded || e.Kind == live.Missed:
		return []byte(live.Resync)
	case !e.Public():
		return nil
	case !approved:
		name, data = "remove", struct {
			ID string `json:"id"`
		}{cm.ID}
	case e.Kind == live.Scored:
		name, data = "score", struct {
			ID    string `json:"id"`
			Score int    `json:"score"`
		}{cm.ID, cm.Score}
	default:
		name, data = "comment", viewer{}.view(cm)
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil
	}
	return live.Message(e.Version, name, b)
}

// streamCounter caps open streams, per client address and in all.
type streamCounter struct {
	mu        sync.Mutex
	perClient int
	max       int
	total     int
	byClient  map[string]int
}

func newStreamCounter(perClient, max int) *streamCounter {
	return &streamCounter{perClient: perClient, max: max, byClient: map[string]int{}}
}

func (sc *streamCounter) acquire(client string) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.total >= sc.max || (sc.perClient > 0 && sc.byClient[client] >= sc.perClient) {
		return false
	}
	sc.total++
	sc.byClient[client]++
	return true
}

func (sc *streamCounter) release(client string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.total--
	if sc.byClient[client]--; sc.byClient[client] <= 0 {
		delete(sc.byClient, client)
	}
}
