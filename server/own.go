package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// Readers edit and delete their own comments with their reader token,
// inside the site's edit window.

type editInput struct {
	Body string `json:"body"`
}

func (s *Server) editComment(c *fiber.Ctx) error {
	site := siteOf(c)
	var in editInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	body, err := validBody(in.Body, site.Settings.MaxLength)
	if err != nil {
		return err
	}
	rd, err := s.owner(c)
	if err != nil {
		return err
	}
	cm, err := s.poster.Edit(c.UserContext(), site, c.Params("id"), body, func(cm *storage.Comment) error {
		return s.checkOwn(cm, rd, site)
	})
	if err != nil {
		return ownError(err)
	}
	v := viewer{readerHash: rd.hash, editWindow: site.Settings.EditWindow}
	return c.JSON(writeAnswer{Comment: v.view(&cm)})
}

func (s *Server) deleteComment(c *fiber.Ctx) error {
	site := siteOf(c)
	rd, err := s.owner(c)
	if err != nil {
		return err
	}
	_, err = s.store.UpdateComment(c.UserContext(), site.ID, c.Params("id"), func(cm *storage.Comment) error {
		if err := s.checkOwn(cm, rd, site); err != nil {
			return err
		}
		cm.Status = storage.StatusDeleted
		return nil
	})
	if err != nil {
		return ownError(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// owner returns the calling reader, who must hold a token.
func (s *Server) owner(c *fiber.Ctx) (reader, error) {
	rd, err := bearerReader(c)
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
