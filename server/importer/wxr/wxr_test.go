package wxr

import (
	"bytes"
	"errors"
	"reflect"
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
	t, err := time.Parse(dateLayout, s)
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
		ID:      "10",
		URL:     "https://lantern.example.com/2019/05/feeding-a-starter/",
		Title:   "Feeding a starter",
		Created: at("2019-05-04 09:30:00"),
	}, {
		ID:      "20",
		URL:     "https://lantern.example.com/about/",
		Title:   "Über uns",
		Closed:  true,
		Created: at("2019-04-01 08:00:00"),
	}}
	if !reflect.DeepEqual(rs.Threads, wantThreads) {
		t.Errorf("threads:\n got %+v\nwant %+v", rs.Threads, wantThreads)
	}

	want := map[string]source.Comment{
		"101": {
			ID: "101", ThreadID: "10",
			Author:  source.Author{Name: "Tomasz", Email: "tomasz@example.pl", Website: "https://tomasz.example.pl"},
			IP:      "203.0.113.5",
			Created: at("2019-05-04 11:00:00"),
			HTML: "<p>Mine smells like <b>nail polish</b>.<br>\nIs that normal?</p>\n" +
				`<p>I followed <a href="https://example.org/guide">this guide</a>.</p>`,
			Status: storage.StatusApproved,
		},
		"103": { // third level, non-ASCII
			ID: "103", ThreadID: "10", ParentID: "102",
			Author:  source.Author{Name: "美咲", Email: "misaki@example.jp"},
			IP:      "2001:db8::5",
			Created: at("2019-05-04 23:00:00"),
			HTML:    "<p>Grüße, 東京, emoji 🎉</p>",
			Status:  storage.StatusApproved,
		},
		"105": {
			ID: "105", ThreadID: "10",
			Author:  source.Author{Name: "Crumb Weekly &raquo; Starter links", Website: "https://crumb.example.net/links/"},
			IP:      "192.0.2.80",
			Created: at("2019-05-07 09:00:00"),
			HTML:    "<p>[&#8230;] a good primer on starters [&#8230;]</p>",
			Status:  storage.StatusApproved,
			Skip:    "pingback",
		},
		"107": { // pending; the script passes untouched
			ID: "107", ThreadID: "10",
			Author:  source.Author{Name: "Lee", Email: "lee@example.com"},
			IP:      "198.51.100.77",
			Created: at("2019-05-08 13:00:00"),
			HTML:    "<p>First comment, awaiting moderation <script>document.cookie</script></p>",
			Status:  storage.StatusPending,
		},
		"201": { // anonymous; no GMT date, so the local one
			ID: "201", ThreadID: "20",
			IP:      "192.0.2.1",
			Created: at("2019-04-02 07:30:00"),
			HTML:    "<p>Do you open on Sundays?</p>",
			Status:  storage.StatusApproved,
		},
	}
	var got []string
	for _, c := range rs.Comments {
		got = append(got, c.ID+":"+c.ParentID+":"+string(c.Status)+":"+c.Skip)
		if w, ok := want[c.ID]; ok && !reflect.DeepEqual(c, w) {
			t.Errorf("comment %s:\n got %+v\nwant %+v", c.ID, c, w)
		}
	}
	wantSummary := "101::approved: 102:101:approved: 103:102:approved: 104:99:approved: " +
		"105::approved:pingback 106::spam: 107::pending: 108::deleted: " +
		"201::approved: 202::approved:trackback"
	if s := strings.Join(got, " "); s != wantSummary {
		t.Errorf("comments\n got %s\nwant %s", s, wantSummary)
	}
}

func TestParseVersions(t *testing.T) {
	data := string(sourcetest.Fixture(t, "export.xml"))
	for _, v := range []string{"1.0", "1.1"} {
		old := strings.ReplaceAll(data, "http://wordpress.org/export/1.2/", "http://wordpress.org/export/"+v+"/")
		rs, err := parse(t, []byte(old))
		if err != nil || len(rs.Threads) != 2 || len(rs.Comments) != 10 {
			t.Errorf("WXR %s: %d threads, %d comments, error %v", v, len(rs.Threads), len(rs.Comments), err)
		}
	}
}

