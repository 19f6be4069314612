package server

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/parley-dev/parley/server/feed"
	"github.com/parley-dev/parley/server/pagekey"
	"github.com/parley-dev/parley/storage"
)

// Atom feeds of approved comments: GET .../feed.atom?page=KEY for one
// page, without page for the whole site; the newest feedSize comments,
// newest first. A feed shows what the public thread shows of an approved
// comment (name, website, body, times) and nothing else: no e-mail, reader
// hash or IP hash, and no pending, spam or deleted comment.
//
// Feed readers send no Origin, which siteCORS lets through for a GET, and
// revalidate often: the answer is public for a minute, then revalidated
// against an ETag of its bytes.

// feedSize is how many of the newest comments a feed carries.
const feedSize = 50

const (
	feedType         = "application/atom+xml; charset=utf-8"
	feedCacheControl = "public, max-age=60"
	// feedVary: the answer passes siteCORS (Origin) and is compressed;
	// it is the same for every reader, token or not.
	feedVary = "Origin, Accept-Encoding"
)

// feedNamespace is the namespace of the name-based UUIDs of feed ids
// (feedID).
var feedNamespace = uuid.MustParse("857f2c44-a0ed-4bb1-a244-e64b63193661")

// feed answers GET .../feed.atom[?page=KEY].
func (s *Server) feed(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	var (
		f     feed.Feed
		query string
		err   error
	)
	if c.Request().URI().QueryArgs().Has("page") {
		var key string
		if key, err = pagekey.Normalize(c.Query("page")); err != nil {
			return badRequest("invalid", "page", "Give the page as ?page=ID or URL.")
		}
		f, err = s.pageFeed(ctx, site, key)
		query = "?page=" + url.QueryEscape(key)
	} else {
		f, err = s.siteFeed(ctx, site)
	}
	if err != nil {
		return err
	}
	// The query is rebuilt from the normalized key: the feed's own URL,
	// whatever else the reader's request carried.
	f.Self = base + c.Path() + query
	body, err := feed.Marshal(f)
	if err != nil {
		return err
	}
	enc := encodedBytes(body)
	c.Set(fiber.HeaderCacheControl, feedCacheControl)
	return sendNegotiated(c, feedVary, enc.etag, feedType, enc.body, enc.gzipped, enc.brotlied)
}

// pageFeed is the feed of one page's newest approved comments. A page no
// one ever commented on is a 404 on the page field.
func (s *Server) pageFeed(ctx context.Context, site storage.Site, key string) (feed.Feed, error) {
	page, err := s.store.Page(ctx, site.ID, key)
	if errors.Is(err, storage.ErrNotFound) {
		e := notFound("No one has commented on this page.")
		e.Field = "page"
		return feed.Feed{}, e
	}
	if err != nil {
		return feed.Feed{}, err
	}
	all, err := s.store.PageComments(ctx, site.ID, key)
	if err != nil {
		return feed.Feed{}, err
	}
	// PageComments is oldest first: walk it backwards for the newest.
	var entries []feed.Entry
	for i := len(all) - 1; i >= 0 && len(entries) < feedSize; i-- {
		if all[i].Status == storage.StatusApproved {
			entries = append(entries, feedEntry(site, page, &all[i]))
		}
	}
	title := pageTitle(page)
	alternate := pageURL(page)
	if alternate == "" {
		alternate = s.siteURL(site)
	}
	return feed.Feed{
		ID: feedID(s.cfg.BaseURL, site.ID, key), Title: "Comments on " + title, Subtitle: siteName(site),
		Alternate: alternate, Updated: newest(entries, page.Created, site.Created), Entries: entries,
	}, nil
}

// siteFeed is the feed of a site's newest approved comments across its
// pages, each page read once.
func (s *Server) siteFeed(ctx context.Context, site storage.Site) (feed.Feed, error) {
	recent, err := s.store.RecentComments(ctx, site.ID, storage.StatusApproved, feedSize)
	if err != nil {
		return feed.Feed{}, err
	}
	pages := map[string]storage.Page{}
	entries := make([]feed.Entry, 0, len(recent))
	for i := range recent {
		c := &recent[i]
		if c.Status != storage.StatusApproved {
			continue
		}
		page, ok := pages[c.PageKey]
		if !ok {
			page, err = s.store.Page(ctx, site.ID, c.PageKey)
			if errors.Is(err, storage.ErrNotFound) {
				page = storage.Page{SiteID: site.ID, Key: c.PageKey} // its title and URL unknown
			} else if err != nil {
				return feed.Feed{}, err
			}
			pages[c.PageKey] = page
		}
		entries = append(entries, feedEntry(site, page, c))
	}
	return feed.Feed{
		ID: feedID(s.cfg.BaseURL, site.ID, ""), Title: "Comments on " + siteName(site),
		Alternate: s.siteURL(site), Updated: newest(entries, site.Created), Entries: entries,
	}, nil
}

