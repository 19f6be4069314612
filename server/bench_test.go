package server

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/storage"
)

// seedPage stores n comments on page key of the test site, one in five a
// reply, through the same posting path as the API.
func seedPage(b testing.TB, e *env, key string, n int) {
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
	benchGetEncoded(b, e, path, "")
}

// benchGetEncoded is a GET with an Accept-Encoding header ("" sends none);
// it returns the body as sent.
func benchGetEncoded(b *testing.B, e *env, path, accept string) []byte {
	b.Helper()
	r := httptest.NewRequest("GET", path, nil)
	if accept != "" {
		r.Header.Set("Accept-Encoding", accept)
	}
	res, err := e.srv.App().Test(r, -1)
	if err != nil || res.StatusCode != 200 {
		b.Fatalf("GET %s: %v %v", path, err, res.Status)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// bumpVersion changes a page's version without changing its thread, so
// the next read misses the thread cache.
func bumpVersion(b *testing.B, e *env, key string) {
	b.Helper()
	ctx := context.Background()
	p, err := e.store.Page(ctx, "blog", key)
	if err != nil {
		b.Fatal(err)
	}
	if err := e.store.UpdatePage(ctx, p); err != nil {
		b.Fatal(err)
	}
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

// BenchmarkList1000ColdGzip is BenchmarkList1000Cold as browsers read:
// gzipped.
func BenchmarkList1000ColdGzip(b *testing.B) {
	e := newEnv(b)
	seedPage(b, e, "big", 1000)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		bumpVersion(b, e, "big")
		b.StartTimer()
		benchGetEncoded(b, e, "/api/v1/sites/blog/comments?page=big&limit=200", "gzip")
	}
}

// BenchmarkList1000ColdCursors reads a whole 1,000-comment page right
// after a change, as the widget does: its first 200 comments, then the
// rest through four cursor requests, in the encoding given.
func BenchmarkList1000ColdCursors(b *testing.B) {
	for _, accept := range []string{"", "gzip"} {
		name := cmp.Or(accept, "identity")
		b.Run(name, func(b *testing.B) {
			e := newEnv(b)
			seedPage(b, e, "big", 1000)
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				bumpVersion(b, e, "big")
				b.StartTimer()
				for offset := 0; offset < 1000; offset += 200 {
					path := "/api/v1/sites/blog/comments?page=big&limit=200"
					if offset > 0 {
						path += "&cursor=" + encodeCursor(offset)
					}
					benchGetEncoded(b, e, path, accept)
				}
			}
		})
	}
}

// BenchmarkList200Cold reads a 200-comment page, all of it in one
// answer, right after a change.
func BenchmarkList200Cold(b *testing.B) {
	for _, accept := range []string{"", "gzip"} {
		b.Run(cmp.Or(accept, "identity"), func(b *testing.B) {
			e := newEnv(b)
			seedPage(b, e, "p200", 200)
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				bumpVersion(b, e, "p200")
				b.StartTimer()
				benchGetEncoded(b, e, "/api/v1/sites/blog/comments?page=p200", accept)
			}
		})
	}
}

// BenchmarkList200Warm reads a 200-comment page from the thread cache,
// gzipped as browsers take it.
func BenchmarkList200Warm(b *testing.B) {
	e := newEnv(b)
	seedPage(b, e, "p200", 200)
	benchGetEncoded(b, e, "/api/v1/sites/blog/comments?page=p200", "gzip")
	b.ResetTimer()
	for range b.N {
		benchGetEncoded(b, e, "/api/v1/sites/blog/comments?page=p200", "gzip")
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
