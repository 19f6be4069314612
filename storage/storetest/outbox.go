package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// newMessage builds a pending mail of site due at due; it does not store
// it.
func newMessage(site, id string, created, due time.Time) storage.Message {
	return storage.Message{
		ID:      id,
		Kind:    storage.MessageMail,
		SiteID:  site,
		Topic:   "reply",
		To:      "reader-" + id + "@example.com",
		Payload: []byte("Subject: re " + id + "\r\n\r\nbody\x00\xff"),
		State:   storage.MessagePending,
		Created: created,
		Due:     due,
	}
}

// enqueue stores messages, failing the test on error.
func (f *fixture) enqueue(ms ...storage.Message) {
	f.t.Helper()
	for _, m := range ms {
		if err := f.s.Enqueue(f.ctx, m); err != nil {
			f.t.Fatalf("Enqueue(%s): %v", m.ID, err)
		}
	}
}

// claim calls ClaimMessages and returns the ids claimed, in order.
func (f *fixture) claim(at time.Time, lease time.Duration, limit int) []string {
	f.t.Helper()
	ms, err := f.s.ClaimMessages(f.ctx, at, lease, limit)
	if err != nil {
		f.t.Fatalf("ClaimMessages(%v): %v", at, err)
	}
	return messageIDs(ms)
}

// finish calls FinishAttempt, failing the test on error.
func (f *fixture) finish(m storage.Message) {
	f.t.Helper()
	if err := f.s.FinishAttempt(f.ctx, m); err != nil {
		f.t.Fatalf("FinishAttempt(%s, %s): %v", m.ID, m.State, err)
	}
}

// message reads one message, failing the test on error.
func (f *fixture) message(id string) storage.Message {
	f.t.Helper()
	m, err := f.s.Message(f.ctx, id)
	if err != nil {
		f.t.Fatalf("Message(%s): %v", id, err)
	}
	return m
}

// messageIDs lists the ids of messages in order.
func messageIDs(ms []storage.Message) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// diffMessage describes how got differs from want ("" if equal), times
// compared as instants.
func diffMessage(got, want storage.Message) string {
	return diffTimed(got, want, func(m *storage.Message) []*time.Time { return []*time.Time{&m.Created, &m.Due, &m.Done} })
}

func testEnqueue(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	t0 := now()
	m := newMessage("blog", "m1", t0, t0.Add(time.Minute))
	m.Kind, m.Topic, m.To, m.Attempts = storage.MessageWebhook, "comment.created", "https://hook.example/in", 0
	f.enqueue(m)
	if d := diffMessage(f.message("m1"), m); d != "" {
		t.Errorf("Message did not round trip: %s", d)
	}
	_, err := f.s.Message(f.ctx, "nope")
	wantErr(t, "Message(nope)", err, storage.ErrNotFound)

	again := newMessage("blog", "m1", t0, t0)
	wantErr(t, "Enqueue of a pending id", f.s.Enqueue(f.ctx, again), storage.ErrConflict)
	for name, edit := range map[string]func(*storage.Message){
		"no id":        func(m *storage.Message) { m.ID = "" },
		"no site":      func(m *storage.Message) { m.SiteID = "" },
		"no recipient": func(m *storage.Message) { m.To = "" },
		"no kind":      func(m *storage.Message) { m.Kind = "" },
		"unknown kind": func(m *storage.Message) { m.Kind = "sms" },
	} {
		bad := newMessage("blog", "bad", t0, t0)
		edit(&bad)
		wantErr(t, "Enqueue "+name, f.s.Enqueue(f.ctx, bad), storage.ErrInvalid)
	}
	if _, err := f.s.Message(f.ctx, "bad"); err == nil {
		t.Error("a refused message was stored")
	}

	// The dedupe holds whatever became of the first copy.
	f.enqueue(newMessage("blog", "m2", t0, t0))
	sent := f.message("m2")
	sent.State, sent.Attempts, sent.Done = storage.MessageSent, 1, t0
	f.finish(sent)
	wantErr(t, "Enqueue of a sent id", f.s.Enqueue(f.ctx, newMessage("blog", "m2", t0, t0)), storage.ErrConflict)
	if got := f.message("m2"); got.State != storage.MessageSent {
		t.Errorf("a refused Enqueue changed the message: %+v", got)
	}

	// A zero Due is due at once.
	f.enqueue(newMessage("blog", "m3", t0, time.Time{}))
	if got := f.claim(time.Now().Add(time.Second), time.Minute, 10); !slices.Equal(got, []string{"m3"}) {
		t.Errorf("claim after enqueuing with no due time = %v, want [m3]", got)
	}
}

