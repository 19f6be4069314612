package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html/template"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/pagekey"
	"github.com/parley-dev/parley/storage"
)

// Discussions as HTML, for readers and robots without JavaScript and for
// static site generators that include the thread in the page at build
// time:
//
//	GET /api/v1/sites/{site}/comments.html?page=KEY   the thread as an HTML fragment
//	GET /sites/{site}/discussion?page=KEY             a whole page around it
//
// Both show what a reader without a token sees in the JSON thread, in its
// default order (oldest first, pinned first): the threadTree the JSON
// answers are cut from, so approved comments only, with a placeholder for
// a removed comment that still has replies. Replies nest in their
// parent's list at any depth, so the schema.org microdata nests too.
//
// Comment bodies are the HTML sanitized when the comment was written
// (package render); every other value goes through html/template. The
// markup has no script, no event handler attribute and no style
// attribute; its only ids are "parley-" + comment id, the widget's
// permalinks (#parley-<id>), which then work before the widget runs and
// without it.
//
// Both are built once per page version and kept in the thread cache, as
// two more answers of the page's entry beside the JSON ones, so any
// change to the page or its comments (which bumps the version) makes
// them anew. The fragment's ETag is made from the site, the page key and
// version (and the markup's template): a revalidation is answered with
// one read of the page, before any thread is built.

const (
	htmlType         = "text/html; charset=utf-8"
	htmlCacheControl = "public, max-age=60"
	// htmlVary: the answer is the same for every origin and every reader,
	// token or not; only its compression varies.
	htmlVary = "Accept-Encoding"
)

// The thread cache answers of the two forms: sort orders the JSON API
// refuses, so they never meet its answers, with a limit that keeps no
// tree for them (see threadCache.shared).
var (
	fragmentKey   = answerKey{order: "html:fragment", limit: math.MaxInt}
	discussionKey = answerKey{order: "html:discussion", limit: math.MaxInt}
)

// threadTemplate is the fragment. A comment is a list item carrying its
// microdata (so that its replies, in the item's nested list, are its
// "comment" properties); its article holds what the widget's does.
var threadTemplate = template.Must(template.New("thread").Parse(threadSource))

const threadSource = `<section class="parley-thread" data-parley-thread data-page="{{.Key}}" data-version="{{.Version}}">` +
	`<style>` + fragmentCSS + `</style>` +
	`<h2 class="parley-heading">{{.Heading}}</h2>` + "\n" +
	`{{if .Comments}}<ol class="parley-comments">{{range .Comments}}{{template "item" .}}{{end}}</ol>` +
	`{{else}}<p class="parley-note">No comments yet.</p>{{end}}</section>` + "\n" +
	`{{define "item"}}` +
	`{{if .Deleted}}<li class="parley-item">` +
	`<article class="parley-comment parley-deleted" id="parley-{{.ID}}"><p>This comment was deleted.</p></article>` +
	`{{else}}<li class="parley-item"{{if .Reply}} itemprop="comment"{{end}} itemscope itemtype="https://schema.org/Comment">` +
	`<article class="parley-comment" id="parley-{{.ID}}">` +
	`<header class="parley-head">` +
	`<span class="parley-who" itemprop="author" itemscope itemtype="https://schema.org/Person">` +
	`{{if .Website}}<a href="{{.Website}}" rel="nofollow ugc noopener noreferrer" itemprop="url"><span itemprop="name">{{.Name}}</span></a>` +
	`{{else}}<span itemprop="name">{{.Name}}</span>{{end}}` +
	`{{with .Affiliation}} <span class="parley-aff" itemprop="affiliation" itemscope itemtype="https://schema.org/Organization"><span itemprop="name">{{.}}</span></span>{{end}}` +
	`</span>` +
	`{{with .Badge}} <span class="parley-badge">{{.}}</span>{{end}}` +
	`{{if .Pinned}} <span class="parley-pinned">Pinned</span>{{end}}` +
	` <a class="parley-time" href="#parley-{{.ID}}" itemprop="url"><time itemprop="dateCreated" datetime="{{.Created}}">{{.Date}}</time></a>` +
	`{{with .Edited}} <span class="parley-meta"><meta itemprop="dateModified" content="{{.}}">edited</span>{{end}}` +
	`</header>` +
	"\n" + `<div class="parley-body" itemprop="text">{{.HTML}}</div>` +
	`</article>{{end}}` +
	`{{if .Replies}}<ol class="parley-replies">{{range .Replies}}{{template "item" .}}{{end}}</ol>{{end}}` +
	`</li>` + "\n" +
	`{{end}}`

