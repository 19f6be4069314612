package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func testImportComments(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("KeepsWhatItIsGiven", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		old := now().Add(-400 * 24 * time.Hour)
		page := storage.Page{SiteID: "blog", Key: "post-1", URL: "https://blog.example/post-1", Title: "Old post", Locked: true, Created: old}
		root := newComment("blog", "post-1")
		root.ID, root.Created, root.Score = commentID(old), old, 3
		reply := newComment("blog", "post-1")
		reply.ID, reply.Created, reply.ParentID, reply.Status = commentID(old.Add(time.Hour)), old.Add(time.Hour), root.ID, storage.StatusSpam
		votes := []storage.Vote{{SiteID: "blog", CommentID: root.ID, VoterHash: "v1", IPHash: "ip-9", Value: 1}}
		n, err := f.s.ImportComments(f.ctx, page, []storage.Comment{root, reply}, votes)
		must(t, "ImportComments", err)
		if n != 2 {
			t.Errorf("created %d, want 2", n)
		}
		for _, want := range []storage.Comment{root, reply} {
			got, err := f.s.Comment(f.ctx, "blog", want.ID)
			must(t, "Comment", err)
			if d := diffComment(got, want); d != "" {
				t.Errorf("imported comment: %s", d)
			}
		}
		p, err := f.s.Page(f.ctx, "blog", "post-1")
		must(t, "Page", err)
		if p.Count != 1 || !p.Locked || p.Title != "Old post" || !p.Created.Equal(old) || p.Version == 0 {
			t.Errorf("page %+v: want count 1 (the spam reply does not count), locked, its title and date, a version", p)
		}
		got, err := f.s.Votes(f.ctx, "blog", "post-1", "v1")
		must(t, "Votes", err)
		if got[root.ID] != 1 {
			t.Errorf("imported vote: %v", got)
		}
		// The vote kept its address: another voter from it is refused.
		_, err = f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: root.ID, VoterHash: "v2", IPHash: "ip-9", Value: 1})
		wantErr(t, "vote from the imported vote's address", err, storage.ErrConflict)
		if c, _ := f.s.Comment(f.ctx, "blog", root.ID); c.Score != 3 {
			t.Errorf("score %d: an imported vote must not move the imported score 3", c.Score)
		}
		for _, c := range []storage.Comment{root, reply} {
			list, err := f.s.CommentsByStatus(f.ctx, "blog", c.Status)
			must(t, "CommentsByStatus", err)
			if !slices.ContainsFunc(list, func(x storage.Comment) bool { return x.ID == c.ID }) {
				t.Errorf("%s comment missing from its status index", c.Status)
			}
		}
		mine, err := f.s.ReaderComments(f.ctx, "blog", "reader-1")
		must(t, "ReaderComments", err)
		if len(mine) != 2 {
			t.Errorf("reader index: %d comments, want 2", len(mine))
		}
	})
	t.Run("AgainAddsNothing", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		a, b := newComment("blog", "p"), newComment("blog", "p")
		page := storage.Page{SiteID: "blog", Key: "p"}
		_, err := f.s.ImportComments(f.ctx, page, []storage.Comment{a}, nil)
		must(t, "ImportComments", err)
		changed := a
		changed.Markdown = "changed"
		n, err := f.s.ImportComments(f.ctx, page, []storage.Comment{changed, b}, nil)
		must(t, "ImportComments again", err)
		if n != 1 {
			t.Errorf("second import created %d, want 1", n)
		}
		all, err := f.s.PageComments(f.ctx, "blog", "p")
		must(t, "PageComments", err)
		if len(all) != 2 || all[0].Markdown == "changed" && all[0].ID == a.ID {
			t.Errorf("after a re-import: %d comments, first %q: the stored one must stay", len(all), all[0].Markdown)
		}
		if p, _ := f.s.Page(f.ctx, "blog", "p"); p.Count != 2 {
			t.Errorf("count %d, want 2", p.Count)
		}
	})
	t.Run("ExistingPageKeepsItsMetadata", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		live := f.comment("blog", "p", nil)
		_, err := f.s.ImportComments(f.ctx, storage.Page{SiteID: "blog", Key: "p", Title: "Imported title"},
			[]storage.Comment{newComment("blog", "p")}, nil)
		must(t, "ImportComments", err)
		p, err := f.s.Page(f.ctx, "blog", "p")
		must(t, "Page", err)
		if p.Title != pageOf(live).Title || p.Count != 2 {
			t.Errorf("page %+v: want the title it had and count 2", p)
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		f := newFixture(t, open)
		f.site("blog")
		page := storage.Page{SiteID: "blog", Key: "p"}
		orphan := newComment("blog", "p")
		orphan.ParentID = newComment("blog", "p").ID
		good := newComment("blog", "p")
		_, err := f.s.ImportComments(f.ctx, page, []storage.Comment{good, orphan}, nil)
		wantErr(t, "missing parent", err, storage.ErrParentNotFound)
		if _, err := f.s.Comment(f.ctx, "blog", good.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a refused batch stored its first comment: %v", err)
		}
		if _, err := f.s.Page(f.ctx, "blog", "p"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a refused batch created its page: %v", err)
		}
		other := newComment("blog", "q")
		_, err = f.s.ImportComments(f.ctx, page, []storage.Comment{other}, nil)
		wantErr(t, "comment of another page", err, storage.ErrInvalid)
		bad := newComment("blog", "p")
		bad.Status = "bogus"
		_, err = f.s.ImportComments(f.ctx, page, []storage.Comment{bad}, nil)
		wantErr(t, "unknown status", err, storage.ErrInvalid)
		_, err = f.s.ImportComments(f.ctx, storage.Page{SiteID: "nosite", Key: "p"}, []storage.Comment{newComment("nosite", "p")}, nil)
		wantErr(t, "unknown site", err, storage.ErrNotFound)
		_, err = f.s.ImportComments(f.ctx, page, []storage.Comment{good},
			[]storage.Vote{{SiteID: "blog", CommentID: other.ID, VoterHash: "v", Value: 1}})
		wantErr(t, "vote on a comment of no page", err, storage.ErrInvalid)
	})
}