func testClaimMessages(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	t0 := now()
	// Enqueued out of due order, so only a real ordering passes.
	for id, due := range map[string]time.Duration{"b": -2 * time.Minute, "d": 0, "a": -3 * time.Minute, "c": -time.Minute, "later": time.Hour} {
		f.enqueue(newMessage("blog", id, t0.Add(-time.Hour), t0.Add(due)))
	}
	done := newMessage("blog", "done", t0.Add(-time.Hour), t0.Add(-time.Hour))
	f.enqueue(done)
	done.State, done.Done = storage.MessageFailed, t0.Add(-time.Hour)
	f.finish(done)

	if got := f.claim(t0, time.Minute, 2); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("first claim of 2 = %v, want [a b]", got)
	}
	if got := f.claim(t0, time.Minute, 10); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("second claim = %v, want [c d]: due, pending and not held", got)
	}
	if got := f.claim(t0.Add(30*time.Second), time.Minute, 10); len(got) != 0 {
		t.Errorf("claim within the leases = %v, want none", got)
	}
	if got := f.claim(t0.Add(2*time.Minute), time.Minute, 0); len(got) != 0 {
		t.Errorf("claim with limit 0 = %v, want none", got)
	}
	// Every lease ends at t0+1m: a to d come back, later is not due yet.
	got := f.claim(t0.Add(90*time.Second), 24*time.Hour, 10)
	slices.Sort(got)
	if !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Errorf("claim after the leases ended = %v, want a b c d", got)
	}
	if got := f.claim(t0.Add(2*time.Hour), time.Minute, 10); !slices.Equal(got, []string{"later"}) {
		t.Errorf("claim within the day-long leases, after later is due = %v, want [later]", got)
	}
	// Claiming does not change what the message says.
	if m := f.message("b"); m.State != storage.MessagePending || m.Attempts != 0 || !m.Due.Equal(t0.Add(-2*time.Minute)) {
		t.Errorf("claimed message reads %+v", m)
	}
	// Once every lease is over, all pending messages are due again; the
	// failed one never is.
	got = f.claim(t0.Add(1000*24*time.Hour), time.Minute, 100)
	slices.Sort(got)
	if !slices.Equal(got, []string{"a", "b", "c", "d", "later"}) {
		t.Errorf("claim long after = %v, want a b c d later (not the failed message)", got)
	}
}

func testClaimConcurrent(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	t0 := now()
	const messages, workers = 50, 8
	for i := range messages {
		f.enqueue(newMessage("blog", fmt.Sprintf("m%02d", i), t0, t0.Add(-time.Duration(i)*time.Millisecond)))
	}
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
	)
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			// A store whose leases do not hold would hand out messages
			// for ever: stop after far more rounds than 50 messages need.
			for range messages {
				ms, err := f.s.ClaimMessages(f.ctx, t0, time.Hour, 3)
				if err != nil {
					errs <- err
					return
				}
				if len(ms) == 0 {
					return
				}
				mu.Lock()
				for _, m := range ms {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("ClaimMessages: %v", err)
	}
	if len(seen) != messages {
		t.Errorf("%d distinct messages claimed, want %d", len(seen), messages)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s claimed %d times", id, n)
		}
	}
}

func testFinishAttempt(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	t0 := now()
	orig := newMessage("blog", "m", t0, t0)
	f.enqueue(orig, newMessage("blog", "n", t0, t0))
	if got := f.claim(t0, time.Hour, 10); len(got) != 2 {
		t.Fatalf("claim = %v, want both", got)
	}

	// A retry releases the claim and waits for its new due time.
	retry := f.message("m")
	retry.Attempts, retry.LastError, retry.Due = 1, "451 try later", t0.Add(10*time.Minute)
	f.finish(retry)
	if got := f.claim(t0.Add(5*time.Minute), time.Hour, 10); len(got) != 0 {
		t.Errorf("claim before the retry is due = %v, want none", got)
	}
	if got := f.claim(t0.Add(11*time.Minute), time.Hour, 10); !slices.Equal(got, []string{"m"}) {
		t.Errorf("claim after the retry is due = %v, want [m] (n is still leased)", got)
	}
	want := orig
	want.Attempts, want.LastError, want.Due = 1, "451 try later", t0.Add(10*time.Minute)
	if d := diffMessage(f.message("m"), want); d != "" {
		t.Errorf("after a retry: %s", d)
	}

	// Sent and failed messages leave the queue for good.
	sent := f.message("m")
	sent.State, sent.Attempts, sent.LastError, sent.Done = storage.MessageSent, 2, "", t0.Add(12*time.Minute)
	f.finish(sent)
	failed := f.message("n")
	failed.State, failed.Attempts, failed.LastError, failed.Done = storage.MessageFailed, 1, "550 no such user", t0.Add(13*time.Minute)
	f.finish(failed)
	if got := f.claim(t0.Add(365*24*time.Hour), time.Hour, 10); len(got) != 0 {
		t.Errorf("claim after sent and failed = %v, want none", got)
	}
	want.State, want.Attempts, want.LastError, want.Done = storage.MessageSent, 2, "", t0.Add(12*time.Minute)
	if d := diffMessage(f.message("m"), want); d != "" {
		t.Errorf("after sending: %s", d)
	}
	if got := f.message("n"); got.State != storage.MessageFailed || got.LastError != "550 no such user" || !got.Done.Equal(failed.Done) {
		t.Errorf("after failing: %+v", got)
	}

	// Only the outcome is stored: the content stays as enqueued.
	forged := f.message("m")
	forged.State, forged.Done, forged.To, forged.Payload = storage.MessageSent, sent.Done, "eve@example.com", []byte("x")
	f.finish(forged)
	if got := f.message("m"); got.To != orig.To || string(got.Payload) != string(orig.Payload) {
		t.Errorf("FinishAttempt changed the content: to %q payload %q", got.To, got.Payload)
	}

	missing := newMessage("blog", "gone", t0, t0)
	wantErr(t, "FinishAttempt(gone)", f.s.FinishAttempt(f.ctx, missing), storage.ErrNotFound)
	bad := f.message("n")
	bad.State = "bounced"
	wantErr(t, "FinishAttempt bounced", f.s.FinishAttempt(f.ctx, bad), storage.ErrInvalid)
	if got := f.message("n"); got.State != storage.MessageFailed {
		t.Errorf("a refused FinishAttempt wrote state %q", got.State)
	}
}
