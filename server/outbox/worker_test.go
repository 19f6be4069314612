package outbox

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// tinyBackoff waits 20ms per failure so far and records what it was asked.
type tinyBackoff struct {
	mu    sync.Mutex
	asked []int
}

func (b *tinyBackoff) Backoff(attempt int) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.asked = append(b.asked, attempt)
	return time.Duration(attempt) * 20 * time.Millisecond
}

func TestRetriesWithBackoffUntilSent(t *testing.T) {
	s := openStore(t, "")
	r := newReceiver(2, nil)
	b := &tinyBackoff{}
	start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: r},
		Poll: 5 * time.Millisecond, Backoff: b.Backoff})
	enqueue(t, s, "m1")

	m := waitState(t, s, "m1", storage.MessageSent, 5*time.Second)
	if m.Attempts != 3 || m.LastError != "" || m.Done.IsZero() {
		t.Errorf("sent message = attempts %d, last error %q, done %v; want 3, \"\", set", m.Attempts, m.LastError, m.Done)
	}
	calls := r.callsOf("m1")
	if len(calls) != 3 {
		t.Fatalf("%d calls, want 3", len(calls))
	}
	// Each retry sees what the previous attempt stored.
	for i, c := range calls {
		wantErr := "receiver down"
		if i == 0 {
			wantErr = ""
		}
		if c.Attempts != i || c.LastError != wantErr {
			t.Errorf("call %d saw attempts %d, last error %q; want %d, %q", i+1, c.Attempts, c.LastError, i, wantErr)
		}
	}
	at := r.at["m1"]
	for i := 1; i < len(at); i++ {
		if gap, want := at[i].Sub(at[i-1]), time.Duration(i)*20*time.Millisecond; gap < want {
			t.Errorf("retry %d came %v after the failure, want at least the backoff %v", i, gap, want)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.asked) != 2 || b.asked[0] != 1 || b.asked[1] != 2 {
		t.Errorf("Backoff asked for %v, want [1 2]", b.asked)
	}
}

func TestPermanentErrorFailsAtOnce(t *testing.T) {
	s := openStore(t, "")
	r := newReceiver(100, Permanent(errors.New("550 mailbox unavailable")))
	start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: r},
		Poll: 5 * time.Millisecond, Backoff: func(int) time.Duration { return 0 }})
	enqueue(t, s, "m1")

	m := waitState(t, s, "m1", storage.MessageFailed, 5*time.Second)
	if m.Attempts != 1 || m.LastError != "550 mailbox unavailable" || m.Done.IsZero() {
		t.Errorf("failed message = attempts %d, last error %q, done %v", m.Attempts, m.LastError, m.Done)
	}
	time.Sleep(50 * time.Millisecond) // room for a wrong retry
	if n := len(r.callsOf("m1")); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

func TestGivesUpAfterGiveUpAfter(t *testing.T) {
	s := openStore(t, "")
	r := newReceiver(1000, nil)
	start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: r},
		Poll: 5 * time.Millisecond, Backoff: func(int) time.Duration { return 20 * time.Millisecond },
		GiveUpAfter: 300 * time.Millisecond})
	enqueue(t, s, "m1")

	m := waitState(t, s, "m1", storage.MessageFailed, 5*time.Second)
	calls := len(r.callsOf("m1"))
	if calls < 2 {
		t.Errorf("%d calls, want retries before giving up", calls)
	}
	if m.Attempts != calls || m.LastError != "receiver down" {
		t.Errorf("failed message = attempts %d, last error %q; want %d, %q", m.Attempts, m.LastError, calls, "receiver down")
	}
	if age := m.Done.Sub(m.Created); age < 300*time.Millisecond {
		t.Errorf("gave up %v after creation, before GiveUpAfter", age)
	}
}

func TestGiveUpAfterDefaultIs72h(t *testing.T) {
	s := openStore(t, "")
	r := newReceiver(1000, nil)
	c := &clock{t: time.Now().Add(DefaultGiveUpAfter + time.Minute)}
	start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: r},
		Poll: 5 * time.Millisecond, Now: c.Now})
	enqueue(t, s, "m1")
	m := waitState(t, s, "m1", storage.MessageFailed, 5*time.Second)
	if m.Attempts != 1 {
		t.Errorf("attempts = %d, want 1", m.Attempts)
	}
}

func TestNoDelivererFails(t *testing.T) {
	s := openStore(t, "")
	r := newReceiver(0, nil)
	start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: r},
		Poll: 5 * time.Millisecond})
	enqueueKind(t, s, "w1", storage.MessageWebhook)

	m := waitState(t, s, "w1", storage.MessageFailed, 5*time.Second)
	if m.LastError != "no deliverer" || m.Attempts != 0 {
		t.Errorf("message = last error %q, attempts %d; want \"no deliverer\", 0", m.LastError, m.Attempts)
	}
}

func TestKickDeliversBeforePoll(t *testing.T) {
	s := openStore(t, "")
	r := newReceiver(0, nil)
	w, _ := start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: r},
		Poll: time.Hour})
	// After a round the worker sleeps for Poll.
	enqueue(t, s, "first")
	w.Kick()
	waitState(t, s, "first", storage.MessageSent, 5*time.Second)
	time.Sleep(50 * time.Millisecond)

	enqueue(t, s, "unkicked")
	time.Sleep(200 * time.Millisecond)
	if m, _ := s.Message(context.Background(), "unkicked"); m.State != storage.MessagePending {
		t.Fatalf("message sent without a kick (state %s): the test cannot tell kicks from polls", m.State)
	}

	enqueue(t, s, "kicked")
	begin := time.Now()
	w.Kick()
	waitState(t, s, "kicked", storage.MessageSent, 2*time.Second)
	if d := time.Since(begin); d > time.Second {
		t.Errorf("kicked message sent after %v", d)
	}
	// The kick's round also took what was due before it.
	waitState(t, s, "unkicked", storage.MessageSent, time.Second)
}

