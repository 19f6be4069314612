package storetest

import (
	"testing"

	"github.com/parley-dev/parley/storage"
)

// testPageVersion checks that every change a thread shows bumps the page
// version, and that reads and other pages' writes do not.
func testPageVersion(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("a")
	version := func() int64 {
		t.Helper()
		p, err := f.s.Page(f.ctx, "a", "p")
		must(t, "Page", err)
		return p.Version
	}
	c := f.comment("a", "p", nil)
	last := version()
	if last <= 0 {
		t.Fatalf("version after the first comment = %d, want > 0", last)
	}
	steps := []struct {
		name   string
		change func() error
	}{
		{"create", func() error { f.comment("a", "p", nil); return nil }},
		{"edit", func() error {
			_, err := f.s.UpdateComment(f.ctx, "a", c.ID, func(c *storage.Comment) error { c.HTML = "<p>edited</p>"; return nil })
			return err
		}},
		{"status", func() error {
			_, err := f.s.UpdateComment(f.ctx, "a", c.ID, func(c *storage.Comment) error { c.Status = storage.StatusSpam; return nil })
			return err
		}},
		{"vote", func() error {
			_, err := f.s.SetVote(f.ctx, storage.Vote{SiteID: "a", CommentID: c.ID, VoterHash: "voter", Value: 1})
			return err
		}},
		{"page", func() error {
			p, err := f.s.Page(f.ctx, "a", "p")
			if err != nil {
				return err
			}
			p.Locked = true
			return f.s.UpdatePage(f.ctx, p)
		}},
	}
	for _, s := range steps {
		must(t, s.name, s.change())
		if v := version(); v <= last {
			t.Errorf("version after %s = %d, want > %d", s.name, v, last)
		} else {
			last = v
		}
	}
	f.comment("a", "other", nil)
	if _, err := f.s.PageComments(f.ctx, "a", "p"); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != last {
		t.Errorf("version changed to %d by a read and another page's write, want %d", v, last)
	}
}
