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
	Verified    bool          `json:"verified,omitempty"`
	Avatar      string        `json:"avatar,omitempty"`
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
		Author: authorView{Name: c.Author.Name, Affiliation: c.Author.Affiliation, Website: c.Author.Website, Badge: c.Author.Badge,
			Verified: c.Author.Verified, Avatar: c.Author.Avatar},
		Vote: v.votes[c.ID],
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

// arrangement is a page's comments laid out for one viewer in display
// order: the top-level comments that show, oldest first (pinned ones
// before the rest), each followed depth-first by its replies, oldest
// first. A hidden comment shows, as a placeholder, when it has visible
// replies. Other sort orders reorder the groups, never what is inside
// one.
type arrangement struct {
	items  []int32 // indexes into the comments, in display order
	groups []int32 // where each top-level comment's group starts in items, then len(items)
}

// arrange lays out comments (any order, any status) for v in O(n log n):
// each comment's parent found by id, the children of each comment in one
// shared slice, one reverse pass over the pre-order to find which hidden
// comments still have visible replies, and one depth-first walk.
func arrange(comments []storage.Comment, v viewer) arrangement {
	n := len(comments)
	find := commentFinder(comments)
	// parent[i] is i's parent, -1 for a top-level comment and -2 for a
	// reply whose parent is gone: it cannot be placed, so it is left out.
	parent := make([]int32, n)
	// Children are kept as one slice, each comment's after the previous
	// comment's: first[i] is where i's start.
	first := make([]int32, n+1)
	var roots []int32
	for i := range comments {
		if comments[i].ParentID == "" {
			parent[i] = -1
			roots = append(roots, int32(i))
		} else if p, ok := find(comments[i].ParentID); ok {
			parent[i] = int32(p)
			first[p+1]++
		} else {
			parent[i] = -2
		}
	}
	for i := range n {
		first[i+1] += first[i]
	}
	kids := make([]int32, first[n])
	fill := slices.Clone(first[:n])
	for i, p := range parent {
		if p >= 0 {
			kids[fill[p]] = int32(i)
			fill[p]++
		}
	}
	byCreated := func(a, b int32) int {
		return cmp.Or(comments[a].Created.Compare(comments[b].Created), cmp.Compare(comments[a].ID, comments[b].ID))
	}
	for i := range n {
		if ks := kids[first[i]:first[i+1]]; len(ks) > 1 && !slices.IsSortedFunc(ks, byCreated) {
			slices.SortFunc(ks, byCreated)
		}
	}
	children := func(i int32) []int32 { return kids[first[i]:first[i+1]] }

	// Pre-order puts every parent before its replies; walking it backwards
	// settles each reply before its parent.
	pre := make([]int32, 0, n)
	stack := slices.Clone(roots)
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		pre = append(pre, i)
		ks := children(i)
		for k := len(ks) - 1; k >= 0; k-- {
			stack = append(stack, ks[k])
		}
	}
	shown := make([]bool, n)
	for k := len(pre) - 1; k >= 0; k-- {
		i := pre[k]
		if shown[i] || v.visible(&comments[i]) {
			shown[i] = true
			if p := parent[i]; p >= 0 {
				shown[p] = true
			}
		}
	}

	roots = slices.DeleteFunc(roots, func(r int32) bool { return !shown[r] })
	oldest := compareRoots(sortOldest)
	if !slices.IsSortedFunc(roots, func(a, b int32) int { return oldest(keyOf(&comments[a]), keyOf(&comments[b])) }) {
		slices.SortFunc(roots, func(a, b int32) int { return oldest(keyOf(&comments[a]), keyOf(&comments[b])) })
	}
	a := arrangement{items: pre[:0], groups: make([]int32, 0, len(roots)+1)} // pre is read no more
	for _, r := range roots {
		a.groups = append(a.groups, int32(len(a.items)))
		stack = append(stack[:0], r)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			a.items = append(a.items, i)
			ks := children(i)
			for k := len(ks) - 1; k >= 0; k-- {
				if shown[ks[k]] {
					stack = append(stack, ks[k])
				}
			}
		}
	}
	a.groups = append(a.groups, int32(len(a.items)))
	return a
}

