package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"
)

// The shapes a reader parses, declared apart from the writer's so that a
// wrong tag on either side shows. Every element is asked for in the Atom
// namespace: one written outside it would not be found.
type parsedFeed struct {
	XMLName  xml.Name      `xml:"http://www.w3.org/2005/Atom feed"`
	ID       []string      `xml:"http://www.w3.org/2005/Atom id"`
	Title    []parsedText  `xml:"http://www.w3.org/2005/Atom title"`
	Subtitle []parsedText  `xml:"http://www.w3.org/2005/Atom subtitle"`
	Updated  []string      `xml:"http://www.w3.org/2005/Atom updated"`
	Links    []parsedLink  `xml:"http://www.w3.org/2005/Atom link"`
	Authors  []parsedAuth  `xml:"http://www.w3.org/2005/Atom author"`
	Entries  []parsedEntry `xml:"http://www.w3.org/2005/Atom entry"`
}

type parsedEntry struct {
	ID        []string     `xml:"http://www.w3.org/2005/Atom id"`
	Title     []parsedText `xml:"http://www.w3.org/2005/Atom title"`
	Authors   []parsedAuth `xml:"http://www.w3.org/2005/Atom author"`
	Links     []parsedLink `xml:"http://www.w3.org/2005/Atom link"`
	Published []string     `xml:"http://www.w3.org/2005/Atom published"`
	Updated   []string     `xml:"http://www.w3.org/2005/Atom updated"`
	Content   []parsedText `xml:"http://www.w3.org/2005/Atom content"`
}

type parsedText struct {
	Type  string `xml:"type,attr"`
	Body  string `xml:",chardata"`
	Inner string `xml:",innerxml"`
}

type parsedLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

type parsedAuth struct {
	Name []string `xml:"http://www.w3.org/2005/Atom name"`
	URI  []string `xml:"http://www.w3.org/2005/Atom uri"`
}

// parse reads b strictly, as a feed reader would, failing the test on any
// XML error.
func parse(t *testing.T, b []byte) parsedFeed {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("no XML declaration: %.60s", b)
	}
	var f parsedFeed
	if err := xml.Unmarshal(b, &f); err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, b)
	}
	return f
}

// one returns the single value of a required element, failing otherwise.
func one[T any](t *testing.T, what string, vs []T) T {
	t.Helper()
	var zero T
	if len(vs) != 1 {
		t.Errorf("%s: %d elements, want exactly 1", what, len(vs))
		if len(vs) == 0 {
			return zero
		}
	}
	return vs[0]
}

// rfc3339 parses a date construct, failing unless it is RFC 3339.
func rfc3339(t *testing.T, what, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Errorf("%s = %q: not RFC 3339: %v", what, s, err)
	}
	return tm
}