func TestParseWrongFormat(t *testing.T) {
	whole := sourcetest.Fixture(t, "export.xml")
	cases := map[string]struct{ data, msg string }{
		"disqus":   {string(sourcetest.Fixture(t, "../../disqus/testdata/export.xml")), "wxr: root element is <disqus>, want <rss>"},
		"rss":      {`<rss version="2.0"><channel><item><title>x</title></item></channel></rss>`, "declares no WordPress export namespace"},
		"wxr 2.0":  {rss(`<wp:post_id>1</wp:post_id>`, "2.0"), "declares no WordPress export namespace"},
		"json":     {`[{"post_id": 1}]`, "not an XML file"},
		"empty":    {"", "holds no XML element"},
		"truncate": {string(whole[:len(whole)*2/3]), "malformed XML"},
		"early":    {rss(`<wp:comment><wp:comment_id>1</wp:comment_id></wp:comment><wp:post_id>1</wp:post_id>`, "1.2"), "before its item's <wp:post_id>"},
		"no id":    {rss(`<wp:post_id>1</wp:post_id><wp:comment><wp:comment_author>a</wp:comment_author></wp:comment>`, "1.2"), "has no <wp:comment_id>"},
		"date": {rss(`<wp:post_id>1</wp:post_id><wp:comment><wp:comment_id>1</wp:comment_id>`+
			`<wp:comment_date_gmt>May 4</wp:comment_date_gmt></wp:comment>`, "1.2"), `date "May 4"`},
		"entity": {`<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>`, "declares entities"},
		"grown": {rss(`<wp:post_id>1</wp:post_id><wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content>`+
			strings.Repeat("a\n", source.MaxField/2)+`</wp:comment_content></wp:comment>`, "1.2"), "is longer than"},
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

// rss wraps item fields in an export of the given WXR version.
func rss(fields, version string) string {
	return `<rss version="2.0" xmlns:wp="http://wordpress.org/export/` + version + `/"><channel><item>` +
		fields + `</item></channel></rss>`
}

func TestParagraphs(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "",
		"  \n \n":                       "",
		"one line":                      "<p>one line</p>",
		"a\nb":                          "<p>a<br>\nb</p>",
		"a\r\n\r\nb":                    "<p>a</p>\n<p>b</p>",
		"a\n \t\n\n\nb\nc":              "<p>a</p>\n<p>b<br>\nc</p>",
		"<p>done</p>\n\nplain":          "<p>done</p>\n<p>plain</p>",
		"<blockquote>q</blockquote>":    "<blockquote>q</blockquote>",
		"<b>bold</b> start\n\n<i>x</i>": "<p><b>bold</b> start</p>\n<p><i>x</i></p>",
	} {
		if got := paragraphs(in); got != want {
			t.Errorf("paragraphs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseHandlerError(t *testing.T) {
	stop := errors.New("stop")
	h := source.Handler{
		Thread:  func(source.Thread) error { return stop },
		Comment: func(source.Comment) error { t.Error("comment after the handler failed"); return nil },
	}
	err := Parse(bytes.NewReader(sourcetest.Fixture(t, "export.xml")), h)
	if !errors.Is(err, stop) || errors.Is(err, source.ErrFormat) {
		t.Errorf("error %v, want the handler's", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sourcetest.Fixture(f, "export.xml"))
	f.Add(sourcetest.Fixture(f, "../../disqus/testdata/export.xml"))
	for _, s := range []string{
		rss(`<wp:post_id>1</wp:post_id><wp:comment><wp:comment_id>2</wp:comment_id><wp:comment_parent>1</wp:comment_parent>`+
			`<wp:comment_content><![CDATA[a

b]]></wp:comment_content><wp:comment_type>pingback</wp:comment_type></wp:comment>`, "1.1"),
		`<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><rss>&lol2;</rss>`,
		`<!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]><rss/>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?>` + rss("<title>caf\xe9</title>", "1.0"),
		rss(`<wp:post_id>&#0;</wp:post_id>`, "1.2"),
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
