package webhook

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/outbox"
	"github.com/parley-dev/parley/storage"
)

// TestThroughTheOutbox walks a webhook call the way the server makes it:
// enqueued in a real store, drained by an outbox worker, retried after a
// 503, and signed with the secret the site holds at each attempt.
func TestThroughTheOutbox(t *testing.T) {
	h := newHook(t, http.StatusServiceUnavailable)
	s := openStore(t, h.URL, testSecret)
	m := message(t, h.URL)
	m.Created = time.Now()
	if err := s.Enqueue(context.Background(), m); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	w := outbox.New(outbox.Config{Store: s, Poll: 5 * time.Millisecond,
		Deliverers: map[storage.MessageKind]outbox.Deliverer{storage.MessageWebhook: newDeliverer(s)},
		Backoff:    func(int) time.Duration { return 10 * time.Millisecond }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := s.Message(context.Background(), m.ID)
		if err != nil {
			t.Fatalf("message: %v", err)
		}
		if got.State == storage.MessageSent {
			if got.Attempts != 2 || got.LastError != "" {
				t.Errorf("sent after %d attempts, last error %q; want 2, \"\"", got.Attempts, got.LastError)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %+v not sent in time", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
	reqs := h.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for i, r := range reqs {
		if !Verify([]byte(testSecret), r.body, r.header.Get(HeaderSignature)) || string(r.body) != string(m.Payload) {
			t.Errorf("request %d: body or signature differs from what was queued", i+1)
		}
	}
}