func testPurgeComments(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	keep := f.comment("blog", "p", nil)
	page := storage.Page{SiteID: "blog", Key: "p"}
	a, b := newComment("blog", "p"), newComment("blog", "p")
	b.ParentID, b.Fingerprint = a.ID, "fp-1"
	votes := []storage.Vote{{SiteID: "blog", CommentID: a.ID, VoterHash: "v1", IPHash: "ip-7", Value: 1}}
	_, err := f.s.ImportComments(f.ctx, page, []storage.Comment{a, b}, votes)
	must(t, "ImportComments", err)
	must(t, "AddFlag", f.s.AddFlag(f.ctx, storage.Flag{SiteID: "blog", CommentID: b.ID, ReaderHash: "r9", Reason: "spam", Created: now()}))
	before, _ := f.s.Page(f.ctx, "blog", "p")
	must(t, "PurgeComments", f.s.PurgeComments(f.ctx, "blog", "p", []string{b.ID, a.ID, "missing"}))
	for _, id := range []string{a.ID, b.ID} {
		if _, err := f.s.Comment(f.ctx, "blog", id); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("purged comment still there: %v", err)
		}
	}
	all, err := f.s.PageComments(f.ctx, "blog", "p")
	must(t, "PageComments", err)
	if len(all) != 1 || all[0].ID != keep.ID {
		t.Errorf("page comments after the purge: %d, want only the live one", len(all))
	}
	p, err := f.s.Page(f.ctx, "blog", "p")
	must(t, "Page", err)
	if p.Count != 1 || p.Version <= before.Version {
		t.Errorf("page %+v: want count 1 and a newer version than %d", p, before.Version)
	}
	if fl, _ := f.s.FlaggedComments(f.ctx, "blog"); len(fl) != 0 {
		t.Errorf("flags of a purged comment remain: %+v", fl)
	}
	if v, _ := f.s.ReaderVotes(f.ctx, "blog", "v1"); len(v) != 0 {
		t.Errorf("votes of a purged comment remain: %+v", v)
	}
	if fp, _ := f.s.FingerprintComments(f.ctx, "blog", "fp-1", time.Time{}, 10); len(fp) != 0 {
		t.Errorf("fingerprint index of a purged comment remains")
	}
	// The address of the purged vote is free again.
	_, err = f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: keep.ID, VoterHash: "v2", IPHash: "ip-7", Value: 1})
	must(t, "vote from the freed address", err)

	// A page whose every comment goes is gone.
	only := newComment("blog", "q")
	_, err = f.s.ImportComments(f.ctx, storage.Page{SiteID: "blog", Key: "q"}, []storage.Comment{only}, nil)
	must(t, "ImportComments", err)
	must(t, "PurgeComments", f.s.PurgeComments(f.ctx, "blog", "q", []string{only.ID}))
	if _, err := f.s.Page(f.ctx, "blog", "q"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a page with no comments left: %v, want ErrNotFound", err)
	}
	must(t, "PurgeComments of a missing page", f.s.PurgeComments(f.ctx, "blog", "none", []string{only.ID}))
}

func testSiteVotes(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("other")
	a, b := f.comment("blog", "p", nil), f.comment("blog", "q", nil)
	x := f.comment("other", "p", nil)
	cast := []storage.Vote{
		{SiteID: "blog", CommentID: a.ID, VoterHash: "v1", IPHash: "ip-1", Value: 1},
		{SiteID: "blog", CommentID: a.ID, VoterHash: "v2", Value: -1},
		{SiteID: "blog", CommentID: b.ID, VoterHash: "v1", IPHash: "ip-1", Value: -1},
		{SiteID: "other", CommentID: x.ID, VoterHash: "v1", Value: 1},
	}
	for _, v := range cast {
		_, err := f.s.SetVote(f.ctx, v)
		must(t, "SetVote", err)
	}
	_, err := f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: b.ID, VoterHash: "v3", Value: 1})
	must(t, "SetVote", err)
	_, err = f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: b.ID, VoterHash: "v3", Value: 0})
	must(t, "SetVote withdraw", err)

	var got []storage.Vote
	must(t, "SiteVotes", f.s.SiteVotes(f.ctx, "blog", func(v storage.Vote) error { got = append(got, v); return nil }))
	want := cast[:3]
	if !sameVotes(got, want) {
		t.Errorf("SiteVotes = %+v, want %+v", got, want)
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].CommentID > got[i].CommentID {
			t.Errorf("SiteVotes not in comment id order: %+v", got)
		}
	}
	stop := errors.New("stop")
	calls := 0
	err = f.s.SiteVotes(f.ctx, "blog", func(storage.Vote) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("SiteVotes with a failing fn: %v after %d calls, want stop after 1", err, calls)
	}

	mine, err := f.s.ReaderVotes(f.ctx, "blog", "v1")
	must(t, "ReaderVotes", err)
	if !sameVotes(mine, []storage.Vote{cast[0], cast[2]}) {
		t.Errorf("ReaderVotes(v1) = %+v", mine)
	}
	none, err := f.s.ReaderVotes(f.ctx, "blog", "v3")
	must(t, "ReaderVotes", err)
	if len(none) != 0 {
		t.Errorf("ReaderVotes lists a withdrawn vote: %+v", none)
	}
}

// sameVotes reports whether got holds the votes of want, in any order.
func sameVotes(got, want []storage.Vote) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}
