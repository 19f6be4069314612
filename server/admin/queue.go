package admin

import (
	"cmp"
	"context"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// tabs of the moderation queue, in display order.
var tabs = []struct{ ID, Label string }{
	{"pending", "Pending"}, {"flagged", "Flagged"}, {"awaiting", "Awaiting your reply"},
	{"spam", "Spam"}, {"deleted", "Recently deleted"}, {"approved", "Published"},
}

// awaitingLimit caps the comments the awaiting tab reads (oldest first);
// its count is the store's total, however many there are.
const awaitingLimit = 1000

// queueLimit caps the rows shown at once; filters narrow the rest down.
const queueLimit = 200

// queueAction is one moderation action offered on a queue tab, for the
// selected comments and on each comment's card. Danger marks the ones that
// take a comment off the page (they look destructive but ask nothing: a
// deleted or spam comment is one click away from coming back).
type queueAction struct {
	Value, Label string
	Title        string // what the button does, when the label is short for it
	Danger       bool
}

var (
	actApprove = queueAction{Value: "approve", Label: "Approve"}
	actNotSpam = queueAction{Value: "approve", Label: "Not spam", Title: "Publish the comment"}
	actSpam    = queueAction{Value: "spam", Label: "Spam", Danger: true}
	actDelete  = queueAction{Value: "delete", Label: "Delete", Danger: true}
	actRestore = queueAction{Value: "restore", Label: "Restore"}
	actPin     = queueAction{Value: "pin", Label: "Pin"}
	actUnpin   = queueAction{Value: "unpin", Label: "Unpin"}
	actKeep    = queueAction{Value: "dismiss", Label: "Keep", Title: "Keep the comment and dismiss its reports"}
	actNoReply = queueAction{Value: "noreply", Label: "No reply needed", Title: "Take the comment off this list without replying"}
)

// tabActions are the actions that make sense on each tab, all of them
// actions of the bulk endpoint (act).
var tabActions = map[string][]queueAction{
	"pending":  {actApprove, actSpam, actDelete},
	"flagged":  {actKeep, actSpam, actDelete},
	"awaiting": {actNoReply},
	"spam":     {actNotSpam, actDelete},
	"deleted":  {actRestore},
	"approved": {actPin, actUnpin, actSpam, actDelete},
}

// rowActions are the quick actions on one comment's card: the tab's, with
// only the one of pin and unpin that applies.
func rowActions(tab string, c storage.Comment) []queueAction {
	var out []queueAction
	for _, a := range tabActions[tab] {
		if (a == actPin && c.Pinned) || (a == actUnpin && !c.Pinned) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// quickForms are the distinct actions of a tab, each with the id of the
// one small form that its buttons on the cards submit (with the comment's
// id as the button's value).
func quickForms(tab string) []queueAction {
	var out []queueAction
	for _, a := range tabActions[tab] {
		if !slices.ContainsFunc(out, func(b queueAction) bool { return b.Value == a.Value }) {
			out = append(out, a)
		}
	}
	return out
}

type queueRow struct {
	C         storage.Comment
	Body      template.HTML // the comment as readers see it
	Link      string        // the comment in context on its page
	PageTitle string        // the page's title, else its key
	PageURL   string
	Flags     []storage.Flag
	Report    string   // one summary of the flags: "Reported 3 times: spam ×2, off-topic"
	Notes     []string // what the flaggers wrote
	Actions   []queueAction
}

type tabView struct {
	ID, Label string
	Count     int
	Current   bool
}

type queueView struct {
	Tabs    []tabView
	Tab     string
	Label   string // the current tab's
	Rows    []queueRow
	Actions []queueAction // for the selected comments
	Quick   []queueAction // one form per distinct action
	Total   int           // rows matching the filters
	First   int           // 1-based number of the first row shown
	Last    int
	Next    string // the next rows' URL, if there are more
	Page    string
	Author  string
	Q       string
	Order   string
	Back    string
}

// queue lists the comments of one tab, filtered and sorted, with counts on
// every tab.
func (h *Handler) queue(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	v := queueView{Tab: c.Query("tab", "pending"), Page: c.Query("page"), Author: c.Query("author"), Q: c.Query("q")}
	order := "newest"
	if v.Tab == "awaiting" {
		order = "oldest" // a to-do list: who has waited longest comes first
	}
	v.Order = c.Query("order", order)
	v.Back = string(c.Request().URI().RequestURI())
	lists := map[string][]queueRow{}
	flagged := map[string]queueRow{}
	for _, t := range tabs {
		rows, count, err := h.tabRows(ctx, site.ID, t.ID, t.ID == v.Tab)
		if err != nil {
			return err
		}
		lists[t.ID] = rows
		if t.ID == "flagged" {
			for _, r := range rows {
				flagged[r.C.ID] = r
			}
		}
		v.Tabs = append(v.Tabs, tabView{ID: t.ID, Label: t.Label, Count: count, Current: t.ID == v.Tab})
		if t.ID == v.Tab {
			v.Label = t.Label
		}
	}
	rows, ok := lists[v.Tab]
	if !ok {
		return errNotFound
	}
	v.Actions, v.Quick = tabActions[v.Tab], quickForms(v.Tab)
	rows = filterRows(rows, v.Page, v.Author, v.Q)
	if v.Order != "oldest" {
		slices.Reverse(rows)
	}
	v.Total = len(rows)
	from, err := strconv.Atoi(c.Query("from", "0"))
	if err != nil || from < 0 {
		from = 0
	}
	from = min(from, len(rows))
	rows = rows[from:min(from+queueLimit, len(rows))]
	v.First, v.Last = min(from+1, v.Total), from+len(rows)
	if v.Last < v.Total {
		q := c.Request().URI().QueryArgs()
		q.Set("from", strconv.Itoa(v.Last))
		v.Next = "/admin/sites/" + site.ID + "/queue?" + q.String()
	}
	pages := map[string]storage.Page{}
	for i := range rows {
		r := &rows[i]
		p, ok := pages[r.C.PageKey]
		if !ok {
			p, _ = h.store.Page(ctx, site.ID, r.C.PageKey)
			pages[r.C.PageKey] = p
		}
		r.PageTitle, r.PageURL = cmp.Or(p.Title, r.C.PageKey), p.URL
		if p.URL != "" {
			r.Link = p.URL + "#parley-" + r.C.ID
		}
		// A comment reported by readers says so on every tab.
		if f, ok := flagged[r.C.ID]; ok && r.Flags == nil {
			r.Flags, r.Report, r.Notes = f.Flags, f.Report, f.Notes
		}
		r.Body = storedHTML(r.C)
		r.Actions = rowActions(v.Tab, r.C)
	}
	v.Rows = rows
	return h.render(c, "queue", "Moderation queue", v)
}

// tabRows loads one tab's comments, oldest first, and counts them. The
// awaiting tab's comments are only read when it is shown (current);
// otherwise only its count is.
func (h *Handler) tabRows(ctx context.Context, siteID, tab string, current bool) ([]queueRow, int, error) {
	switch tab {
	case "awaiting":
		limit := 0
		if current {
			limit = awaitingLimit
		}
		comments, total, err := h.store.AwaitingReply(ctx, siteID, limit)
		if err != nil {
			return nil, 0, err
		}
		rows := make([]queueRow, len(comments))
		for i, c := range comments {
			rows[i] = queueRow{C: c}
		}
		return rows, total, nil
	case "flagged":
		flagged, err := h.store.FlaggedComments(ctx, siteID)
		if err != nil {
			return nil, 0, err
		}
		rows := make([]queueRow, 0, len(flagged))
		for _, f := range flagged {
			r := queueRow{C: f.Comment, Flags: f.Flags}
			r.Report, r.Notes = flagReport(f.Flags)
			rows = append(rows, r)
		}
		return rows, len(rows), nil
	}
	comments, err := h.store.CommentsByStatus(ctx, siteID, storage.Status(tab))
	if err != nil {
		return nil, 0, err
	}
	rows := make([]queueRow, len(comments))
	for i, c := range comments {
		rows[i] = queueRow{C: c}
	}
	return rows, len(rows), nil
}

// filterRows keeps the rows of page (exact key), by author (name or e-mail,
// any case) and containing q in their text (any case).
func filterRows(rows []queueRow, page, author, q string) []queueRow {
	author, q = strings.ToLower(strings.TrimSpace(author)), strings.ToLower(strings.TrimSpace(q))
	out := rows[:0:0]
	for _, r := range rows {
		switch {
		case page != "" && r.C.PageKey != page:
		case author != "" && !strings.Contains(strings.ToLower(r.C.Author.Name), author) && !strings.Contains(strings.ToLower(r.C.Author.Email), author):
		case q != "" && !strings.Contains(strings.ToLower(r.C.Markdown), q):
		default:
			out = append(out, r)
		}
	}
	return out
}

// flagReport sums a comment's flags up in one line, the commonest reason
// first ("Reported 3 times: spam ×2, off-topic"), and lists the notes the
// flaggers wrote.
func flagReport(flags []storage.Flag) (string, []string) {
	if len(flags) == 0 {
		return "", nil
	}
	count := map[string]int{}
	var reasons, notes []string
	for _, f := range flags {
		r := cmp.Or(f.Reason, "other")
		if count[r] == 0 {
			reasons = append(reasons, r)
		}
		count[r]++
		if n := strings.TrimSpace(f.Note); n != "" {
			notes = append(notes, n)
		}
	}
	slices.SortStableFunc(reasons, func(a, b string) int { return cmp.Compare(count[b], count[a]) })
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = r
		if n := count[r]; n > 1 {
			parts[i] += " ×" + strconv.Itoa(n)
		}
	}
	times := "once"
	if len(flags) > 1 {
		times = strconv.Itoa(len(flags)) + " times"
	}
	return "Reported " + times + ": " + strings.Join(parts, ", "), notes
}

// storedHTML is a comment's body as readers see it: the HTML that posting
// rendered and sanitized when the comment was written (or edited), as
// stored. Nothing else may be turned into template.HTML here.
func storedHTML(c storage.Comment) template.HTML {
	return template.HTML(c.HTML) //nolint:gosec // sanitized on write
}
