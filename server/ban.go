package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// checkBan refuses a write by a reader a moderator banned on this site, by
// reader token, IP hash or e-mail address (any of them that is known).
func (s *Server) checkBan(c *fiber.Ctx, site storage.Site, readerHash, email string) error {
	_, err := s.store.MatchBan(c.UserContext(), site.ID, s.cfg.Now(),
		storage.BanKey{Kind: storage.BanReader, Value: readerHash},
		storage.BanKey{Kind: storage.BanIP, Value: s.ipHash(c)},
		storage.BanKey{Kind: storage.BanEmail, Value: email})
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	return forbidden("banned", "You have been banned from commenting on this site.")
}
