package isso

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/server/importer/source/sourcetest"
	"github.com/parley-dev/parley/storage"
)

// fixtureRows fills a database made from testdata/schema.sql the way a
// running Isso would have: three threads, replies three levels deep, an
// orphan, pending, deleted and anonymous comments.
const fixtureRows = `
INSERT INTO preferences VALUES ('session-key', '3f1c9a0b7d2e4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e');
INSERT INTO threads VALUES (1, '/blog/first-post/', 'First post');
INSERT INTO threads VALUES (2, '/blog/grüße-aus-tokio/', 'Grüße aus Tokio');
INSERT INTO threads VALUES (5, '/about/', NULL);
INSERT INTO comments VALUES
 (1, 1, NULL, 1500000000.25, NULL, 1, '192.168.1.0', 'First!', 'Alice', 'alice@example.org', 'https://alice.example', 3, 1, x'00', 0),
 (1, 2, 1, 1500000100.5, 1500000200.0, 1, '2001:db8:85a3::', 'Welcome, *Alice*.', 'Bob', 'bob@example.org', NULL, 0, 0, x'00', 1),
 (1, 3, 2, 1500000300, NULL, 1, '10.1.2.0', 'Third level.', 'Carol', NULL, NULL, 0, 0, x'00', 0),
 (1, 4, 999, 1500000400.125, NULL, 1, '10.9.8.0', 'Who was I answering?', NULL, NULL, NULL, 0, 0, x'00', 0),
 (2, 5, NULL, 1600000000.0, NULL, 1, '198.51.100.0', 'Grüße, 東京, 🎉', 'Jürgen', 'j@example.de', 'https://jürgen.example', 0, 0, x'00', 0),
 (2, 6, 5, 1600000060.0, NULL, 2, '198.51.100.0', 'Wartet noch auf Freigabe.', 'Hans', 'hans@example.de', NULL, 0, 0, x'00', 0),
 (2, 7, 5, 1600000120.0, NULL, 4, '203.0.113.0', '', NULL, NULL, NULL, 0, 0, x'00', 0),
 (5, 8, NULL, 1700000000.75, NULL, 1, '203.0.113.0', 'Nice **bold**<script>alert(1)</script>', 'Mallory', 'm@example.com', 'javascript:alert(1)', 0, 2, x'00', 0),
 (5, 9, NULL, 1700000001.0, NULL, 8, '0.0.0.0', 'Unknown mode.', 'Eve', NULL, NULL, NULL, NULL, x'00', 0);
`

var wantThreads = []source.Thread{
	{ID: "1", URL: "/blog/first-post/", Title: "First post"},
	{ID: "2", URL: "/blog/grüße-aus-tokio/", Title: "Grüße aus Tokio"},
	{ID: "5", URL: "/about/"},
}

var wantComments = []source.Comment{
	{ID: "1", ThreadID: "1", IP: "192.168.1.0", Markdown: "First!", Status: storage.StatusApproved, Score: 2,
		Author:  source.Author{Name: "Alice", Email: "alice@example.org", Website: "https://alice.example"},
		Created: time.Unix(1500000000, 250_000_000).UTC()},
	{ID: "2", ThreadID: "1", ParentID: "1", IP: "2001:db8:85a3::", Markdown: "Welcome, *Alice*.", Status: storage.StatusApproved,
		Author:  source.Author{Name: "Bob", Email: "bob@example.org"},
		Created: time.Unix(1500000100, 500_000_000).UTC()},
	{ID: "3", ThreadID: "1", ParentID: "2", IP: "10.1.2.0", Markdown: "Third level.", Status: storage.StatusApproved,
		Author:  source.Author{Name: "Carol"},
		Created: time.Unix(1500000300, 0).UTC()},
	{ID: "4", ThreadID: "1", ParentID: "999", IP: "10.9.8.0", Markdown: "Who was I answering?", Status: storage.StatusApproved,
		Created: time.Unix(1500000400, 125_000_000).UTC()},
	{ID: "5", ThreadID: "2", IP: "198.51.100.0", Markdown: "Grüße, 東京, 🎉", Status: storage.StatusApproved,
		Author:  source.Author{Name: "Jürgen", Email: "j@example.de", Website: "https://jürgen.example"},
		Created: time.Unix(1600000000, 0).UTC()},
	{ID: "6", ThreadID: "2", ParentID: "5", IP: "198.51.100.0", Markdown: "Wartet noch auf Freigabe.", Status: storage.StatusPending,
		Author:  source.Author{Name: "Hans", Email: "hans@example.de"},
		Created: time.Unix(1600000060, 0).UTC()},
	{ID: "7", ThreadID: "2", ParentID: "5", IP: "203.0.113.0", Status: storage.StatusDeleted,
		Created: time.Unix(1600000120, 0).UTC()},
	{ID: "8", ThreadID: "5", IP: "203.0.113.0", Markdown: "Nice **bold**<script>alert(1)</script>", Status: storage.StatusApproved, Score: -2,
		Author:  source.Author{Name: "Mallory", Email: "m@example.com", Website: "javascript:alert(1)"},
		Created: time.Unix(1700000000, 750_000_000).UTC()},
	{ID: "9", ThreadID: "5", IP: "0.0.0.0", Markdown: "Unknown mode.", Status: storage.StatusPending,
		Author:  source.Author{Name: "Eve"},
		Created: time.Unix(1700000001, 0).UTC()},
}

