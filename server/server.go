// Package server is Parley's HTTP side: the fiber app with the public
// comment API, the widget's assets, the demo page and health checks.
//
// Handlers hold the storage.Store and call its methods; every comment body
// goes through one rendering path (posting.Poster) on write. Errors become
// JSON answers in exactly one place, errorHandler.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/server/clientip"
	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/outbound"
	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/server/ratelimit"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/widget"
)

// Config holds what the server needs from the operator.
type Config struct {
	// BaseURL is the public URL of this instance, e.g. https://comments.example.com.
	BaseURL string
	// TrustedProxies are the proxy addresses or CIDR ranges whose ProxyHeader
	// is believed for the client IP. Empty: the header is ignored.
	TrustedProxies []string
	// ProxyHeader carries the client IP behind a trusted proxy (default X-Forwarded-For).
	ProxyHeader string
	// RequestTimeout bounds the storage work of one request (default 10s).
	RequestTimeout time.Duration
	// Logger receives request logs and errors (default: discard).
	Logger *slog.Logger
	// Now is the clock; tests move it to cross the edit window (default time.Now).
	Now func() time.Time
	// ThreadCacheBytes bounds the memory of cached threads (default 32 MiB).
	ThreadCacheBytes int
	// Signup opens /admin/signup: anyone may create an account and a site.
	Signup bool
	// SitesPerUser caps the sites one user may own under Signup (default
	// 10; instance admins have no cap).
	SitesPerUser int
	// RateScale multiplies every rate limit (0: 1); RatesOff turns them
	// all off, for the load tool and browser tests.
	RateScale float64
	RatesOff  bool
	// MaxConnsPerClient caps one client address's open connections (0: no
	// cap); trusted proxies are not counted.
	MaxConnsPerClient int
	// AllowPrivateCallbacks lets sites' external checks reach loopback
	// and private addresses (a spam service on the same host or network).
	AllowPrivateCallbacks bool
}

// Server is a configured Parley HTTP server.
type Server struct {
	app      *fiber.App
	store    storage.Store
	poster   *posting.Poster
	pipeline *moderation.Pipeline
	assets   *widget.Assets
	cfg      Config
	proxies  *clientip.Resolver
	ipKey    []byte
	tokenKey []byte // signs reader tokens (reader.go)
	// threads caches pages' threads between writes.
	threads *threadCache
	// admin serves the admin page under /admin (package server/admin).
	admin *admin.Handler
}

// bodyLimit caps request bodies: a 10,000-character comment is at most
// 40 KB of UTF-8, and JSON escaping can double that.
const bodyLimit = 128 * 1024

