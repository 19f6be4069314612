package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// diffReader is diffComment for readers.
func diffReader(got, want storage.Reader) string {
	return diffTimed(got, want, func(r *storage.Reader) []*time.Time { return []*time.Time{&r.Verified} })
}

// diffVerification is diffComment for verifications.
func diffVerification(got, want storage.Verification) string {
	return diffTimed(got, want, func(v *storage.Verification) []*time.Time { return []*time.Time{&v.Expires} })
}

// newReader builds a reader verified by e-mail now; it does not store it.
func newReader(site, hash, email, name string) storage.Reader {
	return storage.Reader{SiteID: site, Hash: hash, Email: email, Name: name, NameKey: "key-" + name, Verified: now()}
}

// saveReader stores r, failing the test on error.
func (f *fixture) saveReader(r storage.Reader) storage.Reader {
	f.t.Helper()
	must(f.t, "SaveReader("+r.Hash+")", f.s.SaveReader(f.ctx, r))
	return r
}

// wantReader checks that the site's reader with want's hash is want, and
// that its address and name key (when set) find it.
func (f *fixture) wantReader(what string, want storage.Reader) {
	f.t.Helper()
	got, err := f.s.Reader(f.ctx, want.SiteID, want.Hash)
	if err != nil {
		f.t.Errorf("%s: Reader(%q): %v", what, want.Hash, err)
		return
	}
	if d := diffReader(got, want); d != "" {
		f.t.Errorf("%s: Reader(%q): %s", what, want.Hash, d)
	}
	if want.Email != "" {
		got, err := f.s.ReaderByEmail(f.ctx, want.SiteID, want.Email)
		if err != nil || got.Hash != want.Hash {
			f.t.Errorf("%s: ReaderByEmail(%q) = %q, %v; want %q", what, want.Email, got.Hash, err, want.Hash)
		}
	}
	if want.NameKey != "" {
		got, err := f.s.ReaderByName(f.ctx, want.SiteID, want.NameKey)
		if err != nil || got.Hash != want.Hash {
			f.t.Errorf("%s: ReaderByName(%q) = %q, %v; want %q", what, want.NameKey, got.Hash, err, want.Hash)
		}
	}
}

// wantNoReader checks that no reader of site has hash, and none holds
// email or nameKey (each unless "").
func (f *fixture) wantNoReader(what, site, hash, email, nameKey string) {
	f.t.Helper()
	if hash != "" {
		r, err := f.s.Reader(f.ctx, site, hash)
		wantErr(f.t, fmt.Sprintf("%s: Reader(%q, %q) = %+v", what, site, hash, r), err, storage.ErrNotFound)
	}
	if email != "" {
		r, err := f.s.ReaderByEmail(f.ctx, site, email)
		wantErr(f.t, fmt.Sprintf("%s: ReaderByEmail(%q, %q) = %+v", what, site, email, r), err, storage.ErrNotFound)
	}
	if nameKey != "" {
		r, err := f.s.ReaderByName(f.ctx, site, nameKey)
		wantErr(f.t, fmt.Sprintf("%s: ReaderByName(%q, %q) = %+v", what, site, nameKey, r), err, storage.ErrNotFound)
	}
}

