package server

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/storage"
)

// Readers edit and delete their own comments with their reader token,
// inside the site's edit window. An edit passes the moderation pipeline
// like a new comment, and both go in the site's audit log.

type editInput struct {
	Body        string `json:"body"`
	ConfirmHold bool   `json:"confirm_hold"`
}

func (s *Server) editComment(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	var in editInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	markdown, err := checkBody(in.Body, site.Settings.MaxLength)
	if err != nil {
		return err
	}
	rd, err := s.owner(c)
	if err != nil {
		return err
	}
	before, err := s.store.Comment(ctx, site.ID, c.Params("id"))
	if err != nil {
		return ownError(err)
	}
	if err := s.checkOwn(&before, rd, site); err != nil {
		return err
	}
	page, err := s.store.Page(ctx, site.ID, before.PageKey)
	if err != nil {
		return err
	}
	id, err := s.identity(ctx, site.ID, rd)
	if err != nil {
		return err
	}
	var body posting.Body
	v, err := s.pipeline.Run(ctx, moderation.Write{
		Kind: moderation.Edit, Site: site, Page: page, Reader: rd.hash, IPHash: s.ipHash(c), Identity: id,
		Render: s.renderInto(site, markdown, &body), Before: &before, Confirmed: in.ConfirmHold,
	})
	s.countVerdict(v, err)
	if err != nil {
		return err
	}
	cm, err := s.poster.Edit(ctx, site, before.ID, body, func(cm *storage.Comment) error {
		if err := s.checkOwn(cm, rd, site); err != nil {
			return err
		}
		cm.Fingerprint = v.Fingerprint
		if v.Held() {
			cm.Status, cm.HoldReasons = storage.StatusPending, v.Codes()
		}
		return nil
	})
	if err != nil {
		return ownError(err)
	}
	s.auditReader(c, rd, storage.AuditEntry{Action: "reader-edit", CommentID: cm.ID, PageKey: cm.PageKey,
		Before: before.Markdown, After: cm.Markdown, Note: strings.Join(v.Codes(), ", ")})
	vw := viewer{readerHash: rd.hash, editWindow: site.Settings.EditWindow}
	return c.JSON(writeAnswer{Comment: vw.view(&cm)})
}

func (s *Server) deleteComment(c *fiber.Ctx) error {
	site := siteOf(c)
	rd, err := s.owner(c)
	if err != nil {
		return err
	}
	var before storage.Status
	cm, err := s.store.UpdateComment(c.UserContext(), site.ID, c.Params("id"), func(cm *storage.Comment) error {
		if err := s.checkOwn(cm, rd, site); err != nil {
			return err
		}
		before, cm.Status = cm.Status, storage.StatusDeleted
		return nil
	})
	if err != nil {
		return ownError(err)
	}
	s.auditReader(c, rd, storage.AuditEntry{Action: "reader-delete", CommentID: cm.ID, PageKey: cm.PageKey,
		Before: string(before), After: string(cm.Status)})
	return c.SendStatus(fiber.StatusNoContent)
}

// auditReader records a reader's change in the site's audit log, under
// "reader" and the start of their token's hash (what a ban by reader
// names). The change is already stored, so a failure is logged.
func (s *Server) auditReader(c *fiber.Ctx, rd reader, e storage.AuditEntry) {
	e.SiteID, e.Actor, e.Time = siteOf(c).ID, "reader "+rd.hash[:12], s.cfg.Now().UTC()
	if err := s.store.AddAudit(c.UserContext(), e); err != nil {
		s.cfg.Logger.Error("audit log write failed", slog.String("site", e.SiteID), slog.String("action", e.Action), slog.Any("err", err))
	}
}

// owner returns the calling reader, who must hold a token.
func (s *Server) owner(c *fiber.Ctx) (reader, error) {
	rd, err := s.bearerReader(c)
	if err == nil && rd.hash == "" {
		err = unauthorized("Send your reader token to change your comment.")
	}
	return rd, err
}

// checkOwn allows a change only to the reader's own live comment inside the
// edit window.
func (s *Server) checkOwn(cm *storage.Comment, rd reader, site storage.Site) error {
	if cm.ReaderHash != rd.hash {
		return forbidden("forbidden", "You can only change your own comments.")
	}
	if cm.Status == storage.StatusDeleted || cm.Status == storage.StatusSpam {
		return notFound("No comment with this id.")
	}
	if !s.cfg.Now().Before(cm.Created.Add(site.Settings.EditWindow)) {
		return forbidden("edit_window_closed", "The time to change this comment has run out.")
	}
	return nil
}

// ownError maps store errors of an own-comment change.
func ownError(err error) error {
	if errors.Is(err, storage.ErrNotFound) {
		return notFound("No comment with this id.")
	}
	return err
}
