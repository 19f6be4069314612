package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

func postComment(t *testing.T, s *Store, page string) {
	t.Helper()
	c := storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: "blog", PageKey: page, Status: storage.StatusApproved,
		Markdown: "m", HTML: "<p>m</p>", Created: time.Now(), ReaderHash: "r"}
	check(t, s.CreateComment(context.Background(), c, storage.Page{URL: "https://blog.example/" + page, Title: page}))
}

func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, t.TempDir())
	check(t, s.CreateSite(ctx, storage.Site{ID: "blog", Name: "Blog", OwnerID: "u1", Settings: storage.DefaultSiteSettings()}))
	for i := 0; i < 20; i++ {
		postComment(t, s, fmt.Sprintf("p%d", i%2))
	}
	before := map[string][]storage.Comment{}
	for _, p := range []string{"p0", "p1"} {
		cs, err := s.PageComments(ctx, "blog", p)
		check(t, err)
		before[p] = cs
	}
	site, err := s.Site(ctx, "blog")
	check(t, err)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c := storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: "blog", PageKey: fmt.Sprintf("p%d", i%2),
				Status: storage.StatusApproved, Markdown: "m", HTML: "<p>m</p>", Created: time.Now(), ReaderHash: "r"}
			if err := s.CreateComment(ctx, c, storage.Page{URL: "https://blog.example/x", Title: "x"}); err != nil {
				t.Errorf("concurrent post: %v", err)
				return
			}
		}
	}()
	var buf bytes.Buffer
	err = s.Backup(ctx, &buf)
	close(stop)
	wg.Wait()
	check(t, err)

	dir := filepath.Join(t.TempDir(), "restored")
	check(t, Restore(dir, bytes.NewReader(buf.Bytes())))
	r := mustOpen(t, dir)
	got, err := r.Site(ctx, "blog")
	check(t, err)
	if !reflect.DeepEqual(got, site) {
		t.Errorf("restored site = %+v, want %+v", got, site)
	}
	for p, want := range before {
		cs, err := r.PageComments(ctx, "blog", p)
		check(t, err)
		ids := map[string]storage.Comment{}
		for _, c := range cs {
			ids[c.ID] = c
		}
		for _, c := range want {
			if g, ok := ids[c.ID]; !ok || !reflect.DeepEqual(normal(g), normal(c)) {
				t.Errorf("page %s: comment %s restored as %+v, want %+v", p, c.ID, g, c)
			}
		}
	}
	if pg, err := r.Page(ctx, "blog", "p0"); err != nil || pg.Count < len(before["p0"]) {
		t.Errorf("restored page = %+v, %v", pg, err)
	}
}

// normal drops monotonic clock readings so restored times compare equal.
func normal(c storage.Comment) storage.Comment {
	c.Created = c.Created.Round(0)
	return c
}

func TestRestoreRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "keep.txt")
	check(t, os.WriteFile(keep, []byte("mine"), 0o600))
	err := Restore(dir, bytes.NewReader(nil))
	if !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("Restore into a non-empty dir = %v, want ErrNotEmpty", err)
	}
	entries, _ := os.ReadDir(dir)
	if b, _ := os.ReadFile(keep); len(entries) != 1 || string(b) != "mine" {
		t.Errorf("directory touched: %v", entries)
	}
}

func TestRestoreTruncatedLeavesNothing(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, t.TempDir())
	check(t, s.CreateSite(ctx, storage.Site{ID: "blog", Name: "Blog", OwnerID: "u1", Settings: storage.DefaultSiteSettings()}))
	for i := 0; i < 10; i++ {
		postComment(t, s, "p")
	}
	var buf bytes.Buffer
	check(t, s.Backup(ctx, &buf))
	// Cut anywhere, the stream's end included (where Badger's own stream
	// would end between two records), or changed: refused.
	changed := bytes.Clone(buf.Bytes())
	changed[len(changed)/2] ^= 1
	if err := Restore(filepath.Join(t.TempDir(), "changed"), bytes.NewReader(changed)); !errors.Is(err, ErrBadBackup) {
		t.Errorf("Restore of a changed backup = %v, want ErrBadBackup", err)
	}
	for _, n := range []int{buf.Len() - 1, buf.Len() - trailerLen, buf.Len() / 2, 5} {
		dir := filepath.Join(t.TempDir(), "restored")
		if err := Restore(dir, bytes.NewReader(buf.Bytes()[:n])); err == nil {
			t.Errorf("Restore of %d of %d bytes succeeded", n, buf.Len())
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Restore of %d bytes left %s behind: %v", n, dir, err)
		}
	}
}
