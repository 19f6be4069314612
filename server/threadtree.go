package server

import (
	"hash/maphash"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/parley-dev/parley/storage"
)

// threadTree is a page version's thread as readers without a token see
// it, ready to be cut into answers: every comment it shows, placeholders
// included, as a commentView in display order, oldest first, with where
// each top-level comment's group starts. The thread cache keeps it for a page
// too long for one answer, so that each cursor request of the version
// slices it and encodes its own window instead of reading and arranging
// the whole page again. Other orders move whole groups, so they are a
// permutation of the groups, made on first use.
type threadTree struct {
	views  []commentView
	groups []int32 // where each group starts in views, then len(views)
	// ranks are what the groups' top-level comments sort by besides
	// their time and id, which their views have; a placeholder's view
	// shows neither.
	ranks   []rootRank
	visible int // comments shown, not counting placeholders
	// detached: the views' strings are the tree's own (see detach).
	detached bool
	// authors are the keys (authorKey) of the readers who wrote any of
	// the page's comments, whatever their status, sorted: a reader with a
	// token who is not among them, and votes on none of the comments, sees
	// exactly what readers without a token see.
	authors []uint64

	newest, top lazyOrder
}

type rootRank struct {
	score  int
	pinned bool
}

type lazyOrder struct {
	once  sync.Once
	order []int32
}

// newThreadTree arranges comments for readers without a token. Its views
// point into the comments' strings until detach.
func newThreadTree(comments []storage.Comment) *threadTree {
	a := arrange(comments, viewer{})
	t := &threadTree{views: make([]commentView, len(a.items)), groups: a.groups, ranks: make([]rootRank, len(a.groups)-1)}
	for k, i := range a.items {
		var visible bool
		if t.views[k], visible = (viewer{}).threadItem(&comments[i]); visible {
			t.visible++
		}
	}
	for g := range t.ranks {
		c := &comments[a.items[a.groups[g]]]
		t.ranks[g] = rootRank{score: c.Score, pinned: c.Pinned}
	}
	for i := range comments {
		if h := comments[i].ReaderHash; h != "" {
			t.authors = append(t.authors, authorKey(h))
		}
	}
	slices.Sort(t.authors)
	t.authors = slices.Clip(slices.Compact(t.authors))
	return t
}

// authorKey is a reader hash in 8 bytes. A reader whose key is a page
// author's without being theirs gets an answer made for them alone: the
// same thread, for a store read.
func authorKey(readerHash string) uint64 { return maphash.String(authorSeed, readerHash) }

var authorSeed = maphash.MakeSeed()

// detach copies the views' strings into one string of the tree's own. A
// decoded comment's strings all point into its whole record (Markdown,
// e-mail and hashes included), which a cached tree must not keep alive.
func (t *threadTree) detach() {
	if t.detached {
		return
	}
	t.detached = true
	n := 0
	for i := range t.views {
		for _, s := range viewStrings(&t.views[i]) {
			n += len(*s)
		}
	}
	var b strings.Builder
	b.Grow(n)
	for i := range t.views {
		for _, s := range viewStrings(&t.views[i]) {
			b.WriteString(*s)
		}
	}
	all, pos := b.String(), 0
	for i := range t.views {
		for _, s := range viewStrings(&t.views[i]) {
			*s = all[pos : pos+len(*s)]
			pos += len(*s)
		}
	}
}

// viewStrings are the strings of a view of a reader without a token (the
// others stay empty).
func viewStrings(v *commentView) [7]*string {
	return [7]*string{&v.ID, &v.Parent, &v.Author.Name, &v.Author.Affiliation, &v.Author.Website,
		(*string)(&v.Author.Badge), &v.HTML}
}

// size approximates a detached tree's memory: its views and their
// strings, the groups and their two orders, and a fixed part.
func (t *threadTree) size() int {
	const fixed = 200
	n := fixed + int(unsafe.Sizeof(commentView{}))*cap(t.views) + int(unsafe.Sizeof(rootRank{}))*cap(t.ranks) +
		4*cap(t.groups) + 2*4*len(t.groups)
	for i := range t.views {
		for _, s := range viewStrings(&t.views[i]) {
			n += len(*s)
		}
	}
	return n
}

// items is how many comments and placeholders the thread has.
func (t *threadTree) items() int { return len(t.views) }

// order returns the order of the groups for o, nil for oldest.
func (t *threadTree) order(o sortOrder) []int32 {
	var l *lazyOrder
	switch o {
	case sortNewest:
		l = &t.newest
	case sortTop:
		l = &t.top
	default:
		return nil
	}
	l.once.Do(func() {
		keys := make([]rootKey, len(t.groups)-1)
		for g := range keys {
			v := &t.views[t.groups[g]]
			keys[g] = rootKey{created: v.Created, id: v.ID, score: t.ranks[g].score, pinned: t.ranks[g].pinned}
		}
		l.order = groupOrder(keys, o)
	})
	return l.order
}

// appendAnswer appends answer k of the tree: pv and set, the window of
// comments, the total and the next cursor.
func (t *threadTree) appendAnswer(b []byte, pv pageView, set publicSettings, k answerKey) ([]byte, error) {
	b, err := appendAnswerHead(b, pv, set)
	if err != nil {
		return nil, err
	}
	b, next, err := t.appendPage(b, k.order, k.offset, k.limit)
	if err != nil {
		return nil, err
	}
	return appendAnswerTail(b, t.visible, next), nil
}

// appendPage appends the JSON of items [offset, offset+limit) in order
// o, comma separated, and returns the offset of the next page or -1.
func (t *threadTree) appendPage(b []byte, o sortOrder, offset, limit int) (_ []byte, next int, err error) {
	first := true
	next = window(t.groups, t.order(o), offset, limit, func(from, to int32) {
		for i := from; i < to && err == nil; i++ {
			if !first {
				b = append(b, ',')
			}
			first = false
			b, err = appendCommentView(b, &t.views[i])
		}
	})
	return b, next, err
}

// appendThreadFor appends items [offset, offset+limit) of comments' thread
// as v sees it, in order o, comma separated: the answer of a reader with a
// token, made for them alone. It returns the comments v sees in the whole
// thread (placeholders not counted) and the offset of the next page or -1.
// It arranges the thread as newThreadTree does, and only makes and
// encodes the views of the page.
func appendThreadFor(b []byte, comments []storage.Comment, v viewer, o sortOrder, offset, limit int) (_ []byte, visible, next int, err error) {
	a := arrange(comments, v)
	keys := make([]rootKey, len(a.groups)-1)
	for g := range keys {
		keys[g] = keyOf(&comments[a.items[a.groups[g]]])
	}
	for _, i := range a.items {
		if v.visible(&comments[i]) {
			visible++
		}
	}
	first := true
	next = window(a.groups, groupOrder(keys, o), offset, limit, func(from, to int32) {
		for _, i := range a.items[from:to] {
			if err != nil {
				return
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			cv, _ := v.threadItem(&comments[i])
			b, err = appendCommentView(b, &cv)
		}
	})
	return b, visible, next, err
}
