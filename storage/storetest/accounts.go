package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func testUsers(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	u := storage.User{Name: "ada", PasswordHash: "$argon2id$x", Roles: map[string]storage.Role{"blog": storage.RoleOwner}, Created: now()}
	must(t, "CreateUser", f.s.CreateUser(f.ctx, u))
	wantErr(t, "second CreateUser", f.s.CreateUser(f.ctx, u), storage.ErrConflict)
	wantErr(t, "CreateUser empty", f.s.CreateUser(f.ctx, storage.User{}), storage.ErrInvalid)
	got, err := f.s.User(f.ctx, "ada")
	must(t, "User", err)
	if got.PasswordHash != u.PasswordHash || got.Role("blog") != storage.RoleOwner || got.Admin || !got.Created.Equal(u.Created) {
		t.Errorf("User = %+v, want %+v", got, u)
	}
	_, err = f.s.User(f.ctx, "nobody")
	wantErr(t, "User(nobody)", err, storage.ErrNotFound)

	got, err = f.s.UpdateUser(f.ctx, "ada", func(u *storage.User) error {
		u.Admin = true
		u.Roles["news"] = storage.RoleModerator
		return nil
	})
	must(t, "UpdateUser", err)
	if !got.Admin || got.Role("news") != storage.RoleModerator {
		t.Errorf("UpdateUser returned %+v", got)
	}
	boom := errors.New("boom")
	_, err = f.s.UpdateUser(f.ctx, "ada", func(u *storage.User) error { u.Admin = false; return boom })
	wantErr(t, "UpdateUser with a refusing fn", err, boom)
	_, err = f.s.UpdateUser(f.ctx, "ada", func(u *storage.User) error { u.Name = "eve"; return nil })
	wantErr(t, "UpdateUser renaming", err, storage.ErrInvalid)
	_, err = f.s.UpdateUser(f.ctx, "nobody", func(*storage.User) error { return nil })
	wantErr(t, "UpdateUser(nobody)", err, storage.ErrNotFound)
	got, _ = f.s.User(f.ctx, "ada")
	if !got.Admin {
		t.Error("a refused update was written")
	}

	must(t, "CreateUser bob", f.s.CreateUser(f.ctx, storage.User{Name: "bob"}))
	users, err := f.s.Users(f.ctx)
	must(t, "Users", err)
	if len(users) != 2 || users[0].Name != "ada" || users[1].Name != "bob" {
		t.Errorf("Users = %v, want ada, bob", users)
	}
}

func testSessions(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	t0 := now()
	sess := storage.Session{TokenHash: "h1", UserName: "ada", CSRF: "c", Created: t0, Expires: t0.Add(time.Hour)}
	must(t, "CreateSession", f.s.CreateSession(f.ctx, sess))
	wantErr(t, "CreateSession empty", f.s.CreateSession(f.ctx, storage.Session{}), storage.ErrInvalid)
	got, err := f.s.Session(f.ctx, "h1", t0.Add(time.Minute))
	must(t, "Session", err)
	if got.UserName != "ada" || got.CSRF != "c" || !got.Expires.Equal(sess.Expires) {
		t.Errorf("Session = %+v", got)
	}
	_, err = f.s.Session(f.ctx, "h1", t0.Add(time.Hour))
	wantErr(t, "Session after expiry", err, storage.ErrNotFound)
	_, err = f.s.Session(f.ctx, "h2", t0)
	wantErr(t, "Session(unknown)", err, storage.ErrNotFound)
	must(t, "DeleteSession", f.s.DeleteSession(f.ctx, "h1"))
	must(t, "DeleteSession again", f.s.DeleteSession(f.ctx, "h1"))
	_, err = f.s.Session(f.ctx, "h1", t0)
	wantErr(t, "Session after delete", err, storage.ErrNotFound)

	for _, h := range []string{"a1", "a2", "b1"} {
		user := "ada"
		if h == "b1" {
			user = "bob"
		}
		must(t, "CreateSession "+h, f.s.CreateSession(f.ctx, storage.Session{TokenHash: h, UserName: user, Expires: t0.Add(time.Hour)}))
	}
	must(t, "DeleteUserSessions", f.s.DeleteUserSessions(f.ctx, "ada"))
	for h, want := range map[string]bool{"a1": false, "a2": false, "b1": true} {
		if _, err := f.s.Session(f.ctx, h, t0); (err == nil) != want {
			t.Errorf("session %s after DeleteUserSessions(ada): %v", h, err)
		}
	}
}

