package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// testAwaitingReply checks the staff's list of comments awaiting a reply:
// approved readers' comments (top-level or replies) not Answered, oldest
// first, with their total, kept right by every write that changes a
// status, a badge or Answered.
func testAwaitingReply(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("a")
	f.site("b")
	// want checks the list of site a, with its total, at a limit that
	// shows all and at a limit of one.
	want := func(what string, wantIDs ...string) {
		t.Helper()
		got, total, err := f.s.AwaitingReply(f.ctx, "a", 100)
		must(t, what+": AwaitingReply", err)
		if !slices.Equal(ids(got), wantIDs) || total != len(wantIDs) {
			t.Errorf("%s: awaiting %v (total %d), want %v", what, ids(got), total, wantIDs)
		}
		for _, c := range got {
			if c.SiteID != "a" || !c.AwaitsReply() {
				t.Errorf("%s: listed %+v", what, c)
			}
		}
		one, total, err := f.s.AwaitingReply(f.ctx, "a", 1)
		must(t, what+": AwaitingReply limit 1", err)
		if total != len(wantIDs) || len(one) != min(1, len(wantIDs)) || (len(one) == 1 && one[0].ID != wantIDs[0]) {
			t.Errorf("%s: limit 1 gives %v (total %d), want the oldest of %v", what, ids(one), total, wantIDs)
		}
		none, total, err := f.s.AwaitingReply(f.ctx, "a", 0)
		must(t, what+": AwaitingReply limit 0", err)
		if len(none) != 0 || total != len(wantIDs) {
			t.Errorf("%s: limit 0 gives %v (total %d), want none of %d", what, ids(none), total, len(wantIDs))
		}
	}
	want("an empty site")

	// Created one after the other, so ids sort by time.
	base := now().Add(-time.Hour)
	at := func(i int) func(*storage.Comment) {
		return func(c *storage.Comment) {
			c.Created = base.Add(time.Duration(i) * time.Minute)
			c.ID = commentID(c.Created)
		}
	}
	first := f.comment("a", "p", at(1))
	staff := f.comment("a", "p", func(c *storage.Comment) {
		at(2)(c)
		c.Author.Badge = storage.BadgeOwner
	})
	pending := f.comment("a", "p", func(c *storage.Comment) { at(3)(c); c.Status = storage.StatusPending })
	reply := f.comment("a", "p", func(c *storage.Comment) { at(4)(c); c.ParentID = staff.ID })
	other := f.comment("a", "q", at(5))
	answered := f.comment("a", "q", func(c *storage.Comment) { at(6)(c); c.Answered = true })
	foreign := f.comment("b", "p", at(7))
	want("created", first.ID, reply.ID, other.ID)
	if got, err := f.s.Comment(f.ctx, "a", answered.ID); err != nil || !got.Answered {
		t.Errorf("Answered not stored: %+v, %v", got, err)
	}
	// Tenancy: site b lists its own comment only.
	got, total, err := f.s.AwaitingReply(f.ctx, "b", 100)
	must(t, "AwaitingReply(b)", err)
	if !slices.Equal(ids(got), []string{foreign.ID}) || total != 1 {
		t.Errorf("site b awaits %v (total %d), want only %s", ids(got), total, foreign.ID)
	}
	if got, total, err := f.s.AwaitingReply(f.ctx, "nosuch", 100); err != nil || len(got) != 0 || total != 0 {
		t.Errorf("a missing site awaits %v (total %d, %v)", ids(got), total, err)
	}

	update := func(id string, fn func(*storage.Comment)) {
		t.Helper()
		_, err := f.s.UpdateComment(f.ctx, "a", id, func(c *storage.Comment) error { fn(c); return nil })
		must(t, "UpdateComment", err)
	}
	// Answered (a staff reply, or "no reply needed") takes it off.
	update(first.ID, func(c *storage.Comment) { c.Answered = true })
	want("first answered", reply.ID, other.ID)
	// Spam and deleted take it off; approved again puts it back.
	update(other.ID, func(c *storage.Comment) { c.Status = storage.StatusSpam })
	want("other is spam", reply.ID)
	update(other.ID, func(c *storage.Comment) { c.Status = storage.StatusDeleted })
	want("other is deleted", reply.ID)
	update(other.ID, func(c *storage.Comment) { c.Status = storage.StatusApproved })
	want("other approved again", reply.ID, other.ID)
	// A pending comment does not await a reply until it is approved;
	// an edit that changes nothing else leaves the list alone.
	update(pending.ID, func(c *storage.Comment) { c.Markdown = "edited" })
	want("pending edited", reply.ID, other.ID)
	update(pending.ID, func(c *storage.Comment) { c.Status = storage.StatusApproved })
	want("pending approved", pending.ID, reply.ID, other.ID)
	// A staff comment never awaits a reply, whatever its status.
	update(staff.ID, func(c *storage.Comment) { c.Status = storage.StatusPending })
	update(staff.ID, func(c *storage.Comment) { c.Status = storage.StatusApproved })
	want("staff moved", pending.ID, reply.ID, other.ID)
	// A badge given or taken moves it; Answered cleared puts it back.
	update(reply.ID, func(c *storage.Comment) { c.Author.Badge = storage.BadgeModerator })
	want("reply badged", pending.ID, other.ID)
	update(reply.ID, func(c *storage.Comment) { c.Author.Badge = storage.BadgeNone })
	update(answered.ID, func(c *storage.Comment) { c.Answered = false })
	want("answered cleared", pending.ID, reply.ID, other.ID, answered.ID)

	// Imported comments await like posted ones.
	old := base.Add(-24 * time.Hour)
	imported := []storage.Comment{newComment("a", "imported"), newComment("a", "imported"), newComment("a", "imported")}
	for i := range imported {
		c := &imported[i]
		c.Created = old.Add(time.Duration(i) * time.Minute)
		c.ID = commentID(c.Created)
	}
	imported[1].ParentID, imported[1].Author.Badge = imported[0].ID, storage.BadgeOwner
	imported[2].Status = storage.StatusPending
	n, err := f.s.ImportComments(f.ctx, storage.Page{SiteID: "a", Key: "imported", Title: "Imported"}, imported, nil)
	must(t, "ImportComments", err)
	if n != 3 {
		t.Fatalf("ImportComments created %d comments, want 3", n)
	}
	want("imported", imported[0].ID, pending.ID, reply.ID, other.ID, answered.ID)

	// Purged comments leave the list.
	must(t, "PurgeComments", f.s.PurgeComments(f.ctx, "a", "q", []string{other.ID}))
	want("purged", imported[0].ID, pending.ID, reply.ID, answered.ID)

	// Deleting a site clears its list, and only its list.
	must(t, "DeleteSite", f.s.DeleteSite(f.ctx, "a"))
	if got, total, err := f.s.AwaitingReply(f.ctx, "a", 100); err != nil || len(got) != 0 || total != 0 {
		t.Errorf("a deleted site awaits %v (total %d, %v)", ids(got), total, err)
	}
	f.site("a")
	want("the site created again")
	if got, total, err := f.s.AwaitingReply(f.ctx, "b", 100); err != nil || !slices.Equal(ids(got), []string{foreign.ID}) || total != 1 {
		t.Errorf("after deleting a, site b awaits %v (total %d, %v)", ids(got), total, err)
	}
}
