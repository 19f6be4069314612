package server

import (
	"context"
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/parley-dev/parley/server/moderation"
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
	// FormToken and Honeypot are the widget form's (GET .../form and a
	// field people never see); ConfirmHold sends a comment the server
	// said would be held (would_hold) anyway.
	FormToken   string `json:"form_token"`
	Honeypot    string `json:"honeypot"`
	ConfirmHold bool   `json:"confirm_hold"`
	// Notify asks for an e-mail about replies (double opt-in, in Lang).
	Notify bool   `json:"notify"`
	Lang   string `json:"lang"`
}

func (s *Server) createComment(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	var in newCommentInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	rd, err := s.writingReader(c)
	if err != nil {
		return err
	}
	id, err := s.identity(ctx, site.ID, rd)
	if err != nil {
		return err
	}
	in.Author = authorOf(id, in.Author)
	d, markdown, err := s.validDraft(ctx, site, in)
	if err != nil {
		return err
	}
	if id != nil {
		d.Author.Verified, d.Author.Avatar = true, id.Avatar
	}
	if d.ParentID != "" {
		if err := s.checkParent(ctx, site, d, rd); err != nil {
			return err
		}
	}
	d.ReaderHash, d.IPHash = rd.hash, s.ipHash(c)
	v, err := s.pipeline.Run(ctx, moderation.Write{
		Kind: moderation.Create, Site: site, Page: d.Page, Reader: rd.hash, NewReader: rd.newToken != "", IPHash: d.IPHash, Identity: id,
		Author: d.Author, Render: s.renderInto(site, markdown, &d.Body),
		Form:      moderation.Form{Token: in.FormToken, Honeypot: in.Honeypot},
		Confirmed: in.ConfirmHold,
	})
	s.countVerdict(v, err)
	if err != nil {
		return err
	}
	d.Status, d.Fingerprint = storage.StatusApproved, v.Fingerprint
	d.Notify = in.Notify && d.Author.Email != "" && s.notifier.MailEnabled()
	if v.Held() {
		d.Status, d.HoldReasons = storage.StatusPending, v.Codes()
	}
	cm, err := s.poster.Add(ctx, site, d)
	if errors.Is(err, storage.ErrParentNotFound) {
		return invalid("invalid", "parent", "The comment you reply to is not on this page.")
	}
	if err != nil {
		return err
	}
	if id != nil && !id.Member() && id.Name != cm.Author.Name {
		// The name is stored with the comment; a name another verified
		// reader holds (the pipeline refused those) or a failure only
		// leaves the claim where it was.
		id.Name = cm.Author.Name
		if _, err := s.saveClaims(ctx, *id); err != nil {
			s.cfg.Logger.Warn("claim a verified reader's name", slog.String("site", site.ID), slog.Any("err", err))
		}
	}
	if cm.Notify {
		// The comment is stored; a failure to queue the confirmation is
		// logged and the reader can ask again with their next comment.
		if err := s.notifier.RequestReplies(ctx, site, d.Page, cm, in.Lang); err != nil {
			s.cfg.Logger.Error("queue a confirmation mail", slog.String("site", site.ID), slog.Any("err", err))
		}
	}
	vw := viewer{readerHash: rd.hash, editWindow: site.Settings.EditWindow}
	return c.Status(fiber.StatusCreated).JSON(writeAnswer{Comment: vw.view(&cm), ReaderToken: rd.newToken})
}

// authorOf is who a comment is by: a member as their site says, a verified
// reader with their verified address unless they give one, anyone else
// as they say.
func authorOf(id *storage.Reader, in authorInput) authorInput {
	switch {
	case id == nil:
	case id.Member():
		in = authorInput{Name: id.Name, Email: id.Email, Affiliation: id.Affiliation, Website: in.Website}
	case in.Email == "":
		in.Email = id.Email
	}
	return in
}

// writeAnswer is the body of a successful comment write.
type writeAnswer struct {
	Comment     commentView `json:"comment"`
	ReaderToken string      `json:"reader_token,omitempty"`
}

// validDraft checks the fields of a new comment and finds its page (a new
// page has only its key, URL and title). It returns the body's Markdown,
// which the pipeline renders (renderInto) once it has let the write in.
func (s *Server) validDraft(ctx context.Context, site storage.Site, in newCommentInput) (posting.Draft, string, error) {
	key, err := pagekey.Normalize(in.Page)
	if err != nil {
		return posting.Draft{}, "", invalid("invalid", "page", "Give the page id or URL.")
	}
	if in.PageURL != "" {
		if err := httpURL("page_url", in.PageURL); err != nil {
			return posting.Draft{}, "", err
		}
	}
	if err := singleLine("page_title", in.PageTitle, maxTitleLen); err != nil {
		return posting.Draft{}, "", err
	}
	author, err := validAuthor(in.Author, site.Settings)
	if err != nil {
		return posting.Draft{}, "", err
	}
	markdown, err := checkBody(in.Body, site.Settings.MaxLength)
	if err != nil {
		return posting.Draft{}, "", err
	}
	if in.Parent != "" {
		if _, err := uuid.Parse(in.Parent); err != nil {
			return posting.Draft{}, "", invalid("invalid", "parent", "The parent id is not valid.")
		}
	}
	page, err := s.store.Page(ctx, site.ID, key)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		page = storage.Page{Key: key, URL: in.PageURL, Title: in.PageTitle}
	case err != nil:
		return posting.Draft{}, "", err
	}
	return posting.Draft{Page: page, ParentID: in.Parent, Author: author}, markdown, nil
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

// locked reports whether a page takes no new comments or votes.
func (s *Server) locked(p storage.Page, site storage.Site) bool {
	return moderation.Locked(p, site, s.cfg.Now())
}
