package server

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// atomDoc is a feed as a reader parses it, every element asked for in the
// Atom namespace.
type atomDoc struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"http://www.w3.org/2005/Atom id"`
	Title   string      `xml:"http://www.w3.org/2005/Atom title"`
	Updated string      `xml:"http://www.w3.org/2005/Atom updated"`
	Links   []atomHref  `xml:"http://www.w3.org/2005/Atom link"`
	Entries []atomEntry `xml:"http://www.w3.org/2005/Atom entry"`
}

type atomEntry struct {
	ID        string     `xml:"http://www.w3.org/2005/Atom id"`
	Title     string     `xml:"http://www.w3.org/2005/Atom title"`
	Author    string     `xml:"http://www.w3.org/2005/Atom author>name"`
	AuthorURI string     `xml:"http://www.w3.org/2005/Atom author>uri"`
	Links     []atomHref `xml:"http://www.w3.org/2005/Atom link"`
	Published string     `xml:"http://www.w3.org/2005/Atom published"`
	Updated   string     `xml:"http://www.w3.org/2005/Atom updated"`
	Content   struct {
		Type string `xml:"type,attr"`
		Body string `xml:",chardata"`
	} `xml:"http://www.w3.org/2005/Atom content"`
}

type atomHref struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

func rel(ls []atomHref, rel string) string {
	for _, l := range ls {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// getFeed reads a feed as a feed reader does (no Origin, no token),
// checks the headers every feed answer has, and parses it.
func (e *env) getFeed(query string) (atomDoc, resp) {
	e.t.Helper()
	r := e.do(req{method: "GET", path: "/api/v1/sites/blog/feed.atom" + query})
	if r.status != http.StatusOK {
		e.t.Fatalf("feed%s: status %d: %s", query, r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		e.t.Errorf("content type %q", ct)
	}
	if cc := r.header.Get("Cache-Control"); cc != "public, max-age=60" {
		e.t.Errorf("cache control %q", cc)
	}
	var doc atomDoc
	if err := xml.Unmarshal(r.body, &doc); err != nil {
		e.t.Fatalf("feed%s does not parse: %v\n%s", query, err, r.body)
	}
	if doc.ID == "" || doc.Title == "" || doc.Updated == "" {
		e.t.Errorf("feed lacks a required element: %+v", doc)
	}
	for _, en := range doc.Entries {
		if en.ID == "" || en.Title == "" || en.Updated == "" || en.Author == "" {
			e.t.Errorf("entry lacks a required element: %+v", en)
		}
		for _, ts := range []string{en.Updated, en.Published} {
			if _, err := time.Parse(time.RFC3339, ts); err != nil {
				e.t.Errorf("entry %s: time %q is not RFC 3339", en.ID, ts)
			}
		}
	}
	return doc, r
}

func entryIDs(doc atomDoc) []string {
	var ids []string
	for _, en := range doc.Entries {
		ids = append(ids, strings.TrimPrefix(en.ID, "urn:uuid:"))
	}
	return ids
}

func TestPageFeed(t *testing.T) {
	e := newEnv(t)
	const pageURL = "https://blog.example/hello"
	const title = "Hello & <welcome>"
	first := e.post("", map[string]any{
		"page": pageURL, "page_url": pageURL, "page_title": title, "body": "**First** & <i>x</i>\n\n`a < b`",
		"author": map[string]any{"name": "Alice <script>&", "email": "alice@example.com", "website": "https://alice.example/"},
	})
	e.clock.Advance(time.Minute)
	reply := e.post("", map[string]any{"page": pageURL, "parent": first.Comment.ID, "body": "a reply", "author": map[string]any{"name": "Bob"}})
	e.clock.Advance(time.Minute)
	pending := e.post("", comment(pageURL, "held back"))
	if _, err := e.store.UpdateComment(t.Context(), "blog", pending.Comment.ID, func(c *storage.Comment) error {
		c.Status = storage.StatusPending
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	deleted := e.post("", comment(pageURL, "regretted"))
	if r := e.do(req{method: "DELETE", path: "/api/v1/sites/blog/comments/" + deleted.Comment.ID, token: deleted.ReaderToken}); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	e.post("", comment("elsewhere", "another page"))
	e.clock.Advance(time.Minute)
	anon := e.post("", map[string]any{"page": pageURL, "body": "no name", "author": map[string]any{}})
	e.clock.Advance(time.Minute)
	r := e.do(req{method: "PATCH", path: "/api/v1/sites/blog/comments/" + anon.Comment.ID, body: map[string]any{"body": "no name, edited"}, token: anon.ReaderToken})
	if r.status != http.StatusOK {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	var edited writeAnswer
	r.decode(t, &edited)

	doc, raw := e.getFeed("?page=" + url.QueryEscape(pageURL))
	if got, want := strings.Join(entryIDs(doc), ","), strings.Join([]string{anon.Comment.ID, reply.Comment.ID, first.Comment.ID}, ","); got != want {
		t.Fatalf("entries %s, want the approved ones newest first: %s", got, want)
	}
	if doc.Title != "Comments on "+title || rel(doc.Links, "alternate") != pageURL {
		t.Errorf("feed title %q, alternate %q", doc.Title, rel(doc.Links, "alternate"))
	}
	if want := "http://parley.test/api/v1/sites/blog/feed.atom?page=" + url.QueryEscape(pageURL); rel(doc.Links, "self") != want {
		t.Errorf("self = %q, want %q", rel(doc.Links, "self"), want)
	}
	a, b, f := doc.Entries[0], doc.Entries[1], doc.Entries[2]
	if f.Author != "Alice <script>&" || f.AuthorURI != "https://alice.example/" || f.Title != "Alice <script>& on "+title {
		t.Errorf("first entry: author %q uri %q title %q", f.Author, f.AuthorURI, f.Title)
	}
	if b.Author != "Bob" || b.Title != "Bob replied on "+title || b.AuthorURI != "" {
		t.Errorf("reply entry: author %q uri %q title %q", b.Author, b.AuthorURI, b.Title)
	}
	if a.Author != "Anonymous" {
		t.Errorf("anonymous author = %q", a.Author)
	}
	// The sanitized HTML comes back as the same string, not as elements
	// of the feed.
	for i, want := range []commentView{edited.Comment, reply.Comment, first.Comment} {
		en := doc.Entries[i]
		if en.Content.Type != "html" || en.Content.Body != want.HTML {
			t.Errorf("entry %d content %s %q, want html %q", i, en.Content.Type, en.Content.Body, want.HTML)
		}
		if got := rel(en.Links, "alternate"); got != pageURL+"#parley-"+want.ID {
			t.Errorf("entry %d link %q", i, got)
		}
		if pub, _ := time.Parse(time.RFC3339, en.Published); !pub.Equal(want.Created.Truncate(time.Second)) {
			t.Errorf("entry %d published %s, want %s", i, en.Published, want.Created)
		}
	}
	if !strings.Contains(f.Content.Body, "<strong>First</strong>") {
		t.Errorf("first body = %q", f.Content.Body)
	}
	if up, _ := time.Parse(time.RFC3339, a.Updated); !up.Equal(edited.Comment.Edited.Truncate(time.Second)) || a.Updated == a.Published {
		t.Errorf("edited entry: published %s updated %s, want the edit time %s", a.Published, a.Updated, edited.Comment.Edited)
	}
	if doc.Updated != a.Updated {
		t.Errorf("feed updated %s, want the newest entry's %s", doc.Updated, a.Updated)
	}
	for _, s := range []string{"<script", "<strong>", "<i>"} {
		if bytes.Contains(raw.body, []byte(s)) {
			t.Errorf("raw %q in the feed: markup must go out escaped", s)
		}
	}
	stored, err := e.store.Comment(t.Context(), "blog", first.Comment.ID)
	if err != nil {
		t.Fatal(err)
	}
	private := []string{"alice@example.com", stored.ReaderHash, stored.IPHash, "held back", "regretted", "another page"}
	for _, s := range private {
		if s == "" || bytes.Contains(raw.body, []byte(s)) {
			t.Errorf("the feed carries %q", s)
		}
	}

	// The id is the same on every read, and another page's differs.
	again, _ := e.getFeed("?page=" + url.QueryEscape(pageURL+"/?utm_source=x"))
	other, _ := e.getFeed("?page=elsewhere")
	if again.ID != doc.ID || other.ID == doc.ID || !strings.HasPrefix(doc.ID, "urn:uuid:") {
		t.Errorf("feed ids %q, %q (same page), %q (other page)", doc.ID, again.ID, other.ID)
	}
	// A page id rather than a URL: no place to link to but the blog.
	if rel(other.Links, "alternate") != testOrigin || len(other.Entries) != 1 || rel(other.Entries[0].Links, "alternate") != "" {
		t.Errorf("page-id feed: alternate %q, entries %+v", rel(other.Links, "alternate"), other.Entries)
	}
}

// TestFeedLinksMatchTheWidget guards the fragment of entry links: the
// widget must give a comment the element id the feed links to.
func TestFeedLinksMatchTheWidget(t *testing.T) {
	src, err := os.ReadFile("../widget/src/comment.js")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("art.id = 'parley-' + c.id;")) {
		t.Error("widget/src/comment.js no longer gives a comment the id parley-<id>: change feedEntry's links with it")
	}
}

func TestSiteFeed(t *testing.T) {
	e := newEnv(t)
	var want []string
	for i := range 4 {
		page := []string{"https://blog.example/one", "https://blog.example/two"}[i%2]
		a := e.post("", map[string]any{"page": page, "page_url": page, "page_title": fmt.Sprintf("Title %d", i%2), "body": fmt.Sprintf("comment %d", i), "author": map[string]any{"name": "Ada"}})
		want = append([]string{a.Comment.ID}, want...)
		e.clock.Advance(time.Minute)
	}
	held := e.post("", comment("https://blog.example/one", "held"))
	if _, err := e.store.UpdateComment(t.Context(), "blog", held.Comment.ID, func(c *storage.Comment) error {
		c.Status = storage.StatusSpam
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	doc, raw := e.getFeed("")
	if got := strings.Join(entryIDs(doc), ","); got != strings.Join(want, ",") {
		t.Fatalf("entries %s, want newest first across pages %s", got, strings.Join(want, ","))
	}
	for i, en := range doc.Entries {
		n := 3 - i // the comment's number
		page := []string{"https://blog.example/one", "https://blog.example/two"}[n%2]
		if en.Title != fmt.Sprintf("Ada on Title %d", n%2) || rel(en.Links, "alternate") != page+"#parley-"+want[i] {
			t.Errorf("entry %d: title %q link %q", i, en.Title, rel(en.Links, "alternate"))
		}
	}
	if doc.Title != "Comments on Blog" || rel(doc.Links, "alternate") != testOrigin ||
		rel(doc.Links, "self") != "http://parley.test/api/v1/sites/blog/feed.atom" {
		t.Errorf("site feed: title %q links %+v", doc.Title, doc.Links)
	}
	if bytes.Contains(raw.body, []byte(">held<")) || bytes.Contains(raw.body, []byte("held</")) {
		t.Error("the spam comment is in the feed")
	}
	if page, _ := e.getFeed("?page=" + url.QueryEscape("https://blog.example/one")); page.ID == doc.ID {
		t.Error("the site feed and a page feed share an id")
	}
}

func TestFeedKeepsTheNewest(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range feedSize + 3 {
		ids = append(ids, e.post("", comment("p", fmt.Sprintf("comment %d", i))).Comment.ID)
		e.clock.Advance(time.Second)
	}
	for _, q := range []string{"?page=p", ""} {
		doc, _ := e.getFeed(q)
		if got := entryIDs(doc); len(got) != feedSize || got[0] != ids[len(ids)-1] || got[feedSize-1] != ids[3] {
			t.Errorf("feed%s: %d entries from %s to %s, want the newest %d", q, len(got), got[0], got[len(got)-1], feedSize)
		}
	}
}

func TestEmptySiteFeed(t *testing.T) {
	e := newEnv(t)
	doc, _ := e.getFeed("")
	if len(doc.Entries) != 0 {
		t.Errorf("entries in an empty site's feed: %+v", doc.Entries)
	}
	if _, err := time.Parse(time.RFC3339, doc.Updated); err != nil {
		t.Errorf("updated %q: %v", doc.Updated, err)
	}
}

func TestFeedErrors(t *testing.T) {
	e := newEnv(t)
	e.post("", comment("p", "one"))
	r := e.do(req{method: "GET", path: "/api/v1/sites/blog/feed.atom?page=never-commented"})
	if ae := r.apiErr(t); r.status != http.StatusNotFound || ae.Code != "not_found" || ae.Field != "page" {
		t.Errorf("unknown page: %d %s", r.status, r.body)
	}
	for _, q := range []string{"?page=", "?page=%01"} {
		r := e.do(req{method: "GET", path: "/api/v1/sites/blog/feed.atom" + q})
		if r.status != http.StatusBadRequest || r.apiErr(t).Field != "page" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	// An unknown site is refused as on every other route of a site.
	feed := e.do(req{method: "GET", path: "/api/v1/sites/nope/feed.atom"})
	list := e.do(req{method: "GET", path: "/api/v1/sites/nope/comments?page=p"})
	if feed.status != http.StatusNotFound || feed.status != list.status || !bytes.Equal(feed.body, list.body) {
		t.Errorf("unknown site: %d %s; other routes: %d %s", feed.status, feed.body, list.status, list.body)
	}
}

func TestFeedETag(t *testing.T) {
	e := newEnv(t)
	e.post("", comment("p", "one"))
	for _, q := range []string{"?page=p", ""} {
		path := "/api/v1/sites/blog/feed.atom" + q
		r := e.do(req{method: "GET", path: path})
		etag := r.header.Get("ETag")
		if r.status != http.StatusOK || etag == "" {
			t.Fatalf("%s: %d, ETag %q", path, r.status, etag)
		}
		if again := e.do(req{method: "GET", path: path}); again.header.Get("ETag") != etag {
			t.Errorf("%s: ETag changed without a change: %q then %q", path, etag, again.header.Get("ETag"))
		}
		hold := map[string]string{"If-None-Match": etag}
		if r := e.do(req{method: "GET", path: path, header: hold}); r.status != http.StatusNotModified || len(r.body) != 0 {
			t.Errorf("%s: revalidation %d, %d bytes", path, r.status, len(r.body))
		}
		zipped := e.do(req{method: "GET", path: path, header: map[string]string{"Accept-Encoding": "gzip"}})
		zr, err := gzip.NewReader(bytes.NewReader(zipped.body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, r.body) || zipped.header.Get("ETag") != etag {
			t.Errorf("%s: the gzipped feed is not the plain one (%v)", path, err)
		}
		e.post("", comment("p", "two "+q))
		if r := e.do(req{method: "GET", path: path, header: hold}); r.status != http.StatusOK || r.header.Get("ETag") == etag {
			t.Errorf("%s: after a new comment %d with ETag %q", path, r.status, r.header.Get("ETag"))
		}
	}
}

// TestFeedFromAnyOrigin: a feed is public, read by feed readers (no
// Origin) and by pages of other sites; only the blog's own origin gets
// CORS headers, as on every read.
func TestFeedFromAnyOrigin(t *testing.T) {
	e := newEnv(t)
	e.post("", comment("p", "one"))
	for _, origin := range []string{"", testOrigin, "https://elsewhere.example"} {
		r := e.do(req{method: "GET", path: "/api/v1/sites/blog/feed.atom?page=p", origin: origin})
		allow := r.header.Get("Access-Control-Allow-Origin")
		if r.status != http.StatusOK || (origin == testOrigin) != (allow == testOrigin) {
			t.Errorf("origin %q: %d, allowed %q", origin, r.status, allow)
		}
	}
}
