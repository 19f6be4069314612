package server

import "github.com/gofiber/fiber/v2"

// asset serves the widget's bundled files. Content-hashed paths are cached
// for a year; the stable /embed.js and /count.js that site owners paste are
// cached briefly and revalidated by ETag, so a new release reaches every
// blog within minutes.
func (s *Server) asset(c *fiber.Ctx) error {
	a, ok := s.assets.Lookup(c.Path())
	if !ok {
		return fiber.ErrNotFound
	}
	// Widget files are loaded by other sites' pages.
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set("Cross-Origin-Resource-Policy", "cross-origin")
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	// Let blogs' own performance tools see the widget's sizes and timings.
	c.Set("Timing-Allow-Origin", "*")
	if a.Immutable {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300, must-revalidate")
	}
	return sendNegotiated(c, fiber.HeaderAcceptEncoding, a.ETag, a.ContentType, a.Body,
		func() []byte { return a.Gzip }, func() []byte { return a.Brotli })
}
