package browsertest

import (
	"net/http"
	"strings"
	"testing"
)

// disqusRoot points the page helpers (pt) at the widget in #disqus_thread:
// the host pages of these tests keep Disqus's markup and have no #parley.
const disqusRoot = `<script>pt.root = () => { const h = document.querySelector('#disqus_thread'); return h && h.shadowRoot; };</script>`

// disqusPost is a blog post as Disqus's embed code left it, with Parley's
// script tag in place of Disqus's: #disqus_thread and a disqus_config
// that sets the page's identifier, its URL (the post's, on the blog) and
// title. attrs are more data- attributes of the script tag.
func (e *env) disqusPost(path, identifier, attrs string) string {
	return e.page(path, `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Blog title, not the post's</title>`+disqusRoot+`</head>
<body><main><article><h1>An old post</h1></article>
<div id="disqus_thread"></div></main>
<script>
var disqus_config = function () {
  this.page.identifier = `+js(identifier)+`;
  this.page.url = `+js(e.blog+path)+`;
  this.page.title = 'Old post '+`+js(identifier)+`;
};
</script>
<script src="`+e.api+`/embed.js" data-site="`+e.site+`" `+attrs+` async></script></body></html>`)
}

// TestDisqusSnippet swaps Disqus's script tag for Parley's on a page that
// keeps Disqus's markup and configuration: the widget renders into
// #disqus_thread and shows the thread of the page's Disqus identifier
// (where an import put the old comments), and a new comment there is
// stored with the configured URL and title. A data- attribute still beats
// disqus_config.
func TestDisqusSnippet(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	old := e.post(draft{Page: "old-post-7", Name: "Ada", Body: "Imported from the Disqus days."})
	e.post(draft{Page: "old-post-7", Parent: old.ID, Name: "Bob", Body: "A reply from back then."})
	e.post(draft{Page: "newer-key", Name: "Cleo", Body: "Under the data- attribute's key."})

	e.openWidget(e.disqusPost("/posts/old-post-7/", "old-post-7", ""))
	type shown struct {
		Parley  bool
		Heading string
		Bodies  []string
	}
	got := eval[shown](e, `({Parley: !!document.querySelector('#parley'), Heading: pt.text(pt.q('.parley-heading')),
		Bodies: pt.qa('.parley-body').map(b => b.textContent.trim()).filter(Boolean)})`)
	if got.Parley || got.Heading != "2 comments" ||
		strings.Join(got.Bodies, "|") != "Imported from the Disqus days.|A reply from back then." {
		t.Errorf("in #disqus_thread: %+v", got)
	}
	if reqs := e.net.requests(http.MethodGet, "/comments?page=old-post-7&"); len(reqs) != 1 {
		t.Errorf("thread requests for old-post-7: %+v", reqs)
	}

	// A new comment goes to the same page.
	if c := e.comment(postViaForm(e, "Dan", "Posted after the switch.")); c.PageKey != "old-post-7" {
		t.Errorf("new comment stored under page %q", c.PageKey)
	}

	// The first comment of a page creates it with disqus_config's URL and
	// title rather than the document's.
	e.openWidget(e.disqusPost("/posts/old-post-8/", "old-post-8", ""))
	if c := e.comment(postViaForm(e, "Dan", "The first one here.")); c.PageKey != "old-post-8" {
		t.Errorf("new comment stored under page %q", c.PageKey)
	}
	p, err := e.store.Page(t.Context(), e.site, "old-post-8")
	if err != nil {
		t.Fatal(err)
	}
	if p.URL != e.blog+"/posts/old-post-8/" || p.Title != "Old post old-post-8" {
		t.Errorf("page stored with URL %q, title %q", p.URL, p.Title)
	}

	// The snippet's data-page-id wins over disqus_config.
	e.net.reset()
	e.openWidget(e.disqusPost("/posts/newer/", "old-post-7", `data-page-id="newer-key"`))
	got = eval[shown](e, `({Heading: pt.text(pt.q('.parley-heading')), Bodies: pt.qa('.parley-body').map(b => b.textContent.trim()).filter(Boolean)})`)
	if got.Heading != "1 comment" || strings.Join(got.Bodies, "|") != "Under the data- attribute's key." {
		t.Errorf("with data-page-id: %+v", got)
	}
}

// TestDisqusCounts fills Disqus's count links with count.js: links to
// URL#disqus_thread by their URL, elements with data-disqus-identifier by
// the identifier (on a link too, where it beats the URL), beside Parley's
// own data-parley-count, in one request.
func TestDisqusCounts(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	for _, body := range []string{"One.", "Two."} {
		e.post(draft{Page: "old-post-7", Name: "Ada", Body: body})
	}
	for _, body := range []string{"Three.", "Four.", "Five."} {
		e.post(draft{Page: e.blog + "/posts/other/", Name: "Bob", Body: body})
	}

	e.open(e.page("/list", `<!doctype html><html lang="en"><head><title>Posts</title></head><body><ul>
		<li><a id="url" href="`+e.blog+`/posts/other/#disqus_thread">Comments</a></li>
		<li><a id="rel" href="/posts/other/#disqus_thread">Comments</a></li>
		<li><span id="ident" data-disqus-identifier="old-post-7">Comments</span></li>
		<li><a id="both" href="/posts/old-post-7/#disqus_thread" data-disqus-identifier="old-post-7">Comments</a></li>
		<li><a id="none" href="/posts/new/#disqus_thread">Comments</a></li>
		<li><span id="own" data-parley-count="old-post-7" data-parley-count-format="number"></span></li>
		<li><a id="plain" href="/posts/other/">not a count link</a></li>
	</ul><script src="`+e.api+`/count.js" data-site="`+e.site+`" async></script></body></html>`))
	e.waitFor("the counts", `[...document.querySelectorAll('li > [id]:not(#plain)')].every(el => /\d/.test(el.textContent))`)
	got := eval[map[string]string](e, `Object.fromEntries([...document.querySelectorAll('li > [id]')].map(el => [el.id, el.textContent]))`)
	want := map[string]string{"url": "3 comments", "rel": "3 comments", "ident": "2 comments", "both": "2 comments",
		"none": "0 comments", "own": "2", "plain": "not a count link"}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("#%s says %q, want %q", id, got[id], w)
		}
	}
	if reqs := e.net.requests(http.MethodPost, "/counts"); len(reqs) != 1 || reqs[0].Status != http.StatusOK {
		t.Errorf("count requests %+v, want one", reqs)
	}
}
