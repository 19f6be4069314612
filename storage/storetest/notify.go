package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func testRecentComments(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("blog2")
	t0 := now().Add(-time.Hour)
	// Statuses and pages interleaved; ids a second apart, oldest first.
	var approved, pending []string
	for i := range 6 {
		st := []storage.Status{storage.StatusApproved, storage.StatusPending}[i%2]
		c := f.comment("blog", []string{"p1", "p2", "p3"}[i%3], func(c *storage.Comment) {
			c.Created = t0.Add(time.Duration(i) * time.Second)
			c.ID, c.Status = commentID(c.Created), st
		})
		if st == storage.StatusApproved {
			approved = append([]string{c.ID}, approved...)
		} else {
			pending = append([]string{c.ID}, pending...)
		}
	}
	f.comment("blog2", "p1", func(c *storage.Comment) { c.Created = t0.Add(time.Minute); c.ID = commentID(c.Created) })

	recent := func(status storage.Status, limit int) []string {
		t.Helper()
		cs, err := f.s.RecentComments(f.ctx, "blog", status, limit)
		must(t, "RecentComments", err)
		for _, c := range cs {
			if c.SiteID != "blog" || c.Status != status {
				t.Errorf("RecentComments(blog, %s) returned %+v", status, c)
			}
		}
		return ids(cs)
	}
	if got := recent(storage.StatusApproved, 10); !slices.Equal(got, approved) {
		t.Errorf("recent approved:\n got %v\nwant %v", got, approved)
	}
	if got := recent(storage.StatusPending, 2); !slices.Equal(got, pending[:2]) {
		t.Errorf("2 most recent pending:\n got %v\nwant %v", got, pending[:2])
	}
	if got := recent(storage.StatusSpam, 10); len(got) != 0 {
		t.Errorf("recent spam = %v, want none", got)
	}
	// A status change moves the comment between the lists.
	_, err := f.s.UpdateComment(f.ctx, "blog", pending[0], func(c *storage.Comment) error { c.Status = storage.StatusApproved; return nil })
	must(t, "approve", err)
	if got := recent(storage.StatusApproved, 1); !slices.Equal(got, pending[:1]) {
		t.Errorf("most recent approved after approving %s = %v", pending[0], got)
	}
	if got := recent(storage.StatusPending, 10); !slices.Equal(got, pending[1:]) {
		t.Errorf("recent pending after approving one:\n got %v\nwant %v", got, pending[1:])
	}
	_, err = f.s.RecentComments(f.ctx, "blog", "bogus", 10)
	wantErr(t, "RecentComments(bogus)", err, storage.ErrInvalid)
}

func testNotifyFields(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	site := f.site("blog")

	t.Run("CommentNotify", func(t *testing.T) {
		c := f.comment("blog", "p", func(c *storage.Comment) { c.Notify = true })
		got, err := f.s.Comment(f.ctx, "blog", c.ID)
		must(t, "Comment", err)
		if d := diffComment(got, c); d != "" || !got.Notify {
			t.Errorf("Notify did not round trip through CreateComment: %s", d)
		}
		plain := f.comment("blog", "p", nil)
		if got, _ := f.s.Comment(f.ctx, "blog", plain.ID); got.Notify {
			t.Error("a comment stored without Notify reads with it")
		}
		upd, err := f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error { c.Notify = false; return nil })
		must(t, "UpdateComment", err)
		if upd.Notify {
			t.Error("UpdateComment returned Notify still set")
		}
		if got, _ := f.s.Comment(f.ctx, "blog", c.ID); got.Notify {
			t.Error("Notify cleared by UpdateComment reads as set")
		}
		_, err = f.s.UpdateComment(f.ctx, "blog", plain.ID, func(c *storage.Comment) error { c.Notify = true; return nil })
		must(t, "UpdateComment", err)
		cs, err := f.s.PageComments(f.ctx, "blog", "p")
		must(t, "PageComments", err)
		if len(cs) != 2 || cs[0].Notify || !cs[1].Notify {
			t.Errorf("PageComments Notify flags = %v", cs)
		}
	})
	t.Run("NotifyMode", func(t *testing.T) {
		if site.Settings.NotifyMode != storage.NotifyAll {
			t.Fatalf("default notify mode %q, want %q", site.Settings.NotifyMode, storage.NotifyAll)
		}
		got, err := f.s.Site(f.ctx, "blog")
		must(t, "Site", err)
		if got.Settings.NotifyMode != storage.NotifyAll {
			t.Errorf("new site's notify mode reads %q", got.Settings.NotifyMode)
		}
		site.Settings.NotifyMode, site.Settings.NotifyEmail = storage.NotifyHeld, "staff@blog.example"
		must(t, "UpdateSite", f.s.UpdateSite(f.ctx, site))
		got, err = f.s.Site(f.ctx, "blog")
		must(t, "Site", err)
		if d := diffSite(got, site); d != "" {
			t.Errorf("notify settings did not round trip: %s", d)
		}
	})
	t.Run("UserEmail", func(t *testing.T) {
		u := storage.User{Name: "ada", Roles: map[string]storage.Role{"blog": storage.RoleOwner, "news": storage.RoleModerator},
			Email: "ada@example.com", NotifySites: []string{"blog", "news"}, Created: now()}
		must(t, "CreateUser", f.s.CreateUser(f.ctx, u))
		got, err := f.s.User(f.ctx, "ada")
		must(t, "User", err)
		if got.Email != u.Email || !slices.Equal(got.NotifySites, u.NotifySites) {
			t.Errorf("User = %+v, want e-mail %q and sites %v", got, u.Email, u.NotifySites)
		}
		got, err = f.s.UpdateUser(f.ctx, "ada", func(u *storage.User) error {
			u.Email, u.NotifySites = "ada@work.example", []string{"news"}
			return nil
		})
		must(t, "UpdateUser", err)
		users, err := f.s.Users(f.ctx)
		must(t, "Users", err)
		for _, read := range []storage.User{got, users[0]} {
			if read.Email != "ada@work.example" || !slices.Equal(read.NotifySites, []string{"news"}) {
				t.Errorf("after UpdateUser: %+v", read)
			}
		}
	})
}
