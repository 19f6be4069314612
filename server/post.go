package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/parley-dev/parley/server/pagekey"
	"github.com/parley-dev/parley/server/posting"
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
	if err := s.checkBan(c, site, rd.hash, d.Author.Email); err != nil {
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
	if hasBlockedWord(site.Settings.BlockedWords, d) {
		d.Status = storage.StatusPending
	}
	cm, err := s.poster.Add(ctx, site, d)
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
func (s *Server) validDraft(ctx context.Context, site storage.Site, in newCommentInput) (posting.Draft, error) {
	key, err := pagekey.Normalize(in.Page)
	if err != nil {
		return posting.Draft{}, invalid("invalid", "page", "Give the page id or URL.")
	}
	if in.PageURL != "" {
		if err := httpURL("page_url", in.PageURL); err != nil {
			return posting.Draft{}, err
		}
	}
	if err := singleLine("page_title", in.PageTitle, maxTitleLen); err != nil {
		return posting.Draft{}, err
	}
	author, err := validAuthor(in.Author, site.Settings)
	if err != nil {
		return posting.Draft{}, err
	}
	body, err := validBody(in.Body, site.Settings.MaxLength)
	if err != nil {
		return posting.Draft{}, err
	}
	if in.Parent != "" {
		if _, err := uuid.Parse(in.Parent); err != nil {
			return posting.Draft{}, invalid("invalid", "parent", "The parent id is not valid.")
		}
	}
	page, err := s.store.Page(ctx, site.ID, key)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		page = storage.Page{Key: key, URL: in.PageURL, Title: in.PageTitle}
	case err != nil:
		return posting.Draft{}, err
	case s.locked(page, site):
		return posting.Draft{}, forbidden("locked", "This discussion is closed for new comments.")
	}
	return posting.Draft{Page: page, ParentID: in.Parent, Author: author, Markdown: body}, nil
}

// checkParent makes sure a reply answers a comment its author can see.
func (s *Server) checkParent(ctx context.Context, site storage.Site, d posting.Draft, rd reader) error {
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
