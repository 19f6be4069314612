package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/pgstore"
	"github.com/parley-dev/parley/storage/pgstore/pgtest"
	"github.com/parley-dev/parley/storage/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// open opens a store on a new migrated database.
func open(t *testing.T) storage.Store {
	s, err := pgstore.Open(context.Background(), pgtest.Migrated(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, open)
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Start(t)
	s, err := pgstore.Open(ctx, url)
	if !errors.Is(err, pgstore.ErrNeedsMigration) {
		t.Fatalf("Open of an empty database: %v, want ErrNeedsMigration", err)
	}
	defer s.Close()
	for range 2 { // the second time there is nothing to do
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if v, err := s.SchemaVersion(ctx); err != nil || v != pgstore.LatestVersion() {
			t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, pgstore.LatestVersion())
		}
	}
	again, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatalf("Open of a migrated database: %v", err)
	}
	again.Close()
	var rows int
	if err := exec(t, url, `SELECT count(*) FROM parley_schema`).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("parley_schema has %d rows (%v), want 1", rows, err)
	}
}

func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Start(t)
	const nodes = 4
	var wg sync.WaitGroup
	errs := make([]error, nodes)
	for i := range nodes {
		wg.Go(func() {
			s, err := pgstore.Open(ctx, url)
			if errors.Is(err, pgstore.ErrNeedsMigration) {
				err = s.Migrate(ctx)
			}
			if s != nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("node %d: %v", i, err)
		}
	}
	s, err := pgstore.Open(ctx, url)
	if err != nil {
		t.Fatalf("Open after concurrent migrations: %v", err)
	}
	s.Close()
}

func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Start(t)
	s, err := pgstore.Open(ctx, url)
	if !errors.Is(err, pgstore.ErrNeedsMigration) {
		t.Fatalf("Open of an empty database: %v, want ErrNeedsMigration", err)
	}
	err = s.Migrate(ctx)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	if err := exec(t, url, `UPDATE parley_schema SET version = version + 1 RETURNING version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	s, err = pgstore.Open(ctx, url)
	if !errors.Is(err, pgstore.ErrSchemaTooNew) || s != nil {
		t.Fatalf("Open of a version %d database: %v, %v; want ErrSchemaTooNew", v, s, err)
	}
}

func TestPostsToOnePage(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	if err := s.CreateSite(ctx, storage.Site{ID: "blog"}); err != nil {
		t.Fatal(err)
	}
	// Every post to a new page races for the page's creation.
	const writers, pages = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*pages)
	for w := range writers {
		wg.Go(func() {
			for p := range pages {
				c := storage.Comment{ID: fmt.Sprintf("c-%d-%d", w, p), SiteID: "blog", PageKey: fmt.Sprint("page-", p),
					Status: storage.StatusApproved}
				errs <- s.CreateComment(ctx, c, storage.Page{})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	counts, err := s.Counts(ctx, "blog", []string{"page-0", "page-1", "page-2", "page-3", "page-4"})
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range counts {
		if n != writers {
			t.Errorf("%s: count %d, want %d", k, n, writers)
		}
	}
	if len(counts) != pages {
		t.Errorf("counts of %d pages, want %d", len(counts), pages)
	}
}

func TestInvalidText(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	if err := s.CreateSite(ctx, storage.Site{ID: "blog"}); err != nil {
		t.Fatal(err)
	}
	c := storage.Comment{ID: "c1", SiteID: "blog", PageKey: "a\x00b", Status: storage.StatusApproved}
	if err := s.CreateComment(ctx, c, storage.Page{}); !errors.Is(err, storage.ErrInvalid) {
		t.Errorf("CreateComment with a NUL in the page key: %v, want ErrInvalid", err)
	}
}

// TestBanFields checks the ban fields the conformance suite does not.
func TestBanFields(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	defer s.Close()
	if err := s.CreateSite(ctx, storage.Site{ID: "blog"}); err != nil {
		t.Fatal(err)
	}
	want := storage.Ban{SiteID: "blog", Kind: storage.BanReader, Value: "r1", Note: "troll", By: "ada",
		AuthorName: "Eve", Excerpt: "buy now", CommentID: "c1", PageKey: "p"}
	if err := s.PutBan(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.MatchBan(ctx, "blog", time.Now(), storage.BanKey{Kind: storage.BanReader, Value: "r1"})
	if err != nil || got != want {
		t.Errorf("MatchBan = %+v, %v; want %+v", got, err, want)
	}
}

func TestIsURL(t *testing.T) {
	for s, want := range map[string]bool{
		"postgres://u@db/parley":          true,
		"POSTGRESQL://db/parley":          true,
		"host=/run/postgresql dbname=x":   false,
		"/var/lib/parley":                 false,
		"postgres-data/parley":            false,
		"https://example.com/postgres://": false,
	} {
		if got := pgstore.IsURL(s); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", s, got, want)
		}
	}
}

// exec runs one statement on the database at url and returns its row.
func exec(t *testing.T, url, sql string) pgx.Row {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return conn.QueryRow(ctx, sql)
}
