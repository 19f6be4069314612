package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parley-dev/parley/storage"
)

// bulkButtons are the labels of the bulk bar's buttons, and the
// destructive ones among them.
func bulkButtons(t *testing.T, body string) (labels, danger []string) {
	t.Helper()
	bar := regexp.MustCompile(`(?s)<div class="actions bulkbar".*?</div>`).FindString(body)
	if bar == "" {
		t.Fatal("no bulk bar")
	}
	for _, m := range regexp.MustCompile(`<button type="submit" name="action" value="[a-z]+"( class="danger")?[^>]*>([^<]+)</button>`).FindAllStringSubmatch(bar, -1) {
		labels = append(labels, m[2])
		if m[1] != "" {
			danger = append(danger, m[2])
		}
	}
	return labels, danger
}

// quickButtons are the labels of one comment's own buttons, with the
// action (form) each submits: "Approve=approve".
func quickButtons(t *testing.T, body, id string) []string {
	t.Helper()
	row := regexp.MustCompile(`(?s)<tr id="c-` + id + `".*?</tr>`).FindString(body)
	if row == "" {
		t.Fatalf("no row for %s", id)
	}
	var out []string
	for _, m := range regexp.MustCompile(`<button type="submit" form="quick-([a-z]+)" name="id" value="`+id+`"( class="danger")?[^>]*>([^<]+)</button>`).FindAllStringSubmatch(row, -1) {
		s := m[3] + "=" + m[1]
		if m[2] != "" {
			s += "!"
		}
		out = append(out, s)
	}
	return out
}

// Each tab offers the actions that fit it, in the bulk bar and on every
// comment; Spam and Delete are marked destructive and ask nothing.
func TestQueueActionsPerTab(t *testing.T) {
	e := newEnv(t, false)
	spam, deleted, pinned := e.comment("blog", storage.StatusSpam), e.comment("blog", storage.StatusDeleted), e.comment("blog", storage.StatusApproved)
	e.must(e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "alice", form: url.Values{"action": {"pin"}, "id": {pinned.ID}}}).err())
	e.must(e.store.AddFlag(e.ctx, storage.Flag{SiteID: "blog", CommentID: e.live.ID, ReaderHash: "r9", Reason: "spam"}))
	for _, tc := range []struct {
		tab, id     string
		bulk, quick string
	}{
		{"pending", e.pending.ID, "Approve Spam Delete", "Approve=approve Spam=spam! Delete=delete!"},
		{"flagged", e.live.ID, "Keep Spam Delete", "Keep=dismiss Spam=spam! Delete=delete!"},
		{"awaiting", e.live.ID, "No reply needed", "No reply needed=noreply"},
		{"spam", spam.ID, "Not spam Delete", "Not spam=approve Delete=delete!"},
		{"deleted", deleted.ID, "Restore", "Restore=restore"},
		{"approved", e.live.ID, "Pin Unpin Spam Delete", "Pin=pin Spam=spam! Delete=delete!"},
		{"approved", pinned.ID, "Pin Unpin Spam Delete", "Unpin=unpin Spam=spam! Delete=delete!"},
	} {
		a := e.do(call{method: "GET", path: "/admin/sites/blog/queue?tab=" + tc.tab, user: "mia"})
		labels, danger := bulkButtons(t, a.body)
		if got := strings.Join(labels, " "); got != tc.bulk {
			t.Errorf("%s: bulk actions %q, want %q", tc.tab, got, tc.bulk)
		}
		for _, d := range danger {
			if d != "Spam" && d != "Delete" {
				t.Errorf("%s: %s looks destructive", tc.tab, d)
			}
		}
		if got := strings.Join(quickButtons(t, a.body, tc.id), " "); got != tc.quick {
			t.Errorf("%s: a comment's actions %q, want %q", tc.tab, got, tc.quick)
		}
		// Every action a card offers has its form, which posts the bulk
		// endpoint with the CSRF token and comes back to this tab.
		for _, q := range quickButtons(t, a.body, tc.id) {
			action := strings.TrimSuffix(q[strings.Index(q, "=")+1:], "!")
			form := regexp.MustCompile(`(?s)<form method="post" action="/admin/sites/blog/comments" id="quick-` + action + `"[^>]*>.*?</form>`).FindString(a.body)
			if !strings.Contains(form, `name="csrf" value="csrf-mia"`) || !strings.Contains(form, `name="action" value="`+action+`"`) ||
				!strings.Contains(form, `name="back" value="/admin/sites/blog/queue?tab=`+tc.tab+`"`) {
				t.Errorf("%s: the form of %s: %q", tc.tab, action, form)
			}
		}
		if strings.Contains(a.body, "data-confirm") {
			t.Errorf("%s: the queue asks for confirmation", tc.tab)
		}
	}
	// What a card's button sends: the action of its form, its comment's id.
	a := e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "mia",
		form: url.Values{"action": {"approve"}, "id": {e.pending.ID}, "back": {"/admin/sites/blog/queue?tab=pending"}}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/admin/sites/blog/queue?tab=pending&ok=done" {
		t.Errorf("quick approve: %d to %q", a.status, a.header.Get("Location"))
	}
	status(t, e, e.pending.ID, storage.StatusApproved)
	if a := e.do(call{method: "GET", path: "/admin/sites/blog/queue?tab=pending", user: "mia"}); strings.Contains(a.body, e.pending.ID) {
		t.Error("the approved comment is still on the pending tab")
	}
}