// makeDB creates the database file name in dir by running the SQL of each
// part in turn and returns its path.
func makeDB(t testing.TB, dir, name string, sqls ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range sqls {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return path
}

func schema(t testing.TB) string {
	t.Helper()
	return string(sourcetest.Fixture(t, "schema.sql"))
}

// fixture returns the path of a fresh copy of the fixture database.
func fixture(t testing.TB) string {
	t.Helper()
	return makeDB(t, t.TempDir(), "comments.db", schema(t), fixtureRows)
}

func TestParseFile(t *testing.T) {
	var got sourcetest.Records
	if err := ParseFile(fixture(t), got.Handler()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Threads, wantThreads) {
		t.Errorf("threads:\n got %+v\nwant %+v", got.Threads, wantThreads)
	}
	if len(got.Comments) != len(wantComments) {
		t.Fatalf("got %d comments, want %d: %+v", len(got.Comments), len(wantComments), got.Comments)
	}
	for i := range wantComments {
		if !reflect.DeepEqual(got.Comments[i], wantComments[i]) {
			t.Errorf("comment %d:\n got %+v\nwant %+v", i, got.Comments[i], wantComments[i])
		}
	}
	if want := "tttccccccccc"; got.Order != want {
		t.Errorf("order %q, want %q", got.Order, want)
	}
}

// TestParseFileLeavesFileAlone checks that reading changes neither the
// database nor its directory.
func TestParseFileLeavesFileAlone(t *testing.T) {
	path := fixture(t)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var got sourcetest.Records
	if err := ParseFile(path, got.Handler()); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Error("the database file changed")
	}
	if info2, err := os.Stat(path); err != nil || !info2.ModTime().Equal(info.ModTime()) {
		t.Errorf("modification time changed or stat failed: %v", err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the database", len(entries))
	}
}

func TestParseFileOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a dir?with#odd%20chars")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "isso.db")
	if err := os.Rename(fixture(t), path); err != nil {
		t.Fatal(err)
	}
	var got sourcetest.Records
	if err := ParseFile(path, got.Handler()); err != nil {
		t.Fatal(err)
	}
	if len(got.Comments) != len(wantComments) {
		t.Errorf("got %d comments, want %d", len(got.Comments), len(wantComments))
	}
}

