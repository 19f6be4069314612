// Package posting is the one path by which a comment body becomes a stored
// comment: the public API, moderator edits and replies from the admin page,
// the demo seed and importers all render through a Poster (Render) and
// store through it (Add, Edit), so every stored comment was sanitized the
// same way. A Body can only be made by Render, so the HTML a Poster stores
// is always what its renderer made of the Markdown beside it; the reader
// API checks that same Body with the moderation pipeline in between.
package posting

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/server/render"
	"github.com/parley-dev/parley/storage"
)

// Draft is a validated comment about to be stored.
type Draft struct {
	Page        storage.Page // key, and URL and title for a new page
	ParentID    string
	Author      storage.Author
	Body        Body
	Status      storage.Status
	HoldReasons []string
	Fingerprint string
	ReaderHash  string
	IPHash      string
	Created     time.Time // zero for a comment posted now
	Notify      bool      // the author asked to hear of replies
}

// Body is a comment body as Render made it: the Markdown and the sanitized
// HTML of it.
type Body struct {
	markdown, html string
	rendered       bool
}

// Markdown is the body as the author typed it.
func (b Body) Markdown() string { return b.markdown }

// HTML is the sanitized HTML stored and served for the body.
func (b Body) HTML() string { return b.html }

// errNoBody is returned for a Draft whose Body was not made by Render.
var errNoBody = errors.New("posting: the body was not rendered")

// Poster renders and stores comments. It is safe for concurrent use.
type Poster struct {
	store    storage.Store
	renderer *render.Renderer
	now      func() time.Time
}

// New returns a Poster over store; now is the clock (nil: time.Now).
func New(store storage.Store, now func() time.Time) *Poster {
	if now == nil {
		now = time.Now
	}
	return &Poster{store: store, renderer: render.New(), now: now}
}

// Render turns Markdown into the Body stored for a comment of site, with
// the sanitized HTML made under its link and image settings. Previews use
// it too, so a preview is exactly what will be stored.
func (p *Poster) Render(site storage.Site, markdown string) Body {
	opts := render.Options{AllowLinks: site.Settings.AllowLinks, AllowImages: site.Settings.AllowImages}
	return Body{markdown: markdown, html: p.renderer.Render(markdown, opts), rendered: true}
}

// RenderHTML turns HTML from another comment system into a Body: the HTML
// sanitized as Render's output is, and its plain text as the Markdown an
// editor starts from.
func (p *Poster) RenderHTML(site storage.Site, html string) Body {
	opts := render.Options{AllowLinks: site.Settings.AllowLinks, AllowImages: site.Settings.AllowImages}
	clean := p.renderer.CleanHTML(html, opts)
	return Body{markdown: render.Text(clean), html: clean, rendered: true}
}

// Add stores d as a new comment of site. Store errors
// (storage.ErrParentNotFound and the like) are returned as they are.
func (p *Poster) Add(ctx context.Context, site storage.Site, d Draft) (storage.Comment, error) {
	if !d.Body.rendered {
		return storage.Comment{}, errNoBody
	}
	var id string
	var err error
	if d.Created.IsZero() {
		// A live comment: uuid's own generator keeps ids strictly ordered
		// even within one millisecond.
		d.Created = p.now().UTC()
		var u uuid.UUID
		u, err = uuid.NewV7()
		id = u.String()
	} else {
		id, err = CommentID(d.Created)
	}
	if err != nil {
		return storage.Comment{}, err
	}
	c := storage.Comment{
		ID: id, SiteID: site.ID, PageKey: d.Page.Key, ParentID: d.ParentID,
		Author: d.Author, Markdown: d.Body.markdown, HTML: d.Body.html, HoldReasons: d.HoldReasons, Fingerprint: d.Fingerprint,
		Created: d.Created, Status: d.Status, ReaderHash: d.ReaderHash, IPHash: d.IPHash, Notify: d.Notify,
	}
	d.Page.SiteID = site.ID
	if err := p.store.CreateComment(ctx, c, d.Page); err != nil {
		return storage.Comment{}, err
	}
	return c, nil
}

// Edit replaces a comment's body with b, marking it edited. change runs
// inside the update, before the body is replaced, and may refuse it with
// an error, in which case nothing is written, or change the comment's
// status and hold reasons.
func (p *Poster) Edit(ctx context.Context, site storage.Site, id string, b Body, change func(*storage.Comment) error) (storage.Comment, error) {
	if !b.rendered {
		return storage.Comment{}, errNoBody
	}
	now := p.now().UTC()
	return p.store.UpdateComment(ctx, site.ID, id, func(c *storage.Comment) error {
		if change != nil {
			if err := change(c); err != nil {
				return err
			}
		}
		c.Markdown, c.HTML, c.Edited = b.markdown, b.html, now
		return nil
	})
}

// CommentID returns a UUIDv7 whose timestamp is a past creation time, so
// that key order is time order for comments created with an earlier date
// (the demo seed, imports).
func CommentID(created time.Time) (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	ms := uint64(created.UnixMilli())
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	return id.String(), nil
}
