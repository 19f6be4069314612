package commento

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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

var (
	maria = source.Author{Name: "Maria", Email: "maria@example.org", Website: "https://maria.example.org"}
	jon   = source.Author{Name: "Jon", Email: "jon@example.net"}
)

func TestParseCommento(t *testing.T) {
	c, err := parse(t, sourcetest.Fixture(t, "commento-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantThreads := []source.Thread{
		{ID: "blog.example.org/first/", URL: "https://blog.example.org/first/"},
		{ID: "blog.example.org/second/", URL: "https://blog.example.org/second/"},
		{ID: "blog.example.org/about/", URL: "https://blog.example.org/about/"},
	}
	if fmt.Sprint(c.Threads) != fmt.Sprint(wantThreads) {
		t.Errorf("threads:\n got %+v\nwant %+v", c.Threads, wantThreads)
	}
	if len(c.Comments) != 7 {
		t.Fatalf("got %d comments, want 7", len(c.Comments))
	}
	first := "blog.example.org/first/"
	checkComment(t, c.Comments[0], source.Comment{
		ID: "a1f0", ThreadID: first, Author: maria, Created: time.Date(2021, 5, 1, 10, 0, 0, 0, time.UTC),
		Markdown: "First! Grüße, 東京, 🎉", Status: storage.StatusApproved, Score: 3,
	})
	checkComment(t, c.Comments[1], source.Comment{
		ID: "a2f0", ThreadID: first, ParentID: "a1f0", Author: jon, Created: time.Date(2021, 5, 1, 9, 30, 0, 5e8, time.UTC),
		Markdown: "Reply **bold**", Status: storage.StatusApproved,
	})
	checkComment(t, c.Comments[2], source.Comment{
		ID: "a3f0", ThreadID: first, ParentID: "a2f0", Created: time.Date(2021, 5, 2, 8, 0, 0, 0, time.UTC),
		Markdown: "third level <script>alert(1)</script>", Status: storage.StatusPending, Score: -1,
	})
	wantStatus := []storage.Status{"approved", "approved", "pending", "deleted", "pending", "deleted", "approved"}
	for i, m := range c.Comments {
		if m.Status != wantStatus[i] {
			t.Errorf("comment %s: status %s, want %s", m.ID, m.Status, wantStatus[i])
		}
	}
	if got := c.Comments[6]; got.ParentID != "ffff" || got.ThreadID != "blog.example.org/about/" {
		t.Errorf("orphan: got %+v", got)
	}
}

func TestParseComentario(t *testing.T) {
	c, err := parse(t, sourcetest.Fixture(t, "comentario-v3.json"))
	if err != nil {
		t.Fatal(err)
	}
	p := "6f1d0c1e-0000-4000-8000-00000000000"
	wantThreads := []source.Thread{
		{ID: p + "1", URL: "https://blog.example.org/first/", Title: "The first post", Created: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ID: p + "2", URL: "https://blog.example.org/closed/", Title: "Zugeschlossen – Grüße", Closed: true, Created: time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC)},
		{ID: p + "3", URL: "/empty/", Title: "Nobody here", Created: time.Date(2023, 1, 3, 0, 0, 0, 0, time.UTC)},
	}
	if fmt.Sprint(c.Threads) != fmt.Sprint(wantThreads) {
		t.Errorf("threads:\n got %+v\nwant %+v", c.Threads, wantThreads)
	}
	if len(c.Comments) != 4 {
		t.Fatalf("got %d comments, want 4", len(c.Comments))
	}
	id := "11111111-0000-4000-8000-00000000000"
	checkComment(t, c.Comments[0], source.Comment{
		ID: id + "1", ThreadID: p + "1", Author: maria, IP: "203.0.113.7", Created: time.Date(2023, 2, 1, 10, 0, 0, 0, time.UTC),
		Markdown: "First! Grüße, 東京, 🎉", Status: storage.StatusApproved, Score: 3,
	})
	checkComment(t, c.Comments[1], source.Comment{
		ID: id + "2", ThreadID: p + "1", ParentID: id + "1", Author: source.Author{Name: "Gast"},
		Created:  time.Date(2023, 2, 1, 11, 0, 0, 0, time.UTC),
		Markdown: "reply <script>alert(1)</script>", Status: storage.StatusPending,
	})
	checkComment(t, c.Comments[2], source.Comment{
		ID: id + "3", ThreadID: p + "1", ParentID: id + "2", Author: maria,
		Created: time.Date(2023, 2, 2, 11, 0, 0, 0, time.UTC), Status: storage.StatusDeleted,
	})
	checkComment(t, c.Comments[3], source.Comment{
		ID: id + "4", ThreadID: p + "2", ParentID: "11111111-0000-4000-8000-0000000000ff", Author: jon,
		Created: time.Date(2023, 2, 3, 11, 0, 0, 0, time.UTC), Markdown: "rejected one", Status: storage.StatusSpam,
	})
}