func link(ls []parsedLink, rel string) string {
	for _, l := range ls {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

var (
	t1 = time.Date(2026, 3, 1, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	t2 = time.Date(2026, 3, 2, 18, 5, 7, 0, time.UTC)
)

func sample() Feed {
	return Feed{
		ID: "urn:uuid:2b1e8f4e-6a1d-5c57-9a3e-0d6f3c1a9b77", Title: "Comments on Hello", Subtitle: "Blog",
		Alternate: "https://blog.example/hello", Self: "https://parley.example/api/v1/sites/blog/feed.atom?page=hello",
		Updated: t2,
		Entries: []Entry{
			{
				ID: "urn:uuid:01890a5d-ac96-774b-bcce-b302099a8057", Title: "Bob on Hello", AuthorName: "Bob",
				AuthorURI: "https://bob.example/", Alternate: "https://blog.example/hello#parley-01890a5d",
				Published: t1, Updated: t2, HTML: "<p>Second</p>",
			},
			{
				ID: "urn:uuid:01890a5d-ac96-774b-bcce-b302099a8056", Title: "Alice on Hello", AuthorName: "Alice",
				Published: t1, Updated: t1, HTML: "<p>First</p>",
			},
		},
	}
}

func TestRequiredElements(t *testing.T) {
	in := sample()
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	f := parse(t, b)
	if got := one(t, "feed id", f.ID); got != in.ID {
		t.Errorf("feed id = %q, want %q", got, in.ID)
	}
	if got := one(t, "feed title", f.Title); got.Body != in.Title || got.Type != "text" {
		t.Errorf("feed title = %+v", got)
	}
	if got := one(t, "subtitle", f.Subtitle); got.Body != in.Subtitle {
		t.Errorf("subtitle = %+v", got)
	}
	if got := rfc3339(t, "feed updated", one(t, "feed updated", f.Updated)); !got.Equal(in.Updated) {
		t.Errorf("feed updated = %v, want %v", got, in.Updated)
	}
	if got := link(f.Links, "alternate"); got != in.Alternate {
		t.Errorf("alternate = %q, want %q", got, in.Alternate)
	}
	if got := link(f.Links, "self"); got != in.Self {
		t.Errorf("self = %q, want %q", got, in.Self)
	}
	if len(f.Entries) != len(in.Entries) {
		t.Fatalf("%d entries, want %d", len(f.Entries), len(in.Entries))
	}
	for i, want := range in.Entries {
		e := f.Entries[i]
		if got := one(t, "entry id", e.ID); got != want.ID {
			t.Errorf("entry %d id = %q, want %q", i, got, want.ID)
		}
		if got := one(t, "entry title", e.Title); got.Body != want.Title {
			t.Errorf("entry %d title = %q, want %q", i, got.Body, want.Title)
		}
		a := one(t, "entry author", e.Authors)
		if got := one(t, "author name", a.Name); got != want.AuthorName {
			t.Errorf("entry %d author = %q, want %q", i, got, want.AuthorName)
		}
		if want.AuthorURI == "" && len(a.URI) != 0 {
			t.Errorf("entry %d: an empty author uri was written: %q", i, a.URI)
		}
		if want.AuthorURI != "" && one(t, "author uri", a.URI) != want.AuthorURI {
			t.Errorf("entry %d author uri = %q, want %q", i, a.URI, want.AuthorURI)
		}
		if got := link(e.Links, "alternate"); got != want.Alternate {
			t.Errorf("entry %d alternate = %q, want %q", i, got, want.Alternate)
		}
		if got := rfc3339(t, "published", one(t, "published", e.Published)); !got.Equal(want.Published) {
			t.Errorf("entry %d published = %v, want %v", i, got, want.Published)
		}
		if got := rfc3339(t, "updated", one(t, "updated", e.Updated)); !got.Equal(want.Updated) {
			t.Errorf("entry %d updated = %v, want %v", i, got, want.Updated)
		}
		if c := one(t, "content", e.Content); c.Type != "html" || c.Body != want.HTML {
			t.Errorf("entry %d content = %+v, want type html, %q", i, c, want.HTML)
		}
	}
}

// TestEscaping checks that text never becomes markup of the feed: a name
// with markup in it comes back as the same text, and a body as the same
// HTML string, escaped rather than embedded as XML elements.
func TestEscaping(t *testing.T) {
	name := `<script>alert("x")</script> & Co'`
	body := "<p>Hello &amp; <a href=\"https://x.example/?a=1&amp;b=2\">link</a></p>\n<pre>]]&gt; <![CDATA[ x ]]></pre>\r\n"
	in := Feed{ID: "urn:x:1", Title: name, Updated: t1, Entries: []Entry{
		{ID: "urn:x:2", Title: name + " on <b>page</b>", AuthorName: name, Alternate: `https://b.example/p?a=1&b="2"#parley-x`, Updated: t1, HTML: body},
	}}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("<script")) || bytes.Contains(b, []byte("<p>")) || bytes.Contains(b, []byte("<b>")) {
		t.Errorf("markup went out unescaped:\n%s", b)
	}
	f := parse(t, b)
	e := f.Entries[0]
	if got := f.Title[0].Body; got != name {
		t.Errorf("feed title = %q, want %q", got, name)
	}
	if got := e.Authors[0].Name[0]; got != name {
		t.Errorf("author = %q, want %q", got, name)
	}
	if got := e.Title[0].Body; got != in.Entries[0].Title {
		t.Errorf("entry title = %q", got)
	}
	if got := link(e.Links, "alternate"); got != in.Entries[0].Alternate {
		t.Errorf("alternate = %q, want %q", got, in.Entries[0].Alternate)
	}
	c := e.Content[0]
	if c.Body != body {
		t.Errorf("content = %q\nwant      %q", c.Body, body)
	}
	// innerxml is the raw text between the tags: no element may start in it.
	if strings.Contains(c.Inner, "<") {
		t.Errorf("content holds raw markup: %q", c.Inner)
	}
}

func TestForbiddenCharactersAreRemoved(t *testing.T) {
	bad := "a\x00b\x01c\x08d\x0be\x0cf\x1fg\uFFFEh\uFFFFi"
	const want = "abcdefghi"
	in := Feed{ID: "urn:x:\x00feed", Title: bad, Subtitle: bad, Alternate: "https://b.example/\x01p", Updated: t1, Entries: []Entry{
		{ID: "urn:x:\x02e", Title: bad, AuthorName: bad, AuthorURI: "https://a.example/\x1b", Updated: t1, HTML: "<p>" + bad + "\ttab\nline\r\n</p>"},
	}}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	f := parse(t, b) // a single forbidden character would fail the parse
	e := f.Entries[0]
	checks := []struct{ what, got, want string }{
		{"feed id", f.ID[0], "urn:x:feed"},
		{"feed title", f.Title[0].Body, want},
		{"subtitle", f.Subtitle[0].Body, want},
		{"alternate", link(f.Links, "alternate"), "https://b.example/p"},
		{"entry id", e.ID[0], "urn:x:e"},
		{"entry title", e.Title[0].Body, want},
		{"author", e.Authors[0].Name[0], want},
		{"author uri", e.Authors[0].URI[0], "https://a.example/"},
		// Tab, line feed and carriage return are XML characters: kept.
		{"content", e.Content[0].Body, "<p>" + want + "\ttab\nline\r\n</p>"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
}

func TestEmptyFeed(t *testing.T) {
	in := Feed{ID: "urn:x:empty", Title: "No comments yet", Updated: t1}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	f := parse(t, b)
	if one(t, "id", f.ID) != in.ID || one(t, "title", f.Title).Body != in.Title || len(f.Entries) != 0 || len(f.Links) != 0 {
		t.Errorf("empty feed = %+v", f)
	}
	rfc3339(t, "updated", one(t, "updated", f.Updated))
	// Optional elements without a value are left out, not written empty.
	if len(f.Subtitle) != 0 || len(f.Authors) != 0 {
		t.Errorf("empty optional elements: %s", b)
	}
}

func TestFeedAuthorCoversEntries(t *testing.T) {
	in := Feed{ID: "urn:x:f", Title: "T", AuthorName: "The blog", Updated: t1,
		Entries: []Entry{{ID: "urn:x:e", Title: "E", Updated: t1, HTML: "<p>x</p>"}}}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	f := parse(t, b)
	if got := one(t, "feed author", f.Authors); one(t, "name", got.Name) != "The blog" {
		t.Errorf("feed author = %+v", got)
	}
	if len(f.Entries[0].Authors) != 0 {
		t.Errorf("entry author = %+v, want none (inherited)", f.Entries[0].Authors)
	}
}

func TestMissingRequiredElements(t *testing.T) {
	entry := func(f func(*Entry)) func(*Feed) {
		return func(fd *Feed) { f(&fd.Entries[0]) }
	}
	tests := []struct {
		name   string
		change func(*Feed)
	}{
		{"feed id", func(f *Feed) { f.ID = "" }},
		{"feed id of control characters", func(f *Feed) { f.ID = "\x00\x01 " }},
		{"feed title", func(f *Feed) { f.Title = "  " }},
		{"feed updated", func(f *Feed) { f.Updated = time.Time{} }},
		{"entry id", entry(func(e *Entry) { e.ID = "" })},
		{"entry title", entry(func(e *Entry) { e.Title = "\x07" })},
		{"entry updated", entry(func(e *Entry) { e.Updated = time.Time{} })},
		{"entry author", entry(func(e *Entry) { e.AuthorName = " " })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := sample()
			tt.change(&in)
			var buf bytes.Buffer
			if err := Write(&buf, in); !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes of an invalid feed", buf.Len())
			}
		})
	}
}
