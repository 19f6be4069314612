package server

import (
	"cmp"
	"slices"
	"time"

	"github.com/parley-dev/parley/storage"
)

// commentView is a comment as the public API shows it. It never carries the
// author's e-mail, the reader hash or the IP hash.
type commentView struct {
	ID            string         `json:"id"`
	Parent        string         `json:"parent,omitempty"`
	Author        authorView     `json:"author"`
	HTML          string         `json:"html"`
	Created       time.Time      `json:"created"`
	Edited        time.Time      `json:"edited,omitzero"`
	Score         int            `json:"score"`
	Deleted       bool           `json:"deleted,omitempty"`
	Pinned        bool           `json:"pinned,omitempty"`
	Mine          bool           `json:"mine,omitempty"`
	Markdown      string         `json:"markdown,omitempty"` // the source, for the author's edit form
	Status        storage.Status `json:"status,omitempty"`
	EditableUntil time.Time      `json:"editable_until,omitzero"`
	Vote          int            `json:"vote,omitempty"`
}

type authorView struct {
	Name        string        `json:"name"`
	Affiliation string        `json:"affiliation,omitempty"`
	Website     string        `json:"website,omitempty"`
	Badge       storage.Badge `json:"badge,omitempty"`
}

// viewer is what the thread needs to know about the caller.
type viewer struct {
	readerHash string
	votes      map[string]int
	editWindow time.Duration
}

// view maps a stored comment to its public form for v.
func (v viewer) view(c *storage.Comment) commentView {
	cv := commentView{
		ID: c.ID, Parent: c.ParentID, HTML: c.HTML, Created: c.Created, Edited: c.Edited, Score: c.Score, Pinned: c.Pinned,
		Author: authorView{Name: c.Author.Name, Affiliation: c.Author.Affiliation, Website: c.Author.Website, Badge: c.Author.Badge},
		Vote:   v.votes[c.ID],
	}
	if v.owns(c) {
		cv.Mine = true
		cv.Markdown = c.Markdown
		cv.Status = c.Status
		cv.EditableUntil = c.Created.Add(v.editWindow)
	}
	return cv
}

func (v viewer) owns(c *storage.Comment) bool {
	return v.readerHash != "" && c.ReaderHash == v.readerHash
}

// visible reports whether v may read c: approved comments, and the reader's
// own comments still awaiting moderation.
func (v viewer) visible(c *storage.Comment) bool {
	return c.Status == storage.StatusApproved || (c.Status == storage.StatusPending && v.owns(c))
}

// placeholder is what stands in for a hidden comment that still has visible
// replies, so the thread keeps its shape without showing what was removed.
func placeholder(c *storage.Comment) commentView {
	return commentView{ID: c.ID, Parent: c.ParentID, Created: c.Created, Deleted: true}
}

// sortOrder is how a thread's top-level comments are ordered.
type sortOrder string

const (
	sortOldest sortOrder = "oldest"
	sortNewest sortOrder = "newest"
	sortTop    sortOrder = "top"
)

// thread is a page's discussion in display order: top-level comments in the
// chosen order, each followed depth-first by its replies, oldest first.
type thread struct {
	roots   [][]commentView // each root with its reply subtree
	visible int             // comments shown, not counting placeholders
}

// buildThread arranges a page's comments (any order, any status) for v in
// O(n log n): a map from parent to children, one reverse pass to find which
// hidden comments still have visible replies, and one depth-first walk.
func buildThread(comments []storage.Comment, v viewer, order sortOrder) thread {
	byID := make(map[string]int, len(comments))
	for i := range comments {
		byID[comments[i].ID] = i
	}
	children := make(map[string][]int, len(comments))
	var roots []int
	for i := range comments {
		c := &comments[i]
		if c.ParentID == "" {
			roots = append(roots, i)
		} else if _, ok := byID[c.ParentID]; ok {
			children[c.ParentID] = append(children[c.ParentID], i)
		} // a reply whose parent is gone cannot be placed, so it is left out
	}
	byCreated := func(a, b int) int {
		return cmp.Or(comments[a].Created.Compare(comments[b].Created), cmp.Compare(comments[a].ID, comments[b].ID))
	}
	for _, kids := range children {
		slices.SortFunc(kids, byCreated)
	}

	// Pre-order puts every parent before its replies; walking it backwards
	// settles each reply before its parent.
	pre := make([]int, 0, len(comments))
	stack := slices.Clone(roots)
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		pre = append(pre, i)
		kids := children[comments[i].ID]
		for k := len(kids) - 1; k >= 0; k-- {
			stack = append(stack, kids[k])
		}
	}
	shown := make([]bool, len(comments))
	for k := len(pre) - 1; k >= 0; k-- {
		i := pre[k]
		if shown[i] || v.visible(&comments[i]) {
			shown[i] = true
			if p, ok := byID[comments[i].ParentID]; ok {
				shown[p] = true
			}
		}
	}

	sortRoots(roots, comments, order, byCreated)
	var t thread
	for _, r := range roots {
		if !shown[r] {
			continue
		}
		var group []commentView
		stack = append(stack[:0], r)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			c := &comments[i]
			if v.visible(c) {
				group = append(group, v.view(c))
				t.visible++
			} else {
				group = append(group, placeholder(c))
			}
			kids := children[c.ID]
			for k := len(kids) - 1; k >= 0; k-- {
				if shown[kids[k]] {
					stack = append(stack, kids[k])
				}
			}
		}
		t.roots = append(t.roots, group)
	}
	return t
}

// sortRoots orders top-level comments: pinned ones first (a moderator's
// choice beats any sort), then by the reader's chosen order.
func sortRoots(roots []int, comments []storage.Comment, order sortOrder, byCreated func(a, b int) int) {
	pinned := func(a, b int) int {
		switch {
		case comments[a].Pinned == comments[b].Pinned:
			return 0
		case comments[a].Pinned:
			return -1
		}
		return 1
	}
	switch order {
	case sortNewest:
		slices.SortFunc(roots, func(a, b int) int { return cmp.Or(pinned(a, b), byCreated(b, a)) })
	case sortTop:
		slices.SortFunc(roots, func(a, b int) int {
			return cmp.Or(pinned(a, b), cmp.Compare(comments[b].Score, comments[a].Score), byCreated(a, b))
		})
	default:
		slices.SortFunc(roots, func(a, b int) int { return cmp.Or(pinned(a, b), byCreated(a, b)) })
	}
}

// page returns the comments [offset, offset+limit) of the thread in
// display order, and the offset of the next page or -1 when there is none.
func (t thread) page(offset, limit int) ([]commentView, int) {
	out := []commentView{}
	pos := 0
	for _, g := range t.roots {
		if pos+len(g) <= offset {
			pos += len(g)
			continue
		}
		for _, cv := range g[max(offset-pos, 0):] {
			if len(out) == limit {
				return out, offset + limit
			}
			out = append(out, cv)
		}
		pos += len(g)
	}
	return out, -1
}
