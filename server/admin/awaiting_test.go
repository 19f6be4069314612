package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

// awaitingRows are the ids of the cards on the awaiting tab, in order, as
// user sees them.
func (e *env) awaitingRows(user string) (ids []string, body string) {
	e.t.Helper()
	a := e.do(call{method: "GET", path: "/admin/sites/blog/queue?tab=awaiting", user: user})
	if a.status != http.StatusOK {
		e.t.Fatalf("the awaiting tab: status %d", a.status)
	}
	for _, m := range regexp.MustCompile(`<tr id="c-([0-9a-f-]+)" class="item">`).FindAllStringSubmatch(a.body, -1) {
		ids = append(ids, m[1])
	}
	return ids, a.body
}

// The awaiting tab lists the readers' approved comments no staff member
// has answered, oldest first, each with a reply box and "No reply needed";
// a staff reply or a dismissal takes a comment off, the dismissal is in
// the audit log, and the dashboard and the tab count what is left.
func TestAwaitingReply(t *testing.T) {
	e := newEnv(t, false)
	// e.live (approved) awaits; e.pending does not until approved.
	second := e.comment("blog", storage.StatusApproved)
	third := e.comment("blog", storage.StatusApproved)
	// A reader's reply awaits a reply too.
	reply := storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: "blog", PageKey: "p", ParentID: second.ID,
		Status: storage.StatusApproved, Author: storage.Author{Name: "Replier"}, Markdown: "me too", HTML: "<p>me too</p>",
		Created: e.clock.Now(), ReaderHash: "reader-2"}
	e.must(e.store.CreateComment(e.ctx, reply, storage.Page{}))
	want := []string{e.live.ID, second.ID, third.ID, reply.ID}

	got, body := e.awaitingRows("alice")
	if !slices.Equal(got, want) {
		t.Fatalf("the awaiting tab lists %v, want %v (oldest first)", got, want)
	}
	if !strings.Contains(body, `Awaiting your reply <span class="count">(4)</span>`) {
		t.Error("the tab label does not count the awaiting comments")
	}
	if strings.Contains(body, e.pending.ID) || strings.Contains(body, e.foreign.ID) {
		t.Error("the tab lists a pending comment or another site's")
	}
	// Each card: the comment as readers see it, its page's title linked,
	// its author and date, a reply box posting the reply route back to
	// the tab, and "No reply needed".
	row := regexp.MustCompile(`(?s)<tr id="c-` + e.live.ID + `".*?</tr>`).FindString(body)
	for _, part := range []string{
		`<div class="body rendered"><p>hello</p></div>`,
		`<a href="https://blog.example/p" rel="noopener noreferrer" target="_blank">P</a>`,
		`<strong>Reader</strong>`,
		`<textarea id="reply-body-` + e.live.ID + `" name="body" rows="3" required form="reply-` + e.live.ID + `"></textarea>`,
		`<button type="submit" form="reply-` + e.live.ID + `">Reply</button>`,
		`form="quick-noreply" name="id" value="` + e.live.ID + `"`,
	} {
		if !strings.Contains(row, part) {
			t.Errorf("the card lacks %s:\n%s", part, row)
		}
	}
	replyForm := regexp.MustCompile(`(?s)<form method="post" action="/admin/sites/blog/comments/` + e.live.ID + `/reply" id="reply-` + e.live.ID + `"[^>]*>.*?</form>`).FindString(body)
	if !strings.Contains(replyForm, `name="csrf" value="csrf-alice"`) || !strings.Contains(replyForm, `name="back" value="/admin/sites/blog/queue?tab=awaiting"`) {
		t.Errorf("the reply form: %q", replyForm)
	}
	dash := e.do(call{method: "GET", path: "/admin/", user: "alice"})
	if !strings.Contains(dash.body, `<a href="/admin/sites/blog/queue?tab=awaiting">4 awaiting your reply</a>`) {
		t.Errorf("the dashboard does not count the awaiting comments: %s", dash.body)
	}

	// A staff reply from the tab: published with the owner's badge, the
	// parent answered, back to the tab.
	a := e.do(call{method: "POST", path: "/admin/sites/blog/comments/" + e.live.ID + "/reply", user: "alice",
		form: url.Values{"body": {"Thanks for *asking*."}, "back": {"/admin/sites/blog/queue?tab=awaiting"}}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/admin/sites/blog/queue?tab=awaiting&ok=replied" {
		t.Fatalf("reply: %d to %q", a.status, a.header.Get("Location"))
	}
	cs, err := e.store.PageComments(e.ctx, "blog", "p")
	e.must(err)
	staff := cs[len(cs)-1]
	if staff.ParentID != e.live.ID || staff.Author.Badge != storage.BadgeOwner || staff.Status != storage.StatusApproved {
		t.Errorf("the reply: %+v", staff)
	}
	if c, _ := e.store.Comment(e.ctx, "blog", e.live.ID); !c.Answered {
		t.Error("the replied-to comment is not answered")
	}
	if got, _ := e.awaitingRows("alice"); !slices.Equal(got, want[1:]) {
		t.Errorf("after the reply the tab lists %v, want %v", got, want[1:])
	}

	// A moderator dismisses one ("No reply needed"), which is audited.
	a = e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "mia",
		form: url.Values{"action": {"noreply"}, "id": {second.ID}, "back": {"/admin/sites/blog/queue?tab=awaiting"}}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/admin/sites/blog/queue?tab=awaiting&ok=done" {
		t.Fatalf("no reply needed: %d to %q", a.status, a.header.Get("Location"))
	}
	if c, _ := e.store.Comment(e.ctx, "blog", second.ID); !c.Answered || c.Status != storage.StatusApproved {
		t.Errorf("the dismissed comment: answered %v, status %s", c.Answered, c.Status)
	}
	log, err := e.store.Audit(e.ctx, "blog", 1)
	e.must(err)
	if len(log) != 1 || log[0].Action != "no-reply-needed" || log[0].CommentID != second.ID || log[0].Actor != "mia" || log[0].PageKey != "p" {
		t.Errorf("the audit log: %+v", log)
	}
	// A moderator replies too, with the moderator's badge.
	a = e.do(call{method: "POST", path: "/admin/sites/blog/comments/" + third.ID + "/reply", user: "mia",
		form: url.Values{"body": {"On it."}, "back": {"/admin/sites/blog/queue?tab=awaiting"}}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("the moderator's reply: %d", a.status)
	}
	cs, _ = e.store.PageComments(e.ctx, "blog", "p")
	if last := cs[len(cs)-1]; last.ParentID != third.ID || last.Author.Badge != storage.BadgeModerator {
		t.Errorf("the moderator's reply: %+v", last)
	}
	got, body = e.awaitingRows("mia")
	if !slices.Equal(got, []string{reply.ID}) || !strings.Contains(body, `Awaiting your reply <span class="count">(1)</span>`) {
		t.Errorf("the moderator sees %v", got)
	}
	// The bulk bar dismisses many at once; approving a pending comment
	// puts it on the list.
	e.must(e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "alice",
		form: url.Values{"action": {"approve"}, "id": {e.pending.ID}}}).err())
	if got, _ := e.awaitingRows("alice"); !slices.Equal(got, []string{e.pending.ID, reply.ID}) {
		t.Errorf("after approving the pending comment the tab lists %v", got)
	}
	e.must(e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "alice",
		form: url.Values{"action": {"noreply"}, "id": {e.pending.ID, reply.ID}}}).err())
	if got, body := e.awaitingRows("alice"); len(got) != 0 || !strings.Contains(body, "Nothing in “Awaiting your reply”") {
		t.Errorf("after the bulk dismissal the tab lists %v", got)
	}
	dash = e.do(call{method: "GET", path: "/admin/", user: "alice"})
	if strings.Contains(dash.body, "awaiting your reply</a>") {
		t.Error("the dashboard still links awaiting comments")
	}
}

