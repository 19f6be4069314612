package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/storage"
)

type previewInput struct {
	Site string `json:"site"`
	Body string `json:"body"`
}

// preview renders a body exactly as posting it would, with the site's
// settings, so what a reader previews is what gets stored. It needs no
// token, so it is limited per address.
func (s *Server) preview(c *fiber.Ctx) error {
	var in previewInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Site == "" {
		return invalid("required", "site", "Name the site.")
	}
	if !admin.ValidSiteID(in.Site) {
		return notFound("No site with this id.")
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
		if err := s.pipeline.Throttle(c.UserContext(), moderation.Previews, site, s.ipHash(c), ""); err != nil {
			return err
		}
		body, err := s.validBody(site, in.Body)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"html": body.HTML()})
	})
}