// The queue shows each comment as readers see it (its stored HTML), on
// every tab, its page by title, and one summary of its reports.
func TestQueueShowsCommentsAsReadersSeeThem(t *testing.T) {
	e := newEnv(t, false)
	_, err := e.store.UpdateComment(e.ctx, "blog", e.live.ID, func(c *storage.Comment) error {
		c.Markdown = "*raw markdown* <script>alert(1)</script>"
		c.HTML = `<p><em>rendered</em> <a href="https://example.com/x" rel="nofollow ugc">link</a></p>`
		return nil
	})
	e.must(err)
	for i, reason := range []string{"spam", "off-topic", "spam"} {
		e.must(e.store.AddFlag(e.ctx, storage.Flag{SiteID: "blog", CommentID: e.live.ID, ReaderHash: "r" + string(rune('a'+i)), Reason: reason, Note: map[int]string{1: "not about the post"}[i]}))
	}
	for _, tab := range []string{"approved", "flagged"} {
		a := e.do(call{method: "GET", path: "/admin/sites/blog/queue?tab=" + tab, user: "alice"})
		if !strings.Contains(a.body, `<div class="body rendered"><p><em>rendered</em> <a href="https://example.com/x" rel="nofollow ugc">link</a></p></div>`) {
			t.Errorf("%s: the comment is not shown as rendered: %s", tab, a.body)
		}
		if strings.Contains(a.body, "raw markdown") || strings.Contains(a.body, "<script>alert") {
			t.Errorf("%s: the queue shows the Markdown", tab)
		}
		if n := strings.Count(a.body, "Reported "); n != 1 || !strings.Contains(a.body, `<p class="flags">Reported 3 times: spam ×2, off-topic</p>`) {
			t.Errorf("%s: %d flag summaries: %s", tab, n, a.body)
		}
		if !strings.Contains(a.body, "“not about the post”") {
			t.Errorf("%s: the flagger's note is missing", tab)
		}
		if !strings.Contains(a.body, `<a href="https://blog.example/p" rel="noopener noreferrer" target="_blank">P</a>`) {
			t.Errorf("%s: the page is not shown by its title, linked", tab)
		}
	}
	// The comment page too.
	a := e.do(call{method: "GET", path: "/admin/sites/blog/comments/" + e.live.ID, user: "alice"})
	if !strings.Contains(a.body, `<div class="card rendered"><p><em>rendered</em>`) || !strings.Contains(a.body, "Reported 3 times: spam ×2, off-topic") ||
		!strings.Contains(a.body, `<a href="https://blog.example/p" rel="noopener noreferrer" target="_blank">P</a>`) {
		t.Errorf("comment page: %s", a.body)
	}
	if !strings.Contains(a.body, `value="dismiss"`) || !strings.Contains(a.body, `value="spam" class="danger"`) {
		t.Error("the comment page lacks Keep or a destructive Spam")
	}
	// A page without a title goes by its key.
	e.must(e.store.CreateComment(e.ctx, storage.Comment{ID: "01900000-0000-7000-8000-000000000001", SiteID: "blog", PageKey: "untitled-key", Status: storage.StatusPending,
		Markdown: "x", HTML: "<p>x</p>", Created: e.clock.Now()}, storage.Page{URL: "https://blog.example/u"}))
	a = e.do(call{method: "GET", path: "/admin/sites/blog/queue?tab=pending", user: "alice"})
	if !strings.Contains(a.body, `<a href="https://blog.example/u" rel="noopener noreferrer" target="_blank">untitled-key</a>`) {
		t.Errorf("an untitled page: %s", a.body)
	}
}

