package server

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// CORS answers for the public API. Browsers only let a blog's page read our
// answers when Access-Control-Allow-Origin names that page's origin, which
// we do only for the site's allowed origins. CORS is not authorization:
// writes from a browser whose Origin is not allowed are refused outright.

const (
	corsMethods = "GET, POST, PUT, PATCH, DELETE"
	corsHeaders = "Content-Type, Authorization, If-None-Match"
)

// siteCORS loads the site named in the path (404 if unknown), sets CORS
// headers for allowed origins, answers preflights, and refuses writes from
// other browser origins.
func (s *Server) siteCORS(c *fiber.Ctx) error {
	site, err := s.store.Site(c.UserContext(), c.Params("site"))
	if errors.Is(err, storage.ErrNotFound) {
		return notFound("No site with this id.")
	}
	if err != nil {
		return err
	}
	c.Locals(siteKey, site)
	return corsFor(c, func(origin string) bool { return originAllowed(origin, site.Origins) }, c.Next)
}

// previewCORS handles /preview, whose site is named in the body, which a
// preflight does not carry: the preflight is allowed for any origin, with
// no store read, and the handler then checks the origin against the named
// site. Allowing a preflight grants nothing: the answer to the request
// itself is what carries (or not) Access-Control-Allow-Origin.
func (s *Server) previewCORS(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodOptions {
		return c.Next()
	}
	return corsFor(c, func(string) bool { return true }, c.Next)
}

// corsFor applies the CORS rules, with allowed deciding on the origin, and
// calls next unless the request is a preflight or refused.
func corsFor(c *fiber.Ctx, allowed func(string) bool, next func() error) error {
	c.Set(fiber.HeaderVary, fiber.HeaderOrigin) // the first Vary of an API answer
	origin := c.Get(fiber.HeaderOrigin)
	ok := origin != "" && allowed(origin)
	if ok {
		c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
		c.Set(fiber.HeaderAccessControlExposeHeaders, "ETag")
	}
	switch c.Method() {
	case fiber.MethodOptions:
		if !ok {
			return forbidden("forbidden_origin", "This origin may not use this site's comments.")
		}
		c.Set(fiber.HeaderAccessControlAllowMethods, corsMethods)
		c.Set(fiber.HeaderAccessControlAllowHeaders, corsHeaders)
		c.Set(fiber.HeaderAccessControlMaxAge, "600")
		return c.SendStatus(fiber.StatusNoContent)
	case fiber.MethodGet, fiber.MethodHead:
		return next()
	}
	// A browser always sends Origin on these methods; a request without one
	// comes from a non-browser client (curl, a script), which CORS does not
	// concern.
	if origin != "" && !ok {
		return forbidden("forbidden_origin", "This origin may not post to this site.")
	}
	return next()
}

// siteKey is the c.Locals key of the site loaded by siteCORS.
const siteKey = "parley.site"

func siteOf(c *fiber.Ctx) storage.Site { return c.Locals(siteKey).(storage.Site) }
