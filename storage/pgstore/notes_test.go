package pgstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage/pgstore"
	"github.com/parley-dev/parley/storage/pgstore/pgtest"
)

// listener collects the notes one node receives.
type listener struct {
	mu    sync.Mutex
	notes []string
	gaps  int
}

func (l *listener) got() ([]string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.notes...), l.gaps
}

func TestNotesReachEveryNode(t *testing.T) {
	url := pgtest.Migrated(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var nodes [2]*pgstore.Store
	var heard [2]*listener
	var wg sync.WaitGroup
	for i := range nodes {
		s, err := pgstore.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		nodes[i], heard[i] = s, &listener{}
		l := heard[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Notes().Listen(ctx, func(b []byte) {
				l.mu.Lock()
				l.notes = append(l.notes, string(b))
				l.mu.Unlock()
			}, func() { l.mu.Lock(); l.gaps++; l.mu.Unlock() })
		}()
	}
	// Both listen once each has reported its (first) gap.
	waitFor(t, func() bool { _, a := heard[0].got(); _, b := heard[1].got(); return a == 1 && b == 1 })
	for _, n := range []string{`{"n":"a","k":"created"}`, `{"n":"a","k":"scored"}`} {
		if err := nodes[0].Notes().Send(ctx, []byte(n)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { a, _ := heard[0].got(); b, _ := heard[1].got(); return len(a) == 2 && len(b) == 2 })
	for i, l := range heard {
		notes, _ := l.got()
		if notes[0] != `{"n":"a","k":"created"}` || notes[1] != `{"n":"a","k":"scored"}` {
			t.Errorf("node %d heard %q, want both notes in the order sent", i, notes)
		}
	}
	cancel()
	wg.Wait() // Listen returns when its context ends
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
