package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// openStore opens a real store in dir (a fresh t.TempDir() if empty) with
// the site "blog", and closes it when the test ends.
func openStore(t *testing.T, dir string) *badgerstore.Store {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := badgerstore.Open(dir, badgerstore.Options{GCInterval: -1})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	err = s.CreateSite(context.Background(), storage.Site{ID: "blog", Name: "Blog", OwnerID: "u1"})
	if err != nil && !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("create site: %v", err)
	}
	return s
}

// enqueue stores a pending mail message with the given id, due at once.
func enqueue(t *testing.T, s storage.OutboxStore, id string) {
	t.Helper()
	enqueueKind(t, s, id, storage.MessageMail)
}

func enqueueKind(t *testing.T, s storage.OutboxStore, id string, kind storage.MessageKind) {
	t.Helper()
	m := storage.Message{ID: id, Kind: kind, SiteID: "blog", Topic: "reply",
		To: "reader@example.com", Payload: []byte("Subject: hi\r\n\r\nhello"), Created: time.Now()}
	if err := s.Enqueue(context.Background(), m); err != nil {
		t.Fatalf("enqueue %s: %v", id, err)
	}
}

// receiver is a test double of the far end: it fails each message's first
// failures attempts with err, then takes it, and records every call.
type receiver struct {
	failures int
	err      error         // nil: errors.New("receiver down")
	delay    time.Duration // each call takes this long

	mu    sync.Mutex
	calls map[string][]storage.Message // as each attempt saw the message
	at    map[string][]time.Time
	sent  map[string]int
}

func newReceiver(failures int, err error) *receiver {
	if err == nil {
		err = errors.New("receiver down")
	}
	return &receiver{failures: failures, err: err, calls: map[string][]storage.Message{},
		at: map[string][]time.Time{}, sent: map[string]int{}}
}

func (r *receiver) Deliver(ctx context.Context, m storage.Message) error {
	if r.delay > 0 {
		select {
		case <-time.After(r.delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls[m.ID] = append(r.calls[m.ID], m)
	r.at[m.ID] = append(r.at[m.ID], time.Now())
	if len(r.calls[m.ID]) <= r.failures {
		return r.err
	}
	r.sent[m.ID]++
	return nil
}

// callsOf returns how the attempts on id saw the message.
func (r *receiver) callsOf(id string) []storage.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]storage.Message(nil), r.calls[id]...)
}

func (r *receiver) sentCounts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.sent))
	for id, n := range r.sent {
		out[id] = n
	}
	return out
}

// start runs a Worker for cfg until the test ends or stop is called; stop
// fails the test unless Run returns within a second.
func start(t *testing.T, cfg Config) (w *Worker, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w = New(cfg)
	done := make(chan struct{})
	go func() {
		w.Run(ctx)
		close(done)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(time.Second):
				t.Error("Run did not return within a second of its context ending")
			}
		})
	}
	t.Cleanup(stop)
	return w, stop
}

// waitState polls s until message id is in state, failing the test after
// within.
func waitState(t *testing.T, s storage.OutboxStore, id string, state storage.MessageState, within time.Duration) storage.Message {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		m, err := s.Message(context.Background(), id)
		if err == nil && m.State == state {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s: %+v, %v; want state %s within %v", id, m, err, state, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// clock is a settable clock for Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%03d", prefix, i)
	}
	return out
}
