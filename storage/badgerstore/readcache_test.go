package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/parley-dev/parley/storage"
)

func TestReadCache(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	site := storage.Site{ID: "a", Origins: []string{"https://a.example"}, Settings: storage.DefaultSiteSettings()}
	if err := s.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Site(ctx, "a")
	got.Origins[0] = "https://evil.example" // a caller's change must not reach the cache
	if again, _ := s.Site(ctx, "a"); again.Origins[0] != "https://a.example" {
		t.Fatalf("cached site changed by a caller: %v", again.Origins)
	}

	// Readers racing writers must end up seeing the last write.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			mine := site
			for i := range 20 {
				mine.Name = fmt.Sprint(w, "-", i)
				if err := s.UpdateSite(ctx, mine); err != nil {
					t.Error(err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 200 {
				if _, err := s.Site(ctx, "a"); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	site.Name = "final"
	if err := s.UpdateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Site(ctx, "a"); got.Name != "final" {
		t.Errorf("after the last update: %q", got.Name)
	}
	if err := s.DeleteSite(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Site(ctx, "a"); err == nil {
		t.Error("deleted site still returned")
	}
}

func TestPageCacheFollowsWrites(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.CreateSite(ctx, storage.Site{ID: "a"}); err != nil {
		t.Fatal(err)
	}
	post := func(id string) {
		c := storage.Comment{ID: id, SiteID: "a", PageKey: "p", Status: storage.StatusApproved, Markdown: "x", HTML: "<p>x</p>"}
		if err := s.CreateComment(ctx, c, storage.Page{Key: "p"}); err != nil {
			t.Fatal(err)
		}
	}
	post("01900000-0000-7000-8000-000000000001")
	if p, _ := s.Page(ctx, "a", "p"); p.Count != 1 {
		t.Fatalf("count %d", p.Count)
	}
	post("01900000-0000-7000-8000-000000000002")
	if p, _ := s.Page(ctx, "a", "p"); p.Count != 2 {
		t.Errorf("cached page missed a comment: count %d", p.Count)
	}
	if _, err := s.SetVote(ctx, storage.Vote{SiteID: "a", CommentID: "01900000-0000-7000-8000-000000000001", VoterHash: "v", Value: 1}); err != nil {
		t.Fatal(err)
	}
	p, _ := s.Page(ctx, "a", "p")
	v := p.Version
	p.Locked = true
	if err := s.UpdatePage(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Page(ctx, "a", "p"); !p.Locked || p.Version <= v {
		t.Errorf("cached page missed an update: %+v", p)
	}
	if err := s.DeleteSite(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Page(ctx, "a", "p"); err == nil {
		t.Error("page of a deleted site still returned")
	}
}

// TestPageReadAfterWrite checks that a page read right after a write to the
// page returns sees that write: the page committer drops the cached page
// before it answers the writer, never after. The drop is slowed down here,
// so that answering first would show.
func TestPageReadAfterWrite(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	s.pageWrites.committed = func(id pageID) {
		time.Sleep(20 * time.Millisecond)
		s.pages.drop(id)
	}
	ctx := context.Background()
	check(t, s.CreateSite(ctx, storage.Site{ID: "a"}))
	for i := range 3 {
		time.Sleep(30 * time.Millisecond) // past any slowed drop of the last write
		s.Page(ctx, "a", "p")             // cache the page as it is before the write
		c := storage.Comment{ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", i), SiteID: "a", PageKey: "p", Status: storage.StatusApproved}
		check(t, s.CreateComment(ctx, c, storage.Page{Key: "p"}))
		if p, err := s.Page(ctx, "a", "p"); err != nil || p.Count != i+1 {
			t.Fatalf("read after comment %d: count %d, %v; want %d", i+1, p.Count, err, i+1)
		}
	}
}

// TestMissingPagesAreCached checks that a page without comments is
// remembered as missing by Page and Counts, and that its first comment
// makes it found.
func TestMissingPagesAreCached(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	ctx := context.Background()
	check(t, s.CreateSite(ctx, storage.Site{ID: "a"}))
	if _, err := s.Page(ctx, "a", "p"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Page(missing) = %v, want ErrNotFound", err)
	}
	if counts, err := s.Counts(ctx, "a", []string{"q"}); err != nil || len(counts) != 0 {
		t.Fatalf("Counts(missing) = %v, %v; want empty", counts, err)
	}
	ids := map[string]string{"p": "01900000-0000-7000-8000-000000000001", "q": "01900000-0000-7000-8000-000000000002"}
	for _, key := range []string{"p", "q"} {
		if p, ok := s.pages.get(pageID{"a", key}); !ok || p.SiteID != "" {
			t.Errorf("page %s: cached %v as %+v; want cached as missing", key, ok, p)
		}
		if _, err := s.Page(ctx, "a", key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Page(%s) from the cache = %v, want ErrNotFound", key, err)
		}
		c := storage.Comment{ID: ids[key], SiteID: "a", PageKey: key, Status: storage.StatusApproved}
		check(t, s.CreateComment(ctx, c, storage.Page{Key: key}))
	}
	if p, err := s.Page(ctx, "a", "p"); err != nil || p.Count != 1 {
		t.Errorf("Page after the first comment = %+v, %v; want count 1", p, err)
	}
	if counts, err := s.Counts(ctx, "a", []string{"q"}); err != nil || counts["q"] != 1 {
		t.Errorf("Counts after the first comment = %v, %v; want q: 1", counts, err)
	}
}

// TestReadCacheKeysOwnTheirMemory passes ids that alias a buffer the caller
// reuses, as fiber's request strings do, and checks the caches are not
// corrupted when the buffer changes.
func TestReadCacheKeysOwnTheirMemory(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for _, id := range []string{"aa", "bb"} {
		if err := s.CreateSite(ctx, storage.Site{ID: id, Name: "site " + id}); err != nil {
			t.Fatal(err)
		}
		c := storage.Comment{ID: "01900000-0000-7000-8000-0000000000" + id[:1] + "1", SiteID: id, PageKey: "p" + id, Status: storage.StatusApproved}
		if err := s.CreateComment(ctx, c, storage.Page{Key: c.PageKey, Title: "page " + id}); err != nil {
			t.Fatal(err)
		}
	}
	buf := []byte("aa")
	transient := unsafe.String(&buf[0], len(buf))
	if site, err := s.Site(ctx, transient); err != nil || site.Name != "site aa" {
		t.Fatalf("Site: %v %v", site, err)
	}
	pbuf := []byte("paa")
	if p, err := s.Page(ctx, "aa", unsafe.String(&pbuf[0], len(pbuf))); err != nil || p.Title != "page aa" {
		t.Fatalf("Page: %v %v", p, err)
	}
	copy(buf, "bb") // the caller reuses its buffer for the next request
	copy(pbuf, "pbb")
	// Every cached key must still name its own record.
	for k, v := range s.sites.items {
		if k != v.ID {
			t.Errorf("site cache key %q holds site %q", k, v.ID)
		}
	}
	for k, v := range s.pages.items {
		if k.site != v.SiteID || k.key != v.Key {
			t.Errorf("page cache key %v holds page %s/%s", k, v.SiteID, v.Key)
		}
	}
	if site, err := s.Site(ctx, "bb"); err != nil || site.Name != "site bb" {
		t.Errorf("Site(bb) after the buffer changed = %q, %v", site.Name, err)
	}
	if site, err := s.Site(ctx, "aa"); err != nil || site.Name != "site aa" {
		t.Errorf("Site(aa) after the buffer changed = %q, %v", site.Name, err)
	}
	if p, err := s.Page(ctx, "bb", "pbb"); err != nil || p.Title != "page bb" {
		t.Errorf("Page(bb) after the buffer changed = %q, %v", p.Title, err)
	}
	if p, err := s.Page(ctx, "aa", "paa"); err != nil || p.Title != "page aa" {
		t.Errorf("Page(aa) after the buffer changed = %q, %v", p.Title, err)
	}
}
