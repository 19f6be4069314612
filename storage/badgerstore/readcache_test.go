package badgerstore

import (
	"context"
	"fmt"
	"sync"
	"testing"

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
	if _, err := s.SetVote(ctx, "a", "01900000-0000-7000-8000-000000000001", "v", 1); err != nil {
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