func testBans(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("other")
	t0 := now()
	forever := storage.Ban{SiteID: "blog", Kind: storage.BanReader, Value: "r1", Note: "troll", By: "ada", Created: t0}
	week := storage.Ban{SiteID: "blog", Kind: storage.BanEmail, Value: "Eve@Example.COM", Created: t0, Expires: t0.Add(7 * 24 * time.Hour)}
	must(t, "PutBan forever", f.s.PutBan(f.ctx, forever))
	must(t, "PutBan week", f.s.PutBan(f.ctx, week))
	wantErr(t, "PutBan bad kind", f.s.PutBan(f.ctx, storage.Ban{SiteID: "blog", Kind: "x", Value: "v"}), storage.ErrInvalid)
	wantErr(t, "PutBan no value", f.s.PutBan(f.ctx, storage.Ban{SiteID: "blog", Kind: storage.BanIP}), storage.ErrInvalid)
	wantErr(t, "PutBan unknown site", f.s.PutBan(f.ctx, storage.Ban{SiteID: "nope", Kind: storage.BanIP, Value: "i"}), storage.ErrNotFound)

	b, err := f.s.MatchBan(f.ctx, "blog", t0, storage.BanKey{Kind: storage.BanIP, Value: "i"}, storage.BanKey{Kind: storage.BanEmail, Value: "eve@example.com"})
	must(t, "MatchBan e-mail", err)
	if b.Kind != storage.BanEmail || b.Value != "eve@example.com" {
		t.Errorf("MatchBan = %+v, want the e-mail ban, lower-cased", b)
	}
	_, err = f.s.MatchBan(f.ctx, "blog", t0.Add(8*24*time.Hour), storage.BanKey{Kind: storage.BanEmail, Value: "eve@example.com"})
	wantErr(t, "MatchBan after expiry", err, storage.ErrNotFound)
	_, err = f.s.MatchBan(f.ctx, "other", t0, storage.BanKey{Kind: storage.BanReader, Value: "r1"})
	wantErr(t, "MatchBan on another site", err, storage.ErrNotFound)
	_, err = f.s.MatchBan(f.ctx, "blog", t0, storage.BanKey{Kind: storage.BanReader, Value: ""})
	wantErr(t, "MatchBan empty", err, storage.ErrNotFound)

	bans, err := f.s.Bans(f.ctx, "blog", t0)
	must(t, "Bans", err)
	if len(bans) != 2 {
		t.Errorf("Bans = %v, want 2", bans)
	}
	if bans, _ := f.s.Bans(f.ctx, "blog", t0.Add(8*24*time.Hour)); len(bans) != 1 || bans[0].Note != "troll" {
		t.Errorf("Bans after a week = %v, want the permanent one", bans)
	}
	must(t, "DeleteBan", f.s.DeleteBan(f.ctx, "blog", storage.BanKey{Kind: storage.BanReader, Value: "r1"}))
	must(t, "DeleteBan missing", f.s.DeleteBan(f.ctx, "blog", storage.BanKey{Kind: storage.BanReader, Value: "r1"}))
	_, err = f.s.MatchBan(f.ctx, "blog", t0, storage.BanKey{Kind: storage.BanReader, Value: "r1"})
	wantErr(t, "MatchBan after lifting", err, storage.ErrNotFound)
}

func testFlags(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("other")
	a := f.comment("blog", "p", nil)
	b := f.comment("blog", "p", nil)
	flag := func(c storage.Comment, reader, reason string) error {
		return f.s.AddFlag(f.ctx, storage.Flag{SiteID: c.SiteID, CommentID: c.ID, ReaderHash: reader, Reason: reason, Created: now()})
	}
	must(t, "flag b", flag(b, "r1", "spam"))
	must(t, "flag a", flag(a, "r1", "abuse"))
	must(t, "flag a by r2", flag(a, "r2", "spam"))
	wantErr(t, "second flag by r1", flag(a, "r1", "other"), storage.ErrConflict)
	wantErr(t, "flag without reader", flag(a, "", "spam"), storage.ErrInvalid)
	wrongSite := a
	wrongSite.SiteID = "other"
	wantErr(t, "flag a comment of another site", flag(wrongSite, "r3", "spam"), storage.ErrNotFound)

	got, err := f.s.FlaggedComments(f.ctx, "blog")
	must(t, "FlaggedComments", err)
	if len(got) != 2 || got[0].Comment.ID != a.ID || len(got[0].Flags) != 2 || got[1].Comment.ID != b.ID || len(got[1].Flags) != 1 {
		t.Fatalf("FlaggedComments = %+v", got)
	}
	if other, _ := f.s.FlaggedComments(f.ctx, "other"); len(other) != 0 {
		t.Errorf("other site sees flags: %+v", other)
	}
	must(t, "ClearFlags", f.s.ClearFlags(f.ctx, "blog", a.ID))
	got, _ = f.s.FlaggedComments(f.ctx, "blog")
	if len(got) != 1 || got[0].Comment.ID != b.ID {
		t.Errorf("after ClearFlags: %+v", got)
	}
	must(t, "flag a again after clearing", flag(a, "r1", "spam"))
}