// fragmentCSS is the fragment's own style sheet: a <style> element scoped
// to the fragment, so that it reads well in a page that has no rules for
// it (or no JavaScript), and so that it takes the room the widget will:
// the widget takes over the thread (widget.js) without moving what
// follows it. Its comments are as tall as the widget's, footer row
// included, and while scripts run in #parley it keeps the room of the
// widget's heading bar and form above the comments. The widget's custom
// properties (--parley-font, --parley-font-size, --parley-indent) apply.
// A page whose Content-Security-Policy refuses inline styles leaves the
// fragment unstyled: allow fragmentCSS's hash (style-src 'sha256-...',
// see the README) or copy the rules into the page's style sheet.
const fragmentCSS = `[data-parley-thread]{font:var(--parley-font-size,medium)/1.5 var(--parley-font,system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif);padding:.5em 0;overflow-wrap:anywhere}` +
	`[data-parley-thread] .parley-heading{font-size:1.25em;line-height:1.5;margin:0 0 .8em;padding-bottom:.4em;border-bottom:1px solid color-mix(in srgb,currentColor 20%,transparent)}` +
	`#parley>[data-parley-thread] .parley-heading{margin-bottom:calc(.8em + var(--parley-form-room,15.4em))}` +
	`@media (scripting:none){#parley>[data-parley-thread] .parley-heading{margin-bottom:.8em}}` +
	`[data-parley-thread] ol{list-style:none;margin:0;padding:0}` +
	`[data-parley-thread] .parley-replies{margin-left:var(--parley-indent,1.25em);padding-left:.75em;border-left:2px solid color-mix(in srgb,currentColor 20%,transparent)}` +
	`[data-parley-thread] .parley-comment{margin:.25em 0;padding:.5em .5em 2.25em}` +
	`[data-parley-thread] .parley-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25em .75em}` +
	`[data-parley-thread] .parley-who{font-weight:600}` +
	`[data-parley-thread] .parley-aff{display:block;font-weight:400}` +
	`[data-parley-thread] :is(.parley-time,.parley-aff,.parley-meta,.parley-deleted){font-size:.875em;color:color-mix(in srgb,currentColor 75%,transparent)}` +
	`[data-parley-thread] :is(.parley-who a,.parley-time){text-decoration:none}` +
	`[data-parley-thread] :is(.parley-badge,.parley-pinned){padding:0 .4em;border:1px solid;border-radius:6px;font-size:.75em}` +
	`[data-parley-thread] .parley-deleted{font-style:italic}` +
	`[data-parley-thread] .parley-body{margin:.25em 0}` +
	`[data-parley-thread] .parley-body>:first-child{margin-top:0}` +
	`[data-parley-thread] .parley-body>:last-child{margin-bottom:0}` +
	`[data-parley-thread] .parley-body img{max-width:100%}` +
	`[data-parley-thread] .parley-body pre{overflow:auto}`

// threadData is what threadTemplate shows.
type threadData struct {
	Key      string
	Version  int64
	Heading  string
	Comments []*htmlComment
}

// htmlComment is one comment of the fragment, with its replies.
type htmlComment struct {
	ID, Name, Website, Affiliation, Badge string
	Created, Date, Edited                 string
	HTML                                  template.HTML // sanitized when written
	Deleted, Pinned, Reply                bool
	Replies                               []*htmlComment
}

var badgeNames = map[storage.Badge]string{storage.BadgeOwner: "Owner", storage.BadgeModerator: "Moderator"}

// commentsHeading is the fragment's heading, as the widget words it.
func commentsHeading(n int) string {
	switch n {
	case 0:
		return "Comments"
	case 1:
		return "1 comment"
	}
	return strconv.Itoa(n) + " comments"
}

// nest makes the tree's views, in display order (each comment followed
// by its replies, depth first), into comments with their replies.
func (t *threadTree) nest() []*htmlComment {
	var roots []*htmlComment
	var path []*htmlComment // the comment being filled and its ancestors
	for i := range t.views {
		v := &t.views[i]
		for len(path) > 0 && path[len(path)-1].ID != v.Parent {
			path = path[:len(path)-1]
		}
		hc := htmlFor(v)
		if v.Parent == "" || len(path) == 0 {
			roots = append(roots, hc)
		} else {
			parent := path[len(path)-1]
			parent.Replies = append(parent.Replies, hc)
			// A reply is its parent's "comment" property, unless the
			// parent is a placeholder, which carries no item.
			hc.Reply = !parent.Deleted
		}
		path = append(path, hc)
	}
	return roots
}

