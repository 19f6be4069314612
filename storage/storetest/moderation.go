package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// What the moderation pipeline needs from a store: one vote and one flag
// per address, an address's recent comments, hold reasons, paged pages and
// the per-site moderation settings.

func testAddressVotes(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	c := f.comment("blog", "p", nil)
	vote := func(voter, ip string, value int) (storage.Comment, error) {
		return f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: c.ID, VoterHash: voter, IPHash: ip, Value: value})
	}
	steps := []struct {
		voter, ip string
		value     int
		conflict  bool
		score     int
	}{
		{"a", "x", 1, false, 1},
		{"b", "x", 1, true, 1},    // a fresh token from the same address counts once
		{"a", "x", -1, false, -1}, // the holder may change its vote
		{"a", "y", 1, false, 1},   // and vote again from elsewhere
		{"c", "y", 1, false, 2},   // y was not claimed: a's vote already existed
		{"d", "", 1, false, 3},    // no address: not checked
		{"b", "x", 1, true, 3},
		{"a", "x", 0, false, 2}, // withdrawing frees the address
		{"b", "x", -1, false, 1},
	}
	for i, s := range steps {
		got, err := vote(s.voter, s.ip, s.value)
		if s.conflict {
			wantErr(t, "vote from a claimed address", err, storage.ErrConflict)
		} else {
			must(t, "SetVote", err)
		}
		stored, err := f.s.Comment(f.ctx, "blog", c.ID)
		must(t, "Comment", err)
		if stored.Score != s.score || (!s.conflict && got.Score != s.score) {
			t.Fatalf("step %d (%s at %q votes %d): score %d (returned %d), want %d", i, s.voter, s.ip, s.value, stored.Score, got.Score, s.score)
		}
	}
}

func testAddressFlags(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	c := f.comment("blog", "p", nil)
	other := f.comment("blog", "p", nil)
	flag := func(comment, reader, ip string) error {
		return f.s.AddFlag(f.ctx, storage.Flag{SiteID: "blog", CommentID: comment, ReaderHash: reader, IPHash: ip, Reason: "spam", Created: now()})
	}
	must(t, "first flag", flag(c.ID, "r1", "x"))
	wantErr(t, "second reader from the same address", flag(c.ID, "r2", "x"), storage.ErrConflict)
	must(t, "same address, another comment", flag(other.ID, "r2", "x"))
	must(t, "another address", flag(c.ID, "r3", "y"))
	must(t, "no address", flag(c.ID, "r4", ""))
	wantErr(t, "same reader from another address", flag(c.ID, "r1", "z"), storage.ErrConflict)
	flagged, err := f.s.FlaggedComments(f.ctx, "blog")
	must(t, "FlaggedComments", err)
	if len(flagged) != 2 || len(flagged[0].Flags)+len(flagged[1].Flags) != 4 {
		t.Errorf("flagged = %+v, want 4 flags on 2 comments", flagged)
	}
}

func testFingerprints(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("other")
	at := func(fp string, ago time.Duration) func(*storage.Comment) {
		return func(c *storage.Comment) {
			c.Fingerprint = fp
			c.Created = now().Add(-ago)
			c.ID = commentID(c.Created)
		}
	}
	old := f.comment("blog", "p", at("same", 48*time.Hour))
	recent := f.comment("blog", "q", at("same", time.Hour))
	newest := f.comment("blog", "p", at("same", time.Minute))
	f.comment("blog", "p", at("other-text", time.Minute))
	f.comment("other", "p", at("same", time.Minute))
	f.comment("blog", "p", at("", time.Minute))

	got, err := f.s.FingerprintComments(f.ctx, "blog", "same", now().Add(-24*time.Hour), 10)
	must(t, "FingerprintComments", err)
	if want := []string{newest.ID, recent.ID}; !slices.Equal(ids(got), want) {
		t.Errorf("since a day = %v, want %v (newest first)", ids(got), want)
	}
	got, err = f.s.FingerprintComments(f.ctx, "blog", "same", time.Time{}, 10)
	must(t, "FingerprintComments", err)
	if want := []string{newest.ID, recent.ID, old.ID}; !slices.Equal(ids(got), want) {
		t.Errorf("ever = %v, want %v", ids(got), want)
	}
	if d := diffComment(got[0], newest); d != "" {
		t.Errorf("comment read through the fingerprint index differs: %s", d)
	}
	got, err = f.s.FingerprintComments(f.ctx, "blog", "same", time.Time{}, 2)
	must(t, "FingerprintComments", err)
	if want := []string{newest.ID, recent.ID}; !slices.Equal(ids(got), want) {
		t.Errorf("at most 2 = %v, want %v", ids(got), want)
	}
	// An edit changes the fingerprint: the index follows.
	_, err = f.s.UpdateComment(f.ctx, "blog", newest.ID, func(c *storage.Comment) error { c.Fingerprint = "edited"; return nil })
	must(t, "UpdateComment", err)
	got, err = f.s.FingerprintComments(f.ctx, "blog", "same", time.Time{}, 10)
	must(t, "FingerprintComments", err)
	if hasID(got, newest.ID) || len(got) != 2 {
		t.Errorf("after the edit, the old fingerprint still lists %v", ids(got))
	}
	got, err = f.s.FingerprintComments(f.ctx, "blog", "edited", time.Time{}, 10)
	must(t, "FingerprintComments", err)
	if !slices.Equal(ids(got), []string{newest.ID}) {
		t.Errorf("the new fingerprint lists %v", ids(got))
	}
	must(t, "DeleteSite", f.s.DeleteSite(f.ctx, "blog"))
	f.site("blog")
	got, err = f.s.FingerprintComments(f.ctx, "blog", "same", time.Time{}, 10)
	must(t, "FingerprintComments", err)
	if len(got) != 0 {
		t.Errorf("a deleted site's fingerprint index survives: %v", ids(got))
	}
}

