package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func testUpdateComment(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")

	t.Run("StatusTransitions", func(t *testing.T) {
		const (
			pending  = storage.StatusPending
			approved = storage.StatusApproved
			spam     = storage.StatusSpam
			deleted  = storage.StatusDeleted
		)
		for _, tc := range []struct {
			from, to storage.Status
			delta    int
		}{
			{pending, approved, +1},
			{approved, deleted, -1},
			{approved, spam, -1},
			{approved, pending, -1},
			{spam, approved, +1},
			{deleted, approved, +1},
			{pending, spam, 0},
			{pending, deleted, 0},
			{approved, approved, 0},
		} {
			t.Run(string(tc.from)+"-"+string(tc.to), func(t *testing.T) {
				page := "transition-" + string(tc.from) + "-" + string(tc.to)
				reader := "reader-" + page
				f.comment("blog", page, nil) // an approved neighbour, so the count starts at 1
				c := f.comment("blog", page, func(c *storage.Comment) { c.Status, c.ReaderHash = tc.from, reader })
				before := f.count("blog", page)
				got, err := f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error {
					c.Status = tc.to
					return nil
				})
				must(t, "UpdateComment", err)
				if got.Status != tc.to {
					t.Errorf("returned status %q, want %q", got.Status, tc.to)
				}
				stored, err := f.s.Comment(f.ctx, "blog", c.ID)
				must(t, "Comment", err)
				if stored.Status != tc.to {
					t.Errorf("stored status %q, want %q", stored.Status, tc.to)
				}
				if n := f.count("blog", page); n != before+tc.delta {
					t.Errorf("page count %d -> %d, want change %+d", before, n, tc.delta)
				}
				counts, err := f.s.Counts(f.ctx, "blog", []string{page})
				must(t, "Counts", err)
				if counts[page] != before+tc.delta {
					t.Errorf("Counts = %v, want %d", counts, before+tc.delta)
				}
				checkQueues(t, f, c.ID, tc.to)
				mine, err := f.s.ReaderComments(f.ctx, "blog", reader)
				must(t, "ReaderComments", err)
				if len(mine) != 1 || mine[0].ID != c.ID || mine[0].Status != tc.to {
					t.Errorf("ReaderComments = %+v, want only %s with status %s", mine, c.ID, tc.to)
				}
			})
		}
	})
	t.Run("Edit", func(t *testing.T) {
		c := f.comment("blog", "edit", nil)
		edited := now().Add(time.Second)
		got, err := f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error {
			c.Markdown, c.HTML, c.Edited = "fixed", "<p>fixed</p>", edited
			return nil
		})
		must(t, "UpdateComment", err)
		want := c
		want.Markdown, want.HTML, want.Edited = "fixed", "<p>fixed</p>", edited
		if d := diffComment(got, want); d != "" {
			t.Errorf("returned: %s", d)
		}
		stored, err := f.s.Comment(f.ctx, "blog", c.ID)
		must(t, "Comment", err)
		if d := diffComment(stored, want); d != "" {
			t.Errorf("stored: %s", d)
		}
	})
	t.Run("FnErrorWritesNothing", func(t *testing.T) {
		c := f.comment("blog", "fn-error", nil)
		boom := errors.New("boom")
		_, err := f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error {
			c.Status, c.Markdown = storage.StatusDeleted, "half-done"
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("UpdateComment error %v, want fn's error", err)
		}
		stored, err := f.s.Comment(f.ctx, "blog", c.ID)
		must(t, "Comment", err)
		if d := diffComment(stored, c); d != "" {
			t.Errorf("fn error still wrote: %s", d)
		}
		if n := f.count("blog", "fn-error"); n != 1 {
			t.Errorf("count %d, want 1", n)
		}
		checkQueues(t, f, c.ID, storage.StatusApproved)
	})
	t.Run("ForbiddenChanges", func(t *testing.T) {
		parent := f.comment("blog", "forbidden", nil)
		c := f.comment("blog", "forbidden", func(c *storage.Comment) { c.ParentID = parent.ID })
		for name, change := range map[string]func(*storage.Comment){
			"ID":       func(c *storage.Comment) { c.ID = newComment("blog", "x").ID },
			"SiteID":   func(c *storage.Comment) { c.SiteID = "other" },
			"PageKey":  func(c *storage.Comment) { c.PageKey = "elsewhere" },
			"ParentID": func(c *storage.Comment) { c.ParentID = "" },
			"Status":   func(c *storage.Comment) { c.Status = "bogus" },
		} {
			_, err := f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error {
				change(c)
				c.Markdown = "sneaky"
				return nil
			})
			wantErr(t, "changing "+name, err, storage.ErrInvalid)
			stored, err := f.s.Comment(f.ctx, "blog", c.ID)
			must(t, "Comment", err)
			if d := diffComment(stored, c); d != "" {
				t.Errorf("refused change of %s still wrote: %s", name, d)
			}
		}
		if n := f.count("blog", "forbidden"); n != 2 {
			t.Errorf("count %d, want 2", n)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		called := false
		_, err := f.s.UpdateComment(f.ctx, "blog", newComment("blog", "x").ID, func(*storage.Comment) error {
			called = true
			return nil
		})
		wantErr(t, "UpdateComment(unknown)", err, storage.ErrNotFound)
		if called {
			t.Error("fn called for a missing comment")
		}
	})
}

// checkQueues fails unless id is in exactly the status list of st.
func checkQueues(t *testing.T, f *fixture, id string, st storage.Status) {
	t.Helper()
	for _, s := range []storage.Status{storage.StatusPending, storage.StatusApproved, storage.StatusSpam, storage.StatusDeleted} {
		cs, err := f.s.CommentsByStatus(f.ctx, "blog", s)
		must(t, "CommentsByStatus", err)
		if hasID(cs, id) != (s == st) {
			t.Errorf("CommentsByStatus(%s) contains %s: %v, want %v", s, id, hasID(cs, id), s == st)
		}
		for _, c := range cs {
			if c.Status != s {
				t.Errorf("CommentsByStatus(%s) returned %s with status %s", s, c.ID, c.Status)
			}
		}
	}
}