func testReaders(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("RoundTrip", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		member := f.saveReader(storage.Reader{SiteID: "blog", Hash: "reader-1", Email: "ada@example.com",
			Name: "Ada Lovelace", NameKey: "adalovelace", Affiliation: "Analytical Engines",
			Avatar: "https://blog.example/avatars/ada.png", MemberID: "user-42", Verified: now()})
		f.wantReader("member", member)
		got, _ := f.s.Reader(f.ctx, "blog", "reader-1")
		if !got.Member() {
			t.Errorf("a reader with a member id is no member: %+v", got)
		}
		byEmail := f.saveReader(newReader("blog", "reader-2", "bob@example.com", "bob"))
		f.wantReader("verified by e-mail", byEmail)
		if got, _ := f.s.Reader(f.ctx, "blog", "reader-2"); got.Member() {
			t.Errorf("a reader without a member id is a member: %+v", got)
		}
		// Saving a reader again as it is is no conflict with itself.
		f.saveReader(member)
		f.wantReader("saved twice", member)
	})
	t.Run("Conflict", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		ada := f.saveReader(newReader("blog", "h1", "ada@example.com", "ada"))
		// Another hash with ada's address (and a free name), then with
		// ada's name key (and a free address): refused, nothing written.
		for _, r := range []storage.Reader{
			newReader("blog", "h2", "ada@example.com", "bob"),
			newReader("blog", "h2", "bob@example.com", "ada"),
		} {
			wantErr(t, fmt.Sprintf("SaveReader(%q, %q, %q)", r.Hash, r.Email, r.NameKey), f.s.SaveReader(f.ctx, r), storage.ErrConflict)
			f.wantNoReader("after a refused save", "blog", "h2", "bob@example.com", "key-bob")
			f.wantReader("the holder after a refused save", ada)
		}
		// A reader that exists, changed to take another's name, keeps
		// what it had.
		bob := f.saveReader(newReader("blog", "h2", "bob@example.com", "bob"))
		taking := bob
		taking.NameKey, taking.Email = ada.NameKey, "bob2@example.com"
		wantErr(t, "SaveReader taking ada's name", f.s.SaveReader(f.ctx, taking), storage.ErrConflict)
		f.wantReader("bob after a refused change", bob)
		f.wantReader("ada after bob's refused change", ada)
		f.wantNoReader("bob's refused new address", "blog", "", "bob2@example.com", "")
	})
	t.Run("ReplaceReleases", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		old := f.saveReader(newReader("blog", "h1", "ada@example.com", "ada"))
		moved := newReader("blog", "h1", "ada@new.example", "countess")
		moved.Affiliation = "Royal Society"
		f.saveReader(moved)
		f.wantReader("replaced", moved)
		f.wantNoReader("the old address and name", "blog", "", old.Email, old.NameKey)
		// Another reader can take them now.
		other := f.saveReader(newReader("blog", "h2", old.Email, "ada"))
		f.wantReader("the new holder", other)
		// Dropping the address and name releases them too.
		bare := storage.Reader{SiteID: "blog", Hash: "h1", Verified: now()}
		f.saveReader(bare)
		f.wantReader("without address and name", bare)
		f.wantNoReader("released by clearing", "blog", "", moved.Email, moved.NameKey)
	})
	t.Run("NotFound", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		f.saveReader(newReader("blog", "h1", "ada@example.com", "ada"))
		f.saveReader(storage.Reader{SiteID: "blog", Hash: "member", MemberID: "m1", Verified: now()})
		f.wantNoReader("missing", "blog", "h2", "bob@example.com", "key-bob")
		// "" is held by no one, even with readers without address or name.
		_, err := f.s.ReaderByEmail(f.ctx, "blog", "")
		wantErr(t, `ReaderByEmail("")`, err, storage.ErrNotFound)
		_, err = f.s.ReaderByName(f.ctx, "blog", "")
		wantErr(t, `ReaderByName("")`, err, storage.ErrNotFound)
		_, err = f.s.Reader(f.ctx, "nosuch", "h1")
		wantErr(t, "Reader of a missing site", err, storage.ErrNotFound)
	})
	t.Run("Invalid", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		wantErr(t, "SaveReader without a site", f.s.SaveReader(f.ctx, newReader("", "h1", "ada@example.com", "ada")), storage.ErrInvalid)
		wantErr(t, "SaveReader without a hash", f.s.SaveReader(f.ctx, newReader("blog", "", "ada@example.com", "ada")), storage.ErrInvalid)
		f.wantNoReader("after invalid saves", "blog", "", "ada@example.com", "key-ada")
	})
	t.Run("UnknownSite", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		wantErr(t, "SaveReader on a missing site", f.s.SaveReader(f.ctx, newReader("nosuch", "h1", "ada@example.com", "ada")), storage.ErrNotFound)
		f.wantNoReader("after a refused save", "nosuch", "h1", "ada@example.com", "key-ada")
	})
	t.Run("EmptyNeverConflict", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		var members []storage.Reader
		for _, hash := range []string{"m1", "m2", "m3"} {
			members = append(members, f.saveReader(storage.Reader{SiteID: "blog", Hash: hash, MemberID: "id-" + hash, Verified: now()}))
		}
		// An address without a name and a name without an address.
		members = append(members,
			f.saveReader(storage.Reader{SiteID: "blog", Hash: "e1", Email: "e1@example.com", Verified: now()}),
			f.saveReader(storage.Reader{SiteID: "blog", Hash: "e2", Email: "e2@example.com", Verified: now()}),
			f.saveReader(storage.Reader{SiteID: "blog", Hash: "n1", Name: "N1", NameKey: "n1", Verified: now()}),
			f.saveReader(storage.Reader{SiteID: "blog", Hash: "n2", Name: "N2", NameKey: "n2", Verified: now()}))
		for _, r := range members {
			f.wantReader("reader with empty fields", r)
		}
	})
	t.Run("DeleteReader", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		ada := f.saveReader(newReader("blog", "h1", "ada@example.com", "ada"))
		bob := f.saveReader(newReader("blog", "h2", "bob@example.com", "bob"))
		must(t, "DeleteReader", f.s.DeleteReader(f.ctx, "blog", "h1"))
		f.wantNoReader("deleted", "blog", "h1", ada.Email, ada.NameKey)
		f.wantReader("the other reader", bob)
		must(t, "DeleteReader again", f.s.DeleteReader(f.ctx, "blog", "h1"))
		must(t, "DeleteReader of a missing site", f.s.DeleteReader(f.ctx, "nosuch", "h1"))
		// The address and name are free.
		heir := f.saveReader(newReader("blog", "h3", ada.Email, "ada"))
		f.wantReader("the heir", heir)
	})
	t.Run("Tenancy", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("a")
		f.site("b")
		onA := f.saveReader(newReader("a", "h1", "ada@example.com", "ada"))
		f.wantNoReader("a's reader via b", "b", "h1", onA.Email, onA.NameKey)
		// b has its own readers: the same address and name are no
		// conflict, and the same hash is another record.
		onB := newReader("b", "h2", "ada@example.com", "ada")
		onB.Affiliation = "b's Ada"
		f.saveReader(onB)
		sameHash := newReader("b", "h1", "other@example.com", "other")
		f.saveReader(sameHash)
		f.wantReader("a's reader", onA)
		f.wantReader("b's reader", onB)
		f.wantReader("b's reader with a's hash", sameHash)
		must(t, "DeleteReader on b", f.s.DeleteReader(f.ctx, "b", "h1"))
		f.wantReader("a's reader after b's delete", onA)
	})
	t.Run("DeleteSite", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		f.site("blog2")
		gone := f.saveReader(newReader("blog", "h1", "ada@example.com", "ada"))
		kept := f.saveReader(newReader("blog2", "h1", "ada@example.com", "ada"))
		v := storage.Verification{SiteID: "blog", CodeHash: "code-1", Email: "ada@example.com", Expires: now().Add(time.Hour)}
		must(t, "AddVerification", f.s.AddVerification(f.ctx, v))
		v2 := v
		v2.SiteID = "blog2"
		must(t, "AddVerification blog2", f.s.AddVerification(f.ctx, v2))

		must(t, "DeleteSite", f.s.DeleteSite(f.ctx, "blog"))
		f.site("blog")
		f.wantNoReader("after DeleteSite", "blog", gone.Hash, gone.Email, gone.NameKey)
		_, err := f.s.TakeVerification(f.ctx, "blog", "code-1")
		wantErr(t, "TakeVerification after DeleteSite", err, storage.ErrNotFound)
		// The re-created site's readers may take the address and name.
		f.wantReader("a reader of the re-created site", f.saveReader(newReader("blog", "h2", gone.Email, "ada")))

		f.wantReader("the other site's reader", kept)
		got, err := f.s.TakeVerification(f.ctx, "blog2", "code-1")
		must(t, "TakeVerification blog2", err)
		if d := diffVerification(got, v2); d != "" {
			t.Errorf("the other site's verification: %s", d)
		}
	})
}