// A ban from a comment keeps who was banned; the Bans page shows it, and
// who banned; both ban forms offer the same lengths.
func TestBanShowsWhoWasBanned(t *testing.T) {
	e := newEnv(t, false)
	long := strings.Repeat("word ", 60)
	_, err := e.store.UpdateComment(e.ctx, "blog", e.live.ID, func(c *storage.Comment) error { c.Markdown = "Nasty\n\ntext " + long; return nil })
	e.must(err)
	a := e.do(call{method: "POST", path: "/admin/sites/blog/comments/" + e.live.ID + "/ban", user: "mia", form: url.Values{"kind": {"reader"}, "days": {"30"}}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("ban: %d %s", a.status, a.body)
	}
	bans, err := e.store.Bans(e.ctx, "blog", e.clock.Now())
	e.must(err)
	if len(bans) != 1 {
		t.Fatalf("bans: %+v", bans)
	}
	b := bans[0]
	if b.AuthorName != "Reader" || b.PageKey != "p" || b.CommentID != e.live.ID || b.By != "mia" ||
		!strings.HasPrefix(b.Excerpt, "Nasty text word word") || !strings.HasSuffix(b.Excerpt, "…") || len([]rune(b.Excerpt)) > 141 {
		t.Errorf("ban %+v", b)
	}
	page := e.do(call{method: "GET", path: "/admin/sites/blog/bans", user: "alice"})
	for _, want := range []string{"<strong>Reader</strong>", `<q class="excerpt">Nasty text word`,
		`<a href="/admin/sites/blog/comments/` + e.live.ID + `">the comment</a> on <a href="https://blog.example/p"`,
		`<th scope="col">Banned by</th>`, `<td data-label="Banned by">mia<br>`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("bans page lacks %q: %s", want, page.body)
		}
	}
	// A ban typed in has no comment: it shows its value only.
	e.do(call{method: "POST", path: "/admin/sites/blog/bans", user: "alice", form: url.Values{"kind": {"email"}, "value": {"x@example.com"}, "days": {"7"}}})
	page = e.do(call{method: "GET", path: "/admin/sites/blog/bans", user: "alice"})
	if !strings.Contains(page.body, `<td data-label="Who" class="who-banned"><code class="token" title="x@example.com">x@example.com</code></td>`) {
		t.Errorf("a typed-in ban: %s", page.body)
	}
	// The same lengths, the same default, on both forms.
	sel := regexp.MustCompile(`(?s)<select id="ban-days" name="days">.*?</select>`)
	onBans := sel.FindString(page.body)
	onComment := sel.FindString(e.do(call{method: "GET", path: "/admin/sites/blog/comments/" + e.pending.ID, user: "alice"}).body)
	if onBans == "" || onBans != onComment || !strings.Contains(onBans, `<option value="30" selected>30 days</option>`) {
		t.Errorf("ban lengths differ:\nbans page:    %s\ncomment page: %s", onBans, onComment)
	}
}

