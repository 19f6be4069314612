package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/storage"
)

// seedPage stores n comments on page key of the test site, one in five a
// reply, through the same posting path as the API.
func seedPage(b *testing.B, e *env, key string, n int) {
	b.Helper()
	ctx := context.Background()
	site, err := e.store.Site(ctx, "blog")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now().Add(-time.Duration(n) * time.Minute)
	var ids []string
	for i := range n {
		d := posting.Draft{
			Page:    storage.Page{Key: key, Title: "Bench"},
			Author:  storage.Author{Name: fmt.Sprint("Reader ", i%37), Affiliation: "Somewhere"},
			Body:    e.srv.poster.Render(site, fmt.Sprintf("Comment %d with *some* Markdown, a [link](https://example.com/%d) and two\nlines of text that make it a typical length for a blog comment.", i, i)),
			Status:  storage.StatusApproved,
			Created: start.Add(time.Duration(i) * time.Minute),
		}
		if i%5 == 4 {
			d.ParentID = ids[len(ids)-1]
		}
		c, err := e.srv.poster.Add(ctx, site, d)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
}

func benchGet(b *testing.B, e *env, path string) {
	b.Helper()
	res, err := e.srv.App().Test(httptest.NewRequest("GET", path, nil), -1)
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("GET %s: %v %v", path, err, res.Status)
	}
	res.Body.Close()
}

func BenchmarkCreateComment(b *testing.B) {
	e := newEnv(b)
	token := e.post("", comment("p", "first")).ReaderToken
	b.ResetTimer()
	for i := range b.N {
		e.post(token, comment(fmt.Sprint("p", i%50), "A benchmark comment with *Markdown*."))
	}
}

// BenchmarkList1000Warm reads a 1,000-comment page from the thread cache.
func BenchmarkList1000Warm(b *testing.B) {
	e := newEnv(b)
	seedPage(b, e, "big", 1000)
	benchGet(b, e, "/api/v1/sites/blog/comments?page=big&limit=200")
	b.ResetTimer()
	for range b.N {
		benchGet(b, e, "/api/v1/sites/blog/comments?page=big&limit=200")
	}
}

// BenchmarkList1000Cold reads a 1,000-comment page right after a change,
// so every read scans the store and builds the thread again.
func BenchmarkList1000Cold(b *testing.B) {
	e := newEnv(b)
	seedPage(b, e, "big", 1000)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p, err := e.store.Page(ctx, "blog", "big")
		if err != nil {
			b.Fatal(err)
		}
		if err := e.store.UpdatePage(ctx, p); err != nil { // bumps the version
			b.Fatal(err)
		}
		b.StartTimer()
		benchGet(b, e, "/api/v1/sites/blog/comments?page=big&limit=200")
	}
}

// BenchmarkCounts100 asks for the counts of 100 pages at once.
func BenchmarkCounts100(b *testing.B) {
	e := newEnv(b)
	pages := make([]string, 100)
	for i := range pages {
		pages[i] = fmt.Sprint("https://blog.example/post-", i)
		if i%2 == 0 {
			e.post("", comment(pages[i], "counted"))
		}
	}
	b.ResetTimer()
	for range b.N {
		r := e.do(req{method: "POST", path: "/api/v1/sites/blog/counts", body: map[string]any{"pages": pages}})
		if r.status != 200 {
			b.Fatal(r.status)
		}
	}
}
