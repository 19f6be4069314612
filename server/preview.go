package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

type previewInput struct {
	Site string `json:"site"`
	Body string `json:"body"`
}

// preview renders a body exactly as posting it would, with the site's
// settings, so what a reader previews is what gets stored.
func (s *Server) preview(c *fiber.Ctx) error {
	var in previewInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Site == "" {
		return invalid("required", "site", "Name the site.")
	}
	site, err := s.store.Site(c.UserContext(), in.Site)
	if errors.Is(err, storage.ErrNotFound) {
		return notFound("No site with this id.")
	}
	if err != nil {
		return err
	}
	// The body named the site, so the CORS decision is made here.
	c.Locals(siteKey, site)
	return corsFor(c, func(o string) bool { return originAllowed(o, site.Origins) }, func() error {
		body, err := validBody(in.Body, site.Settings.MaxLength)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"html": s.poster.Render(site, body)})
	})
}