// New builds the server over store. It bundles the widget, so it fails if
// the widget's sources do not build.
func New(ctx context.Context, store storage.Store, cfg Config) (*Server, error) {
	if cfg.ProxyHeader == "" {
		cfg.ProxyHeader = fiber.HeaderXForwardedFor
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ThreadCacheBytes == 0 {
		cfg.ThreadCacheBytes = 32 << 20
	}
	if cfg.SitesPerUser == 0 {
		cfg.SitesPerUser = 10
	}
	assets, err := widget.Build()
	if err != nil {
		return nil, fmt.Errorf("build widget: %w", err)
	}
	proxies, err := clientip.New(cfg.TrustedProxies, cfg.ProxyHeader)
	if err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	keys := map[string][]byte{"ip-hash": nil, "reader-token": nil, "form-token": nil}
	for name := range keys {
		if keys[name], err = store.Secret(ctx, name); err != nil {
			return nil, fmt.Errorf("load the %s key: %w", name, err)
		}
	}
	limiter := ratelimit.NewMemory(0)
	s := &Server{store: store, poster: posting.New(store, cfg.Now), assets: assets, cfg: cfg, proxies: proxies,
		ipKey: keys["ip-hash"], tokenKey: keys["reader-token"], threads: newThreadCache(cfg.ThreadCacheBytes)}
	s.pipeline = moderation.New(moderation.Config{
		Store: store, Limiter: limiter, RateScale: cfg.RateScale, RatesOff: cfg.RatesOff, FormKey: keys["form-token"],
		HTTP: outbound.NewClient(outbound.Options{AllowPrivate: cfg.AllowPrivateCallbacks, Timeout: checkTimeout}),
		Now:  cfg.Now, Logger: cfg.Logger,
	})
	s.admin, err = admin.New(admin.Config{
		Store: store, Poster: s.poster, BaseURL: cfg.BaseURL, Logger: cfg.Logger, Now: cfg.Now,
		IPHash: s.ipHash, ValidOrigin: validOriginPattern, Signup: cfg.Signup, SitesPerUser: cfg.SitesPerUser,
		Limiter: limiter, RatesOff: cfg.RatesOff, AllowPrivateCallbacks: cfg.AllowPrivateCallbacks,
		DefaultRates: s.pipeline.SiteDefaults(),
	})
	if err != nil {
		return nil, fmt.Errorf("admin page: %w", err)
	}
	s.app = fiber.New(fiber.Config{
		AppName:               "parley",
		BodyLimit:             bodyLimit,
		ReadTimeout:           15 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           90 * time.Second,
		ErrorHandler:          errorHandler(cfg.Logger),
		DisableStartupMessage: true,
		// A whole cached thread answer (16 KB gzipped for 200 comments)
		// goes out in one write system call with its headers; with
		// fasthttp's 4 KB default it took two, and writes were half the
		// CPU of serving it. Idle keep-alive connections give their
		// buffers back (ReduceMemoryUsage), so the bigger buffer costs
		// memory per request in flight, not per open connection.
		WriteBufferSize:   32 << 10,
		ReduceMemoryUsage: true,
		// The client's address is found by clientAddr (package
		// clientip), not by fiber, whose Ctx.IP believes the leftmost
		// forwarded address: the one a client writes itself.
	})
	s.routes()
	return s, nil
}

// checkTimeout bounds a site's external spam check: a post waits for it.
const checkTimeout = 2 * time.Second

func (s *Server) routes() {
	s.app.Use(s.logRequests, s.withTimeout)
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/demo") })
	s.app.Get("/demo", s.demoPage)
	s.app.Get("/embed.js", s.asset)
	s.app.Get("/count.js", s.asset)
	s.app.Get("/widget/*", s.asset)
	s.admin.Mount(s.app)

	api := s.app.Group("/api/v1", apiHeaders)
	api.Post("/preview", s.previewCORS, s.preview)
	api.Options("/preview", s.previewCORS)
	site := api.Group("/sites/:site", s.siteCORS)
	site.Get("/comments", s.listComments)
	site.Get("/form", s.formToken)
	site.Post("/comments", s.createComment)
	site.Patch("/comments/:id", s.editComment)
	site.Delete("/comments/:id", s.deleteComment)
	site.Put("/comments/:id/vote", s.vote)
	site.Post("/comments/:id/flag", s.flag)
	site.Post("/counts", s.counts)
	s.app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

// App returns the fiber app, for tests through app.Test.
func (s *Server) App() *fiber.App { return s.app }

// Serve answers requests on ln until Shutdown. One client address may
// hold at most Config.MaxConnsPerClient connections; the trusted proxies,
// whose connections carry many clients, are not counted.
func (s *Server) Serve(ln net.Listener) error {
	return s.app.Listener(clientip.LimitConns(ln, s.cfg.MaxConnsPerClient, s.proxies.Trusted))
}

// Shutdown stops accepting connections and waits for requests in flight,
// at most until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error { return s.app.ShutdownWithContext(ctx) }

// withTimeout gives each request a context that ends after RequestTimeout:
// fiber does not cancel on client disconnect, so storage work needs its own
// bound.
func (s *Server) withTimeout(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}

// logRequests writes one structured line per request. It logs no client IP:
// Parley keeps no raw addresses, in the database or in logs.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	s.cfg.Logger.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", c.Response().StatusCode()),
		slog.Duration("duration", time.Since(start)),
		slog.Int("bytes", len(c.Response().Body())))
	return nil
}

func (s *Server) healthz(c *fiber.Ctx) error {
	if _, err := s.store.Secret(c.UserContext(), "ip-hash"); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": "ok"})
}

// apiHeaders are the security headers of every JSON answer.
func apiHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	return c.Next()
}
