package badgerstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

// benchComment is a comment of typical size (a few hundred bytes of text).
func benchComment(page string) storage.Comment {
	body := "A reasonably typical comment: a couple of sentences of agreement, a link, and a question at the end?"
	return storage.Comment{
		ID: uuid.Must(uuid.NewV7()).String(), SiteID: "bench", PageKey: page,
		Author:   storage.Author{Name: "Reader", Website: "https://reader.example"},
		Markdown: body, HTML: "<p>" + body + "</p>", Created: time.Now(),
		Status: storage.StatusApproved, ReaderHash: "0123456789abcdef0123456789abcdef", IPHash: "fedcba9876543210",
	}
}

func benchStore(b *testing.B) *Store {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.CreateSite(context.Background(), storage.Site{ID: "bench"}); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkCreateComment posts comments one after another to one page: the
// latency of a durable (fsynced) write.
func BenchmarkCreateComment(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		if err := s.CreateComment(ctx, benchComment("page"), storage.Page{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateCommentParallel posts from several goroutines to
// different pages, where Badger can batch commits.
func BenchmarkCreateCommentParallel(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer() // Open is not what is measured
	b.RunParallel(func(pb *testing.PB) {
		page := fmt.Sprintf("page-%d", n.Add(1))
		for pb.Next() {
			if err := s.CreateComment(ctx, benchComment(page), storage.Page{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkPageComments1000 reads a whole 1000-comment thread.
func BenchmarkPageComments1000(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for range 1000 {
		if err := s.CreateComment(ctx, benchComment("big"), storage.Page{}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		cs, err := s.PageComments(ctx, "bench", "big")
		if err != nil || len(cs) != 1000 {
			b.Fatalf("PageComments: %d, %v", len(cs), err)
		}
	}
}
