package storetest

import (
	"maps"
	"testing"

	"github.com/parley-dev/parley/storage"
)

func testVotes(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("ReplaceAndWithdraw", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		c := f.comment("blog", "post-1", nil)
		steps := []struct {
			voter string
			value int
			score int
		}{
			{"v1", 1, 1},
			{"v1", 1, 1}, // the same vote again counts once
			{"v1", -1, -1},
			{"v2", 1, 0},
			{"v2", -1, -2},
			{"v1", 0, -1}, // withdrawn
			{"v1", 0, -1}, // withdrawing nothing changes nothing
			{"v1", 1, 0},
		}
		for i, s := range steps {
			got, err := f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: c.ID, VoterHash: s.voter, Value: s.value})
			must(t, "SetVote", err)
			if got.Score != s.score || got.ID != c.ID {
				t.Fatalf("step %d (%s votes %d): returned score %d, want %d", i, s.voter, s.value, got.Score, s.score)
			}
		}
		stored, err := f.s.Comment(f.ctx, "blog", c.ID)
		must(t, "Comment", err)
		if stored.Score != 0 {
			t.Errorf("stored score %d, want 0", stored.Score)
		}
		for voter, want := range map[string]map[string]int{"v1": {c.ID: 1}, "v2": {c.ID: -1}, "v3": {}} {
			got, err := f.s.Votes(f.ctx, "blog", "post-1", voter)
			must(t, "Votes", err)
			if !maps.Equal(got, want) {
				t.Errorf("Votes(%s) = %v, want %v", voter, got, want)
			}
		}
		_, err = f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: c.ID, VoterHash: "v1", Value: 0})
		must(t, "SetVote withdraw", err)
		got, err := f.s.Votes(f.ctx, "blog", "post-1", "v1")
		must(t, "Votes", err)
		if len(got) != 0 {
			t.Errorf("withdrawn vote still listed: %v", got)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		c := f.comment("blog", "post-1", nil)
		for _, v := range []int{2, -2, 100} {
			_, err := f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: c.ID, VoterHash: "v1", Value: v})
			wantErr(t, "SetVote invalid value", err, storage.ErrInvalid)
		}
		stored, err := f.s.Comment(f.ctx, "blog", c.ID)
		must(t, "Comment", err)
		votes, err := f.s.Votes(f.ctx, "blog", "post-1", "v1")
		must(t, "Votes", err)
		if stored.Score != 0 || len(votes) != 0 {
			t.Errorf("invalid votes left score %d and votes %v", stored.Score, votes)
		}
		_, err = f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: newComment("blog", "x").ID, VoterHash: "v1", Value: 1})
		wantErr(t, "SetVote unknown comment", err, storage.ErrNotFound)
	})
	t.Run("PerPage", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		a1 := f.comment("blog", "a", nil)
		a2 := f.comment("blog", "a", nil)
		f.comment("blog", "a", nil) // not voted on
		b1 := f.comment("blog", "b", nil)
		ab := f.comment("blog", "a-b", nil) // a key that extends "a"
		for _, v := range []struct {
			id    string
			value int
		}{{a1.ID, 1}, {a2.ID, -1}, {b1.ID, 1}, {ab.ID, 1}} {
			_, err := f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: v.id, VoterHash: "me", Value: v.value})
			must(t, "SetVote", err)
		}
		_, err := f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: a1.ID, VoterHash: "someone", Value: -1})
		must(t, "SetVote", err)
		for page, want := range map[string]map[string]int{
			"a": {a1.ID: 1, a2.ID: -1},
			"b": {b1.ID: 1},
			"c": {},
		} {
			got, err := f.s.Votes(f.ctx, "blog", page, "me")
			must(t, "Votes", err)
			if !maps.Equal(got, want) {
				t.Errorf("Votes(%s) = %v, want %v", page, got, want)
			}
		}
		stored, err := f.s.Comment(f.ctx, "blog", a1.ID)
		must(t, "Comment", err)
		if stored.Score != 0 {
			t.Errorf("a1 score %d, want 0 (+1 -1)", stored.Score)
		}
	})
	t.Run("ScoreSurvivesUpdate", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		c := f.comment("blog", "post-1", func(c *storage.Comment) { c.Status = storage.StatusPending })
		_, err := f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: c.ID, VoterHash: "v1", Value: 1})
		must(t, "SetVote", err)
		got, err := f.s.UpdateComment(f.ctx, "blog", c.ID, func(c *storage.Comment) error {
			c.Status = storage.StatusApproved
			return nil
		})
		must(t, "UpdateComment", err)
		if got.Score != 1 {
			t.Errorf("score after approval %d, want 1", got.Score)
		}
	})
}
