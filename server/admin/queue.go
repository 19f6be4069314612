package admin

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// tabs of the moderation queue, in display order.
var tabs = []struct{ ID, Label string }{
	{"pending", "Pending"}, {"flagged", "Flagged"}, {"spam", "Spam"}, {"deleted", "Recently deleted"}, {"approved", "Published"},
}

// queueLimit caps the rows shown at once; filters narrow the rest down.
const queueLimit = 200

type queueRow struct {
	C       storage.Comment
	Link    string // the comment in context on its page
	Flags   []storage.Flag
	Reasons map[string]int
}

type tabView struct {
	ID, Label string
	Count     int
	Current   bool
}

type queueView struct {
	Tabs   []tabView
	Tab    string
	Rows   []queueRow
	Total  int // rows matching the filters
	First  int // 1-based number of the first row shown
	Last   int
	Next   string // the next rows' URL, if there are more
	Page   string
	Author string
	Q      string
	Order  string
	Back   string
}

// queue lists the comments of one tab, filtered and sorted, with counts on
// every tab.
func (h *Handler) queue(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	v := queueView{Tab: c.Query("tab", "pending"), Page: c.Query("page"), Author: c.Query("author"), Q: c.Query("q"), Order: c.Query("order", "newest")}
	v.Back = string(c.Request().URI().RequestURI())
	lists := map[string][]queueRow{}
	for _, t := range tabs {
		rows, err := h.tabRows(ctx, site.ID, t.ID)
		if err != nil {
			return err
		}
		lists[t.ID] = rows
		v.Tabs = append(v.Tabs, tabView{ID: t.ID, Label: t.Label, Count: len(rows), Current: t.ID == v.Tab})
	}
	rows, ok := lists[v.Tab]
	if !ok {
		return errNotFound
	}
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
		if p.URL != "" {
			r.Link = p.URL + "#parley-" + r.C.ID
		}
	}
	v.Rows = rows
	return h.render(c, "queue", "Moderation queue", v)
}

// tabRows loads one tab's comments, oldest first.
func (h *Handler) tabRows(ctx context.Context, siteID, tab string) ([]queueRow, error) {
	if tab == "flagged" {
		flagged, err := h.store.FlaggedComments(ctx, siteID)
		if err != nil {
			return nil, err
		}
		rows := make([]queueRow, 0, len(flagged))
		for _, f := range flagged {
			r := queueRow{C: f.Comment, Flags: f.Flags, Reasons: map[string]int{}}
			for _, fl := range f.Flags {
				r.Reasons[fl.Reason]++
			}
			rows = append(rows, r)
		}
		return rows, nil
	}
	comments, err := h.store.CommentsByStatus(ctx, siteID, storage.Status(tab))
	if err != nil {
		return nil, err
	}
	rows := make([]queueRow, len(comments))
	for i, c := range comments {
		rows[i] = queueRow{C: c}
	}
	return rows, nil
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