// A settings change says in the audit log what it changed, without the
// addresses only the owner may see; comment entries link to the comment.
func TestAuditSaysWhatChanged(t *testing.T) {
	e := newEnv(t, false)
	form := url.Values{"name": {"Blog"}, "origins": {blogOrigin}, "moderation": {"all"}, "edit_window": {"15"}, "max_length": {"10000"},
		"close_after_days": {"0"}, "allow_links": {"on"}, "max_links": {"5"}, "min_submit_time": {"3"}, "duplicate_window": {"24"}, "notify_mode": {"all"}}
	save := func(f url.Values) string {
		t.Helper()
		if a := e.do(call{method: "POST", path: "/admin/sites/blog/settings", user: "alice", form: f}); a.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", a.status, a.body)
		}
		log, _ := e.store.Audit(e.ctx, "blog", 1)
		if len(log) != 1 || log[0].Action != "settings" {
			t.Fatalf("audit: %+v", log)
		}
		return log[0].Note
	}
	if got := save(form); got != "moderation: none → all; max links: 2 → 5" {
		t.Errorf("first change: %q", got)
	}
	if got := save(form); got != "nothing changed" {
		t.Errorf("same again: %q", got)
	}
	form.Set("check_url", "https://spam.example/check?key=SECRET")
	form.Set("suspect_words", "casino\nfree money")
	form.Set("max_links", "")
	got := save(form)
	if got != "suspect words: added “casino”, “free money”; max links: 5 → no limit; spam check URL: set; signing secret: made" {
		t.Errorf("third change: %q", got)
	}
	page := e.do(call{method: "GET", path: "/admin/sites/blog/audit", user: "mia"})
	if !strings.Contains(page.body, `<span class="changes">moderation: none → all; max links: 2 → 5</span>`) || strings.Contains(page.body, "SECRET") {
		t.Errorf("audit page: %s", page.body)
	}
	// A comment's entry links to its admin page, named by its page.
	e.do(call{method: "POST", path: "/admin/sites/blog/comments", user: "mia", form: url.Values{"action": {"approve"}, "id": {e.pending.ID}}})
	page = e.do(call{method: "GET", path: "/admin/sites/blog/audit", user: "mia"})
	if !strings.Contains(page.body, `<a href="/admin/sites/blog/comments/`+e.pending.ID+`">Comment on P</a>`) {
		t.Errorf("no link to the comment: %s", page.body)
	}
}

// Reader text in the new places (ban excerpts, names, flag notes) is
// escaped; only a comment's stored HTML goes in as HTML.
func TestNewFieldsEscaped(t *testing.T) {
	e := newEnv(t, false)
	_, err := e.store.UpdateComment(e.ctx, "blog", e.live.ID, func(c *storage.Comment) error {
		c.Author.Name = `<img src=x onerror=alert(1)>`
		c.Markdown = `<script>alert(2)</script>`
		return nil
	})
	e.must(err)
	e.must(e.store.AddFlag(e.ctx, storage.Flag{SiteID: "blog", CommentID: e.live.ID, ReaderHash: "r9", Reason: "<b>x</b>", Note: "<i>note</i>"}))
	e.do(call{method: "POST", path: "/admin/sites/blog/comments/" + e.live.ID + "/ban", user: "alice", form: url.Values{"kind": {"reader"}, "days": {"1"}}})
	for _, p := range []string{"/admin/sites/blog/bans", "/admin/sites/blog/queue?tab=flagged", "/admin/sites/blog/comments/" + e.live.ID} {
		body := e.do(call{method: "GET", path: p, user: "alice"}).body
		for _, bad := range []string{"<img src=x", "<script>alert", "<b>x</b>", "<i>note</i>"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s carries %q unescaped", p, bad)
			}
		}
	}
}

func (a answer) err() error {
	if a.status >= 400 {
		return &statusError{a.status}
	}
	return nil
}

type statusError struct{ status int }

func (s *statusError) Error() string { return http.StatusText(s.status) }
