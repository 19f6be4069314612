// Package storetest is the conformance suite every storage.Store backend
// must pass. A backend's own test calls Run with a function that opens a
// fresh, empty store:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storage.Store {
//			s, err := mybackend.Open(t.TempDir())
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// The suite checks behaviour through the interface only, with real values:
// what a method documents in storage.go is what a subtest asserts.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

// Run runs the conformance suite against the stores open returns. open must
// return a new, empty store for each call; Run closes it when the subtest
// that opened it ends.
func Run(t *testing.T, open func(t *testing.T) storage.Store) {
	t.Run("Sites", func(t *testing.T) { testSites(t, open) })
	t.Run("Pages", func(t *testing.T) { testPages(t, open) })
	t.Run("Comments", func(t *testing.T) { testComments(t, open) })
	t.Run("Parents", func(t *testing.T) { testParents(t, open) })
	t.Run("Tenancy", func(t *testing.T) { testTenancy(t, open) })
	t.Run("UpdateComment", func(t *testing.T) { testUpdateComment(t, open) })
	t.Run("Indexes", func(t *testing.T) { testIndexes(t, open) })
	t.Run("Votes", func(t *testing.T) { testVotes(t, open) })
	t.Run("PageVersion", func(t *testing.T) { testPageVersion(t, open) })
	t.Run("Secret", func(t *testing.T) { testSecret(t, open) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, open) })
	t.Run("Context", func(t *testing.T) { testContext(t, open) })
	t.Run("Users", func(t *testing.T) { testUsers(t, open) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open) })
	t.Run("Bans", func(t *testing.T) { testBans(t, open) })
	t.Run("Flags", func(t *testing.T) { testFlags(t, open) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, open) })
	t.Run("DeleteSite", func(t *testing.T) { testDeleteSite(t, open) })
	t.Run("Pinned", func(t *testing.T) { testPinned(t, open) })
	t.Run("AddressVotes", func(t *testing.T) { testAddressVotes(t, open) })
	t.Run("AddressFlags", func(t *testing.T) { testAddressFlags(t, open) })
	t.Run("Fingerprints", func(t *testing.T) { testFingerprints(t, open) })
	t.Run("HoldReasons", func(t *testing.T) { testHoldReasons(t, open) })
	t.Run("PagesPaged", func(t *testing.T) { testPagesPaged(t, open) })
	t.Run("ModerationSettings", func(t *testing.T) { testModerationSettings(t, open) })
	t.Run("RecentComments", func(t *testing.T) { testRecentComments(t, open) })
	t.Run("NotifyFields", func(t *testing.T) { testNotifyFields(t, open) })
	t.Run("Enqueue", func(t *testing.T) { testEnqueue(t, open) })
	t.Run("ClaimMessages", func(t *testing.T) { testClaimMessages(t, open) })
	t.Run("ClaimConcurrent", func(t *testing.T) { testClaimConcurrent(t, open) })
	t.Run("FinishAttempt", func(t *testing.T) { testFinishAttempt(t, open) })
	t.Run("SiteMessages", func(t *testing.T) { testSiteMessages(t, open) })
	t.Run("PruneMessages", func(t *testing.T) { testPruneMessages(t, open) })
	t.Run("Subscribers", func(t *testing.T) { testSubscribers(t, open) })
	t.Run("DeleteSiteOutbox", func(t *testing.T) { testDeleteSiteOutbox(t, open) })
	t.Run("ImportComments", func(t *testing.T) { testImportComments(t, open) })
	t.Run("PurgeComments", func(t *testing.T) { testPurgeComments(t, open) })
	t.Run("SiteVotes", func(t *testing.T) { testSiteVotes(t, open) })
	t.Run("AwaitingReply", func(t *testing.T) { testAwaitingReply(t, open) })
	t.Run("Readers", func(t *testing.T) { testReaders(t, open) })
	t.Run("Verifications", func(t *testing.T) { testVerifications(t, open) })
	t.Run("VerifiedAuthors", func(t *testing.T) { testVerifiedAuthors(t, open) })
}

// fixture is one open store plus helpers that fail the test on error.
type fixture struct {
	t   *testing.T
	ctx context.Context
	s   storage.Store
}

