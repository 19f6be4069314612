package server

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// A widget embedded on a page whose origin the site does not allow would
// get an answer the browser hides from it, and its reader would see only
// that the comments could not be loaded, while the server logged a 200.
// Instead the thread read answers 403 with a message a site owner
// understands, readable by that page (it holds nothing but the message),
// and the server logs a warning once in a while per site and origin.

// foreignWarnEvery is how often one site and origin is logged at most.
const foreignWarnEvery = 10 * time.Minute

// maxForeignOrigins bounds the warnings remembered.
const maxForeignOrigins = 1024

// foreignOrigins remembers when each site and origin was last logged.
type foreignOrigins struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// due reports whether key is to be logged now, and notes that it is.
func (f *foreignOrigins) due(key string, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil || len(f.last) >= maxForeignOrigins {
		f.last = map[string]time.Time{}
	}
	if t, ok := f.last[key]; ok && now.Sub(t) < foreignWarnEvery {
		return false
	}
	f.last[key] = now
	return true
}

// refuseForeignRead answers a thread read sent by a browser from an
// origin site does not allow; nil for any other read.
func (s *Server) refuseForeignRead(c *fiber.Ctx, site storage.Site) error {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" || originAllowed(origin, site.Origins) {
		return nil
	}
	origin = strings.Clone(origin)
	if len(origin) > 200 {
		origin = origin[:200]
	}
	c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
	if s.foreign.due(site.ID+" "+origin, s.cfg.Now()) {
		s.cfg.Logger.Warn("a page on an origin this site does not allow asked for comments: add the origin on the site's settings page if it is the site's",
			slog.String("site", site.ID), slog.String("origin", origin))
	}
	return forbidden("origin_not_allowed",
		fmt.Sprintf("Comments are not enabled for %s. Add it to the site's allowed origins in Parley's admin page.", origin))
}