func htmlFor(v *commentView) *htmlComment {
	if v.Deleted {
		return &htmlComment{ID: v.ID, Deleted: true}
	}
	name := v.Author.Name
	if name == "" {
		name = "Anonymous"
	}
	hc := &htmlComment{
		ID: v.ID, Name: name, Website: webURL(v.Author.Website), Affiliation: v.Author.Affiliation,
		Badge: badgeNames[v.Author.Badge], Pinned: v.Pinned && v.Parent == "",
		Created: v.Created.UTC().Format(time.RFC3339), Date: v.Created.UTC().Format("2 January 2006"),
		HTML: template.HTML(v.HTML),
	}
	if v.Edited.After(v.Created) {
		hc.Edited = v.Edited.UTC().Format(time.RFC3339)
	}
	return hc
}

// appendFragment appends the fragment of page p's thread t.
func (t *threadTree) appendFragment(b []byte, p storage.Page) ([]byte, error) {
	buf := bytes.NewBuffer(b)
	err := threadTemplate.Execute(buf, threadData{Key: p.Key, Version: p.Version, Heading: commentsHeading(t.visible), Comments: t.nest()})
	return buf.Bytes(), err
}

// discussionCSS styles the discussion page. It is the page's one <style>
// element, allowed by its hash in the page's Content-Security-Policy.
const discussionCSS = `:root{color-scheme:light dark;--text:#1f2328;--bg:#fff;--muted:#57606a;--accent:#0a58b8;--border:#d0d7de}
@media (prefers-color-scheme:dark){:root{--text:#e6e8eb;--bg:#16181d;--muted:#a3abb5;--accent:#7ab7ff;--border:#3a404a}}
body{margin:0;color:var(--text);background:var(--bg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;overflow-wrap:anywhere}
main{max-width:42rem;margin:0 auto;padding:1rem 1rem 3rem}
a{color:var(--accent)}
h1{font-size:1.5rem;line-height:1.25}
.parley-back,.parley-time,.parley-aff,.parley-meta,.parley-note,.parley-deleted{color:var(--muted)}
.parley-heading{font-size:1.25rem;margin:1.5rem 0 .5rem;padding-bottom:.5rem;border-bottom:1px solid var(--border)}
.parley-comments,.parley-replies{list-style:none;margin:0;padding:0}
.parley-replies{margin-left:1em;padding-left:.75em;border-left:2px solid var(--border)}
.parley-comment{padding:.5em 0}
.parley-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.25em .75em}
.parley-who{font-weight:600}
.parley-aff{display:block;font-weight:400}
.parley-time,.parley-aff,.parley-meta{font-size:.875em}
.parley-who a,.parley-time{text-decoration:none}
.parley-badge,.parley-pinned{padding:0 .4em;border:1px solid;border-radius:6px;font-size:.75em}
.parley-deleted{font-style:italic}
.parley-body>:first-child{margin-top:.25em}
.parley-body>:last-child{margin-bottom:0}
.parley-body img{max-width:100%}
.parley-body pre{overflow:auto}
.parley-body blockquote{margin:.5em 0;padding-left:.75em;border-left:3px solid var(--border)}
:target{outline:2px solid var(--accent);outline-offset:2px}`

var discussionTemplate = template.Must(template.New("discussion").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Comments on {{.Title}}</title>
{{with .URL}}<link rel="canonical" href="{{.}}">
{{end}}<link rel="alternate" type="application/atom+xml" title="Comments on {{.Title}}" href="{{.Feed}}">
<style>` + discussionCSS + `</style>
</head>
<body><main>
{{with .URL}}<p class="parley-back"><a href="{{.}}">← Back to the page</a></p>
{{end}}<h1>Comments on {{if .URL}}<a href="{{.URL}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}</h1>
{{.Fragment}}</main></body></html>
`))

// discussionCSP allows the page nothing but its two style sheets, its own
// and the fragment's, by their hashes, and comment images (http or https,
// as the sanitizer lets through).
var discussionCSP = "default-src 'none'; style-src " + styleHash(discussionCSS) + " " + styleHash(fragmentCSS) +
	"; img-src http: https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// styleHash is a CSP source allowing a <style> element holding css.
func styleHash(css string) string {
	sum := sha256.Sum256([]byte(css))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// appendDiscussion appends the discussion page of site's page p, around
// the fragment of its thread t.
func (t *threadTree) appendDiscussion(b []byte, site string, p storage.Page) ([]byte, error) {
	frag, err := t.appendFragment(nil, p)
	if err != nil {
		return nil, err
	}
	buf := bytes.NewBuffer(b)
	err = discussionTemplate.Execute(buf, map[string]any{
		"Title": pageTitle(p), "URL": webURL(pageURL(p)), "Fragment": template.HTML(frag),
		"Feed": "/api/v1/sites/" + url.PathEscape(site) + "/feed.atom?page=" + url.QueryEscape(p.Key),
	})
	return buf.Bytes(), err
}

// fragmentETagSalt changes the fragment's ETags with its markup: a hash
// of the template, made once.
var fragmentETagSalt = func() string {
	sum := sha256.Sum256([]byte(threadSource))
	return string(sum[:8])
}()

// fragmentETag is the strong ETag of page p's fragment: a hash of the
// site, the page's key, creation and version, and the markup's template.
// The version grows with every change to the page or its comments, and a
// page made again (deleted, then commented on anew) has another creation
// time.
func fragmentETag(site string, p storage.Page) string {
	h := sha256.New()
	for _, s := range []string{"fragment", site, p.Key, p.Created.UTC().Format(time.RFC3339Nano), strconv.FormatInt(p.Version, 10), fragmentETagSalt} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:18]) + `"`
}

