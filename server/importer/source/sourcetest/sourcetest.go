// Package sourcetest holds what the import parsers' tests share: a
// Handler that collects what a parse emitted, fixtures read from testdata,
// readers that never end, count what is read or fail, and the checks every
// parser's fuzz target makes of what it emitted and returned.
package sourcetest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/storage"
)

// ErrStop is what a Records handler returns from its StopAfter-th call.
var ErrStop = errors.New("sourcetest: handler stop")

// Records is what a parse emitted, in the order the handler got it.
type Records struct {
	Threads  []source.Thread
	Comments []source.Comment
	Votes    []storage.Vote
	Sites    []storage.Site
	// Order has a letter for each call of the handler, in turn: "t" for a
	// thread, "c" for a comment, "v" for a vote, "s" for a site.
	Order string

	// StopAfter, when positive, makes the StopAfter-th call of the
	// handler (of any of its functions) return ErrStop, after recording
	// its value; the calls before and after it return nil.
	StopAfter int
	calls     int
}

// Handler returns a Handler that appends every record to rs.
func (rs *Records) Handler() source.Handler {
	return source.Handler{
		Thread: func(t source.Thread) error {
			rs.Threads = append(rs.Threads, t)
			return rs.called("t")
		},
		Comment: func(c source.Comment) error {
			rs.Comments = append(rs.Comments, c)
			return rs.called("c")
		},
		Vote: func(v storage.Vote) error {
			rs.Votes = append(rs.Votes, v)
			return rs.called("v")
		},
		Site: func(s storage.Site) error {
			rs.Sites = append(rs.Sites, s)
			return rs.called("s")
		},
	}
}

func (rs *Records) called(kind string) error {
	rs.Order += kind
	if rs.calls++; rs.calls == rs.StopAfter {
		return ErrStop
	}
	return nil
}

// Parse runs parse on data with the handler of a new Records and returns
// the records and parse's error.
func Parse(t testing.TB, parse func(io.Reader, source.Handler) error, data []byte) (*Records, error) {
	t.Helper()
	rs := &Records{}
	return rs, parse(bytes.NewReader(data), rs.Handler())
}

// Fixture returns the content of testdata/name, failing the test if it
// cannot be read. name may climb out of testdata, to another package's.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Endless is a Reader of an endless run of one byte.
type Endless byte

// Read fills p with the byte.
func (e Endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

// CountingReader counts the bytes read through it.
type CountingReader struct {
	r io.Reader
	// N is how many bytes have been read so far.
	N int
}

// Counting returns a CountingReader reading from r.
func Counting(r io.Reader) *CountingReader { return &CountingReader{r: r} }

// Read reads from the underlying reader and counts what it got.
func (c *CountingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.N += n
	return n, err
}

// Failing returns a Reader whose every Read fails with err.
func Failing(err error) io.Reader { return failing{err} }

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

// CheckEmitted fails the test if a thread's or comment's text field in rs
// is longer than source.MaxField or not valid UTF-8, or if a comment's
// status is not a valid one. It is what a fuzz target asks of every
// parser of another system's export (a Parley export keeps its records
// as stored, and an Isso database's text is SQLite's, so neither is held
// to it).
func CheckEmitted(t testing.TB, rs *Records) {
	t.Helper()
	check := func(what, id string, fields ...string) {
		t.Helper()
		for _, s := range fields {
			if len(s) > source.MaxField || !utf8.ValidString(s) {
				t.Fatalf("%s %.40q: field of %d bytes, valid UTF-8 %v", what, id, len(s), utf8.ValidString(s))
			}
		}
	}
	for _, th := range rs.Threads {
		check("thread", th.ID, th.ID, th.Identifier, th.URL, th.Title)
	}
	for _, c := range rs.Comments {
		if !c.Status.Valid() {
			t.Fatalf("comment %.40q: status %q", c.ID, c.Status)
		}
		a := c.Author
		check("comment", c.ID, c.ID, c.ThreadID, c.ParentID, a.Name, a.Email, a.Website, a.Affiliation,
			c.IP, c.Markdown, c.HTML, c.Skip)
	}
}

// CheckError fails the test unless err is nil, wraps source.ErrFormat or
// is (wraps) handler, the error the parse's handler returned. handler may
// be nil for a parse whose handler never fails.
func CheckError(t testing.TB, err, handler error) {
	t.Helper()
	if err != nil && !errors.Is(err, source.ErrFormat) && (handler == nil || !errors.Is(err, handler)) {
		t.Fatalf("error %v is neither ErrFormat nor the handler's", err)
	}
}