// newFixture opens a store for t and closes it when t ends.
func newFixture(t *testing.T, open func(t *testing.T) storage.Store) *fixture {
	t.Helper()
	s := open(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &fixture{t: t, ctx: context.Background(), s: s}
}

// site creates a site with default settings.
func (f *fixture) site(id string) storage.Site {
	f.t.Helper()
	site := storage.Site{
		ID:       id,
		Name:     "Site " + id,
		OwnerID:  "owner-" + id,
		Origins:  []string{"https://" + id + ".example"},
		Settings: storage.DefaultSiteSettings(),
		Created:  now(),
	}
	if err := f.s.CreateSite(f.ctx, site); err != nil {
		f.t.Fatalf("CreateSite(%q): %v", id, err)
	}
	return site
}

// newComment builds an approved comment with a fresh UUIDv7 id; it does not
// store it.
func newComment(site, page string) storage.Comment {
	id := uuid.Must(uuid.NewV7()).String()
	return storage.Comment{
		ID:       id,
		SiteID:   site,
		PageKey:  page,
		Author:   storage.Author{Name: "Ada", Affiliation: "Analytical Engines", Website: "https://ada.example", Email: "ada@example.com"},
		Markdown: "Hello *" + id + "*",
		HTML:     "<p>Hello <em>" + id + "</em></p>",
		Created:  now(),
		Status:   storage.StatusApproved,
		// Hashes are opaque strings to the store.
		ReaderHash: "reader-1",
		IPHash:     "ip-1",
	}
}

// commentID is a UUIDv7 made now but carrying created's timestamp, as a
// comment imported or seeded with an earlier date gets.
func commentID(created time.Time) string {
	id := uuid.Must(uuid.NewV7())
	ms := uint64(created.UnixMilli())
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	return id.String()
}

// comment stores a comment built by newComment after applying edit (if
// any).
func (f *fixture) comment(site, page string, edit func(*storage.Comment)) storage.Comment {
	f.t.Helper()
	c := newComment(site, page)
	if edit != nil {
		edit(&c)
	}
	if err := f.s.CreateComment(f.ctx, c, pageOf(c)); err != nil {
		f.t.Fatalf("CreateComment(%s/%s): %v", site, page, err)
	}
	return c
}

// pageOf is the page argument a server would pass with c.
func pageOf(c storage.Comment) storage.Page {
	return storage.Page{SiteID: c.SiteID, Key: c.PageKey, URL: "https://" + c.SiteID + ".example/" + c.PageKey, Title: "Title of " + c.PageKey}
}

// now is the current time at microsecond precision, which every reasonable
// backend (including SQL databases) can store exactly.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// wantErr fails unless errors.Is(err, target).
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}

// must fails the test now if err is not nil.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// diffComment describes how got differs from want ("" if equal). Times are
// compared as instants, whatever their location.
func diffComment(got, want storage.Comment) string {
	return diffTimed(got, want, func(c *storage.Comment) []*time.Time { return []*time.Time{&c.Created, &c.Edited} })
}

// diffSite is diffComment for sites.
func diffSite(got, want storage.Site) string {
	return diffTimed(got, want, func(s *storage.Site) []*time.Time { return []*time.Time{&s.Created} })
}

// diffTimed describes how got differs from want ("" if it does not): the
// fields times points at are compared as instants (a store may give back
// another location or monotonic reading), the rest as values.
func diffTimed[T any](got, want T, times func(*T) []*time.Time) string {
	g, w := times(&got), times(&want)
	for i := range g {
		if !g[i].Equal(*w[i]) {
			return fmt.Sprintf("time %d: got %v, want %v", i, *g[i], *w[i])
		}
		*g[i], *w[i] = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("got  %+v\nwant %+v", got, want)
	}
	return ""
}

// ids lists the ids of comments in order.
func ids(cs []storage.Comment) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// count returns a page's count via Page, failing the test on error.
func (f *fixture) count(site, page string) int {
	f.t.Helper()
	p, err := f.s.Page(f.ctx, site, page)
	must(f.t, "Page", err)
	return p.Count
}

// hasID reports whether cs contains a comment with id.
func hasID(cs []storage.Comment, id string) bool {
	return slices.ContainsFunc(cs, func(c storage.Comment) bool { return c.ID == id })
}
