package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/parley-dev/parley/storage"
)

func TestThreadCacheFollowsEveryWriter(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.Moderation = storage.ModerateAll })
	held := e.post("", comment("p", "held for moderation"))
	path := "/api/v1/sites/blog/comments?page=p"
	first := e.do(req{method: "GET", path: path})
	if again := e.do(req{method: "GET", path: path}); again.header.Get("ETag") != first.header.Get("ETag") || !bytes.Equal(again.body, first.body) {
		t.Fatal("two reads of an unchanged page differ")
	}
	// The reader's own pending comment is added for them alone, without
	// leaking into the shared answer.
	if th := e.list(held.ReaderToken, "page=p"); len(th.Comments) != 1 {
		t.Fatalf("author sees %d comments, want their pending one", len(th.Comments))
	}
	if th := e.list("", "page=p"); len(th.Comments) != 0 {
		t.Fatal("the author's pending comment leaked into the shared answer")
	}

	// A moderator approving it through the store directly (as the admin
	// page does) must show at once.
	_, err := e.store.UpdateComment(context.Background(), "blog", held.Comment.ID, func(c *storage.Comment) error {
		c.Status = storage.StatusApproved
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if th := e.list("", "page=p"); len(th.Comments) != 1 || th.Page.Count != 1 {
		t.Fatalf("after approval: %d comments, count %d", len(th.Comments), th.Page.Count)
	}

	// So must a change of the site's settings.
	site, _ := e.store.Site(context.Background(), "blog")
	site.Settings.MaxLength = 123
	if err := e.store.UpdateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	if th := e.list("", "page=p"); th.Settings.MaxLength != 123 {
		t.Errorf("settings in the answer: max_length %d, want 123", th.Settings.MaxLength)
	}
}

// TestThreadCompression reads two pages in each encoding: the second is
// compressed by the pooled writers the first used, which must start clean.
func TestThreadCompression(t *testing.T) {
	e := newEnv(t)
	for i := range 20 {
		e.post("", comment("p", fmt.Sprintf("comment number %d with some text to compress", i)))
		e.post("", comment("q", fmt.Sprintf("another page's comment %d", i)))
	}
	tests := []struct {
		accept, encoding string
		decode           func(io.Reader) (io.Reader, error)
	}{
		{"gzip, deflate", "gzip", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
		{"gzip, deflate, br", "br", func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
	}
	for _, tt := range tests {
		for _, page := range []string{"p", "q"} {
			path := "/api/v1/sites/blog/comments?page=" + page
			plain := e.do(req{method: "GET", path: path})
			r := e.do(req{method: "GET", path: path, header: map[string]string{"Accept-Encoding": tt.accept}})
			if r.header.Get("Content-Encoding") != tt.encoding || r.header.Get("ETag") != plain.header.Get("ETag") {
				t.Errorf("%s, page %s: encoding %q etag %q", tt.accept, page, r.header.Get("Content-Encoding"), r.header.Get("ETag"))
				continue
			}
			if len(r.body) >= len(plain.body) {
				t.Errorf("%s, page %s: %d bytes, not smaller than %d", tt.encoding, page, len(r.body), len(plain.body))
			}
			zr, err := tt.decode(bytes.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(got, plain.body) {
				t.Errorf("%s, page %s: body does not decode to the plain answer: %v", tt.encoding, page, err)
			}
		}
	}
}

// fixedTree is a tree of one placeholder-free comment, for cache tests
// whose answers are made up.
func fixedTree(t testing.TB) *threadTree {
	t.Helper()
	return newThreadTree([]storage.Comment{{ID: "c", Status: storage.StatusApproved}})
}

// TestThreadCacheBudget checks that the cache counts every answer and
// compressed form it keeps, evicts the least recently used pages to stay
// within its budget, and builds again what it no longer holds.
func TestThreadCacheBudget(t *testing.T) {
	const budget = 10_000
	tc := newThreadCache(budget)
	set := publicSettings{}
	builds := 0
	tree := fixedTree(t)
	// About 3 KB of JSON, of words that gzip can make smaller.
	words := strings.Fields("a thread of comments on a page that readers spread over many pages read")
	rnd := rand.New(rand.NewPCG(1, 2))
	var body []byte
	for len(body) < 3000 {
		body = append(body, words[rnd.IntN(len(words))]...)
		body = append(body, ' ')
	}
	read := func(key string, version int64) *encoded {
		t.Helper()
		enc, err := tc.answer(storage.Page{SiteID: "s", Key: key, Version: version}, set, answerKey{limit: 200}, "",
			func() (*threadTree, error) { builds++; return tree, nil },
			func(b []byte, _ *threadTree) ([]byte, error) { return fmt.Appendf(b, "%q", body), nil })
		if err != nil {
			t.Fatal(err)
		}
		return enc
	}
	const pages = 10
	for i := range pages {
		read(fmt.Sprint(i), 1).gzipped()
	}
	// A page counts two overheads and its gzip form: the plain body is
	// dropped once compressed, and a page that fits in one answer keeps
	// no tree.
	page := 2*entryOverhead + len(read("9", 1).gzipped())
	if tc.size > budget || tc.lru.Len() != budget/page {
		t.Errorf("size %d of budget %d with %d pages; want the %d that fit", tc.size, budget, tc.lru.Len(), budget/page)
	}
	sum := 0
	for el := tc.lru.Front(); el != nil; el = el.Next() {
		e := el.Value.(*pageEntry)
		enc := e.answers[answerKey{limit: 200}]
		if enc.body != nil || e.tree != nil {
			t.Errorf("page %s keeps its plain body or a tree", e.id.key)
		}
		if e.size != page {
			t.Errorf("page %s counted as %d bytes, want %d (overheads and gzip)", e.id.key, e.size, page)
		}
		sum += e.size
	}
	if sum != tc.size {
		t.Errorf("cache size %d, entries add up to %d", tc.size, sum)
	}
	// A reader taking the plain body gets it back, counted from then on.
	enc := read("9", 1)
	plain, err := enc.plain()
	if err != nil || len(plain) != len(body)+2 {
		t.Fatalf("plain body of %d bytes, %v; want the %d built", len(plain), err, len(body)+2)
	}
	if e := tc.byID[pageID{"s", "9"}]; e.size != page+len(plain) {
		t.Errorf("page 9 counted as %d bytes after its plain body came back, want %d", e.size, page+len(plain))
	}
	if want := 1 + (budget-page-len(plain))/page; tc.size > budget || tc.lru.Len() != want {
		t.Errorf("size %d of budget %d with %d pages; want the %d that fit", tc.size, budget, tc.lru.Len(), want)
	}
	if builds != pages {
		t.Errorf("recent page built again: %d builds", builds)
	}
	read("0", 1)
	read("9", 2)
	if builds != pages+2 {
		t.Errorf("evicted or outdated pages not built again: %d builds, want %d", builds, pages+2)
	}
	// A reader holding an older version than the cached one is answered
	// but does not replace it.
	read("9", 1)
	if e := tc.byID[pageID{"s", "9"}]; e.version != 2 {
		t.Error("an older version replaced the cached one")
	}
}

// TestThreadCacheSharesMisses checks that concurrent misses on one page
// build its answer once.
func TestThreadCacheSharesMisses(t *testing.T) {
	tc := newThreadCache(1 << 20)
	tree := fixedTree(t)
	var mu sync.Mutex
	builds := 0
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := tc.answer(storage.Page{SiteID: "s", Key: "p", Version: 1}, publicSettings{}, answerKey{limit: 200}, "",
				func() (*threadTree, error) {
					mu.Lock()
					builds++
					mu.Unlock()
					<-release
					return tree, nil
				},
				func(b []byte, _ *threadTree) ([]byte, error) { return append(b, `"answer"`...), nil })
			if err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // let the readers pile up on the miss
	close(release)
	wg.Wait()
	if builds != 1 {
		t.Errorf("%d builds for 8 concurrent misses, want 1", builds)
	}
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	e := newEnv(t)
	const writers, posts = 4, 10
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range posts {
				r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", fmt.Sprint(w, "-", i))})
				if r.status != http.StatusCreated {
					t.Errorf("post: %d %s", r.status, r.body)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range posts {
				if r := e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?page=p"}); r.status != 200 {
					t.Errorf("read: %d", r.status)
				}
			}
		}()
	}
	wg.Wait()
	if th := e.list("", "page=p"); th.Total != writers*posts || len(th.Comments) != writers*posts {
		t.Errorf("after concurrent writes: total %d, listed %d, want %d", th.Total, len(th.Comments), writers*posts)
	}
}

// TestVary checks that every answer names what it varies with, so that a
// shared cache between Parley and its readers never serves one reader's
// thread, origin's CORS headers or encoding to another.
func TestVary(t *testing.T) {
	e := newEnv(t)
	e.post("", comment("p", "a comment"))
	tests := []struct {
		path, want string
	}{
		{"/api/v1/sites/blog/comments?page=p", "Origin, Authorization, Accept-Encoding"},
		{"/api/v1/sites/blog/comments?page=p&limit=0", "Origin"}, // an error
		{"/embed.js", "Accept-Encoding"},
	}
	for _, tt := range tests {
		r := e.do(req{method: "GET", path: tt.path, header: map[string]string{"Accept-Encoding": "gzip"}})
		if got := r.header.Get("Vary"); got != tt.want {
			t.Errorf("GET %s: Vary %q, want %q", tt.path, got, tt.want)
		}
	}
}
