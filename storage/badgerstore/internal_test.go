package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

// conflictingUpdate returns a transaction body that reads key and, while
// conflicts > 0, commits a write to key from a second transaction before
// its own commit, so Badger must reject it with ErrConflict.
func conflictingUpdate(t *testing.T, s *Store, key []byte, conflicts *int, runs *int) func(*badger.Txn) error {
	return func(txn *badger.Txn) error {
		*runs++
		if _, err := txn.Get(key); err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		if *conflicts > 0 {
			*conflicts--
			if err := s.db.Update(func(other *badger.Txn) error { return other.Set(key, []byte("other")) }); err != nil {
				t.Fatalf("interfering write: %v", err)
			}
		}
		return txn.Set(key, []byte("mine"))
	}
}

func TestUpdateRetriesConflicts(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	key := []byte("test/contended")
	conflicts, runs := 3, 0
	check(t, s.update(context.Background(), conflictingUpdate(t, s, key, &conflicts, &runs)))
	if runs != 4 {
		t.Errorf("transaction ran %d times, want 4 (3 conflicts, then success)", runs)
	}
	check(t, s.db.View(func(txn *badger.Txn) error {
		if v, err := getString(txn, key); v != "mine" {
			t.Errorf("value %q, %v; want the retried write", v, err)
		}
		return nil
	}))

	conflicts, runs = 1000, 0
	err := s.update(context.Background(), conflictingUpdate(t, s, key, &conflicts, &runs))
	if runs != maxAttempts || !errors.Is(err, badger.ErrConflict) || errors.Is(err, storage.ErrConflict) {
		t.Errorf("endless conflicts: %d runs, error %v; want %d runs and an internal (not storage.ErrConflict) error",
			runs, err, maxAttempts)
	}
}

func TestReaderHashChangeMovesIndex(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, t.TempDir())
	check(t, s.CreateSite(ctx, storage.Site{ID: "blog"}))
	c := storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: "blog", PageKey: "p",
		Status: storage.StatusApproved, ReaderHash: "old"}
	check(t, s.CreateComment(ctx, c, storage.Page{}))
	for _, step := range []struct{ from, to string }{{"old", ""}, {"", "new"}} {
		_, err := s.UpdateComment(ctx, "blog", c.ID, func(c *storage.Comment) error { c.ReaderHash = step.to; return nil })
		check(t, err)
		for _, reader := range []string{"old", "new"} {
			want := 0
			if reader == step.to {
				want = 1
			}
			if cs, err := s.ReaderComments(ctx, "blog", reader); err != nil || len(cs) != want {
				t.Errorf("after %q -> %q: ReaderComments(%q) = %d comments, %v; want %d", step.from, step.to, reader, len(cs), err, want)
			}
		}
	}
}

func TestBadgerLogger(t *testing.T) {
	var buf bytes.Buffer
	l := badgerLogger{slog.New(slog.NewTextHandler(&buf, nil))}
	l.Infof("flushing memtable %d\n", 1)
	l.Debugf("noise")
	l.Warningf("disk %s\n", "slow")
	l.Errorf("broken")
	out := buf.String()
	if strings.Contains(out, "flushing") || strings.Contains(out, "noise") {
		t.Errorf("info/debug reached the log: %q", out)
	}
	if !strings.Contains(out, `level=WARN msg="disk slow" component=badger`) || !strings.Contains(out, "level=ERROR msg=broken") {
		t.Errorf("warning/error missing or malformed: %q", out)
	}
}

// TestMemTableForOlderLogs: a write-ahead log left by a release with larger
// memtables (16 MB file: an 8 MB memtable) opens with a memtable that
// holds it; without one, the configured size.
func TestMemTableForOlderLogs(t *testing.T) {
	dir := t.TempDir()
	if got := memTableFor(dir); got != memTableSize {
		t.Fatalf("empty dir: %d", got)
	}
	f, err := os.Create(filepath.Join(dir, "00001.mem"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(16 << 20); err != nil { // sparse: no 16 MB written
		t.Fatal(err)
	}
	f.Close()
	if got := memTableFor(dir); got != 8<<20 {
		t.Fatalf("with a 16 MB log: %d, want 8 MB", got)
	}
}

// TestSizesMeasureNow: Sizes counts what is on disk at once, tables and
// logs, not Badger's figure of a minute ago.
func TestSizesMeasureNow(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	_, before := s.Sizes()
	if err := s.CreateSite(context.Background(), storage.Site{ID: "blog", Settings: storage.DefaultSiteSettings()}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		postComment(t, s, "p")
	}
	lsm, logs := s.Sizes()
	if lsm < 0 || logs <= before || logs > 1<<30 {
		t.Fatalf("Sizes after 50 comments: lsm %d, logs %d (before %d); want the write-ahead log grown, not its preallocated length", lsm, logs, before)
	}
}