// TestParseCommentersFirst checks that comments after the commenters are
// emitted as they are read, with their authors.
func TestParseCommentersFirst(t *testing.T) {
	data := `{"version":1,"commenters":[{"commenterHex":"c1","email":"undefined","name":"Comentario Ann","websiteUrl":"https://ann.example"}],
		"extra":{"nested":[1,{"a":[]}]},
		"comments":[{"commentHex":"x1","host":"example.org","path":"post","commenterHex":"c1","markdown":"hi","parentHex":"root","state":"approved","creationDate":"2020-01-01T00:00:00Z"},
		{"commentHex":"x2","host":"example.org","path":"/post","commenterHex":"0000000000000000000000000000000000000000000000000000000000000000","markdown":"anon","parentHex":"x1","state":"approved"}]}`
	var seen []string
	ann := source.Author{Name: "Comentario Ann", Website: "https://ann.example"}
	h := source.Handler{
		Thread: func(th source.Thread) error {
			seen = append(seen, "thread "+th.ID+" "+th.URL)
			return nil
		},
		Comment: func(c source.Comment) error {
			seen = append(seen, fmt.Sprintf("comment %s %s %v", c.ID, c.ThreadID, c.Author == ann))
			if c.ID == "x1" {
				return errors.New("stop")
			}
			return nil
		},
	}
	err := Parse(strings.NewReader(data), h)
	want := "[thread example.org/post https://example.org/post comment x1 example.org/post true]"
	if err == nil || err.Error() != "stop" || fmt.Sprint(seen) != want {
		t.Errorf("got %v, %v; want the first comment at once, then the handler's error", seen, err)
	}
	c, err := parse(t, []byte(data))
	if err != nil || len(c.Comments) != 2 || c.Comments[1].Author != (source.Author{}) || c.Comments[1].ParentID != "x1" {
		t.Errorf("got %+v, %v", c.Comments, err)
	}
}

func TestParseRefuses(t *testing.T) {
	long := strings.Repeat("x", source.MaxField+1)
	v1 := `{"version":1,"comments":[`
	for _, tc := range []struct{ name, data, want string }{
		{"empty", "", "the file is empty"},
		{"xml", `<?xml version="1.0"?><disqus></disqus>`, "not JSON"},
		{"remark42", string(sourcetest.Fixture(t, "../../remark42/testdata/backup.jsonl")), `no "comments"`},
		{"array", `[{"version":1,"comments":[]}]`, `top level is an array, want an object with "comments"`},
		{"string", `"hello"`, "top level is a string"},
		{"no version", `{"comments":[]}`, `"comments" comes before "version"`},
		{"no comments", `{"version":1,"commenters":[]}`, `no "comments"`},
		{"empty object", `{}`, `no "version"`},
		{"version", `{"version":2,"comments":[]}`, "export version 2 is not supported"},
		{"version type", `{"version":"1","comments":[]}`, "cannot unmarshal"},
		{"truncated", string(sourcetest.Fixture(t, "commento-v1.json")[:300]), "truncated"},
		{"truncated object", `{"version":1,"comments":[]`, "truncated"},
		{"syntax", `{"version":1,"comments":[}`, "malformed JSON"},
		{"trailing", `{"version":1,"comments":[]} {}`, "data after the top-level object"},
		{"comments object", `{"version":1,"comments":{}}`, "found an object"},
		{"comment string", v1 + `"x"]}`, "cannot unmarshal"},
		{"no hex", v1 + `{"markdown":"m"}]}`, `no "commentHex"`},
		{"no page", `{"version":3,"comments":[{"id":"a"}]}`, `no "id" or "pageId"`},
		{"bad date", v1 + `{"commentHex":"a","creationDate":"today"}]}`, "not an RFC 3339 time"},
		{"no commenter id", `{"version":1,"comments":[],"commenters":[{"name":"n"}]}`, `no "commenterHex" or "id"`},
		{"long field", v1 + `{"commentHex":"a","markdown":"` + long + `"}]}`, "field longer than"},
		{"long record", v1 + `{"commentHex":"a","markdown":"` + long + long + `"}]}`, "record is longer than"},
		{"long skipped", `{"version":1,"x":"` + long + long + `","comments":[]}`, "record is longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, []byte(tc.data))
			if !errors.Is(err, source.ErrFormat) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "commento: ") {
				t.Errorf("got %v, want ErrFormat with %q", err, tc.want)
			}
		})
	}
}

// TestParseLongRecordNotBuffered checks that an endless record is refused
// after about maxRecord bytes.
func TestParseLongRecordNotBuffered(t *testing.T) {
	r := sourcetest.Counting(io.MultiReader(strings.NewReader(`{"version":1,"comments":[{"markdown":"`), sourcetest.Endless('x')))
	err := Parse(r, (&sourcetest.Records{}).Handler())
	if !errors.Is(err, source.ErrFormat) {
		t.Fatalf("got %v, want ErrFormat", err)
	}
	if r.N > maxRecord+2*readChunk {
		t.Errorf("read %d bytes before refusing, want about %d", r.N, maxRecord)
	}
}

func TestParseHandlerError(t *testing.T) {
	stop := errors.New("stop")
	for _, name := range []string{"commento-v1.json", "comentario-v3.json"} {
		for _, h := range []source.Handler{
			{Thread: func(source.Thread) error { return stop }, Comment: func(source.Comment) error { return nil }},
			{Thread: func(source.Thread) error { return nil }, Comment: func(source.Comment) error { return stop }},
		} {
			if err := Parse(bytes.NewReader(sourcetest.Fixture(t, name)), h); !errors.Is(err, stop) {
				t.Errorf("%s: got %v, want the handler's error", name, err)
			}
		}
	}
}

func TestParseReadError(t *testing.T) {
	broken := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader(`{"version":1,"comments":[`), sourcetest.Failing(broken))
	if err := Parse(r, (&sourcetest.Records{}).Handler()); !errors.Is(err, broken) || errors.Is(err, source.ErrFormat) {
		t.Errorf("got %v, want the reader's error", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "commento-v1.json"))
	f.Add(sourcetest.Fixture(f, "comentario-v3.json"))
	f.Add([]byte(`{"version":1,"commenters":[{"id":"a","name":"n"}],"comments":[{"commentHex":"x","commenterHex":"a","url":"p"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs := &sourcetest.Records{StopAfter: 50}
		err := Parse(bytes.NewReader(data), rs.Handler())
		sourcetest.CheckEmitted(t, rs)
		sourcetest.CheckError(t, err, sourcetest.ErrStop)
	})
}
