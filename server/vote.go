package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/storage"
)

type voteInput struct {
	Value *int `json:"value"`
}

// voteAnswer is the body of PUT .../vote.
type voteAnswer struct {
	Score       int    `json:"score"`
	Vote        int    `json:"vote"`
	ReaderToken string `json:"reader_token,omitempty"`
}

// vote records one reader's vote on a comment; voting again replaces it and
// 0 withdraws it.
func (s *Server) vote(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	var in voteInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Value == nil || *in.Value < -1 || *in.Value > 1 {
		return invalid("invalid", "value", "Vote with 1, 0 or -1.")
	}
	rd, err := s.writingReader(c)
	if err != nil {
		return err
	}
	cm, err := s.store.Comment(ctx, site.ID, c.Params("id"))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && cm.Status != storage.StatusApproved) {
		return notFound("No comment with this id.")
	}
	if err != nil {
		return err
	}
	ip := s.ipHash(c)
	// One's own comment, by token or, for a token minted to get round
	// that, by address.
	if cm.ReaderHash == rd.hash || (rd.newToken != "" && cm.IPHash == ip) {
		return forbidden("forbidden", "You cannot vote on your own comment.")
	}
	page, err := s.store.Page(ctx, site.ID, cm.PageKey)
	if err != nil {
		return err
	}
	_, err = s.pipeline.Run(ctx, moderation.Write{Kind: moderation.Vote, Site: site, Page: page,
		Reader: rd.hash, NewReader: rd.newToken != "", IPHash: ip})
	if err != nil {
		return err
	}
	cm, err = s.store.SetVote(ctx, storage.Vote{SiteID: site.ID, CommentID: cm.ID, VoterHash: rd.hash, IPHash: ip, Value: *in.Value})
	if errors.Is(err, storage.ErrConflict) {
		return &apiError{Status: fiber.StatusConflict, Code: "already_voted", Message: "Someone at your address has already voted on this comment."}
	}
	if err != nil {
		return err
	}
	return c.JSON(voteAnswer{Score: cm.Score, Vote: *in.Value, ReaderToken: rd.newToken})
}