func testVerifications(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("other")
	v := storage.Verification{SiteID: "blog", CodeHash: "code-1", Email: "ada@example.com", Expires: now().Add(15 * time.Minute)}
	must(t, "AddVerification", f.s.AddVerification(f.ctx, v))
	// Another site has no such code, and asking does not take it.
	_, err := f.s.TakeVerification(f.ctx, "other", "code-1")
	wantErr(t, "TakeVerification on another site", err, storage.ErrNotFound)
	got, err := f.s.TakeVerification(f.ctx, "blog", "code-1")
	must(t, "TakeVerification", err)
	if d := diffVerification(got, v); d != "" {
		t.Errorf("TakeVerification: %s", d)
	}
	_, err = f.s.TakeVerification(f.ctx, "blog", "code-1")
	wantErr(t, "TakeVerification twice", err, storage.ErrNotFound)
	_, err = f.s.TakeVerification(f.ctx, "blog", "nosuch")
	wantErr(t, "TakeVerification of an unknown code", err, storage.ErrNotFound)

	// An expired verification is still returned: the server checks the
	// expiry, so it can say the link expired.
	expired := storage.Verification{SiteID: "blog", CodeHash: "code-2", Email: "bob@example.com", Expires: now().Add(-time.Minute)}
	must(t, "AddVerification expired", f.s.AddVerification(f.ctx, expired))
	// Adding another (which may drop long-expired ones) keeps it.
	fresh := storage.Verification{SiteID: "blog", CodeHash: "code-3", Email: "carol@example.com", Expires: now().Add(time.Hour)}
	must(t, "AddVerification fresh", f.s.AddVerification(f.ctx, fresh))
	got, err = f.s.TakeVerification(f.ctx, "blog", "code-2")
	must(t, "TakeVerification expired", err)
	if d := diffVerification(got, expired); d != "" {
		t.Errorf("TakeVerification expired: %s", d)
	}
	got, err = f.s.TakeVerification(f.ctx, "blog", "code-3")
	must(t, "TakeVerification fresh", err)
	if d := diffVerification(got, fresh); d != "" {
		t.Errorf("TakeVerification fresh: %s", d)
	}

	for name, edit := range map[string]func(*storage.Verification){
		"no site":      func(v *storage.Verification) { v.SiteID = "" },
		"no code hash": func(v *storage.Verification) { v.CodeHash = "" },
		"no e-mail":    func(v *storage.Verification) { v.Email = "" },
		"no expiry":    func(v *storage.Verification) { v.Expires = time.Time{} },
	} {
		bad := storage.Verification{SiteID: "blog", CodeHash: "code-bad", Email: "ada@example.com", Expires: now().Add(time.Hour)}
		edit(&bad)
		wantErr(t, "AddVerification with "+name, f.s.AddVerification(f.ctx, bad), storage.ErrInvalid)
	}
	_, err = f.s.TakeVerification(f.ctx, "blog", "code-bad")
	wantErr(t, "TakeVerification after invalid adds", err, storage.ErrNotFound)
	missing := storage.Verification{SiteID: "nosuch", CodeHash: "code-1", Email: "ada@example.com", Expires: now().Add(time.Hour)}
	wantErr(t, "AddVerification on a missing site", f.s.AddVerification(f.ctx, missing), storage.ErrNotFound)
	_, err = f.s.TakeVerification(f.ctx, "nosuch", "code-1")
	wantErr(t, "TakeVerification on a missing site", err, storage.ErrNotFound)
}

