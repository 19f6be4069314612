package server

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"strconv"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/parley-dev/parley/storage"
)

// Tests of the thread cache's trees and of answers kept compressed.

// walk reads a page's thread through all its cursor pages and returns
// each answer.
func (e *env) walk(token, query string) []resp {
	e.t.Helper()
	var out []resp
	cursor := ""
	for range 100 {
		r := e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?" + query + "&cursor=" + cursor, token: token})
		if r.status != 200 {
			e.t.Fatalf("%s: %d %s", query, r.status, r.body)
		}
		out = append(out, r)
		var th threadAnswer
		r.decode(e.t, &th)
		if cursor = th.NextCursor; cursor == "" {
			return out
		}
	}
	e.t.Fatalf("%s: no end after 100 pages", query)
	return nil
}

// TestCursorPagesShareOneTree checks that every cursor page of a page
// version, in every order, is cut from one read of the page and is byte
// for byte the reference answer (see threadtree_test.go), that a new
// version is read again, and that readers with a token share the answers
// unless they wrote or voted on the page.
func TestCursorPagesShareOneTree(t *testing.T) {
	e := newEnv(t)
	counted := &countingStore{Store: e.store}
	e.store = counted
	e.startServer()
	seedPage(t, e, "big", 450)
	ctx := context.Background()
	// A removed comment with replies stays as a placeholder.
	cs, err := e.store.PageComments(ctx, "blog", "big")
	if err != nil {
		t.Fatal(err)
	}
	var parent string
	for _, c := range cs {
		if c.ParentID != "" {
			parent = c.ParentID
			break
		}
	}
	if _, err := e.store.UpdateComment(ctx, "blog", parent, func(c *storage.Comment) error {
		c.Status = storage.StatusDeleted
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	elsewhere := e.post("", comment("elsewhere", "not on the big page")).ReaderToken

	queries := []string{"page=big", "page=big&sort=newest", "page=big&sort=top", "page=big&limit=50", "page=big&sort=top&limit=37"}
	// check compares each answer of a walk with the reference made from
	// the page's comments as the store has them.
	check := func(q string, walk []resp) {
		t.Helper()
		comments, err := e.store.PageComments(ctx, "blog", "big")
		if err != nil {
			t.Fatal(err)
		}
		order, limit := sortOrder(cmp.Or(e.query(q, "sort"), "oldest")), cmp.Or(e.queryInt(q, "limit"), defaultThreadLimit)
		offset := 0
		for i, r := range walk {
			var th threadAnswer
			r.decode(t, &th)
			if want := refAnswer(t, comments, viewer{}, order, offset, limit, th.Page, th.Settings); !bytes.Equal(r.body, want) {
				t.Fatalf("%s, page %d:\n got %s\nwant %s", q, i, r.body, want)
			}
			if offset, err = decodeCursor(th.NextCursor); err != nil {
				t.Fatal(err)
			}
		}
	}
	reads := counted.pageReads.Load()
	shared := map[string][]resp{}
	for _, q := range queries {
		shared[q] = e.walk("", q)
		again := e.walk(elsewhere, q) // a reader with a token, of nothing here
		for i := range again {
			if !bytes.Equal(again[i].body, shared[q][i].body) {
				t.Fatalf("%s, page %d: a reader who wrote nothing here got another answer", q, i)
			}
		}
	}
	if n := counted.pageReads.Load() - reads; n != 1 {
		t.Errorf("the page was read %d times for all cursor pages of one version, want once", n)
	}
	placeholders := 0
	for _, q := range queries {
		check(q, shared[q])
		for _, r := range shared[q] {
			placeholders += bytes.Count(r.body, []byte(`"deleted":true`))
		}
	}
	if placeholders == 0 {
		t.Error("no placeholder in the answers")
	}

	// A new comment is a new version: read once more, then shared again.
	author := e.post("", comment("big", "a new comment"))
	reads = counted.pageReads.Load()
	for _, q := range queries {
		shared[q] = e.walk("", q)
	}
	if n := counted.pageReads.Load() - reads; n != 1 {
		t.Errorf("after a post the page was read %d times, want once", n)
	}
	var th threadAnswer
	shared["page=big"][0].decode(t, &th)
	if th.Total != 450 { // 450 seeded, one removed, one posted
		t.Errorf("total %d after the post, want 450", th.Total)
	}
	for _, q := range queries {
		check(q, shared[q])
	}

	// Its author sees it as theirs, and a voter their vote: answers of
	// their own, each read from the store.
	voter := e.post("", comment("other", "a voter")).ReaderToken
	if r := e.do(req{method: "PUT", path: "/api/v1/sites/blog/comments/" + author.Comment.ID + "/vote", body: map[string]any{"value": 1}, token: voter}); r.status != 200 {
		t.Fatalf("vote: %d %s", r.status, r.body)
	}
	e.walk("", "page=big") // the new version, cached
	reads = counted.pageReads.Load()
	mine, voted := e.walk(author.ReaderToken, "page=big"), e.walk(voter, "page=big")
	if n := counted.pageReads.Load() - reads; n != int32(len(mine)+len(voted)) {
		t.Errorf("%d page reads for %d answers of their own", n, len(mine)+len(voted))
	}
	if !bytes.Contains(bytes.Join(bodies(mine), nil), []byte(`"mine":true`)) {
		t.Error("the author does not see their comment as theirs")
	}
	if !bytes.Contains(bytes.Join(bodies(voted), nil), []byte(`"vote":1`)) {
		t.Error("the voter does not see their vote")
	}
}

func bodies(rs []resp) [][]byte {
	var out [][]byte
	for _, r := range rs {
		out = append(out, r.body)
	}
	return out
}

// query and queryInt read a parameter of a test's query string.
func (e *env) query(q, name string) string {
	v, err := url.ParseQuery(q)
	if err != nil {
		e.t.Fatal(err)
	}
	return v.Get(name)
}

func (e *env) queryInt(q, name string) int {
	n, _ := strconv.Atoi(e.query(q, name))
	return n
}

// cacheSum adds up what the cache's items count.
func cacheSum(tc *threadCache) int {
	sum := 0
	for el := tc.lru.Front(); el != nil; el = el.Next() {
		switch it := el.Value.(type) {
		case *pageEntry:
			sum += it.size
		case *cachedTree:
			sum += it.size
		}
	}
	return sum
}

// TestThreadCacheTreesWithinBudget checks that a tree counts against the
// budget, serves every window of its version, and is the first to go
// when readers keep reading the page's first answer but stop paging,
// after which a cursor request reads the page again.
func TestThreadCacheTreesWithinBudget(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	big, small := randomPage(r, 600, ""), randomPage(r, 20, "")
	bigTree := newThreadTree(big)
	bigTree.detach()
	budget := bigTree.size() + 60_000
	tc := newThreadCache(budget)
	set := publicSettings{}
	loads := map[string]int{}
	get := func(key string, k answerKey) *encoded {
		t.Helper()
		comments := small
		if key == "big" {
			comments = big
		}
		enc, err := tc.answer(storage.Page{SiteID: "s", Key: key, Version: 1}, set, k, "",
			func() (*threadTree, error) { loads[key]++; return newThreadTree(comments), nil },
			func(b []byte, t *threadTree) ([]byte, error) {
				b, next, err := t.appendPage(b, k.order, k.offset, k.limit)
				return appendAnswerTail(b, t.visible, next), err
			})
		if err != nil {
			t.Fatal(err)
		}
		enc.gzipped()
		return enc
	}
	for _, k := range []answerKey{{sortOldest, 0, 200}, {sortOldest, 200, 200}, {sortNewest, 0, 200}, {sortTop, 200, 200}} {
		get("big", k)
	}
	e := tc.byID[pageID{"s", "big"}]
	if loads["big"] != 1 || e.tree == nil {
		t.Fatalf("%d loads for four windows of one version, tree kept: %v; want one load and the tree", loads["big"], e.tree != nil)
	}
	if want := e.size + entryOverhead + bigTree.size(); tc.size != want || cacheSum(tc) != want {
		t.Errorf("cache counts %d (items %d), want %d: the answers and the tree", tc.size, cacheSum(tc), want)
	}

	for i := range 200 {
		get(fmt.Sprint("small-", i), answerKey{sortOldest, 0, 200})
		get("big", answerKey{sortOldest, 0, 200})
	}
	if tc.byID[pageID{"s", "big"}] != e || e.tree != nil {
		t.Fatalf("big page cached: %v, its tree kept: %v; want its answers without its tree", tc.byID[pageID{"s", "big"}] == e, e.tree != nil)
	}
	if tc.size > budget || tc.size != cacheSum(tc) {
		t.Errorf("cache counts %d, items add up to %d, budget %d", tc.size, cacheSum(tc), budget)
	}
	for key, n := range loads {
		if key != "big" && n != 1 {
			t.Errorf("page %s loaded %d times: a page that fits in one answer needs no tree", key, n)
		}
	}
	enc := get("big", answerKey{sortOldest, 400, 200})
	if loads["big"] != 2 {
		t.Errorf("cursor request after the tree went: %d loads, want 2", loads["big"])
	}
	plain, err := enc.plain()
	if err != nil {
		t.Fatal(err)
	}
	want, next, _ := bigTree.appendPage(nil, sortOldest, 400, 200)
	if want = appendAnswerTail(want, bigTree.visible, next); !bytes.Equal(plain, want) {
		t.Error("the answer from the rebuilt tree differs")
	}
}

// TestThreadAnswersInEveryEncoding reads answers in sequences of
// encodings that make the cache drop the plain body and make it, or a
// second compressed form, again from the first form. Every answer must
// decode to the same JSON under the same ETag, whatever the client
// accepts: sendEncoded makes the plain body only for the clients that
// sendNegotiated sends it to.
func TestThreadAnswersInEveryEncoding(t *testing.T) {
	e := newEnv(t)
	for i := range 30 {
		e.post("", comment("p", fmt.Sprintf("comment %d <with> & \"markup\" ünïcode", i)))
	}
	token := e.post("", comment("elsewhere", "reader")).ReaderToken
	decode := func(r resp) []byte {
		t.Helper()
		var zr io.Reader
		switch enc := r.header.Get("Content-Encoding"); enc {
		case "":
			return r.body
		case "gzip":
			var err error
			if zr, err = gzip.NewReader(bytes.NewReader(r.body)); err != nil {
				t.Fatal(err)
			}
		case "br":
			zr = brotli.NewReader(bytes.NewReader(r.body))
		default:
			t.Fatalf("Content-Encoding %q", enc)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sequences := [][]string{
		{"gzip", "", "br", "", "gzip"},
		{"br", "gzip", "", "br"},
		{"gzip, deflate, br", "gzip", "identity", "deflate", "*"},
		{"gzip;q=0", "br;q=0, gzip", "compress", "GZIP", "x-gzip"},
	}
	for i, seq := range sequences {
		e.post("", comment("p", fmt.Sprint("a new version ", i)))
		path := "/api/v1/sites/blog/comments?page=p&limit=20"
		// The reader's answer is made for them alone and never dropped.
		want := e.do(req{method: "GET", path: path, token: token})
		for _, accept := range seq {
			r := e.do(req{method: "GET", path: path, header: map[string]string{"Accept-Encoding": accept}})
			if got := decode(r); r.status != 200 || !bytes.Equal(got, want.body) || r.header.Get("ETag") != want.header.Get("ETag") {
				t.Errorf("sequence %v, %q: %d, Content-Encoding %q, %d bytes; want the %d of the reader's answer",
					seq, accept, r.status, r.header.Get("Content-Encoding"), len(got), len(want.body))
			}
		}
	}
}
