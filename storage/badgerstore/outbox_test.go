package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// outboxKeys counts the keys under each outbox prefix.
func outboxKeys(t *testing.T, s *Store) map[string]int {
	t.Helper()
	n := map[string]int{}
	check(t, s.db.View(func(txn *badger.Txn) error {
		for _, p := range []string{"ob/", "od/", "oq/", "ox/", "ol/", "sub/"} {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(p)})
			for it.Rewind(); it.Valid(); it.Next() {
				n[p]++
			}
			it.Close()
		}
		return nil
	}))
	return n
}

// TestOutboxIndexesStayExact walks messages through claims, retries,
// outcomes, pruning and site deletion, and checks after each step that
// every message has exactly the index entries its state calls for: none
// left behind by a moved lease or a finished message.
func TestOutboxIndexesStayExact(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, t.TempDir())
	check(t, s.CreateSite(ctx, storage.Site{ID: "a"}))
	check(t, s.CreateSite(ctx, storage.Site{ID: "b"}))
	t0 := time.Now().UTC()
	for i := range 10 {
		site := []string{"a", "b"}[i%2]
		check(t, s.Enqueue(ctx, storage.Message{ID: fmt.Sprintf("m%d", i), Kind: storage.MessageMail, SiteID: site,
			To: "x@example.com", Created: t0, Due: t0}))
	}
	check(t, s.CreateUser(ctx, storage.User{Name: "ada", Roles: map[string]storage.Role{"b": storage.RoleOwner},
		Email: "ada@example.com", NotifySites: []string{"a", "b"}}))
	check(t, s.PutSubscriber(ctx, storage.Subscriber{SiteID: "a", Email: "x@example.com"}))
	check(t, s.PutSubscriber(ctx, storage.Subscriber{SiteID: "b", Email: "x@example.com"}))
	expect := func(step string, want map[string]int) {
		t.Helper()
		got := outboxKeys(t, s)
		for _, p := range []string{"ob/", "od/", "oq/", "ox/", "ol/", "sub/"} {
			if got[p] != want[p] {
				t.Errorf("%s: %d keys under %s, want %d (all: %v)", step, got[p], p, want[p], got)
			}
		}
	}
	expect("enqueued", map[string]int{"ob/": 10, "od/": 10, "oq/": 10, "ol/": 10, "sub/": 2})

	claimed, err := s.ClaimMessages(ctx, t0, time.Minute, 6)
	check(t, err)
	// A second, later claim moves the lease entries of expired claims.
	_, err = s.ClaimMessages(ctx, t0.Add(2*time.Minute), time.Minute, 10)
	check(t, err)
	expect("claimed twice", map[string]int{"ob/": 10, "od/": 10, "oq/": 10, "ol/": 10, "sub/": 2})

	for i, m := range claimed {
		switch i % 3 {
		case 0:
			m.State, m.Attempts, m.Due = storage.MessagePending, 1, t0.Add(time.Hour)
		case 1:
			m.State, m.Done = storage.MessageSent, t0.Add(-time.Hour)
		case 2:
			m.State, m.Done = storage.MessageFailed, t0.Add(time.Hour)
		}
		check(t, s.FinishAttempt(ctx, m))
	}
	// Finishing a finished message again moves, not copies, its entry.
	again := claimed[1]
	again.State, again.Done = storage.MessageSent, t0.Add(-2*time.Hour)
	check(t, s.FinishAttempt(ctx, again))
	expect("finished", map[string]int{"ob/": 10, "od/": 6, "oq/": 6, "ox/": 4, "ol/": 10, "sub/": 2})

	check(t, s.PruneMessages(ctx, t0))
	expect("pruned", map[string]int{"ob/": 8, "od/": 6, "oq/": 6, "ox/": 2, "ol/": 8, "sub/": 2})

	check(t, s.DeleteSite(ctx, "a"))
	// A site the user only heard from, without a role, is dropped too.
	if u, err := s.User(ctx, "ada"); err != nil || !slices.Equal(u.NotifySites, []string{"b"}) || u.Role("b") != storage.RoleOwner {
		t.Errorf("user after deleting site a: %+v, %v", u, err)
	}
	check(t, s.DeleteSite(ctx, "b"))
	expect("sites deleted", map[string]int{})
	if u, err := s.User(ctx, "ada"); err != nil || len(u.NotifySites) != 0 || len(u.Roles) != 0 {
		t.Errorf("user after deleting both sites: %+v, %v", u, err)
	}
}

// TestClaimLimits checks that one claim takes at most maxClaim messages,
// however many are due, so its transaction stays small; that a claim
// without a lease is refused; and that message ids cannot break the key
// layout.
func TestClaimLimits(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, t.TempDir())
	t0 := time.Now().UTC()
	check(t, s.db.Update(func(txn *badger.Txn) error {
		for i := range maxClaim + 5 {
			m := storage.Message{ID: fmt.Sprintf("m%05d", i), Kind: storage.MessageWebhook, SiteID: "a", To: "https://h.example",
				State: storage.MessagePending, Created: t0, Due: t0}
			if err := setJSON(txn, keyMessage(m.ID), m); err != nil {
				return err
			}
			if err := queue(txn, m.ID, stampOf(t0)); err != nil {
				return err
			}
		}
		return nil
	}))
	ms, err := s.ClaimMessages(ctx, t0, time.Minute, maxClaim*2)
	check(t, err)
	if len(ms) != maxClaim {
		t.Errorf("claimed %d, want %d", len(ms), maxClaim)
	}
	if _, err := s.ClaimMessages(ctx, t0, 0, 1); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("claim with no lease: %v, want ErrInvalid", err)
	}
	if err := s.Enqueue(ctx, storage.Message{ID: "a\x00b", Kind: storage.MessageMail, SiteID: "a", To: "x"}); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("Enqueue with a NUL in the id: %v, want ErrInvalid", err)
	}
}
