package storetest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/parley-dev/parley/storage"
)

func testSecret(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	a, err := f.s.Secret(f.ctx, "ip-hash")
	must(t, "Secret", err)
	if len(a) != 32 || bytes.Equal(a, make([]byte, 32)) {
		t.Fatalf("Secret = %x, want 32 random bytes", a)
	}
	again, err := f.s.Secret(f.ctx, "ip-hash")
	must(t, "Secret again", err)
	if !bytes.Equal(a, again) {
		t.Errorf("Secret changed between calls: %x then %x", a, again)
	}
	other, err := f.s.Secret(f.ctx, "reader-token")
	must(t, "Secret other", err)
	if bytes.Equal(a, other) {
		t.Error("two secret names share one value")
	}

	t.Run("ConcurrentFirstUse", func(t *testing.T) {
		const n = 8
		got := make([][]byte, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { got[i], errs[i] = f.s.Secret(f.ctx, "raced") })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("Secret: %v", errs[i])
			}
			if !bytes.Equal(got[i], got[0]) {
				t.Errorf("caller %d got %x, caller 0 got %x", i, got[i], got[0])
			}
		}
	})
}

func testConcurrency(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")

	t.Run("PostsToOnePage", func(t *testing.T) {
		const writers, each = 16, 10
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for w := range writers {
			wg.Go(func() {
				for range each {
					c := newComment("blog", "hot")
					c.ReaderHash = fmt.Sprintf("writer-%d", w)
					errs <- f.s.CreateComment(f.ctx, c, pageOf(c))
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent CreateComment: %v", err)
			}
		}
		if n := f.count("blog", "hot"); n != writers*each {
			t.Errorf("count %d, want %d", n, writers*each)
		}
		cs, err := f.s.PageComments(f.ctx, "blog", "hot")
		must(t, "PageComments", err)
		got := ids(cs)
		if len(got) != writers*each || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
			t.Errorf("PageComments returned %d comments (sorted: %v), want %d distinct in id order",
				len(got), slices.IsSorted(got), writers*each)
		}
	})
	t.Run("VotesAndModeration", func(t *testing.T) {
		target := f.comment("blog", "busy", nil)
		var pending []string
		for range 12 {
			pending = append(pending, f.comment("blog", "busy", func(c *storage.Comment) { c.Status = storage.StatusPending }).ID)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for v := range 16 {
			wg.Go(func() {
				_, err := f.s.SetVote(f.ctx, storage.Vote{SiteID: "blog", CommentID: target.ID, VoterHash: fmt.Sprintf("voter-%d", v), Value: 1})
				errs <- err
			})
		}
		for _, id := range pending {
			wg.Go(func() {
				_, err := f.s.UpdateComment(f.ctx, "blog", id, func(c *storage.Comment) error {
					c.Status = storage.StatusApproved
					return nil
				})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent write: %v", err)
			}
		}
		got, err := f.s.Comment(f.ctx, "blog", target.ID)
		must(t, "Comment", err)
		if got.Score != 16 {
			t.Errorf("score %d after 16 up-votes", got.Score)
		}
		if n := f.count("blog", "busy"); n != 13 {
			t.Errorf("count %d, want 13", n)
		}
	})
}

func testContext(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := newComment("blog", "post-1")
	wantErr(t, "CreateComment with a cancelled context", f.s.CreateComment(ctx, c, pageOf(c)), context.Canceled)
	wantErr(t, "CreateSite with a cancelled context", f.s.CreateSite(ctx, storage.Site{ID: "late"}), context.Canceled)
	_, err := f.s.Comment(f.ctx, "blog", c.ID)
	wantErr(t, "Comment after cancelled create", err, storage.ErrNotFound)
	_, err = f.s.Site(f.ctx, "late")
	wantErr(t, "Site after cancelled create", err, storage.ErrNotFound)
	_, err = f.s.PageComments(ctx, "blog", "post-1")
	wantErr(t, "PageComments with a cancelled context", err, context.Canceled)
}
