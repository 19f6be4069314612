package remark42

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/server/importer/source/sourcetest"
	"github.com/parley-dev/parley/storage"
)

func parse(t *testing.T, data []byte) (*sourcetest.Records, error) {
	t.Helper()
	return sourcetest.Parse(t, Parse, data)
}

const metaLine = `{"version":1,"users":[],"posts":[]}` + "\n"

func TestParseBackup(t *testing.T) {
	c, err := parse(t, sourcetest.Fixture(t, "backup.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	wantThreads := []source.Thread{
		{ID: "https://blog.example.org/first/", URL: "https://blog.example.org/first/", Title: "The first post"},
		{ID: "https://blog.example.org/closed/", URL: "https://blog.example.org/closed/", Closed: true},
		{ID: "https://blog.example.org/about/", URL: "https://blog.example.org/about/", Title: "About"},
	}
	if fmt.Sprint(c.Threads) != fmt.Sprint(wantThreads) {
		t.Errorf("threads:\n got %+v\nwant %+v", c.Threads, wantThreads)
	}
	if len(c.Comments) != 7 {
		t.Fatalf("got %d comments, want 7", len(c.Comments))
	}
	first := source.Comment{
		ID: "c1", ThreadID: "https://blog.example.org/first/",
		Author:   source.Author{Name: "Maria", Email: "maria@example.org"},
		Created:  time.Date(2023, 4, 1, 10, 0, 0, 0, time.UTC),
		Markdown: "First! Grüße, 東京, 🎉", Status: storage.StatusApproved, Score: 3,
	}
	checkComment(t, c.Comments[0], first)
	checkComment(t, c.Comments[1], source.Comment{
		ID: "c2", ThreadID: first.ThreadID, ParentID: "c1", Author: source.Author{Name: "Jon"},
		Created:  time.Date(2023, 4, 1, 9, 30, 0, 123e6, time.UTC),
		Markdown: "Reply **bold**", Status: storage.StatusApproved,
	})
	checkComment(t, c.Comments[2], source.Comment{
		ID: "c3", ThreadID: first.ThreadID, ParentID: "c2", Author: source.Author{Name: "anon_Guest"},
		Created:  time.Date(2023, 4, 2, 8, 0, 0, 0, time.UTC),
		Markdown: "third level <script>alert(1)</script>", Status: storage.StatusApproved, Score: -1,
	})
	checkComment(t, c.Comments[3], source.Comment{
		ID: "c4", ThreadID: first.ThreadID, Author: source.Author{Name: "deleted"},
		Created: time.Date(2023, 4, 3, 9, 0, 0, 0, time.UTC), Status: storage.StatusDeleted,
	})
	checkComment(t, c.Comments[4], source.Comment{
		ID: "c5", ThreadID: "https://blog.example.org/closed/", Author: source.Author{Name: "Maria", Email: "maria@example.org"},
		Created: time.Date(2022, 12, 24, 18, 0, 0, 0, time.UTC), Status: storage.StatusApproved, Score: 1,
		HTML: "<p>Comments are closed here, but <a href=\"https://example.com\" rel=\"nofollow\">this</a> stays.</p>\n",
	})
	if got := c.Comments[5]; got.ID != "c6" || got.ParentID != "gone-123" {
		t.Errorf("orphan: got %+v", got)
	}
	for _, m := range c.Comments {
		if m.IP != "" {
			t.Errorf("comment %s has IP %q, want none (remark42 keeps a hash)", m.ID, m.IP)
		}
	}
}

func checkComment(t *testing.T, got, want source.Comment) {
	t.Helper()
	if !got.Created.Equal(want.Created) {
		t.Errorf("comment %s: created %v, want %v", want.ID, got.Created, want.Created)
	}
	got.Created, want.Created = time.Time{}, time.Time{}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("comment:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseRefuses(t *testing.T) {
	long := strings.Repeat("x", source.MaxField+1)
	comment := `{"id":"c1","text":"<p>hi</p>","locator":{"url":"https://example.org/"},"time":"2023-01-01T00:00:00Z"}`
	for _, tc := range []struct{ name, data, want string }{
		{"empty", "", "the file is empty"},
		{"blank", "\n\n  \n", "the file is empty"},
		{"xml", `<?xml version="1.0"?><disqus></disqus>`, "line 1: not a Remark42 backup"},
		{"commento", string(sourcetest.Fixture(t, "../../commento/testdata/commento-v1.json")), "line 1: not a Remark42 backup"},
		{"commento one line", `{"version":1,"comments":[],"commenters":[]}`, `no "users"`},
		{"array", `[{"version":1}]`, "not a JSON object"},
		{"version", `{"version":2,"users":[],"posts":[]}`, "backup version 2 is not supported"},
		{"version 0", `{"users":[],"posts":[]}`, `no "version"`},
		{"truncated", metaLine + comment[:40], "line 2: malformed comment"},
		{"not an object", metaLine + "[1,2]\n", "line 2: malformed comment"},
		{"no id", metaLine + `{"locator":{"url":"x"}}`, `line 2: comment has no "id"`},
		{"no url", metaLine + "\n" + `{"id":"a"}`, `line 3: comment "a" has no "locator"`},
		{"bad time", metaLine + `{"id":"a","locator":{"url":"x"},"time":"yesterday"}`, "line 2: malformed comment"},
		{"long field", metaLine + `{"id":"a","locator":{"url":"x"},"text":"` + long + `"}`, "field longer than"},
		{"long line", metaLine + `{"id":"a","locator":{"url":"x"},"text":"` + long + long + `"}`, "line 2: line is longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, []byte(tc.data))
			if !errors.Is(err, source.ErrFormat) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "remark42: ") {
				t.Errorf("got %v, want ErrFormat with %q", err, tc.want)
			}
		})
	}
}

