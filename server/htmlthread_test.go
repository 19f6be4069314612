package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/parley-dev/parley/storage"
)

const htmlPath = "/api/v1/sites/blog/comments.html"

// getHTML reads a page's fragment as a static site generator does (no
// Origin, no token) and checks the headers every answer has.
func (e *env) getHTML(page string, header map[string]string) resp {
	e.t.Helper()
	r := e.do(req{method: "GET", path: htmlPath + "?page=" + url.QueryEscape(page), header: header})
	if r.status != http.StatusOK && r.status != http.StatusNotModified {
		e.t.Fatalf("comments.html?page=%s: %d %s", page, r.status, r.body)
	}
	want := map[string]string{"Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*", "Vary": "Accept-Encoding"}
	if r.status == http.StatusOK {
		want["Content-Type"] = "text/html; charset=utf-8"
	}
	for k, v := range want {
		if got := r.header.Get(k); got != v {
			e.t.Errorf("comments.html: %s %q, want %q", k, got, v)
		}
	}
	if r.header.Get("ETag") == "" {
		e.t.Error("comments.html: no ETag")
	}
	return r
}

// parseFragment parses a fragment as a page that includes it does.
func parseFragment(t *testing.T, b []byte) []*html.Node {
	t.Helper()
	nodes, err := html.ParseFragment(bytes.NewReader(b), &html.Node{Type: html.ElementNode, DataAtom: atom.Div, Data: "div"})
	if err != nil {
		t.Fatalf("the fragment does not parse: %v", err)
	}
	return nodes
}

func attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

func walk(nodes []*html.Node, fn func(*html.Node)) {
	for _, n := range nodes {
		fn(n)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk([]*html.Node{c}, fn)
		}
	}
}

// microComment is a schema.org Comment item as a microdata parser reads it.
type microComment struct {
	id, author, affiliation, created, text string
	replies                                []*microComment
	reply                                  bool // itemprop="comment"
}

// items reads the Comment items of the fragment (a small microdata
// parser: itemscope, itemtype, itemprop), each with its properties.
func items(t *testing.T, nodes []*html.Node) []*microComment {
	t.Helper()
	var roots []*microComment
	var read func(n *html.Node, item *microComment, person bool)
	read = func(n *html.Node, item *microComment, person bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			prop, _ := attr(c, "itemprop")
			typ, scope := attr(c, "itemtype")
			if _, ok := attr(c, "itemscope"); ok != scope {
				t.Errorf("<%s> itemscope %v but itemtype %q", c.Data, ok, typ)
			}
			switch {
			case scope && typ == "https://schema.org/Comment":
				mc := &microComment{reply: prop == "comment"}
				if item != nil && prop == "comment" {
					item.replies = append(item.replies, mc)
				} else {
					if prop != "" {
						t.Errorf("a top-level comment has itemprop %q", prop)
					}
					roots = append(roots, mc)
				}
				read(c, mc, false)
				continue
			case scope && typ == "https://schema.org/Person" && prop == "author" && item != nil:
				read(c, item, true)
				continue
			case scope && typ == "https://schema.org/Organization" && prop == "affiliation" && person:
				walk([]*html.Node{c}, func(o *html.Node) {
					if p, _ := attr(o, "itemprop"); p == "name" {
						item.affiliation = text(o)
					}
				})
				continue
			case scope:
				t.Errorf("unexpected item %s (itemprop %q)", typ, prop)
			}
			if item != nil {
				switch {
				case prop == "name" && person:
					item.author = text(c)
				case prop == "dateCreated" && c.DataAtom == atom.Time:
					item.created, _ = attr(c, "datetime")
				case prop == "text":
					var b bytes.Buffer
					for k := c.FirstChild; k != nil; k = k.NextSibling {
						html.Render(&b, k)
					}
					item.text = b.String()
				}
			}
			if c.DataAtom == atom.Article {
				if id, ok := attr(c, "id"); ok && item != nil && item.id == "" {
					item.id = strings.TrimPrefix(id, "parley-")
				}
			}
			read(c, item, person)
		}
	}
	root := &html.Node{Type: html.ElementNode, Data: "div"}
	for _, n := range nodes {
		n.Parent = nil
		root.AppendChild(n)
	}
	read(root, nil, false)
	return roots
}

