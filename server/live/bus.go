package live

import (
	"sync"

	"github.com/parley-dev/parley/storage"
)

// Kind is what happened to a comment.
type Kind string

// Event kinds.
const (
	Created Kind = "created" // a new comment, of any status
	Changed Kind = "changed" // its status, body or pin changed
	Scored  Kind = "scored"  // its score changed
	// Reloaded: many comments of the page changed at once (an import, or
	// undoing one); Comment names only the site and page. Readers reload
	// the page, and nothing is sent about its comments.
	Reloaded Kind = "reloaded"
	// Missed: this node may have missed events of any page (it lost its
	// connection to the other nodes); every reader reloads.
	Missed Kind = "missed"
)

// Event is one change to one comment, published after it was stored.
type Event struct {
	Kind Kind `json:"kind"`
	// Version is the page's version read after the change: at least the
	// version the change made, so a thread read at Version includes it.
	Version int64 `json:"version"`
	// Before is the comment's status before a Changed event.
	Before storage.Status `json:"before,omitempty"`
	// BodyEdited says a Changed event changed the comment's text.
	BodyEdited bool `json:"body_edited,omitempty"`
	// Comment is the comment after the change.
	Comment storage.Comment `json:"comment"`
}

// Public reports whether readers of the page see the event: the comment is
// approved now or was before.
func (e Event) Public() bool {
	return e.Comment.Status == storage.StatusApproved || e.Before == storage.StatusApproved
}

// Bus is the publish/subscribe interface every change goes through.
// Publish must not block on slow subscribers.
type Bus interface {
	// Publish sends e to every subscriber.
	Publish(e Event)
	// Subscribe returns a subscription to every event published from now
	// on, buffering up to buffer of them for a slow reader.
	Subscribe(buffer int) *Subscription
}

// Subscription receives a Bus's events on C until Close. When its buffer
// is full an event is dropped and Lost counts it: the reader is too slow
// and must catch up another way. Events are shared by every subscriber:
// read them, never change them.
type Subscription struct {
	C      <-chan *Event
	c      chan *Event
	lost   int64
	mu     sync.Mutex
	closed bool
	remove func()
}

// Lost returns how many events the subscription dropped.
func (s *Subscription) Lost() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lost
}

// Close ends the subscription and closes C.
func (s *Subscription) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	s.remove()
	close(s.c)
}

func (s *Subscription) send(e *Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	select {
	case s.c <- e:
	default:
		s.lost++
	}
}

// Memory is the Bus of one process.
type Memory struct {
	mu   sync.RWMutex
	subs map[*Subscription]struct{}
}

// NewMemory returns an in-process Bus.
func NewMemory() *Memory { return &Memory{subs: map[*Subscription]struct{}{}} }

// Publish implements Bus.
func (m *Memory) Publish(e Event) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for s := range m.subs {
		s.send(&e)
	}
}

// Subscribe implements Bus.
func (m *Memory) Subscribe(buffer int) *Subscription {
	c := make(chan *Event, buffer)
	s := &Subscription{C: c, c: c}
	s.remove = func() {
		m.mu.Lock()
		delete(m.subs, s)
		m.mu.Unlock()
	}
	m.mu.Lock()
	m.subs[s] = struct{}{}
	m.mu.Unlock()
	return s
}
