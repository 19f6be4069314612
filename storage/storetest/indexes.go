package storetest

import (
	"slices"
	"testing"

	"github.com/parley-dev/parley/storage"
)

func testIndexes(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("other")
	pend := func(reader string) func(*storage.Comment) {
		return func(c *storage.Comment) { c.Status, c.ReaderHash = storage.StatusPending, reader }
	}
	// Interleave pages, readers and statuses so only real filtering passes.
	var queue, xs, ys []string
	for i := range 6 {
		page := []string{"p1", "p2"}[i%2]
		reader := []string{"x", "y", "x"}[i%3]
		c := f.comment("blog", page, pend(reader))
		queue = append(queue, c.ID)
		if reader == "x" {
			xs = append(xs, c.ID)
		} else {
			ys = append(ys, c.ID)
		}
		a := f.comment("blog", page, func(c *storage.Comment) { c.ReaderHash = "x" })
		xs = append(xs, a.ID)
	}
	f.comment("other", "p1", pend("x"))
	f.comment("blog", "p1", func(c *storage.Comment) { c.ReaderHash = "" })

	t.Run("CommentsByStatus", func(t *testing.T) {
		cs, err := f.s.CommentsByStatus(f.ctx, "blog", storage.StatusPending)
		must(t, "CommentsByStatus", err)
		if got := ids(cs); !slices.Equal(got, queue) {
			t.Errorf("pending queue:\n got %v\nwant %v", got, queue)
		}
		cs, err = f.s.CommentsByStatus(f.ctx, "blog", storage.StatusSpam)
		if err != nil || len(cs) != 0 {
			t.Errorf("spam queue = %v, %v; want empty", ids(cs), err)
		}
	})
	t.Run("ReaderComments", func(t *testing.T) {
		for reader, want := range map[string][]string{"x": xs, "y": ys, "nobody": {}} {
			cs, err := f.s.ReaderComments(f.ctx, "blog", reader)
			must(t, "ReaderComments", err)
			if got := ids(cs); !slices.Equal(got, want) {
				t.Errorf("ReaderComments(%s):\n got %v\nwant %v", reader, got, want)
			}
			for _, c := range cs {
				if c.ReaderHash != reader || c.SiteID != "blog" {
					t.Errorf("ReaderComments(%s) returned %+v", reader, c)
				}
			}
		}
	})
}

func testTenancy(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("a")
	f.site("b")
	c := f.comment("a", "shared-key", nil)
	f.comment("b", "shared-key", func(c *storage.Comment) { c.ReaderHash = "someone-else" })

	_, err := f.s.Comment(f.ctx, "b", c.ID)
	wantErr(t, "Comment(b, id of a)", err, storage.ErrNotFound)
	called := false
	_, err = f.s.UpdateComment(f.ctx, "b", c.ID, func(c *storage.Comment) error {
		called = true
		c.Status = storage.StatusDeleted
		return nil
	})
	wantErr(t, "UpdateComment(b, id of a)", err, storage.ErrNotFound)
	if called {
		t.Error("UpdateComment of site b handed site a's comment to fn")
	}
	_, err = f.s.SetVote(f.ctx, storage.Vote{SiteID: "b", CommentID: c.ID, VoterHash: "voter", Value: 1})
	wantErr(t, "SetVote(b, id of a)", err, storage.ErrNotFound)
	reply := newComment("b", "shared-key")
	reply.ParentID = c.ID
	wantErr(t, "reply on b to a's comment", f.s.CreateComment(f.ctx, reply, pageOf(reply)), storage.ErrParentNotFound)

	cs, err := f.s.PageComments(f.ctx, "b", "shared-key")
	must(t, "PageComments", err)
	if hasID(cs, c.ID) || len(cs) != 1 {
		t.Errorf("site b's page lists %v", ids(cs))
	}
	cs, err = f.s.CommentsByStatus(f.ctx, "b", storage.StatusApproved)
	must(t, "CommentsByStatus", err)
	if hasID(cs, c.ID) || len(cs) != 1 {
		t.Errorf("site b's approved list is %v", ids(cs))
	}
	cs, err = f.s.ReaderComments(f.ctx, "b", c.ReaderHash)
	must(t, "ReaderComments", err)
	if len(cs) != 0 {
		t.Errorf("site b lists site a's reader's comments: %v", ids(cs))
	}
	if n := f.count("b", "shared-key"); n != 1 {
		t.Errorf("site b's page count is %d, want 1", n)
	}
	got, err := f.s.Comment(f.ctx, "a", c.ID)
	must(t, "Comment(a)", err)
	if d := diffComment(got, c); d != "" {
		t.Errorf("site a's comment changed through site b: %s", d)
	}
}
