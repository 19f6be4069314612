package server

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/pagekey"
)

// maxCountPages bounds one counts request, so a listing page of a blog needs
// one request and nobody can ask for the whole database at once.
const maxCountPages = 100

type countsInput struct {
	Pages []string `json:"pages"`
}

// counts answers the approved-comment counts of many pages at once. The
// answer is keyed by the keys as sent, so the count script can match them
// to its elements without knowing the normalization rule.
func (s *Server) counts(c *fiber.Ctx) error {
	var in countsInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.pipeline.Throttle(c.UserContext(), moderation.Counts, siteOf(c), s.ipHash(c), ""); err != nil {
		return err
	}
	if len(in.Pages) == 0 {
		return invalid("required", "pages", "List the pages to count.")
	}
	if len(in.Pages) > maxCountPages {
		return invalid("too_long", "pages", fmt.Sprintf("At most %d pages per request.", maxCountPages))
	}
	keys := make([]string, len(in.Pages))
	for i, raw := range in.Pages {
		k, err := pagekey.Normalize(raw)
		if err != nil {
			return invalid("invalid", fmt.Sprintf("pages[%d]", i), "Not a valid page id or URL.")
		}
		keys[i] = k
	}
	found, err := s.store.Counts(c.UserContext(), siteOf(c).ID, keys)
	if err != nil {
		return err
	}
	out := make(map[string]int, len(keys))
	for i, raw := range in.Pages {
		out[raw] = found[keys[i]]
	}
	return c.JSON(fiber.Map{"counts": out})
}
