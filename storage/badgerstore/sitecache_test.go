package badgerstore

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parley-dev/parley/storage"
)

func TestSiteCache(t *testing.T) {
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
