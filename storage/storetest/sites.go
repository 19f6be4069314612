package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func testSites(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("CreateAndGet", func(t *testing.T) {
		f := newFixture(t, open)
		want := storage.Site{
			ID: "blog", Name: "My blog", OwnerID: "u1",
			Origins:  []string{"https://blog.example", "http://localhost:*"},
			Settings: storage.DefaultSiteSettings(),
			Created:  now(),
		}
		want.Settings.BlockedWords = []string{"spam", "eggs"}
		want.Settings.EditWindow = 42 * time.Minute
		want.Settings.Moderation = storage.ModerateFirst
		must(t, "CreateSite", f.s.CreateSite(f.ctx, want))
		got, err := f.s.Site(f.ctx, "blog")
		must(t, "Site", err)
		if d := diffSite(got, want); d != "" {
			t.Error(d)
		}
	})
	t.Run("CreateConflict", func(t *testing.T) {
		f := newFixture(t, open)
		first := f.site("blog")
		dup := first
		dup.Name = "Impostor"
		wantErr(t, "second CreateSite", f.s.CreateSite(f.ctx, dup), storage.ErrConflict)
		got, err := f.s.Site(f.ctx, "blog")
		must(t, "Site", err)
		if got.Name != first.Name {
			t.Errorf("name after conflicting create = %q, want %q", got.Name, first.Name)
		}
	})
	t.Run("CreateEmptyID", func(t *testing.T) {
		f := newFixture(t, open)
		wantErr(t, "CreateSite empty id", f.s.CreateSite(f.ctx, storage.Site{Name: "x"}), storage.ErrInvalid)
		sites, err := f.s.Sites(f.ctx)
		must(t, "Sites", err)
		if len(sites) != 0 {
			t.Errorf("Sites after refused create = %v, want none", sites)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		_, err := f.s.Site(f.ctx, "nope")
		wantErr(t, "Site(nope)", err, storage.ErrNotFound)
		wantErr(t, "UpdateSite(nope)", f.s.UpdateSite(f.ctx, storage.Site{ID: "nope", Name: "x"}), storage.ErrNotFound)
		if _, err := f.s.Site(f.ctx, "nope"); err == nil {
			t.Error("UpdateSite of a missing site created it")
		}
	})
	t.Run("Update", func(t *testing.T) {
		f := newFixture(t, open)
		orig := f.site("blog")
		upd := orig
		upd.Name = "Renamed"
		upd.Origins = []string{"https://new.example"}
		upd.Settings.Moderation = storage.ModerateAll
		upd.Settings.MaxLength = 500
		// Only name, origins and settings are replaced.
		upd.OwnerID = "someone-else"
		upd.Created = orig.Created.Add(-time.Hour)
		must(t, "UpdateSite", f.s.UpdateSite(f.ctx, upd))
		got, err := f.s.Site(f.ctx, "blog")
		must(t, "Site", err)
		want := upd
		want.OwnerID, want.Created = orig.OwnerID, orig.Created
		if d := diffSite(got, want); d != "" {
			t.Error(d)
		}
	})
	t.Run("ListOrdered", func(t *testing.T) {
		f := newFixture(t, open)
		sites, err := f.s.Sites(f.ctx)
		must(t, "Sites on empty store", err)
		if len(sites) != 0 {
			t.Fatalf("empty store lists %d sites", len(sites))
		}
		for _, id := range []string{"charlie", "alpha", "bravo", "alpha-2"} {
			f.site(id)
		}
		sites, err = f.s.Sites(f.ctx)
		must(t, "Sites", err)
		var got []string
		for _, s := range sites {
			got = append(got, s.ID)
		}
		if want := []string{"alpha", "alpha-2", "bravo", "charlie"}; !slices.Equal(got, want) {
			t.Errorf("Sites = %v, want %v", got, want)
		}
		if sites[0].Name != "Site alpha" {
			t.Errorf("Sites()[0].Name = %q, want the stored name", sites[0].Name)
		}
	})
}

func testPages(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("CreatedByFirstComment", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		_, err := f.s.Page(f.ctx, "blog", "post-1")
		wantErr(t, "Page before any comment", err, storage.ErrNotFound)
		first := f.comment("blog", "post-1", nil)
		p, err := f.s.Page(f.ctx, "blog", "post-1")
		must(t, "Page", err)
		want := pageOf(first)
		if p.SiteID != "blog" || p.Key != "post-1" || p.URL != want.URL || p.Title != want.Title || p.Locked || p.Count != 1 {
			t.Errorf("new page = %+v, want %+v with count 1", p, want)
		}
		if !p.Created.Equal(first.Created) {
			t.Errorf("page created %v, want the first comment's %v", p.Created, first.Created)
		}
		// A later comment brings another URL and title; the page keeps its own.
		second := newComment("blog", "post-1")
		must(t, "CreateComment", f.s.CreateComment(f.ctx, second, storage.Page{URL: "https://elsewhere.example/", Title: "Other"}))
		p, err = f.s.Page(f.ctx, "blog", "post-1")
		must(t, "Page", err)
		if p.URL != want.URL || p.Title != want.Title || p.Count != 2 || !p.Created.Equal(first.Created) {
			t.Errorf("page after second comment = %+v, want URL %q title %q count 2", p, want.URL, want.Title)
		}
	})
	t.Run("Update", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		c := f.comment("blog", "post-1", nil)
		upd := storage.Page{SiteID: "blog", Key: "post-1", URL: "https://blog.example/moved", Title: "New title", Locked: true,
			Count: 99, Created: c.Created.Add(time.Hour)}
		must(t, "UpdatePage", f.s.UpdatePage(f.ctx, upd))
		p, err := f.s.Page(f.ctx, "blog", "post-1")
		must(t, "Page", err)
		if p.URL != upd.URL || p.Title != upd.Title || !p.Locked {
			t.Errorf("page = %+v, want URL, title and lock of %+v", p, upd)
		}
		if p.Count != 1 || !p.Created.Equal(c.Created) {
			t.Errorf("UpdatePage changed count or created: %+v", p)
		}
		err = f.s.UpdatePage(f.ctx, storage.Page{SiteID: "blog", Key: "nope", Title: "x"})
		wantErr(t, "UpdatePage(missing)", err, storage.ErrNotFound)
		_, err = f.s.Page(f.ctx, "blog", "nope")
		wantErr(t, "Page after refused UpdatePage", err, storage.ErrNotFound)
	})
	t.Run("Counts", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		f.site("other")
		f.comment("blog", "a", nil)
		f.comment("blog", "a", nil)
		f.comment("blog", "a", func(c *storage.Comment) { c.Status = storage.StatusPending })
		f.comment("blog", "b", func(c *storage.Comment) { c.Status = storage.StatusSpam })
		f.comment("blog", "c", func(c *storage.Comment) { c.Status = storage.StatusDeleted })
		f.comment("other", "a", nil) // same key on another site: not counted
		f.comment("other", "d", nil) // exists only on the other site
		got, err := f.s.Counts(f.ctx, "blog", []string{"a", "b", "c", "d", "missing"})
		must(t, "Counts", err)
		want := map[string]int{"a": 2, "b": 0, "c": 0}
		if len(got) != len(want) {
			t.Errorf("Counts = %v, want %v", got, want)
		}
		for k, n := range want {
			if v, ok := got[k]; !ok || v != n {
				t.Errorf("Counts[%q] = %d, %v; want %d", k, v, ok, n)
			}
		}
		got, err = f.s.Counts(f.ctx, "blog", nil)
		must(t, "Counts(nil)", err)
		if len(got) != 0 {
			t.Errorf("Counts(nil) = %v, want empty", got)
		}
	})
}