func testAudit(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	for _, action := range []string{"approve", "spam", "edit"} {
		must(t, "AddAudit", f.s.AddAudit(f.ctx, storage.AuditEntry{SiteID: "blog", Actor: "ada", Action: action, Time: now()}))
	}
	wantErr(t, "AddAudit no action", f.s.AddAudit(f.ctx, storage.AuditEntry{SiteID: "blog"}), storage.ErrInvalid)
	got, err := f.s.Audit(f.ctx, "blog", 0)
	must(t, "Audit", err)
	if len(got) != 3 || got[0].Action != "edit" || got[2].Action != "approve" || got[0].ID == "" {
		t.Errorf("Audit = %+v, want newest first", got)
	}
	if got, _ := f.s.Audit(f.ctx, "blog", 2); len(got) != 2 || got[1].Action != "spam" {
		t.Errorf("Audit limit 2 = %+v", got)
	}
	if got, _ := f.s.Audit(f.ctx, "blo", 0); len(got) != 0 {
		t.Errorf("a site whose id is a prefix sees %d entries", len(got))
	}
}

func testDeleteSite(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	keep := f.site("blog2")
	c := f.comment("blog", "p", nil)
	kept := f.comment("blog2", "p", nil)
	must(t, "vote", func() error {
		_, err := f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: c.ID, VoterHash: "v", Value: 1})
		return err
	}())
	must(t, "flag", f.s.AddFlag(f.ctx, storage.Flag{SiteID: "blog", CommentID: c.ID, ReaderHash: "r", Reason: "spam"}))
	must(t, "ban", f.s.PutBan(f.ctx, storage.Ban{SiteID: "blog", Kind: storage.BanIP, Value: "i"}))
	must(t, "audit", f.s.AddAudit(f.ctx, storage.AuditEntry{SiteID: "blog", Action: "x"}))
	must(t, "user", f.s.CreateUser(f.ctx, storage.User{Name: "ada", Roles: map[string]storage.Role{"blog": storage.RoleOwner, "blog2": storage.RoleModerator}}))

	must(t, "DeleteSite", f.s.DeleteSite(f.ctx, "blog"))
	wantErr(t, "DeleteSite again", f.s.DeleteSite(f.ctx, "blog"), storage.ErrNotFound)
	_, err := f.s.Site(f.ctx, "blog")
	wantErr(t, "Site after delete", err, storage.ErrNotFound)
	// A new site with the same id starts empty.
	f.site("blog")
	if cs, _ := f.s.PageComments(f.ctx, "blog", "p"); len(cs) != 0 {
		t.Errorf("comments survived: %v", ids(cs))
	}
	if _, err := f.s.Comment(f.ctx, "blog", c.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Comment after delete: %v", err)
	}
	if pages, _ := f.s.Pages(f.ctx, "blog", "", 0); len(pages) != 0 {
		t.Errorf("pages survived: %v", pages)
	}
	if fl, _ := f.s.FlaggedComments(f.ctx, "blog"); len(fl) != 0 {
		t.Errorf("flags survived")
	}
	if bans, _ := f.s.Bans(f.ctx, "blog", now()); len(bans) != 0 {
		t.Errorf("bans survived")
	}
	if a, _ := f.s.Audit(f.ctx, "blog", 0); len(a) != 0 {
		t.Errorf("audit survived")
	}
	u, _ := f.s.User(f.ctx, "ada")
	if _, ok := u.Roles["blog"]; ok || u.Role("blog2") != storage.RoleModerator {
		t.Errorf("roles after delete: %v", u.Roles)
	}
	// The neighbour whose id shares the prefix is untouched.
	if _, err := f.s.Site(f.ctx, keep.ID); err != nil {
		t.Error(err)
	}
	if _, err := f.s.Comment(f.ctx, "blog2", kept.ID); err != nil {
		t.Errorf("blog2's comment: %v", err)
	}
	pages, err := f.s.Pages(f.ctx, "blog2", "", 0)
	must(t, "Pages", err)
	if len(pages) != 1 || pages[0].Key != "p" || pages[0].Count != 1 {
		t.Errorf("Pages(blog2) = %+v", pages)
	}
}

func testPinned(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	c := f.comment("blog", "p", nil)
	_, err := f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error { c.Pinned = true; return nil })
	must(t, "pin", err)
	got, err := f.s.Comment(f.ctx, "blog", c.ID)
	must(t, "Comment", err)
	if !got.Pinned {
		t.Error("Pinned not stored")
	}
}
