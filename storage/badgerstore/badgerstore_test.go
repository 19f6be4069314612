package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/storetest"
)

// testLogger sends Badger's warnings to the test log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}

// mustOpen opens a store in dir and closes it when the test ends.
func mustOpen(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.Store {
		s, err := Open(t.TempDir(), Options{Logger: testLogger(t)})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := mustOpen(t, dir)
	site := storage.Site{ID: "blog", Name: "Blog", OwnerID: "u1", Settings: storage.DefaultSiteSettings()}
	check(t, s.CreateSite(ctx, site))
	var ids []string
	for i, st := range []storage.Status{storage.StatusApproved, storage.StatusApproved, storage.StatusPending} {
		c := storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: "blog", PageKey: "p", Status: st,
			Markdown: "m", HTML: "<p>m</p>", Created: time.Now(), ReaderHash: "r"}
		if i == 1 {
			c.ParentID = ids[0]
		}
		check(t, s.CreateComment(ctx, c, storage.Page{URL: "https://blog.example/p", Title: "P"}))
		ids = append(ids, c.ID)
	}
	_, err := s.UpdateComment(ctx, "blog", ids[2], func(c *storage.Comment) error { c.Status = storage.StatusApproved; return nil })
	check(t, err)
	_, err = s.SetVote(ctx, storage.Vote{SiteID: "blog", CommentID: ids[0], VoterHash: "voter", Value: -1})
	check(t, err)
	secret, err := s.Secret(ctx, "ip")
	check(t, err)
	check(t, s.Close())

	s = mustOpen(t, dir)
	if got, err := s.Site(ctx, "blog"); err != nil || got.Name != "Blog" || got.OwnerID != "u1" {
		t.Errorf("site after reopen = %+v, %v", got, err)
	}
	if p, err := s.Page(ctx, "blog", "p"); err != nil || p.Count != 3 || p.Title != "P" {
		t.Errorf("page after reopen = %+v, %v; want count 3", p, err)
	}
	cs, err := s.PageComments(ctx, "blog", "p")
	check(t, err)
	if len(cs) != 3 || cs[0].ID != ids[0] || cs[1].ParentID != ids[0] || cs[0].Score != -1 || cs[2].Status != storage.StatusApproved {
		t.Errorf("comments after reopen = %+v", cs)
	}
	if v, err := s.Votes(ctx, "blog", "p", "voter"); err != nil || len(v) != 1 || v[ids[0]] != -1 {
		t.Errorf("votes after reopen = %v, %v", v, err)
	}
	if mine, err := s.ReaderComments(ctx, "blog", "r"); err != nil || len(mine) != 3 {
		t.Errorf("reader comments after reopen = %d, %v", len(mine), err)
	}
	if q, err := s.CommentsByStatus(ctx, "blog", storage.StatusPending); err != nil || len(q) != 0 {
		t.Errorf("pending queue after reopen = %d, %v; want empty", len(q), err)
	}
	if again, err := s.Secret(ctx, "ip"); err != nil || !bytes.Equal(again, secret) {
		t.Errorf("secret after reopen = %x, %v; want %x", again, err, secret)
	}
}

func TestSchemaVersion(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	check(t, s.db.View(func(txn *badger.Txn) error {
		v, err := schemaVersion(txn)
		if v != len(migrations) {
			t.Errorf("schema version %d, want %d", v, len(migrations))
		}
		return err
	}))
	check(t, s.db.Update(func(txn *badger.Txn) error { return setJSON(txn, keySchema, len(migrations)+1) }))
	check(t, s.Close())

	_, err := Open(dir, Options{})
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema: %v, want ErrSchemaTooNew", err)
	}
	t.Log(err)
}

func TestMigrationsRunOnce(t *testing.T) {
	db, err := badger.Open(badgerOptions(t.TempDir(), Options{}))
	check(t, err)
	defer db.Close()
	runs := 0
	steps := []migration{
		func(*badger.Txn) error { return nil },
		func(txn *badger.Txn) error { runs++; return txn.Set([]byte("test/migrated"), []byte("yes")) },
	}
	for range 3 {
		check(t, migrate(db, steps))
	}
	if runs != 1 {
		t.Errorf("step 2 ran %d times, want once", runs)
	}
	failing := append(steps, func(txn *badger.Txn) error {
		if err := txn.Set([]byte("test/half"), []byte("x")); err != nil {
			return err
		}
		return errors.New("step 3 fails")
	})
	if err := migrate(db, failing); err == nil {
		t.Fatal("failing migration reported success")
	}
	check(t, db.View(func(txn *badger.Txn) error {
		if v, _ := schemaVersion(txn); v != 2 {
			t.Errorf("version after failed step = %d, want 2", v)
		}
		if ok, _ := exists(txn, []byte("test/half")); ok {
			t.Error("failed step's write was committed")
		}
		if ok, _ := exists(txn, []byte("test/migrated")); !ok {
			t.Error("step 2's write is missing")
		}
		return nil
	}))
}

func TestCloseTwice(t *testing.T) {
	s, err := Open(t.TempDir(), Options{GCInterval: time.Millisecond})
	check(t, err)
	time.Sleep(20 * time.Millisecond) // let the GC loop run a few rounds
	check(t, s.Close())
	check(t, s.Close())
	if _, err := s.Site(context.Background(), "x"); err == nil {
		t.Error("read after Close succeeded")
	}
}

func TestInMemory(t *testing.T) {
	s, err := Open("", Options{InMemory: true})
	check(t, err)
	defer s.Close()
	ctx := context.Background()
	check(t, s.CreateSite(ctx, storage.Site{ID: "m"}))
	if _, err := s.Site(ctx, "m"); err != nil {
		t.Error(err)
	}
}

func TestRefusesNUL(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, t.TempDir())
	check(t, s.CreateSite(ctx, storage.Site{ID: "blog"}))
	c := storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: "blog", PageKey: "a\x00b", Status: storage.StatusApproved}
	for name, err := range map[string]error{
		"CreateSite":    s.CreateSite(ctx, storage.Site{ID: "a\x00b"}),
		"CreateComment": s.CreateComment(ctx, c, storage.Page{}),
		"Counts":        second(s.Counts(ctx, "blog", []string{"ok", "a\x00"})),
		"SetVote":       second(s.SetVote(ctx, storage.Vote{SiteID: "blog", CommentID: c.ID, VoterHash: "v\x00", Value: 1})),
		"Status":        second(s.CommentsByStatus(ctx, "blog", "bogus")),
	} {
		if !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestUseAfterClose: a background worker that outlives the store, or
// reads while it closes, gets an error from it, never Badger's panic on an
// iterator of a closed database.
func TestUseAfterClose(t *testing.T) {
	ctx := context.Background()
	for range 20 {
		s, err := Open(t.TempDir(), Options{InMemory: true})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					if _, err := s.Pages(ctx, "blog", "", 0); err != nil {
						if !errors.Is(err, badger.ErrDBClosed) {
							t.Errorf("Pages while closing: %v", err)
						}
						return
					}
				}
			}()
		}
		time.Sleep(time.Millisecond)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if err := s.PruneMessages(ctx, time.Now()); !errors.Is(err, badger.ErrDBClosed) {
			t.Errorf("PruneMessages after Close: %v", err)
		}
	}
}