// commentFinder returns a lookup of comments by id. The store lists a
// page's comments in id order, where a binary search needs no map; any
// other order gets a map (the last of equal ids wins).
func commentFinder(comments []storage.Comment) func(id string) (int, bool) {
	sorted := true
	for i := 1; i < len(comments) && sorted; i++ {
		sorted = comments[i-1].ID < comments[i].ID
	}
	if sorted {
		return func(id string) (int, bool) {
			return slices.BinarySearchFunc(comments, id, func(c storage.Comment, id string) int { return cmp.Compare(c.ID, id) })
		}
	}
	byID := make(map[string]int, len(comments))
	for i := range comments {
		byID[comments[i].ID] = i
	}
	return func(id string) (int, bool) {
		i, ok := byID[id]
		return i, ok
	}
}

// rootKey is what top-level comments are sorted by.
type rootKey struct {
	created time.Time
	id      string
	score   int
	pinned  bool
}

func keyOf(c *storage.Comment) rootKey {
	return rootKey{created: c.Created, id: c.ID, score: c.Score, pinned: c.Pinned}
}

// compareRoots orders top-level comments: pinned ones first (a
// moderator's choice beats any sort), then by the reader's chosen order;
// creation time and then id settle ties, so the order is total.
func compareRoots(order sortOrder) func(a, b rootKey) int {
	byCreated := func(a, b rootKey) int { return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.id, b.id)) }
	pinned := func(a, b rootKey) int {
		switch {
		case a.pinned == b.pinned:
			return 0
		case a.pinned:
			return -1
		}
		return 1
	}
	switch order {
	case sortNewest:
		return func(a, b rootKey) int { return cmp.Or(pinned(a, b), byCreated(b, a)) }
	case sortTop:
		return func(a, b rootKey) int { return cmp.Or(pinned(a, b), cmp.Compare(b.score, a.score), byCreated(a, b)) }
	}
	return func(a, b rootKey) int { return cmp.Or(pinned(a, b), byCreated(a, b)) }
}

// groupOrder returns the order of the groups whose roots have keys for a
// sort order, or nil for the order they were arranged in (oldest).
func groupOrder(keys []rootKey, order sortOrder) []int32 {
	if order != sortNewest && order != sortTop {
		return nil
	}
	perm := make([]int32, len(keys))
	for g := range perm {
		perm[g] = int32(g)
	}
	compare := compareRoots(order)
	slices.SortFunc(perm, func(a, b int32) int { return compare(keys[a], keys[b]) })
	return perm
}

// window calls fn with the runs of consecutive items, [from, to), that
// make up items [offset, offset+limit) of a thread in display order, the
// groups taken in order (nil: as arranged). It returns the offset of the
// next page, or -1 when there is none.
func window(groups, order []int32, offset, limit int, fn func(from, to int32)) int {
	total := int(groups[len(groups)-1])
	end := min(offset+limit, total)
	if order == nil {
		if offset < end {
			fn(int32(offset), int32(end))
		}
	} else {
		pos := 0
		for _, g := range order {
			if pos >= end {
				break
			}
			from, to := int(groups[g]), int(groups[g+1])
			if pos+to-from > offset {
				fn(int32(from+max(offset-pos, 0)), int32(from+min(end-pos, to-from)))
			}
			pos += to - from
		}
	}
	if total > offset+limit {
		return offset + limit
	}
	return -1
}

// threadItem is c as v sees it in a thread: its view when visible, else
// a placeholder (arrange only places hidden comments that have visible
// replies).
func (v viewer) threadItem(c *storage.Comment) (cv commentView, visible bool) {
	if v.visible(c) {
		return v.view(c), true
	}
	return placeholder(c), false
}
