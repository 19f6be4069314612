package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// The tests here hold the thread tree and the hand-written JSON to what
// the server answered before they existed: json.Marshal of a threadAnswer
// whose comments came from the buildThread below (kept here as the
// reference, as it was) and its page method.

type refThread struct {
	roots   [][]commentView
	visible int
}

func refBuildThread(comments []storage.Comment, v viewer, order sortOrder) refThread {
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
		}
	}
	byCreated := func(a, b int) int {
		return cmp.Or(comments[a].Created.Compare(comments[b].Created), cmp.Compare(comments[a].ID, comments[b].ID))
	}
	for _, kids := range children {
		slices.SortFunc(kids, byCreated)
	}
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
	var t refThread
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

func (t refThread) page(offset, limit int) ([]commentView, int) {
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

// refAnswer is the reference body of one answer.
func refAnswer(t *testing.T, comments []storage.Comment, v viewer, order sortOrder, offset, limit int, pv pageView, set publicSettings) []byte {
	t.Helper()
	th := refBuildThread(comments, v, order)
	list, next := th.page(offset, limit)
	ans := threadAnswer{Page: pv, Settings: set, Comments: list, Total: th.visible}
	if next >= 0 {
		ans.NextCursor = encodeCursor(next)
	}
	b, err := json.Marshal(ans)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// nastyString is a random string of the characters JSON escaping is
// about: HTML, quotes, control characters, U+2028 and U+2029, invalid
// UTF-8, and some ordinary text.
func nastyString(r *rand.Rand) string {
	pieces := []string{"a", "Zürich ", "日本語", "😀", "<p>", "</p>", "&amp;", "&", ">", "<", `"`, `\`, "/",
		"\n", "\r", "\t", "\b", "\f", "\x00", "\x01", "\x1f", "\x7f", "\u2028", "\u2029", "\xff", "\xc3", "\xe2\x80",
		"\u00e9", "\ufffd", "' ", "<script>alert(1)</script>", "https://example.com/?a=1&b=2"}
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

func randomTime(r *rand.Rand) time.Time {
	switch r.IntN(6) {
	case 0:
		return time.Time{}
	case 1:
		return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	case 2:
		return time.Date(1+r.IntN(9998), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1e9), time.UTC)
	case 3:
		return time.Unix(0, r.Int64N(4e18)).In(time.FixedZone("", (r.IntN(48)-24)*1800))
	}
	return time.Unix(1.7e9+r.Int64N(1e8), r.Int64N(1e9)).UTC()
}

func randomView(r *rand.Rand) commentView {
	maybe := func(s string) string {
		if r.IntN(2) == 0 {
			return ""
		}
		return s
	}
	return commentView{
		ID: nastyString(r), Parent: maybe(nastyString(r)),
		Author: authorView{Name: nastyString(r), Affiliation: maybe(nastyString(r)), Website: maybe(nastyString(r)),
			Badge: storage.Badge(maybe(nastyString(r))), Verified: r.IntN(2) == 0, Avatar: maybe(nastyString(r))},
		HTML: nastyString(r), Created: randomTime(r), Edited: randomTime(r), Score: r.IntN(2001) - 1000,
		Deleted: r.IntN(2) == 0, Pinned: r.IntN(2) == 0, Mine: r.IntN(2) == 0, Markdown: maybe(nastyString(r)),
		Status: storage.Status(maybe(nastyString(r))), EditableUntil: randomTime(r), Vote: r.IntN(3) - 1,
	}
}

func TestAppendCommentViewMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 20_000 {
		cv := randomView(r)
		want, err := json.Marshal(cv)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendCommentView([]byte("prefix"), &cv)
		if err != nil {
			t.Fatalf("view %d: %v", i, err)
		}
		if !bytes.Equal(got[len("prefix"):], want) {
			t.Fatalf("view %d:\n got %s\nwant %s", i, got[len("prefix"):], want)
		}
	}
	// Every single byte and a run of code points, alone in a string.
	for c := range 256 {
		s := string([]byte{byte(c)})
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("byte %#x: got %s, want %s", c, got, want)
		}
	}
	for c := rune(0); c < 0x3000; c++ {
		s := "x" + string(c) + "y"
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("rune %U: got %s, want %s", c, got, want)
		}
	}
	// Times RFC 3339 cannot write fail, as they fail json.Marshal.
	for _, tm := range []time.Time{
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600)),
	} {
		cv := commentView{Created: tm}
		if _, err := json.Marshal(cv); err == nil {
			t.Fatalf("%v: json.Marshal did not fail", tm)
		}
		if _, err := appendCommentView(nil, &cv); err == nil {
			t.Errorf("%v: appendCommentView did not fail", tm)
		}
	}
}

// randomPage is a page of n comments in a random shape: replies to
// random earlier comments and to comments not on the page, every status,
// pinned ones, scores, creation times that tie, and the reader's own.
func randomPage(r *rand.Rand, n int, reader string) []storage.Comment {
	statuses := []storage.Status{storage.StatusApproved, storage.StatusApproved, storage.StatusApproved,
		storage.StatusPending, storage.StatusSpam, storage.StatusDeleted}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	comments := make([]storage.Comment, n)
	for i := range comments {
		c := &comments[i]
		c.ID = fmt.Sprintf("%08d-%04x", i, r.IntN(1<<16))
		c.Created = base.Add(time.Duration(r.IntN(n+1)) * time.Minute) // ties happen
		switch k := r.IntN(10); {
		case i > 0 && k < 5:
			c.ParentID = comments[r.IntN(i)].ID
		case k == 5:
			c.ParentID = "gone"
		}
		c.Status = statuses[r.IntN(len(statuses))]
		c.Pinned = r.IntN(15) == 0
		c.Score = r.IntN(5) - 1
		c.Author = storage.Author{Name: nastyString(r), Website: nastyString(r), Email: "secret@example.com"}
		c.HTML, c.Markdown = "<p>"+nastyString(r)+"</p>", nastyString(r)
		if r.IntN(4) == 0 {
			c.Edited = c.Created.Add(time.Hour)
		}
		if r.IntN(5) == 0 {
			c.ReaderHash = reader
		}
	}
	return comments
}

// TestThreadTreeMatchesReference compares every answer the tree makes, in
// every order and at every cursor, and the answers of readers with a
// token, with the reference.
func TestThreadTreeMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	pv := pageView{Key: "p<&>", Title: "Title \u2028", URL: "https://example.com/?a&b", Count: 3, Version: 9}
	set := publicSettings{EditWindow: 900, MaxLength: 5000, MaxDepth: 3, Moderation: storage.ModerationMode("none")}
	for round := range 300 {
		n := r.IntN(60)
		if round%50 == 0 {
			n = 400
		}
		comments := randomPage(r, n, "me")
		if round%3 == 0 { // the store lists by id; other sources may not
			r.Shuffle(len(comments), func(i, j int) { comments[i], comments[j] = comments[j], comments[i] })
		}
		tree := newThreadTree(comments)
		if round%2 == 0 {
			tree.detach()
		}
		me := viewer{readerHash: "me", editWindow: 15 * time.Minute, votes: map[string]int{}}
		for _, c := range comments {
			if r.IntN(4) == 0 {
				me.votes[c.ID] = 1 - 2*r.IntN(2)
			}
		}
		for _, order := range []sortOrder{sortOldest, sortNewest, sortTop} {
			for _, limit := range []int{1, 3, 7, 200} {
				for offset := 0; offset <= tree.items()+limit; offset += max(1, limit-r.IntN(2)) {
					want := refAnswer(t, comments, viewer{}, order, offset, limit, pv, set)
					got, _ := appendAnswerHead(nil, pv, set)
					got, next, err := tree.appendPage(got, order, offset, limit)
					if err != nil {
						t.Fatal(err)
					}
					got = appendAnswerTail(got, tree.visible, next)
					if !bytes.Equal(got, want) {
						t.Fatalf("round %d, %s, offset %d, limit %d:\n got %s\nwant %s", round, order, offset, limit, got, want)
					}
					want = refAnswer(t, comments, me, order, offset, limit, pv, set)
					got, _ = appendAnswerHead(nil, pv, set)
					got, visible, next, err := appendThreadFor(got, comments, me, order, offset, limit)
					if err != nil {
						t.Fatal(err)
					}
					got = appendAnswerTail(got, visible, next)
					if !bytes.Equal(got, want) {
						t.Fatalf("round %d, reader, %s, offset %d, limit %d:\n got %s\nwant %s", round, order, offset, limit, got, want)
					}
				}
			}
		}
	}
}

// benchComments is a page of n typical comments, as the store lists them.
func benchComments(n int) []storage.Comment {
	comments := make([]storage.Comment, n)
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range comments {
		c := &comments[i]
		c.ID = fmt.Sprintf("0194a3b2-%04x-7000-8000-%012x", i, i)
		if i%5 == 4 {
			c.ParentID = comments[i-1].ID
		}
		c.Author = storage.Author{Name: fmt.Sprint("Reader ", i%37), Affiliation: "Somewhere"}
		c.HTML = fmt.Sprintf("<p>Comment %d with <em>some</em> Markdown, a <a href=\"https://example.com/%d\" rel=\"nofollow ugc noopener\">link</a> and two\nlines of text that make it a typical length for a blog comment.</p>\n", i, i)
		c.Markdown = "the source"
		c.Created = base.Add(time.Duration(i) * time.Minute)
		c.Status = storage.StatusApproved
	}
	return comments
}

// BenchmarkNewThreadTree1000 arranges and encodes a 1,000-comment page.
func BenchmarkNewThreadTree1000(b *testing.B) {
	comments := benchComments(1000)
	for b.Loop() {
		newThreadTree(comments).detach()
	}
}

// BenchmarkReferenceThread1000 is what a miss did before the tree: build
// the thread of a 1,000-comment page and encode its first 200 comments.
func BenchmarkReferenceThread1000(b *testing.B) {
	comments := benchComments(1000)
	for b.Loop() {
		list, _ := refBuildThread(comments, viewer{}, sortOldest).page(0, 200)
		if _, err := json.Marshal(list); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncode200 compares the hand-written JSON of 200 comments with
// encoding/json's.
func BenchmarkEncode200(b *testing.B) {
	comments := benchComments(200)
	views := make([]commentView, len(comments))
	for i := range comments {
		views[i] = viewer{}.view(&comments[i])
	}
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(views); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = buf[:0]
			for i := range views {
				buf, _ = appendCommentView(buf, &views[i])
			}
		}
	})
}

// TestCommentViewFieldsAreAllWritten: appendCommentView writes commentView
// and authorView field by field; a field added to either must be added
// there too, or answers would silently lack it.
func TestCommentViewFieldsAreAllWritten(t *testing.T) {
	for _, c := range []struct {
		v    any
		want []string
	}{
		{commentView{}, []string{"id", "parent", "author", "html", "created", "edited", "score", "deleted", "pinned", "mine", "markdown", "status", "editable_until", "vote"}},
		{authorView{}, []string{"name", "affiliation", "website", "badge", "verified", "avatar"}},
	} {
		typ := reflect.TypeOf(c.v)
		var got []string
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			got = append(got, name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s has the JSON fields %v; appendCommentView writes %v: update it (and this list)", typ.Name(), got, c.want)
		}
	}
}
