package server

import (
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/storage"
)

// maxFlagNote caps the optional note of a flag, in characters.
const maxFlagNote = 500

type flagInput struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// flagAnswer is the body of a successful flag: the reader token when this
// request issued one.
type flagAnswer struct {
	ReaderToken string `json:"reader_token,omitempty"`
}

// flag records a reader's report of a visible comment, once per reader; it
// lands in the moderators' "flagged" tab.
func (s *Server) flag(c *fiber.Ctx) error {
	site := siteOf(c)
	var in flagInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if !slices.Contains(storage.FlagReasons, in.Reason) {
		return invalid("invalid", "reason", "Give a reason: spam, abuse, off-topic or other.")
	}
	in.Note = strings.TrimSpace(strings.ReplaceAll(in.Note, "\r\n", "\n"))
	if utf8.RuneCountInString(in.Note) > maxFlagNote {
		return invalid("too_long", "note", "At most 500 characters, please.")
	}
	if err := validNote(in.Note); err != nil {
		return err
	}
	rd, err := s.writingReader(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	cm, err := s.store.Comment(ctx, site.ID, c.Params("id"))
	v := viewer{readerHash: rd.hash}
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !v.visible(&cm)) {
		return notFound("No comment with this id.")
	}
	if err != nil {
		return err
	}
	ip := s.ipHash(c)
	_, err = s.pipeline.Run(ctx, moderation.Write{Kind: moderation.Flag, Site: site, Reader: rd.hash, NewReader: rd.newToken != "", IPHash: ip})
	if err != nil {
		return err
	}
	err = s.store.AddFlag(ctx, storage.Flag{SiteID: site.ID, CommentID: cm.ID, ReaderHash: rd.hash, IPHash: ip,
		Reason: in.Reason, Note: in.Note, Created: s.cfg.Now().UTC()})
	if errors.Is(err, storage.ErrConflict) {
		return &apiError{Status: fiber.StatusConflict, Code: "already_flagged", Message: "This comment has already been reported from your address."}
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(flagAnswer{ReaderToken: rd.newToken})
}

// validNote checks the free text of a flag: any line breaks, but no other
// control characters.
func validNote(note string) error {
	for _, line := range strings.Split(note, "\n") {
		if err := singleLine("note", line, maxFlagNote); err != nil {
			return err
		}
	}
	return nil
}