func text(n *html.Node) string {
	var b strings.Builder
	walk([]*html.Node{n}, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.TrimSpace(b.String())
}

// assertInertMarkup fails if the markup could run anything or style itself: no
// script, no event handler, no style attribute, no javascript: URL, and
// only parley- ids.
func assertInertMarkup(t *testing.T, what string, nodes []*html.Node) {
	t.Helper()
	walk(nodes, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		switch n.DataAtom {
		case atom.Script, atom.Iframe, atom.Object, atom.Embed, atom.Base, atom.Form:
			t.Errorf("%s: a <%s> element", what, n.Data)
		}
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(k, "on"), k == "style", k == "srcdoc", k == "formaction":
				t.Errorf("%s: <%s %s=%q>", what, n.Data, a.Key, a.Val)
			case k == "id" && !strings.HasPrefix(a.Val, "parley-"):
				t.Errorf("%s: an id %q without the parley- prefix", what, a.Val)
			}
			if v := strings.ToLower(strings.TrimSpace(a.Val)); strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:text") || strings.HasPrefix(v, "vbscript:") {
				t.Errorf("%s: <%s %s=%q>", what, n.Data, a.Key, a.Val)
			}
		}
	})
}

func TestHTMLThread(t *testing.T) {
	e := newEnv(t)
	evil := `<img src=x onerror=alert(1)><script>alert(2)</script>"'&`
	first := e.post("", map[string]any{"page": "p", "page_title": "A <b>title</b> " + evil, "body": "First **comment**",
		"author": map[string]any{"name": "Ada <img src=x onerror=alert(1)>", "affiliation": "Engines " + evil, "email": "ada@example.com",
			"website": "https://ada.example/"}})
	reply := e.post("", map[string]any{"page": "p", "parent": first.Comment.ID, "body": "A reply <script>alert(3)</script>",
		"author": map[string]any{"name": "Bob"}})
	deep := e.post("", map[string]any{"page": "p", "parent": reply.Comment.ID, "body": "Deeper", "author": map[string]any{"name": "Cleo"}})
	e.clock.Advance(time.Minute)
	second := e.post("", map[string]any{"page": "p", "body": "Second thread", "author": map[string]any{"name": ""}})
	pinned := e.post("", map[string]any{"page": "p", "body": "Pinned, so first", "author": map[string]any{"name": "Mod"}})
	// A removed comment with a reply stays as a placeholder; its reply shows.
	gone := e.post("", map[string]any{"page": "p", "body": "Removed", "author": map[string]any{"name": "Gone"}})
	orphan := e.post("", map[string]any{"page": "p", "parent": gone.Comment.ID, "body": "Reply to a removed one", "author": map[string]any{"name": "Dan"}})
	pending := e.post("", map[string]any{"page": "p", "body": "Held PENDINGTEXT", "author": map[string]any{"name": "Held", "email": "held@example.com"}})
	spam := e.post("", map[string]any{"page": "p", "parent": first.Comment.ID, "body": "Buy SPAMTEXT", "author": map[string]any{"name": "Spammer"}})
	set := func(id string, f func(*storage.Comment)) {
		if _, err := e.store.UpdateComment(t.Context(), "blog", id, func(c *storage.Comment) error { f(c); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	set(pinned.Comment.ID, func(c *storage.Comment) { c.Pinned = true })
	set(gone.Comment.ID, func(c *storage.Comment) { c.Status = storage.StatusDeleted })
	set(pending.Comment.ID, func(c *storage.Comment) { c.Status = storage.StatusPending })
	set(spam.Comment.ID, func(c *storage.Comment) { c.Status = storage.StatusSpam })

	r := e.getHTML("p", nil)
	nodes := parseFragment(t, r.body)
	assertInertMarkup(t, "fragment", nodes)
	body := string(r.body)
	for _, leak := range []string{"ada@example.com", "held@example.com", "PENDINGTEXT", "SPAMTEXT", "Removed", "Spammer", "<script", "<img", "javascript:"} {
		if strings.Contains(body, leak) {
			t.Errorf("the fragment shows %q:\n%s", leak, body)
		}
	}

	// The root section and its heading.
	var section *html.Node
	for _, n := range nodes {
		if n.Type == html.ElementNode {
			if section != nil {
				t.Errorf("a second root element <%s>", n.Data)
			}
			section = n
		}
	}
	if section == nil || section.DataAtom != atom.Section {
		t.Fatalf("the fragment's root is not a <section>:\n%s", body)
	}
	page, err := e.store.Page(t.Context(), "blog", "p")
	if err != nil {
		t.Fatal(err)
	}
	cls, _ := attr(section, "class")
	_, marked := attr(section, "data-parley-thread")
	key, _ := attr(section, "data-page")
	version, _ := attr(section, "data-version")
	if cls != "parley-thread" || !marked || key != "p" || version != strconv.FormatInt(page.Version, 10) {
		t.Errorf("section class %q, data-parley-thread %v, data-page %q, data-version %q (page version %d)", cls, marked, key, version, page.Version)
	}
	var heading string
	walk(nodes, func(n *html.Node) {
		if n.DataAtom == atom.H2 {
			heading = text(n)
		}
	})
	if heading != "6 comments" {
		t.Errorf("heading %q, want %q", heading, "6 comments")
	}

	// The microdata: every approved comment, in the JSON thread's order,
	// replies nested.
	got := items(t, nodes)
	thread := e.list("", "page=p")
	var approved []commentView
	for _, c := range thread.Comments {
		if !c.Deleted {
			approved = append(approved, c)
		}
	}
	var flat []*microComment
	var visit func([]*microComment, string)
	parents := map[string]string{}
	visit = func(list []*microComment, parent string) {
		for _, m := range list {
			flat = append(flat, m)
			parents[m.id] = parent
			visit(m.replies, m.id)
		}
	}
	visit(got, "")
	if len(flat) != len(approved) || len(approved) != 6 {
		t.Fatalf("%d Comment items, %d approved comments in the JSON thread (want 6)", len(flat), len(approved))
	}
	for i, c := range approved {
		m := flat[i]
		if m.id != c.ID {
			t.Errorf("item %d is comment %s, the JSON thread's is %s", i, m.id, c.ID)
			continue
		}
		name := c.Author.Name
		if name == "" {
			name = "Anonymous"
		}
		if m.author != name || m.affiliation != c.Author.Affiliation {
			t.Errorf("comment %s: author %q affiliation %q, want %q %q", c.ID, m.author, m.affiliation, name, c.Author.Affiliation)
		}
		if ts, err := time.Parse(time.RFC3339, m.created); err != nil || !ts.Equal(c.Created.Truncate(time.Second)) {
			t.Errorf("comment %s: dateCreated %q, created %s", c.ID, m.created, c.Created)
		}
		if m.text != c.HTML {
			t.Errorf("comment %s: text %q, stored HTML %q", c.ID, m.text, c.HTML)
		}
	}
	if got[0].id != pinned.Comment.ID {
		t.Errorf("the first thread is %s, not the pinned one", got[0].id)
	}
	wantParents := map[string]string{reply.Comment.ID: first.Comment.ID, deep.Comment.ID: reply.Comment.ID,
		second.Comment.ID: "", first.Comment.ID: "", orphan.Comment.ID: ""}
	for id, p := range wantParents {
		if parents[id] != p {
			t.Errorf("comment %s is a reply of %q, want %q", id, parents[id], p)
		}
	}
	// The placeholder keeps the thread's shape: the reply to the removed
	// comment sits in its list.
	if !strings.Contains(body, `id="parley-`+gone.Comment.ID+`"><p>This comment was deleted.</p>`) {
		t.Errorf("no placeholder for the removed comment with a reply:\n%s", body)
	}
	// Markup in names was escaped into text, an unsafe website dropped.
	if !strings.Contains(body, `Ada &lt;img src=x onerror=alert(1)&gt;`) || !strings.Contains(body, `href="https://ada.example/"`) {
		t.Errorf("the author's name or website is not shown escaped:\n%s", body)
	}
}

func TestHTMLThreadETag(t *testing.T) {
	e := newEnv(t)
	e.post("", comment("p", "one"))
	r := e.getHTML("p", nil)
	etag := r.header.Get("ETag")
	if again := e.getHTML("p", nil); again.header.Get("ETag") != etag || !bytes.Equal(again.body, r.body) {
		t.Errorf("the answer changed without a change: ETag %q then %q", etag, again.header.Get("ETag"))
	}
	hold := map[string]string{"If-None-Match": etag}
	if r := e.getHTML("p", hold); r.status != http.StatusNotModified || len(r.body) != 0 || r.header.Get("ETag") != etag {
		t.Errorf("revalidation: %d, %d bytes, ETag %q", r.status, len(r.body), r.header.Get("ETag"))
	}
	for _, enc := range []string{"gzip", "br"} {
		z := e.getHTML("p", map[string]string{"Accept-Encoding": enc})
		if z.header.Get("Content-Encoding") != enc || z.header.Get("ETag") != etag {
			t.Errorf("%s: Content-Encoding %q, ETag %q", enc, z.header.Get("Content-Encoding"), z.header.Get("ETag"))
		}
		if enc == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(z.body))
			if err != nil {
				t.Fatal(err)
			}
			if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, r.body) {
				t.Errorf("the gzipped fragment is not the plain one (%v)", err)
			}
		}
	}
	// Another site's page of the same key has another ETag.
	if err := e.store.CreateSite(t.Context(), storage.Site{ID: "other", Settings: storage.DefaultSiteSettings(), Created: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	if o := e.do(req{method: "GET", path: "/api/v1/sites/other/comments.html?page=p"}); o.status != http.StatusOK || o.header.Get("ETag") == etag {
		t.Errorf("another site's page: %d, ETag %q", o.status, o.header.Get("ETag"))
	}
	// A new comment, a held one (the page's version moves) and an approval
	// each change the answer.
	e.post("", comment("p", "two"))
	r2 := e.getHTML("p", hold)
	if r2.status != http.StatusOK || r2.header.Get("ETag") == etag || !strings.Contains(string(r2.body), "two") {
		t.Errorf("after a new comment: %d, ETag %q", r2.status, r2.header.Get("ETag"))
	}
	etag2 := r2.header.Get("ETag")
	e.post("", comment("q", "elsewhere"))
	if r := e.getHTML("p", map[string]string{"If-None-Match": etag2}); r.status != http.StatusNotModified {
		t.Errorf("a comment on another page changed this one's answer: %d", r.status)
	}
}

// TestHTMLSharesTheThreadCache: the fragment and the JSON thread of a page
// version share the page's cache entry; neither evicts the other.
func TestHTMLSharesTheThreadCache(t *testing.T) {
	e := newEnv(t)
	e.post("", comment("p", "one"))
	e.list("", "page=p")
	e.getHTML("p", nil)
	e.do(req{method: "GET", path: "/sites/blog/discussion?page=p"})
	hits := e.srv.threads.hitCount()
	misses := e.srv.threads.missCount()
	e.list("", "page=p")
	e.getHTML("p", nil)
	e.do(req{method: "GET", path: "/sites/blog/discussion?page=p"})
	if h, m := e.srv.threads.hitCount()-hits, e.srv.threads.missCount()-misses; h != 3 || m != 0 {
		t.Errorf("reading the three forms again: %d hits, %d misses; want 3 and 0", h, m)
	}
}

func TestHTMLThreadEmptyAndErrors(t *testing.T) {
	e := newEnv(t)
	r := e.getHTML("never-commented", nil)
	nodes := parseFragment(t, r.body)
	assertInertMarkup(t, "empty fragment", nodes)
	if !strings.Contains(string(r.body), `<h2 class="parley-heading">Comments</h2>`) || len(items(t, nodes)) != 0 {
		t.Errorf("an empty page's fragment:\n%s", r.body)
	}
	for _, path := range []string{htmlPath + "?page=", htmlPath, htmlPath + "?page=%01", "/sites/blog/discussion?page=", "/sites/blog/discussion"} {
		r := e.do(req{method: "GET", path: path})
		if ae := r.apiErr(t); r.status != http.StatusBadRequest || ae.Field != "page" {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	// An unknown site is refused as on every other route of a site.
	list := e.do(req{method: "GET", path: "/api/v1/sites/nope/comments?page=p"})
	for _, path := range []string{"/api/v1/sites/nope/comments.html?page=p", "/sites/nope/discussion?page=p"} {
		r := e.do(req{method: "GET", path: path})
		if r.status != http.StatusNotFound || !bytes.Equal(r.body, list.body) {
			t.Errorf("%s: %d %s; the JSON thread: %d %s", path, r.status, r.body, list.status, list.body)
		}
	}
	// Any origin may read the fragment, the blog's own too.
	for _, origin := range []string{"", testOrigin, "https://elsewhere.example"} {
		r := e.do(req{method: "GET", path: htmlPath + "?page=p", origin: origin})
		if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("origin %q: %d, allowed %q", origin, r.status, r.header.Get("Access-Control-Allow-Origin"))
		}
	}
}

func TestDiscussionPage(t *testing.T) {
	e := newEnv(t)
	evil := `</title><script>alert(1)</script><style>*{display:none}</style>`
	e.post("", map[string]any{"page": "p", "page_url": testOrigin + "/post", "page_title": "Bread " + evil,
		"body": "Hello *there*", "author": map[string]any{"name": "Ada <script>alert(1)</script>"}})
	r := e.do(req{method: "GET", path: "/sites/blog/discussion?page=p"})
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("discussion: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	csp := r.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if r.header.Get("ETag") == "" || r.header.Get("Cache-Control") != "public, max-age=60" {
		t.Errorf("ETag %q, Cache-Control %q", r.header.Get("ETag"), r.header.Get("Cache-Control"))
	}
	doc, err := html.Parse(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	var lang, title, canonical string
	styles := 0
	walk([]*html.Node{doc}, func(n *html.Node) {
		switch n.DataAtom {
		case atom.Html:
			lang, _ = attr(n, "lang")
		case atom.Title:
			title = text(n)
		case atom.Link:
			if rel, _ := attr(n, "rel"); rel == "canonical" {
				canonical, _ = attr(n, "href")
			}
		case atom.Style:
			styles++
		}
	})
	if lang != "en" || title != "Comments on Bread "+evil || canonical != testOrigin+"/post" {
		t.Errorf("lang %q, title %q, canonical %q", lang, title, canonical)
	}
	if styles != 2 {
		t.Errorf("%d <style> elements, want the page's and the fragment's", styles)
	}
	// The CSP allows both by their hashes.
	for _, css := range []string{discussionCSS, fragmentCSS} {
		sum := sha256.Sum256([]byte(css))
		if !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
			t.Errorf("the CSP %q does not allow a style sheet of the page", csp)
		}
	}
	var inert []*html.Node
	walk([]*html.Node{doc}, func(n *html.Node) {
		if n.DataAtom == atom.Body {
			inert = append(inert, n)
		}
	})
	assertInertMarkup(t, "discussion page", inert)
	if !strings.Contains(string(r.body), `<a href="`+testOrigin+`/post">← Back to the page</a>`) {
		t.Errorf("no link back to the page:\n%s", r.body)
	}
	if !strings.Contains(string(r.body), `<div class="parley-body" itemprop="text"><p>Hello <em>there</em></p>`) {
		t.Errorf("the comment is not on the page:\n%s", r.body)
	}
	if etag := r.header.Get("ETag"); e.do(req{method: "GET", path: "/sites/blog/discussion?page=p", header: map[string]string{"If-None-Match": etag}}).status != http.StatusNotModified {
		t.Error("the discussion page is not revalidated")
	}
	// A page whose URL is not known (a key that is no URL): no canonical link.
	e.post("", comment("q", "one"))
	r = e.do(req{method: "GET", path: "/sites/blog/discussion?page=q"})
	if strings.Contains(string(r.body), `rel="canonical"`) || strings.Contains(string(r.body), "Back to") {
		t.Errorf("a page of unknown URL has a canonical or back link:\n%s", r.body)
	}
}