func TestTwoWorkersDeliverEachMessageOnce(t *testing.T) {
	s := openStore(t, "")
	all := ids("m", 100)
	for _, id := range all {
		enqueue(t, s, id)
	}
	r1, r2 := newReceiver(0, nil), newReceiver(0, nil)
	r1.delay, r2.delay = time.Millisecond, time.Millisecond
	for _, r := range []*receiver{r1, r2} {
		start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: r},
			Poll: time.Millisecond, Batch: 7})
	}
	for _, id := range all {
		waitState(t, s, id, storage.MessageSent, 10*time.Second)
	}
	time.Sleep(50 * time.Millisecond) // room for a wrong second delivery

	c1, c2 := r1.sentCounts(), r2.sentCounts()
	for _, id := range all {
		if n := c1[id] + c2[id]; n != 1 {
			t.Errorf("%s delivered %d times (%d + %d), want once", id, n, c1[id], c2[id])
		}
	}
	t.Logf("worker 1 delivered %d, worker 2 %d", len(c1), len(c2))
}

// blocker is a deliverer whose attempts hang until their context ends.
type blocker struct {
	mu      sync.Mutex
	started int
}

func (b *blocker) Deliver(ctx context.Context, m storage.Message) error {
	b.mu.Lock()
	b.started++
	b.mu.Unlock()
	<-ctx.Done()
	return ctx.Err()
}

func (b *blocker) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.started
}

func TestRestartPicksUpPendingMessages(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir)
	all := ids("m", 3)
	for _, id := range all {
		enqueue(t, s, id)
	}
	b := &blocker{}
	_, stop := start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: b},
		Poll: 5 * time.Millisecond, Timeout: 10 * time.Second, Lease: 20 * time.Second})
	for deadline := time.Now().Add(5 * time.Second); b.count() < len(all); {
		if time.Now().After(deadline) {
			t.Fatalf("%d attempts started, want %d", b.count(), len(all))
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop() // fails the test unless Run returns promptly, attempts in flight
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	s = openStore(t, dir)
	for _, id := range all {
		m, err := s.Message(context.Background(), id)
		if err != nil || m.State != storage.MessagePending || m.Attempts != 0 {
			t.Fatalf("after shutdown %s = %+v, %v; want pending with no attempt counted", id, m, err)
		}
	}
	// The interrupted attempts' leases have not ended; a later clock stands
	// in for waiting them out.
	c := &clock{t: time.Now().Add(time.Minute)}
	r := newReceiver(0, nil)
	start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: r},
		Poll: 5 * time.Millisecond, Now: c.Now})
	for _, id := range all {
		if m := waitState(t, s, id, storage.MessageSent, 5*time.Second); m.Attempts != 1 {
			t.Errorf("%s attempts = %d, want 1", id, m.Attempts)
		}
	}
}

func TestPrunesHourlyAfterKeep(t *testing.T) {
	s := openStore(t, "")
	c := &clock{t: time.Now().Add(time.Second)} // messages are created at time.Now()
	r := newReceiver(0, nil)
	w, _ := start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: r},
		Poll: time.Hour, Now: c.Now, Keep: 10 * time.Minute})
	enqueue(t, s, "old")
	w.Kick()
	waitState(t, s, "old", storage.MessageSent, 5*time.Second)

	// A round runs its prune before its deliveries, so once a marker sent
	// in a round is sent, that round's prune is done.
	round := func(marker string) {
		t.Helper()
		enqueue(t, s, marker)
		w.Kick()
		waitState(t, s, marker, storage.MessageSent, 5*time.Second)
	}
	c.Add(30 * time.Minute) // past Keep, but within the hour since the first prune
	round("marker1")
	if _, err := s.Message(context.Background(), "old"); err != nil {
		t.Fatalf("old message pruned before an hour passed: %v", err)
	}

	c.Add(25 * time.Minute) // 55 minutes after the first prune
	round("recent")
	c.Add(6 * time.Minute)
	round("marker2")
	for id, want := range map[string]error{"old": storage.ErrNotFound, "marker1": storage.ErrNotFound, "recent": nil} {
		if _, err := s.Message(context.Background(), id); !errors.Is(err, want) {
			t.Errorf("%s after the hourly prune: err = %v, want %v", id, err, want)
		}
	}
}

// panicker is a deliverer with a bug.
type panicker struct{}

func (panicker) Deliver(context.Context, storage.Message) error { panic("index out of range") }

func TestPanickingDelivererFailsTheMessage(t *testing.T) {
	s := openStore(t, "")
	start(t, Config{Store: s, Deliverers: map[storage.MessageKind]Deliverer{storage.MessageMail: panicker{}},
		Poll: 5 * time.Millisecond})
	enqueue(t, s, "m1")
	m := waitState(t, s, "m1", storage.MessageFailed, 5*time.Second)
	if m.LastError != "deliverer panicked: index out of range" {
		t.Errorf("last error = %q", m.LastError)
	}
}
