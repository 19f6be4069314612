package server

import "github.com/gofiber/fiber/v2"

// formToken answers GET .../form: the token the widget sends with a new
// comment (moderation's form check), fetched when the reader starts
// writing. It is signed, not stored: a GET that changes nothing.
func (s *Server) formToken(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"form_token": s.pipeline.FormToken(siteOf(c).ID, s.cfg.Now())})
}