func TestParseFileWrongFormat(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	whole, err := os.ReadFile(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	oldComments := strings.NewReplacer("likes INTEGER DEFAULT 0,", "", "dislikes INTEGER DEFAULT 0,", "").Replace(schema(t))
	tests := []struct {
		name, path, msg string
	}{
		{"text", write("text.db", []byte("uri,title\n/blog/,Blog\n")), "not an SQLite database"},
		{"empty", write("empty.db", nil), "not an SQLite database"},
		{"short", write("short.db", []byte("SQLite format")), "not an SQLite database"},
		{"header only", write("header.db", []byte(magic)), "isso:"},
		{"truncated", write("truncated.db", whole[:len(whole)/2]), "isso:"},
		{"other tables", makeDB(t, dir, "other.db", "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT)"), "no table threads"},
		{"no comments", makeDB(t, dir, "nocomments.db", "CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR, title VARCHAR)"), "no table comments"},
		{"view", makeDB(t, dir, "view.db", "CREATE VIEW threads AS SELECT 1 AS id, '' AS uri, '' AS title"), "no table threads"},
		{"missing columns", makeDB(t, dir, "old.db", oldComments), "table comments has no column likes, dislikes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got sourcetest.Records
			err := ParseFile(tt.path, got.Handler())
			if !errors.Is(err, source.ErrFormat) {
				t.Fatalf("err = %v, want source.ErrFormat", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to say %q", err, tt.msg)
			}
			if got.Order != "" {
				t.Errorf("handler saw %q", got.Order)
			}
		})
	}
}

// TestParseFileUnreadable checks that a file that cannot be read is not
// taken for one of the wrong format.
func TestParseFileUnreadable(t *testing.T) {
	var got sourcetest.Records
	dir := t.TempDir()
	err := ParseFile(filepath.Join(dir, "none.db"), got.Handler())
	if !errors.Is(err, os.ErrNotExist) || errors.Is(err, source.ErrFormat) {
		t.Errorf("missing file: err = %v, want os.ErrNotExist only", err)
	}
	if err := ParseFile(dir, got.Handler()); err == nil || errors.Is(err, source.ErrFormat) {
		t.Errorf("directory: err = %v, want a read error", err)
	}
}

func TestParseFileBadValues(t *testing.T) {
	long := strings.Repeat("x", source.MaxField+1)
	tests := []struct {
		name, sql string
		args      []any
		msg       string
	}{
		{"long text", "UPDATE comments SET text = ? WHERE id = 3", []any{long}, "a field is over 1048576 bytes"},
		{"long author", "UPDATE comments SET author = ? WHERE id = 3", []any{long}, "a field is over 1048576 bytes"},
		{"long blob", "UPDATE comments SET website = CAST(? AS BLOB) WHERE id = 3", []any{long}, "a field is over 1048576 bytes"},
		{"long title", "UPDATE threads SET title = ? WHERE id = 2", []any{long}, "a field is over 1048576 bytes"},
		{"long uri", "UPDATE threads SET uri = ? WHERE id = 2", []any{long}, "a field is over 1048576 bytes"},
		{"negative time", "UPDATE comments SET created = -1 WHERE id = 3", nil, "comment 3: creation time -1 out of range"},
		{"far future", "UPDATE comments SET created = 1e300 WHERE id = 3", nil, "creation time 1e+300 out of range"},
		{"text time", "UPDATE comments SET created = 'yesterday' WHERE id = 3", nil, "created"},
		{"text thread", "UPDATE comments SET tid = 'one' WHERE id = 3", nil, "tid"},
		{"text parent", "UPDATE comments SET parent = 'two' WHERE id = 3", nil, "parent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := fixture(t)
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(tt.sql, tt.args...); err != nil {
				t.Fatal(err)
			}
			db.Close()
			var got sourcetest.Records
			err = ParseFile(path, got.Handler())
			if !errors.Is(err, source.ErrFormat) {
				t.Fatalf("err = %v, want source.ErrFormat", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to say %q", err, tt.msg)
			}
		})
	}
}

func TestParseFileMaxField(t *testing.T) {
	path := fixture(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("ü", source.MaxField/2)
	if _, err := db.Exec("UPDATE comments SET text = ? WHERE id = 3", text); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var got sourcetest.Records
	if err := ParseFile(path, got.Handler()); err != nil {
		t.Fatal(err)
	}
	if got.Comments[2].Markdown != text {
		t.Errorf("a text of exactly MaxField bytes was not kept whole")
	}
}

func TestParseFileHandlerError(t *testing.T) {
	stop := errors.New("stop")
	path := fixture(t)
	var calls int
	h := source.Handler{
		Thread:  func(source.Thread) error { calls++; return stop },
		Comment: func(source.Comment) error { t.Error("comment after failed thread"); return nil },
	}
	if err := ParseFile(path, h); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("thread: err = %v after %d calls, want stop after 1", err, calls)
	}
	calls = 0
	h = source.Handler{
		Thread:  func(source.Thread) error { return nil },
		Comment: func(source.Comment) error { calls++; return stop },
	}
	if err := ParseFile(path, h); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("comment: err = %v after %d calls, want stop after 1", err, calls)
	}
}

func FuzzParseFile(f *testing.F) {
	whole, err := os.ReadFile(fixture(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(whole)
	f.Add([]byte(magic))
	f.Add(whole[:100])
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.db")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		var got sourcetest.Records
		sourcetest.CheckError(t, ParseFile(path, got.Handler()), nil)
	})
}