// Another site's comments are never listed, counted or dismissed.
func TestAwaitingReplyTenancy(t *testing.T) {
	e := newEnv(t, false)
	if got, _ := e.awaitingRows("alice"); !slices.Equal(got, []string{e.live.ID}) {
		t.Errorf("blog's tab lists %v, want only %s", got, e.live.ID)
	}
	// bob, owner of other, sees other's comment on other's tab only.
	a := e.do(call{method: "GET", path: "/admin/sites/other/queue?tab=awaiting", user: "bob"})
	if !strings.Contains(a.body, e.foreign.ID) || strings.Contains(a.body, e.live.ID) {
		t.Error("other's tab does not list exactly other's comment")
	}
	if a := e.do(call{method: "GET", path: "/admin/sites/blog/queue?tab=awaiting", user: "bob"}); a.status != http.StatusForbidden {
		t.Errorf("bob on blog's tab: %d", a.status)
	}
	dash := e.do(call{method: "GET", path: "/admin/", user: "alice"})
	if !strings.Contains(dash.body, `<a href="/admin/sites/blog/queue?tab=awaiting">1 awaiting your reply</a>`) || strings.Contains(dash.body, "/admin/sites/other/") {
		t.Errorf("alice's dashboard: %s", dash.body)
	}
	// Dismissing or replying to other's comment through blog fails and
	// changes nothing.
	before := e.snapshot()
	if a := e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "alice",
		form: url.Values{"action": {"noreply"}, "id": {e.foreign.ID}}}); a.status < 400 {
		t.Errorf("dismissing another site's comment: %d", a.status)
	}
	if a := e.do(call{method: "POST", path: "/admin/sites/blog/comments/" + e.foreign.ID + "/reply", user: "alice",
		form: url.Values{"body": {"hi"}, "back": {"/admin/sites/blog/queue?tab=awaiting"}}}); a.status < 400 {
		t.Errorf("replying to another site's comment: %d", a.status)
	}
	if e.snapshot() != before {
		t.Error("the store changed")
	}
	if c, _ := e.store.Comment(e.ctx, "other", e.foreign.ID); c.Answered {
		t.Error("other's comment was answered through blog")
	}
}