// testVerifiedAuthors checks that comments keep Author.Verified and
// Author.Avatar through every write and read.
func testVerifiedAuthors(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	verified := func(c *storage.Comment) {
		c.Author.Verified, c.Author.Avatar = true, "https://blog.example/avatars/ada.png"
	}
	c := f.comment("blog", "p", verified)
	plain := f.comment("blog", "p", nil)
	got, err := f.s.Comment(f.ctx, "blog", c.ID)
	must(t, "Comment", err)
	if d := diffComment(got, c); d != "" {
		t.Errorf("Comment: %s", d)
	}
	cs, err := f.s.PageComments(f.ctx, "blog", "p")
	must(t, "PageComments", err)
	if len(cs) != 2 {
		t.Fatalf("PageComments = %v, want 2 comments", ids(cs))
	}
	for i, want := range []storage.Comment{c, plain} {
		if d := diffComment(cs[i], want); d != "" {
			t.Errorf("PageComments[%d]: %s", i, d)
		}
	}

	// An update keeps them, and may change them.
	updated, err := f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error { c.Score = 2; return nil })
	must(t, "UpdateComment", err)
	if !updated.Author.Verified || updated.Author.Avatar != c.Author.Avatar {
		t.Errorf("UpdateComment returned author %+v", updated.Author)
	}
	if got, _ := f.s.Comment(f.ctx, "blog", c.ID); !got.Author.Verified || got.Author.Avatar != c.Author.Avatar {
		t.Errorf("stored author after an update %+v", got.Author)
	}
	_, err = f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error {
		c.Author.Verified, c.Author.Avatar = false, ""
		return nil
	})
	must(t, "UpdateComment clearing", err)
	if got, _ := f.s.Comment(f.ctx, "blog", c.ID); got.Author.Verified || got.Author.Avatar != "" {
		t.Errorf("stored author after clearing %+v", got.Author)
	}
	_, err = f.s.UpdateComment(f.ctx, "blog", plain.ID, func(c *storage.Comment) error { verified(c); return nil })
	must(t, "UpdateComment setting", err)
	if got, _ := f.s.Comment(f.ctx, "blog", plain.ID); !got.Author.Verified || got.Author.Avatar == "" {
		t.Errorf("stored author after setting %+v", got.Author)
	}

	// Imports keep them.
	old := now().Add(-24 * time.Hour)
	imported := newComment("blog", "imported")
	imported.ID, imported.Created = commentID(old), old
	verified(&imported)
	n, err := f.s.ImportComments(f.ctx, storage.Page{SiteID: "blog", Key: "imported"}, []storage.Comment{imported}, nil)
	must(t, "ImportComments", err)
	if n != 1 {
		t.Fatalf("ImportComments created %d comments, want 1", n)
	}
	got, err = f.s.Comment(f.ctx, "blog", imported.ID)
	must(t, "Comment imported", err)
	if d := diffComment(got, imported); d != "" {
		t.Errorf("imported comment: %s", d)
	}
}