// TestParseLongLineNotBuffered checks that an endless line is refused
// after about maxLine bytes.
func TestParseLongLineNotBuffered(t *testing.T) {
	r := sourcetest.Counting(io.MultiReader(strings.NewReader(metaLine+`{"id":"`), sourcetest.Endless('x')))
	err := Parse(r, (&sourcetest.Records{}).Handler())
	if !errors.Is(err, source.ErrFormat) {
		t.Fatalf("got %v, want ErrFormat", err)
	}
	if r.N > maxLine+64<<10 {
		t.Errorf("read %d bytes before refusing, want about %d", r.N, maxLine)
	}
}

func TestParseHandlerError(t *testing.T) {
	stop := errors.New("stop")
	for _, h := range []source.Handler{
		{Thread: func(source.Thread) error { return stop }, Comment: func(source.Comment) error { return nil }},
		{Thread: func(source.Thread) error { return nil }, Comment: func(source.Comment) error { return stop }},
	} {
		if err := Parse(bytes.NewReader(sourcetest.Fixture(t, "backup.jsonl")), h); !errors.Is(err, stop) {
			t.Errorf("got %v, want the handler's error", err)
		}
	}
}

func TestParseReadError(t *testing.T) {
	broken := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader(metaLine), sourcetest.Failing(broken))
	if err := Parse(r, (&sourcetest.Records{}).Handler()); !errors.Is(err, broken) || errors.Is(err, source.ErrFormat) {
		t.Errorf("got %v, want the reader's error", err)
	}
}

// TestParseStreams feeds a generated backup of about 20 MB through a pipe
// and checks that the heap stays far below the file's size.
func TestParseStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const comments = 16000
	pr, pw := io.Pipe()
	size := 0
	go func() {
		bw := &bytes.Buffer{}
		bw.WriteString(metaLine)
		text := strings.Repeat("Grüße aus Tokio, 東京! ", 20)
		for i := range comments {
			fmt.Fprintf(bw, `{"id":"c%d","pid":"c%d","text":"<p>%s</p>","orig":"%s","user":{"name":"User %d","id":"u%d"},"locator":{"site":"s","url":"https://example.org/p/%d"},"score":%d,"time":"2023-01-01T00:00:00Z"}`+"\n",
				i, i-1, text, text, i%500, i%500, i%1000, i%7)
			if bw.Len() > 64<<10 {
				size += bw.Len()
				if _, err := pw.Write(bw.Bytes()); err != nil {
					return
				}
				bw.Reset()
			}
		}
		size += bw.Len()
		pw.Write(bw.Bytes())
		pw.Close()
	}()
	runtime.GC()
	var before, peak runtime.MemStats
	runtime.ReadMemStats(&before)
	n, threads := 0, 0
	h := source.Handler{
		Thread: func(source.Thread) error { threads++; return nil },
		Comment: func(source.Comment) error {
			n++
			if n%5000 == 0 {
				runtime.ReadMemStats(&peak)
				if grown := int64(peak.HeapInuse) - int64(before.HeapInuse); grown > 8<<20 {
					return fmt.Errorf("heap in use grew by %d bytes", grown)
				}
			}
			return nil
		},
	}
	if err := Parse(pr, h); err != nil {
		t.Fatal(err)
	}
	if n != comments || threads != 1000 || size < 18<<20 {
		t.Errorf("got %d comments and %d threads, want %d and 1000 (file of %d bytes)", n, threads, comments, size)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "backup.jsonl"))
	f.Add([]byte(metaLine + `{"id":"a","pid":"b","locator":{"url":"u"},"time":"2023-01-01T00:00:00Z","delete":true}`))
	f.Add([]byte(`{"version":1,"comments":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs := &sourcetest.Records{StopAfter: 50}
		err := Parse(bytes.NewReader(data), rs.Handler())
		sourcetest.CheckEmitted(t, rs)
		sourcetest.CheckError(t, err, sourcetest.ErrStop)
	})
}
