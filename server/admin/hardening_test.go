package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parley-dev/parley/storage"
)

// The admin page's findings of the hardening issue.

func TestActionsCheckTheCommentsSite(t *testing.T) {
	e := newEnv(t, false)
	e.must(e.store.AddFlag(e.ctx, storage.Flag{SiteID: "other", CommentID: e.foreign.ID, ReaderHash: "r9", Reason: "spam"}))
	before := e.snapshot()
	for _, action := range []string{"dismiss", "approve", "spam", "delete", "pin"} {
		a := e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "alice", form: url.Values{"action": {action}, "id": {e.foreign.ID}}})
		if a.status != http.StatusUnprocessableEntity {
			t.Errorf("%s of another site's comment: %d, want 422", action, a.status)
		}
	}
	if e.snapshot() != before {
		t.Error("an action on another site's comment changed something")
	}
	if a := e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "alice", form: url.Values{"action": {"approve"}, "id": {"a\x00b"}}}); a.status != http.StatusUnprocessableEntity {
		t.Errorf("an id with a NUL: %d", a.status)
	}
}

func TestSitesPerUserUnderSignup(t *testing.T) {
	e := newEnv(t, true) // the default cap is 10
	for i := range 9 {   // zed owns none; alice owns blog
		a := e.do(call{method: "POST", path: "/admin/sites", user: "alice", form: url.Values{"id": {fmt.Sprintf("extra-%d", i)}}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("site %d: %d", i+2, a.status)
		}
	}
	if a := e.do(call{method: "POST", path: "/admin/sites", user: "alice", form: url.Values{"id": {"one-too-many"}}}); a.status != http.StatusForbidden || !strings.Contains(a.body, "10 sites") {
		t.Errorf("the 11th site: %d", a.status)
	}
	if a := e.do(call{method: "POST", path: "/admin/sites", user: "root", form: url.Values{"id": {"admins-site"}}}); a.status != http.StatusSeeOther {
		t.Errorf("an instance admin's site: %d", a.status)
	}
	// Without sign-up the operator made every user, and there is no cap.
	closed := newEnv(t, false)
	for i := range 11 {
		if a := closed.do(call{method: "POST", path: "/admin/sites", user: "alice", form: url.Values{"id": {fmt.Sprintf("s-%d", i)}}}); a.status != http.StatusSeeOther {
			t.Fatalf("site %d without sign-up: %d", i, a.status)
		}
	}
}

func TestPagesListIsPaged(t *testing.T) {
	e := newEnv(t, false)
	for i := range 150 {
		c := storage.Comment{ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", i), SiteID: "blog", PageKey: fmt.Sprintf("page-%03d", i),
			Status: storage.StatusApproved, Markdown: "x", HTML: "<p>x</p>", Created: e.clock.Now()}
		e.must(e.store.CreateComment(e.ctx, c, storage.Page{Title: "T"}))
	}
	a := e.do(call{method: "GET", path: "/admin/sites/blog/pages", user: "mia"})
	// "p" (the fixture's page) sorts first: the first screen ends at
	// page-098.
	if !strings.Contains(a.body, "page-000") || !strings.Contains(a.body, ">page-098<") || strings.Contains(a.body, ">page-099<") ||
		!strings.Contains(a.body, `href="/admin/sites/blog/pages?after=page-098"`) {
		t.Fatalf("first screen of pages: %d", a.status)
	}
	a = e.do(call{method: "GET", path: "/admin/sites/blog/pages?after=page-098", user: "mia"})
	if strings.Contains(a.body, ">page-098<") || !strings.Contains(a.body, ">page-099<") || !strings.Contains(a.body, ">page-149<") || strings.Contains(a.body, "Next pages") {
		t.Errorf("second screen of pages: %d", a.status)
	}
}

func TestQueueShowsHoldReasonsAndPages(t *testing.T) {
	e := newEnv(t, false)
	_, err := e.store.UpdateComment(e.ctx, "blog", e.pending.ID, func(c *storage.Comment) error {
		c.HoldReasons = []string{"links: 4 links, more than the site's 2", "no_form_token"}
		return nil
	})
	e.must(err)
	for range 250 {
		e.comment("blog", storage.StatusPending)
	}
	a := e.do(call{method: "GET", path: "/admin/sites/blog/queue?order=oldest", user: "mia"})
	if !strings.Contains(a.body, "Held: Many links (4 links, more than the site&#39;s 2); Not sent from the comment form") {
		t.Error("the queue does not show why a comment is held")
	}
	if !strings.Contains(a.body, "Showing 1 to 200 of 251.") || !strings.Contains(a.body, "from=200") {
		t.Errorf("first screen of the queue")
	}
	a = e.do(call{method: "GET", path: "/admin/sites/blog/queue?order=oldest&from=200", user: "mia"})
	if !strings.Contains(a.body, "Showing 201 to 251 of 251.") || strings.Contains(a.body, e.pending.ID) {
		t.Errorf("second screen of the queue")
	}
}