// feedEntry is comment c of page as a feed entry. Its link is the
// comment's place in the page: the widget gives each comment's article
// the element id "parley-" + comment id (widget/src/comment.js).
func feedEntry(site storage.Site, page storage.Page, c *storage.Comment) feed.Entry {
	name := c.Author.Name
	if name == "" {
		name = "Anonymous"
	}
	verb := " on "
	if c.ParentID != "" {
		verb = " replied on "
	}
	e := feed.Entry{
		ID: entryID(site.ID, c.ID), Title: name + verb + pageTitle(page), AuthorName: name,
		AuthorURI: webURL(c.Author.Website), Published: c.Created, Updated: c.Created, HTML: c.HTML,
	}
	if c.Edited.After(c.Created) {
		e.Updated = c.Edited
	}
	if u := pageURL(page); u != "" {
		e.Alternate = u + "#parley-" + c.ID
	}
	return e
}

// feedID is a feed's atom:id: a name-based (SHA-1, version 5) UUID of the
// instance's BaseURL (less a trailing slash), the site id and the page key ("" for the whole
// site), so it stays the same for as long as those do, differs between
// instances that host a site of the same id, and is a valid IRI whatever
// the key holds. A tag: URI would have needed the key escaped and a date
// at which the operator owned BaseURL's host, which we cannot know.
func feedID(baseURL, siteID, key string) string {
	return "urn:uuid:" + uuid.NewSHA1(feedNamespace, []byte(strings.TrimRight(baseURL, "/")+"\x00"+siteID+"\x00"+key)).String()
}

// entryID is a comment's atom:id: its UUID as a URN. An id that is not a
// UUID (none is, today) gets a name-based one, unique per site.
func entryID(siteID, id string) string {
	u, err := uuid.Parse(id)
	if err != nil {
		u = uuid.NewSHA1(feedNamespace, []byte("comment\x00"+siteID+"\x00"+id))
	}
	return "urn:uuid:" + u.String()
}

// newest is the feed's updated time: its newest entry's, or the first
// non-zero fallback when it has none.
func newest(entries []feed.Entry, fallbacks ...time.Time) time.Time {
	var t time.Time
	for _, e := range entries {
		if e.Updated.After(t) {
			t = e.Updated
		}
	}
	if !t.IsZero() {
		return t
	}
	if i := slices.IndexFunc(fallbacks, func(t time.Time) bool { return !t.IsZero() }); i >= 0 {
		return fallbacks[i]
	}
	return time.Unix(0, 0) // Atom requires a time; this one never changes
}

// pageURL is where a page is read, without its fragment (a comment's link
// adds its own): its URL, or its key when that is one.
func pageURL(p storage.Page) string {
	u := p.URL
	if u == "" && webURL(p.Key) != "" {
		u = p.Key
	}
	u, _, _ = strings.Cut(u, "#")
	return u
}

// pageTitle names a page: its title, else its URL, else its key.
func pageTitle(p storage.Page) string {
	if p.Title != "" {
		return p.Title
	}
	if u := pageURL(p); u != "" {
		return u
	}
	return p.Key
}

func siteName(site storage.Site) string {
	if site.Name != "" {
		return site.Name
	}
	return site.ID
}

// siteURL is the site feed's alternate link: the site's first allowed
// origin when it names one origin (not a "*" port pattern), else this
// instance's BaseURL.
func (s *Server) siteURL(site storage.Site) string {
	if len(site.Origins) > 0 {
		if o, ok := parseOrigin(site.Origins[0]); ok && o.port != "*" {
			return site.Origins[0]
		}
	}
	return s.cfg.BaseURL
}

// webURL is s if it is an absolute http or https URL, else "": a feed
// reader may make any link it finds clickable.
func webURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return s
}
