package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/parley-dev/parley/server/pagekey"
	"github.com/parley-dev/parley/server/render"
	"github.com/parley-dev/parley/storage"
)

// newCommentInput is the body of POST .../comments.
type newCommentInput struct {
	Page      string      `json:"page"`
	PageURL   string      `json:"page_url"`
	PageTitle string      `json:"page_title"`
	Parent    string      `json:"parent"`
	Author    authorInput `json:"author"`
	Body      string      `json:"body"`
}

// draft is a validated comment about to be stored. Every way a comment comes
// in (the API, the demo seed, later imports and admin replies) goes through
// addComment with a draft, so all of them render the same way.
type draft struct {
	Page       storage.Page // key, and URL and title for a new page
	ParentID   string
	Author     storage.Author
	Markdown   string
	Status     storage.Status
	ReaderHash string
	IPHash     string
	Created    time.Time // zero for a comment posted now
}

// addComment renders d's body and stores it as a new comment.
func (s *Server) addComment(ctx context.Context, site storage.Site, d draft) (storage.Comment, error) {
	var id string
	var err error
	if d.Created.IsZero() {
		// A live comment: uuid's own generator keeps ids strictly ordered
		// even within one millisecond.
		d.Created = s.cfg.Now().UTC()
		var u uuid.UUID
		u, err = uuid.NewV7()
		id = u.String()
	} else {
		id, err = commentID(d.Created)
	}
	if err != nil {
		return storage.Comment{}, err
	}
	c := storage.Comment{
		ID: id, SiteID: site.ID, PageKey: d.Page.Key, ParentID: d.ParentID,
		Author: d.Author, Markdown: d.Markdown, HTML: s.renderBody(site, d.Markdown),
		Created: d.Created, Status: d.Status, ReaderHash: d.ReaderHash, IPHash: d.IPHash,
	}
	d.Page.SiteID = site.ID
	if err := s.store.CreateComment(ctx, c, d.Page); err != nil {
		return storage.Comment{}, err
	}
	return c, nil
}

// commentID returns a UUIDv7 whose timestamp is a past creation time, so
// that key order is time order for comments created with an earlier date
// (the demo seed, imports).
func commentID(created time.Time) (string, error) {
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

// renderBody is the one rendering path for comment bodies.
func (s *Server) renderBody(site storage.Site, markdown string) string {
	return s.render.Render(markdown, render.Options{AllowLinks: site.Settings.AllowLinks, AllowImages: site.Settings.AllowImages})
}

func (s *Server) createComment(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	var in newCommentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := s.validDraft(ctx, site, in)
	if err != nil {
		return err
	}
	rd, err := writingReader(c)
	if err != nil {
		return err
	}
	if d.ParentID != "" {
		if err := s.checkParent(ctx, site, d, rd); err != nil {
			return err
		}
	}
	d.ReaderHash, d.IPHash = rd.hash, s.ipHash(c)
	if d.Status, err = s.initialStatus(ctx, site, rd); err != nil {
		return err
	}
	cm, err := s.addComment(ctx, site, d)
	if errors.Is(err, storage.ErrParentNotFound) {
		return invalid("invalid", "parent", "The comment you reply to is not on this page.")
	}
	if err != nil {
		return err
	}
	v := viewer{readerHash: rd.hash, editWindow: site.Settings.EditWindow}
	return c.Status(fiber.StatusCreated).JSON(writeAnswer{Comment: v.view(&cm), ReaderToken: rd.newToken})
}

// writeAnswer is the body of a successful comment write.
type writeAnswer struct {
	Comment     commentView `json:"comment"`
	ReaderToken string      `json:"reader_token,omitempty"`
}

// validDraft checks everything in a new comment that does not need the
// database, and that the page is open.
func (s *Server) validDraft(ctx context.Context, site storage.Site, in newCommentInput) (draft, error) {
	key, err := pagekey.Normalize(in.Page)
	if err != nil {
		return draft{}, invalid("invalid", "page", "Give the page id or URL.")
	}
	if in.PageURL != "" {
		if err := httpURL("page_url", in.PageURL); err != nil {
			return draft{}, err
		}
	}
	if err := singleLine("page_title", in.PageTitle, maxTitleLen); err != nil {
		return draft{}, err
	}
	author, err := validAuthor(in.Author, site.Settings)
	if err != nil {
		return draft{}, err
	}
	body, err := validBody(in.Body, site.Settings.MaxLength)
	if err != nil {
		return draft{}, err
	}
	if in.Parent != "" {
		if _, err := uuid.Parse(in.Parent); err != nil {
			return draft{}, invalid("invalid", "parent", "The parent id is not valid.")
		}
	}
	page, err := s.store.Page(ctx, site.ID, key)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		page = storage.Page{Key: key, URL: in.PageURL, Title: in.PageTitle}
	case err != nil:
		return draft{}, err
	case s.locked(page, site):
		return draft{}, forbidden("locked", "This discussion is closed for new comments.")
	}
	return draft{Page: page, ParentID: in.Parent, Author: author, Markdown: body}, nil
}

// checkParent makes sure a reply answers a comment its author can see.
func (s *Server) checkParent(ctx context.Context, site storage.Site, d draft, rd reader) error {
	p, err := s.store.Comment(ctx, site.ID, d.ParentID)
	if errors.Is(err, storage.ErrNotFound) {
		return invalid("invalid", "parent", "The comment you reply to does not exist.")
	}
	if err != nil {
		return err
	}
	v := viewer{readerHash: rd.hash}
	if p.PageKey != d.Page.Key || !v.visible(&p) {
		return invalid("invalid", "parent", "The comment you reply to is not on this page.")
	}
	return nil
}

// initialStatus applies the site's moderation mode to a new comment.
func (s *Server) initialStatus(ctx context.Context, site storage.Site, rd reader) (storage.Status, error) {
	switch site.Settings.Moderation {
	case storage.ModerateAll:
		return storage.StatusPending, nil
	case storage.ModerateFirst:
		if rd.newToken != "" {
			return storage.StatusPending, nil
		}
		own, err := s.store.ReaderComments(ctx, site.ID, rd.hash)
		if err != nil {
			return "", fmt.Errorf("reader history: %w", err)
		}
		for _, c := range own {
			if c.Status == storage.StatusApproved {
				return storage.StatusApproved, nil
			}
		}
		return storage.StatusPending, nil
	}
	return storage.StatusApproved, nil
}

// locked reports whether a page takes no new comments: locked by a
// moderator, or older than the site's close-after setting.
func (s *Server) locked(p storage.Page, site storage.Site) bool {
	if p.Locked {
		return true
	}
	days := site.Settings.CloseAfterDays
	return days > 0 && !p.Created.IsZero() && s.cfg.Now().After(p.Created.AddDate(0, 0, days))
}
