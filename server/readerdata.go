package server

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/storage"
)

// A reader downloads, or erases, everything tied to their reader token on
// a site: GET and DELETE /api/v1/sites/{site}/me.

type myComment struct {
	ID        string         `json:"id"`
	PageKey   string         `json:"page_key"`
	PageURL   string         `json:"page_url,omitempty"`
	PageTitle string         `json:"page_title,omitempty"`
	ParentID  string         `json:"parent_id,omitempty"`
	Created   time.Time      `json:"created"`
	Edited    time.Time      `json:"edited,omitzero"`
	Status    storage.Status `json:"status"`
	Author    storage.Author `json:"author"`
	Markdown  string         `json:"markdown"`
	HTML      string         `json:"html"`
	Score     int            `json:"score"`
}

type myVote struct {
	CommentID string `json:"comment_id"`
	Value     int    `json:"value"`
}

type myData struct {
	Site     string    `json:"site"`
	Exported time.Time `json:"exported"`
	// Identity is the reader's verified identity, if they have one.
	Identity *readerView `json:"identity,omitempty"`
	Comments []myComment `json:"comments"`
	Votes    []myVote    `json:"votes"`
}

// readerFor returns the calling reader for a data request, rate limited.
func (s *Server) readerFor(c *fiber.Ctx) (reader, error) {
	rd, err := s.bearerReader(c)
	if err == nil && rd.hash == "" {
		err = unauthorized("Send your reader token to reach your data.")
	}
	if err != nil {
		return rd, err
	}
	return rd, s.pipeline.Throttle(c.UserContext(), moderation.ReaderData, siteOf(c), s.ipHash(c), rd.hash)
}

// readerRecords returns the calling reader, rate limited, with everything
// tied to their token on the site: their comments and their votes.
func (s *Server) readerRecords(c *fiber.Ctx) (reader, []storage.Comment, []storage.Vote, error) {
	ctx, site := c.UserContext(), siteOf(c)
	rd, err := s.readerFor(c)
	if err != nil {
		return rd, nil, nil, err
	}
	comments, err := s.store.ReaderComments(ctx, site.ID, rd.hash)
	if err != nil {
		return rd, nil, nil, err
	}
	votes, err := s.store.ReaderVotes(ctx, site.ID, rd.hash)
	return rd, comments, votes, err
}

// myData answers a reader's export: their comments on the site, whatever
// their status (with the e-mail they gave: the data is theirs), and their
// votes.
func (s *Server) myData(c *fiber.Ctx) error {
	ctx, site := c.UserContext(), siteOf(c)
	rd, comments, votes, err := s.readerRecords(c)
	if err != nil {
		return err
	}
	out := myData{Site: site.ID, Exported: s.cfg.Now().UTC(), Comments: []myComment{}, Votes: []myVote{}}
	id, err := s.identity(ctx, site.ID, rd)
	if err != nil {
		return err
	}
	if id != nil {
		v := viewReader(*id)
		out.Identity = &v
	}
	pages := map[string]storage.Page{}
	for _, cm := range comments {
		p, ok := pages[cm.PageKey]
		if !ok {
			p, _ = s.store.Page(ctx, site.ID, cm.PageKey)
			pages[cm.PageKey] = p
		}
		out.Comments = append(out.Comments, myComment{ID: cm.ID, PageKey: cm.PageKey, PageURL: p.URL, PageTitle: p.Title,
			ParentID: cm.ParentID, Created: cm.Created, Edited: cm.Edited, Status: cm.Status, Author: cm.Author,
			Markdown: cm.Markdown, HTML: cm.HTML, Score: cm.Score})
	}
	for _, v := range votes {
		out.Votes = append(out.Votes, myVote{CommentID: v.CommentID, Value: v.Value})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// eraseMyData deletes a reader's comments on the site, withdraws their
// votes and forgets their verified identity (its address and name are
// free again; their tokens carry no one). Each comment becomes a deleted one with nothing of its author
// left, so replies to it stay in place, as after a single deletion.
func (s *Server) eraseMyData(c *fiber.Ctx) error {
	ctx, site := c.UserContext(), siteOf(c)
	rd, comments, votes, err := s.readerRecords(c)
	if err != nil {
		return err
	}
	for _, v := range votes {
		v.Value = 0
		if _, err := s.store.SetVote(ctx, v); err != nil {
			return err
		}
	}
	for _, cm := range comments {
		_, err := s.store.UpdateComment(ctx, site.ID, cm.ID, func(cm *storage.Comment) error {
			erase(cm)
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := s.store.DeleteReader(ctx, site.ID, rd.hash); err != nil {
		return err
	}
	s.auditReader(c, rd, storage.AuditEntry{Action: "reader-erase",
		Note: plural(len(comments), "comment") + ", " + plural(len(votes), "vote")})
	s.cfg.Logger.Info("reader erased their data", slog.String("site", site.ID), slog.Int("comments", len(comments)))
	return c.JSON(fiber.Map{"comments": len(comments), "votes": len(votes)})
}

// erase turns a comment into a deleted one that keeps nothing of its
// author: name, addresses, text and the hashes that tie it to them.
func erase(cm *storage.Comment) {
	cm.Status = storage.StatusDeleted
	cm.Author = storage.Author{}
	cm.Markdown, cm.HTML, cm.Fingerprint = "", "", ""
	cm.ReaderHash, cm.IPHash = "", ""
	cm.Notify, cm.Pinned, cm.HoldReasons = false, false, nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
