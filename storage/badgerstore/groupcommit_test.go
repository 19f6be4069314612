package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// holdCommitter occupies the page committer until the returned function is
// called, so that writes sent meanwhile queue up and form one group.
func holdCommitter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, hold := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.updatePage(context.Background(), "hold", "hold", func(*badger.Txn) error {
			close(started)
			<-hold
			return nil
		})
	}()
	<-started
	return func() {
		close(hold)
		check(t, <-done)
	}
}

// waitQueued waits until n writers besides the held one (holdCommitter)
// are inside groupCommitter.do, waiting to hand their write over, so that
// they all join the next group. The channel they send on is unbuffered, so
// they show only in the goroutine stacks; a machine too busy to get them
// there within seconds fails the test rather than letting it pass by
// chance.
func waitQueued(t *testing.T, n int) {
	t.Helper()
	buf := make([]byte, 1<<20)
	deadline := time.Now().Add(10 * time.Second)
	for {
		stacks := string(buf[:runtime.Stack(buf, true)])
		if strings.Count(stacks, "(*groupCommitter).do(") >= n+1 {
			time.Sleep(10 * time.Millisecond) // from the frame to the send itself
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writers did not queue", n)
		}
		time.Sleep(time.Millisecond)
	}
}

func getValue(t *testing.T, s *Store, key []byte) (string, bool) {
	t.Helper()
	var v string
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		v, err = getString(txn, key)
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", false
	}
	check(t, err)
	return v, true
}

// TestGroupCommitSharesTransactions checks that writes queued while the
// committer is busy commit together in one transaction, that one failing
// write leaves nothing of itself and does not fail the others, and that
// each writer gets its own answer.
func TestGroupCommitSharesTransactions(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	release := holdCommitter(t, s)

	const writers = 10
	const failing = 4
	var mu sync.Mutex
	txns := map[int]*badger.Txn{} // the transaction of each write's last run
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			errs[i] = s.updatePage(context.Background(), "site", fmt.Sprint("page", i), func(txn *badger.Txn) error {
				mu.Lock()
				txns[i] = txn
				mu.Unlock()
				if err := txn.Set(fmt.Appendf(nil, "test/%d", i), []byte("written")); err != nil {
					return err
				}
				if i == failing {
					return storage.ErrInvalid // after staging a write
				}
				return nil
			})
		})
	}
	waitQueued(t, writers)
	release()
	wg.Wait()

	shared := txns[0]
	for i := range writers {
		v, ok := getValue(t, s, fmt.Appendf(nil, "test/%d", i))
		if i == failing {
			if !errors.Is(errs[i], storage.ErrInvalid) || ok {
				t.Errorf("failing write: error %v, value stored %v; want ErrInvalid and nothing stored", errs[i], ok)
			}
			continue
		}
		if errs[i] != nil || v != "written" {
			t.Errorf("write %d: error %v, value %q; want it committed", i, errs[i], v)
		}
		if txns[i] != shared {
			t.Errorf("write %d committed in another transaction than write 0; want one group", i)
		}
	}
}

// TestGroupCommitSplitsLargeGroups checks that a group too big for one
// Badger transaction is committed in parts rather than failed.
func TestGroupCommitSplitsLargeGroups(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	release := holdCommitter(t, s)

	// Badger's limit is about 15% of the memtable (600 KB): six 200 KB
	// values, under the value threshold so they count in full, need at
	// least two transactions.
	const writers = 6
	value := bytes.Repeat([]byte("x"), 200<<10)
	errs := make([]error, writers)
	var mu sync.Mutex
	txns := map[*badger.Txn]bool{} // the transactions of the last runs
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			var last *badger.Txn
			errs[i] = s.updatePage(context.Background(), "site", "page", func(txn *badger.Txn) error {
				last = txn
				return txn.Set(fmt.Appendf(nil, "test/big/%d", i), value)
			})
			mu.Lock()
			txns[last] = true
			mu.Unlock()
		})
	}
	waitQueued(t, writers)
	release()
	wg.Wait()
	if len(txns) < 2 {
		t.Errorf("%d transactions; want the group split", len(txns))
	}
	for i := range writers {
		v, ok := getValue(t, s, fmt.Appendf(nil, "test/big/%d", i))
		if errs[i] != nil || !ok || len(v) != len(value) {
			t.Errorf("write %d: error %v, stored %v (%d bytes); want it committed", i, errs[i], ok, len(v))
		}
	}
}

// TestGroupCommitRetriesConflicts checks that a group that lost a conflict
// to a write outside the committer runs again, and gives up after
// maxAttempts with an internal error.
func TestGroupCommitRetriesConflicts(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	key := []byte("test/contended")
	conflicts, runs := 3, 0
	check(t, s.updatePage(context.Background(), "site", "page", conflictingUpdate(t, s, key, &conflicts, &runs)))
	if v, _ := getValue(t, s, key); runs != 4 || v != "mine" {
		t.Errorf("ran %d times, stored %q; want 4 runs (3 conflicts, then success) and the retried write", runs, v)
	}

	conflicts, runs = 1000, 0
	err := s.updatePage(context.Background(), "site", "page", conflictingUpdate(t, s, key, &conflicts, &runs))
	if runs != maxAttempts || !errors.Is(err, badger.ErrConflict) || errors.Is(err, storage.ErrConflict) {
		t.Errorf("endless conflicts: %d runs, error %v; want %d runs and an internal (not storage.ErrConflict) error",
			runs, err, maxAttempts)
	}
}

// TestGroupCommitEndedContext checks that a write whose context ended
// while it queued is not run.
func TestGroupCommitEndedContext(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	release := holdCommitter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ran := false
	go func() {
		done <- s.updatePage(ctx, "site", "page", func(txn *badger.Txn) error { ran = true; return nil })
	}()
	waitQueued(t, 1)
	cancel()
	err := <-done
	release()
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("cancelled write: error %v, ran %v; want context.Canceled and not run", err, ran)
	}
}

// TestGroupCommitAfterClose checks that a page write after Close fails
// cleanly instead of hanging.
func TestGroupCommitAfterClose(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	check(t, s.Close())
	err := s.CreateComment(context.Background(), storage.Comment{ID: "x", SiteID: "s", PageKey: "p", Status: storage.StatusApproved}, storage.Page{})
	if !errors.Is(err, badger.ErrDBClosed) {
		t.Errorf("CreateComment after Close: %v; want ErrDBClosed", err)
	}
}