// htmlPage reads the page of the request's ?page= (a page never commented
// on is an empty one) and the settings its thread cache entry is filed
// under, the JSON thread's (listComments), so that the forms share the
// page's entry and tree.
func (s *Server) htmlPage(ctx context.Context, site storage.Site, raw string) (storage.Page, publicSettings, error) {
	key, err := pagekey.Normalize(raw)
	if err != nil {
		return storage.Page{}, publicSettings{}, badRequest("invalid", "page", "Give the page as ?page=ID or URL.")
	}
	// The key may alias fiber's request buffer, and the thread cache keeps it.
	key = strings.Clone(key)
	page, err := s.store.Page(ctx, site.ID, key)
	if errors.Is(err, storage.ErrNotFound) {
		page = storage.Page{SiteID: site.ID, Key: key}
	} else if err != nil {
		return storage.Page{}, publicSettings{}, err
	}
	set := settingsView(site.Settings)
	set.Notify = s.notifier.MailEnabled()
	return page, set, nil
}

// htmlAnswer returns answer k (fragmentKey or discussionKey) of page p
// from the thread cache, building it on a miss from the page's cached
// tree or a new one.
func (s *Server) htmlAnswer(ctx context.Context, site storage.Site, p storage.Page, set publicSettings, k answerKey) (*encoded, error) {
	return s.threads.answer(p, set, k, "",
		func() (*threadTree, error) {
			comments, err := s.store.PageComments(ctx, site.ID, p.Key)
			if err != nil {
				return nil, err
			}
			return newThreadTree(comments), nil
		},
		func(b []byte, t *threadTree) ([]byte, error) {
			if k == discussionKey {
				return t.appendDiscussion(b, site.ID, p)
			}
			return t.appendFragment(b, p)
		})
}

// threadHTML answers GET /api/v1/sites/{site}/comments.html?page=KEY: the
// thread as an HTML fragment. It is public, approved content, the same for
// every reader, so any origin may read it (a static site generator fetches
// it at build time, a page may fetch it in the browser), and shared caches
// may keep it for a minute.
func (s *Server) threadHTML(c *fiber.Ctx) error {
	site := siteOf(c)
	page, set, err := s.htmlPage(c.UserContext(), site, c.Query("page"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set(fiber.HeaderAccessControlExposeHeaders, "ETag")
	c.Set(fiber.HeaderCacheControl, htmlCacheControl)
	etag := fragmentETag(site.ID, page)
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, etag) {
		c.Set(fiber.HeaderETag, etag)
		c.Set(fiber.HeaderVary, htmlVary)
		return c.SendStatus(fiber.StatusNotModified)
	}
	enc, err := s.htmlAnswer(c.UserContext(), site, page, set, fragmentKey)
	if err != nil {
		return err
	}
	return sendHTML(c, enc, etag)
}

// discussionPage answers GET /sites/{site}/discussion?page=KEY: the
// page's discussion as a document of its own, for readers without
// JavaScript (the embed snippet's <noscript> link). It has no script at
// all, and says so in its Content-Security-Policy; its canonical link is
// the blog's page, where the discussion lives.
func (s *Server) discussionPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site, err := s.store.Site(ctx, c.Params("site"))
	if errors.Is(err, storage.ErrNotFound) {
		return notFound("No site with this id.")
	}
	if err != nil {
		return err
	}
	page, set, err := s.htmlPage(ctx, site, c.Query("page"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentSecurityPolicy, discussionCSP)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	c.Set(fiber.HeaderCacheControl, htmlCacheControl)
	enc, err := s.htmlAnswer(ctx, site, page, set, discussionKey)
	if err != nil {
		return err
	}
	return sendHTML(c, enc, enc.etag)
}

// sendHTML sends a cached HTML answer as sendEncoded sends a JSON one.
func sendHTML(c *fiber.Ctx, enc *encoded, etag string) error {
	return sendCached(c, enc, htmlVary, etag, htmlType)
}