func testHoldReasons(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	c := f.comment("blog", "p", func(c *storage.Comment) {
		c.Status = storage.StatusPending
		c.HoldReasons = []string{"links", "suspect_word"}
	})
	got, err := f.s.Comment(f.ctx, "blog", c.ID)
	must(t, "Comment", err)
	if d := diffComment(got, c); d != "" {
		t.Errorf("stored with hold reasons: %s", d)
	}
	// fn gets its own copy: a change it makes before refusing is not kept.
	_, err = f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error {
		c.HoldReasons[0] = "changed"
		return storage.ErrInvalid
	})
	wantErr(t, "refused update", err, storage.ErrInvalid)
	updated, err := f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error {
		if c.HoldReasons[0] != "links" {
			t.Errorf("a refused update's change leaked into the next: %v", c.HoldReasons)
		}
		c.HoldReasons, c.Status = nil, storage.StatusApproved
		return nil
	})
	must(t, "UpdateComment", err)
	got, err = f.s.Comment(f.ctx, "blog", c.ID)
	must(t, "Comment", err)
	if len(got.HoldReasons) != 0 || got.Status != storage.StatusApproved || diffComment(got, updated) != "" {
		t.Errorf("after approval: %+v", got)
	}
}

func testPagesPaged(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("blog2")
	keys := []string{"a", "a/b", "ab", "b", "c"}
	for _, k := range keys {
		f.comment("blog", k, nil)
	}
	f.comment("blog2", "a", nil)
	var walked []string
	after := ""
	for range len(keys) + 1 {
		page, err := f.s.Pages(f.ctx, "blog", after, 2)
		must(t, "Pages", err)
		if len(page) == 0 {
			break
		}
		if len(page) > 2 {
			t.Fatalf("Pages(limit 2) gave %d", len(page))
		}
		for _, p := range page {
			walked = append(walked, p.Key)
			if p.SiteID != "blog" {
				t.Errorf("page of site %q listed for blog", p.SiteID)
			}
		}
		after = page[len(page)-1].Key
	}
	if !slices.Equal(walked, keys) {
		t.Errorf("walked %v, want %v", walked, keys)
	}
	all, err := f.s.Pages(f.ctx, "blog", "", 0)
	must(t, "Pages", err)
	if len(all) != len(keys) {
		t.Errorf("all pages: %d, want %d", len(all), len(keys))
	}
	rest, err := f.s.Pages(f.ctx, "blog", "a", 0)
	must(t, "Pages", err)
	if len(rest) != len(keys)-1 || rest[0].Key != "a/b" {
		t.Errorf("pages after a: %+v", rest)
	}
}

func testModerationSettings(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	site := f.site("blog")
	site.Settings.BlockedWords = []string{"casino"}
	site.Settings.SuspectWords = []string{"free money", "crypto"}
	site.Settings.MaxLinks = -1
	site.Settings.MinSubmitTime = 0
	site.Settings.DuplicateWindow = time.Hour
	site.Settings.CheckURL = "https://spam.example/check"
	site.Settings.RateLimits = storage.RateLimits{Posts: 3, Votes: 50}
	site.SigningSecret = "psec_test"
	must(t, "UpdateSite", f.s.UpdateSite(f.ctx, site))
	got, err := f.s.Site(f.ctx, "blog")
	must(t, "Site", err)
	if d := diffSite(got, site); d != "" {
		t.Errorf("moderation settings did not round trip: %s", d)
	}
	// The site a caller got cannot change the stored one.
	got.Settings.SuspectWords[0] = "changed"
	again, err := f.s.Site(f.ctx, "blog")
	must(t, "Site", err)
	if again.Settings.SuspectWords[0] != "free money" {
		t.Errorf("changing a returned site changed the store's: %v", again.Settings.SuspectWords)
	}
}
