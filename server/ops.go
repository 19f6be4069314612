package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/requestid"
)

// The operator's side of the server: request ids, readiness and metrics.

// requestIDLocal is the fiber local holding the request's id.
const requestIDLocal = "parley.request_id"

// requestID names the request, first in the chain: it keeps a client's
// or proxy's X-Request-ID when it is short and plain, else makes one,
// and sends it back. The id goes into the request's log lines (through
// withTimeout's context) and into 5xx answers (errorHandler).
func (s *Server) requestID(c *fiber.Ctx) error {
	id := c.Get(requestid.Header)
	if requestid.Valid(id) {
		id = strings.Clone(id) // fiber reuses the header's memory
	} else {
		id = requestid.New()
	}
	c.Locals(requestIDLocal, id)
	c.Set(requestid.Header, id)
	return c.Next()
}

// requestIDOf is the id requestID gave c, or "" before it ran.
func requestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals(requestIDLocal).(string)
	return id
}

// readyz tells a load balancer whether to send traffic: the store answers
// and the server is not shutting down. healthz only says it is alive.
func (s *Server) readyz(c *fiber.Ctx) error {
	if s.shuttingDown.Load() {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "shutting_down"})
	}
	return s.healthz(c)
}

// routeOf is the route template that answered c, the label of its
// metrics: a raw path would make a series per comment id. Requests no
// route took (notFoundRoute) share "unmatched".
func routeOf(c *fiber.Ctx) string {
	if c.Locals(unmatchedLocal) != nil {
		return "unmatched"
	}
	return c.Route().Path
}

// unmatchedLocal marks a request that reached notFoundRoute.
const unmatchedLocal = "parley.unmatched"

// notFoundRoute answers what no route took.
func notFoundRoute(c *fiber.Ctx) error {
	c.Locals(unmatchedLocal, true)
	return fiber.ErrNotFound
}

// methodOf is c's method as a constant string, for a label: fiber's
// Method is request memory that the next request overwrites, and a
// method it does not know could be anything.
func methodOf(c *fiber.Ctx) string {
	for _, m := range fiber.DefaultMethods {
		if m == c.Method() {
			return m
		}
	}
	return "other"
}

// countVerdict counts the pipeline's decision on a new or edited comment.
// A store failure (an error other than a Refusal) decided nothing.
func (s *Server) countVerdict(v moderation.Verdict, err error) {
	var re *moderation.Refusal
	switch {
	case errors.As(err, &re):
		s.metrics.Comment("refused", re.Code)
	case err != nil:
	case v.Held():
		s.metrics.Comment("held", "")
	default:
		s.metrics.Comment("approved", "")
	}
}

// metricsPage serves the metrics on the public listener to the holder of
// Config.MetricsToken (routes registers it only when one is set).
func (s *Server) metricsPage(c *fiber.Ctx) error {
	want := "Bearer " + s.cfg.MetricsToken
	if subtle.ConstantTimeCompare([]byte(c.Get(fiber.HeaderAuthorization)), []byte(want)) != 1 {
		return unauthorized("Send the metrics token.")
	}
	return s.metricsFiber(c)
}

// ServeMetrics serves the metrics at /metrics on ln, a listener of their
// own (an address only the monitoring can reach), until Shutdown.
func (s *Server) ServeMetrics(ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 90 * time.Second}
	s.metricsMu.Lock()
	if s.shuttingDown.Load() {
		s.metricsMu.Unlock()
		ln.Close()
		return nil
	}
	s.metricsHTTP = hs
	s.metricsMu.Unlock()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// shutdownMetrics stops the metrics listener, if one runs, letting a
// scrape in flight finish until ctx ends.
func (s *Server) shutdownMetrics(ctx context.Context) error {
	s.metricsMu.Lock()
	hs := s.metricsHTTP
	s.metricsMu.Unlock()
	if hs == nil {
		return nil
	}
	return hs.Shutdown(ctx)
}
