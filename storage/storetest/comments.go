package storetest

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func testComments(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("CreateAndGet", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		want := f.comment("blog", "post-1", func(c *storage.Comment) {
			c.Author.Badge = storage.BadgeModerator
			c.Edited = c.Created.Add(time.Minute)
			c.Score = 3
		})
		got, err := f.s.Comment(f.ctx, "blog", want.ID)
		must(t, "Comment", err)
		if d := diffComment(got, want); d != "" {
			t.Error(d)
		}
	})
	t.Run("UnknownSite", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		c := newComment("nosuch", "post-1")
		wantErr(t, "CreateComment on missing site", f.s.CreateComment(f.ctx, c, pageOf(c)), storage.ErrNotFound)
		_, err := f.s.Comment(f.ctx, "nosuch", c.ID)
		wantErr(t, "Comment after refused create", err, storage.ErrNotFound)
		_, err = f.s.Page(f.ctx, "nosuch", "post-1")
		wantErr(t, "Page after refused create", err, storage.ErrNotFound)
	})
	t.Run("Invalid", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		for name, edit := range map[string]func(*storage.Comment){
			"empty id":       func(c *storage.Comment) { c.ID = "" },
			"empty status":   func(c *storage.Comment) { c.Status = "" },
			"unknown status": func(c *storage.Comment) { c.Status = "published" },
		} {
			c := newComment("blog", "post-1")
			edit(&c)
			wantErr(t, "CreateComment with "+name, f.s.CreateComment(f.ctx, c, pageOf(c)), storage.ErrInvalid)
		}
		cs, err := f.s.PageComments(f.ctx, "blog", "post-1")
		must(t, "PageComments", err)
		if len(cs) != 0 {
			t.Errorf("invalid comments were stored: %v", ids(cs))
		}
	})
	t.Run("DuplicateID", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		orig := f.comment("blog", "post-1", nil)
		dup := orig
		dup.Markdown, dup.HTML = "overwritten", "<p>overwritten</p>"
		wantErr(t, "CreateComment same id", f.s.CreateComment(f.ctx, dup, pageOf(dup)), storage.ErrConflict)
		// The same id on another page of the site is taken too.
		dup.PageKey = "post-2"
		wantErr(t, "CreateComment same id other page", f.s.CreateComment(f.ctx, dup, pageOf(dup)), storage.ErrConflict)
		got, err := f.s.Comment(f.ctx, "blog", orig.ID)
		must(t, "Comment", err)
		if d := diffComment(got, orig); d != "" {
			t.Errorf("duplicate create changed the comment: %s", d)
		}
		if n := f.count("blog", "post-1"); n != 1 {
			t.Errorf("count after duplicate = %d, want 1", n)
		}
		if _, err := f.s.Page(f.ctx, "blog", "post-2"); err == nil {
			t.Error("refused duplicate created page post-2")
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		f.comment("blog", "post-1", nil)
		_, err := f.s.Comment(f.ctx, "blog", newComment("blog", "post-1").ID)
		wantErr(t, "Comment(unknown id)", err, storage.ErrNotFound)
		_, err = f.s.Comment(f.ctx, "nosuch", newComment("blog", "post-1").ID)
		wantErr(t, "Comment(unknown site)", err, storage.ErrNotFound)
	})
	t.Run("TimeOrder", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		statuses := []storage.Status{storage.StatusApproved, storage.StatusPending, storage.StatusSpam, storage.StatusDeleted}
		var want []string
		approved := 0
		for range 25 {
			st := statuses[rand.IntN(len(statuses))]
			if st == storage.StatusApproved {
				approved++
			}
			want = append(want, f.comment("blog", "post-1", func(c *storage.Comment) { c.Status = st }).ID)
			f.comment("blog", "post-10", nil) // a page whose key extends post-1's
		}
		cs, err := f.s.PageComments(f.ctx, "blog", "post-1")
		must(t, "PageComments", err)
		if got := ids(cs); !slices.Equal(got, want) {
			t.Errorf("PageComments order:\n got %v\nwant %v", got, want)
		}
		if !slices.IsSorted(want) {
			t.Errorf("UUIDv7 ids not in time order: %v", want)
		}
		if n := f.count("blog", "post-1"); n != approved {
			t.Errorf("count = %d, want %d approved", n, approved)
		}
	})
	t.Run("EmptyPage", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		f.comment("blog", "post-1", nil)
		for _, tc := range []struct{ site, page string }{{"blog", "post-2"}, {"blog", "post"}, {"nosuch", "post-1"}} {
			cs, err := f.s.PageComments(f.ctx, tc.site, tc.page)
			if err != nil || cs == nil || len(cs) != 0 {
				t.Errorf("PageComments(%s, %s) = %v, %v; want an empty slice and no error", tc.site, tc.page, cs, err)
			}
		}
	})
}

func testParents(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("other")
	parent := f.comment("blog", "post-1", nil)
	otherPage := f.comment("blog", "post-2", nil)
	otherSite := f.comment("other", "post-1", nil)

	t.Run("Reply", func(t *testing.T) {
		reply := f.comment("blog", "post-1", func(c *storage.Comment) { c.ParentID = parent.ID })
		got, err := f.s.Comment(f.ctx, "blog", reply.ID)
		must(t, "Comment", err)
		if got.ParentID != parent.ID {
			t.Errorf("ParentID = %q, want %q", got.ParentID, parent.ID)
		}
	})
	for name, parentID := range map[string]string{
		"Missing":    newComment("blog", "post-1").ID,
		"OtherPage":  otherPage.ID,
		"OtherSite":  otherSite.ID,
		"ToANewPage": parent.ID, // the reply goes to a page that does not exist yet
	} {
		t.Run(name, func(t *testing.T) {
			page := "post-1"
			if name == "ToANewPage" {
				page = "post-3"
			}
			before := f.count("blog", "post-1")
			c := newComment("blog", page)
			c.ParentID = parentID
			err := f.s.CreateComment(f.ctx, c, pageOf(c))
			wantErr(t, "CreateComment", err, storage.ErrParentNotFound)
			wantErr(t, "CreateComment", err, storage.ErrInvalid)
			_, err = f.s.Comment(f.ctx, "blog", c.ID)
			wantErr(t, "Comment after refused reply", err, storage.ErrNotFound)
			if n := f.count("blog", "post-1"); n != before {
				t.Errorf("count changed from %d to %d", before, n)
			}
			_, err = f.s.Page(f.ctx, "blog", "post-3")
			wantErr(t, "Page post-3 after refused reply", err, storage.ErrNotFound)
		})
	}
}
