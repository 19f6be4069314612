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
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/server/clientip"
	"github.com/parley-dev/parley/server/live"
	"github.com/parley-dev/parley/server/mail"
	"github.com/parley-dev/parley/server/metrics"
	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/notify"
	"github.com/parley-dev/parley/server/outbound"
	"github.com/parley-dev/parley/server/outbox"
	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/server/ratelimit"
	"github.com/parley-dev/parley/server/requestid"
	"github.com/parley-dev/parley/server/webhook"
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
	// MaxStreamsPerClient caps one client address's open live streams
	// (default 8); MaxStreams caps them on this node (default 10,000).
	MaxStreamsPerClient int
	MaxStreams          int
	// Bus carries every change to comments (default: in this process).
	Bus live.Bus
	// Mail is how e-mail is sent; without a host and sender address the
	// instance sends none, and the widget offers no reply e-mails.
	Mail mail.Config
	// Outbox tunes the outbox worker; its Store and Deliverers are set
	// by New.
	Outbox outbox.Config
	// MetricsToken, when set, serves /metrics on the public listener to
	// requests with "Authorization: Bearer <MetricsToken>". Without it
	// /metrics is not found there; ServeMetrics serves it on a listener
	// of its own.
	MetricsToken string
	// Operations reports the data size and the last backup to instance
	// admins on the admin dashboard (nil: not shown).
	Operations func() (dataBytes int64, lastBackup time.Time)
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
	ssoKey   []byte // the sites' SSO secrets derive from it (signin.go)
	// threads caches pages' threads between writes.
	threads *threadCache
	// admin serves the admin page under /admin (package server/admin).
	admin *admin.Handler
	// hub fans the Bus out to live streams, counted by streams.
	hub     *live.Hub
	streams *streamCounter
	// notifier queues e-mails and webhooks for changes; outbox sends
	// them, until stopOutbox.
	notifier   *notify.Notifier
	tokens     *notify.Tokens
	outbox     *outbox.Worker
	stopOutbox context.CancelFunc
	outboxDone chan struct{}
	closeOnce  sync.Once
	// metrics are served by ServeMetrics or, with Config.MetricsToken,
	// at /metrics (ops.go); shuttingDown turns /readyz to 503.
	metrics      *metrics.Metrics
	metricsFiber fiber.Handler // metrics.Handler for the public listener
	metricsMu    sync.Mutex
	metricsHTTP  *http.Server
	shuttingDown atomic.Bool
	// foreign throttles the warnings about reads from origins a site does
	// not allow.
	foreign foreignOrigins
}

// bodyLimit caps request bodies: a 10,000-character comment is at most
// 40 KB of UTF-8, and JSON escaping can double that.
const bodyLimit = 128 * 1024

// New builds the server over store. It reads the widget's prebuilt assets
// (go generate ./widget) and starts the server's background work, which
// Shutdown or Close stops.
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
	// Lines logged with a request's context carry its id.
	cfg.Logger = slog.New(requestid.NewHandler(cfg.Logger.Handler()))
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.ThreadCacheBytes == 0 {
		cfg.ThreadCacheBytes = 32 << 20
	}
	if cfg.SitesPerUser == 0 {
		cfg.SitesPerUser = 10
	}
	if cfg.MaxStreamsPerClient == 0 {
		cfg.MaxStreamsPerClient = 8
	}
	if cfg.MaxStreams == 0 {
		cfg.MaxStreams = 10000
	}
	if cfg.Bus == nil {
		cfg.Bus = live.NewMemory()
	}
	// Asked of the store itself: the watched store below hides its
	// methods outside storage.Store.
	var storeSizes func() (int64, int64)
	if sz, ok := store.(interface{ Sizes() (int64, int64) }); ok {
		storeSizes = sz.Sizes
	}
	// Every write below goes through the watched store, so every change
	// to a comment is published, whichever handler made it.
	store = live.Watch(store, cfg.Bus)
	assets, err := widget.Build()
	if err != nil {
		return nil, fmt.Errorf("build widget: %w", err)
	}
	proxies, err := clientip.New(cfg.TrustedProxies, cfg.ProxyHeader)
	if err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	keys := map[string][]byte{"ip-hash": nil, "reader-token": nil, "form-token": nil, "mail-token": nil, "sso": nil}
	for name := range keys {
		if keys[name], err = store.Secret(ctx, name); err != nil {
			return nil, fmt.Errorf("load the %s key: %w", name, err)
		}
	}
	limiter := ratelimit.NewMemory(0)
	s := &Server{store: store, poster: posting.New(store, cfg.Now), assets: assets, cfg: cfg, proxies: proxies,
		ipKey: keys["ip-hash"], tokenKey: keys["reader-token"], ssoKey: keys["sso"], threads: newThreadCache(cfg.ThreadCacheBytes),
		streams: newStreamCounter(cfg.MaxStreamsPerClient, cfg.MaxStreams)}
	s.pipeline = moderation.New(moderation.Config{
		Store: store, Limiter: limiter, RateScale: cfg.RateScale, RatesOff: cfg.RatesOff, FormKey: keys["form-token"],
		HTTP: outbound.NewClient(outbound.Options{AllowPrivate: cfg.AllowPrivateCallbacks, Timeout: checkTimeout}),
		Now:  cfg.Now, Logger: cfg.Logger,
	})
	s.tokens = notify.NewTokens(keys["mail-token"], cfg.Now)
	s.hub = live.NewHub(cfg.Bus, live.HubOptions{})
	s.metrics = metrics.New(metrics.Sources{CacheHits: s.threads.hitCount, CacheMisses: s.threads.missCount,
		CacheBytes: s.threads.bytes, Streams: s.hub.Streams, StoreSizes: storeSizes})
	s.metricsFiber = adaptor.HTTPHandler(s.metrics.Handler())
	s.admin, err = admin.New(admin.Config{
		Store: store, Poster: s.poster, BaseURL: cfg.BaseURL, Logger: cfg.Logger, Now: cfg.Now,
		IPHash: s.ipHash, ValidOrigin: validOriginPattern, Signup: cfg.Signup, SitesPerUser: cfg.SitesPerUser,
		Limiter: limiter, RatesOff: cfg.RatesOff, AllowPrivateCallbacks: cfg.AllowPrivateCallbacks,
		DefaultRates: s.pipeline.SiteDefaults(),
		Tokens:       s.tokens, Hub: s.hub, MailEnabled: cfg.Mail.Enabled(),
		Operations: cfg.Operations,
		Import:     s.Import, Export: s.Export,
		SSOKey: keys["sso"],
	})
	if err != nil {
		s.hub.Close()
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
	// Import uploads are the one body allowed past bodyLimit.
	s.app.Server().HeaderReceived = s.admin.RequestConfig
	if err := s.startMessages(store); err != nil {
		s.hub.Close()
		return nil, err
	}
	s.routes()
	return s, nil
}

// startMessages starts the notifier, which queues messages for changes,
// and the outbox worker, which sends them: e-mail when configured,
// webhooks always.
func (s *Server) startMessages(store storage.Store) error {
	hooks := outbound.NewClient(outbound.Options{AllowPrivate: s.cfg.AllowPrivateCallbacks, Timeout: webhookTimeout})
	oc := s.cfg.Outbox
	oc.Store, oc.Logger = store, s.cfg.Logger
	if oc.Now == nil {
		oc.Now = s.cfg.Now
	}
	oc.Deliverers = map[storage.MessageKind]outbox.Deliverer{
		storage.MessageWebhook: webhook.New(webhook.Config{Client: hooks, Sites: store, Now: s.cfg.Now}),
	}
	if s.cfg.Mail.Enabled() {
		if err := s.cfg.Mail.Validate(); err != nil {
			return fmt.Errorf("mail settings: %w", err)
		}
		sender, err := mail.NewSender(s.cfg.Mail)
		if err != nil {
			return fmt.Errorf("mail settings: %w", err)
		}
		oc.Deliverers[storage.MessageMail] = notify.MailDeliverer{Sender: sender, Store: store}
	}
	s.outbox = outbox.New(oc)
	s.notifier = notify.New(notify.Config{Store: store, Bus: s.cfg.Bus, Tokens: s.tokens, BaseURL: s.cfg.BaseURL,
		Mail: s.cfg.Mail.Enabled(), Kick: s.outbox.Kick, Now: s.cfg.Now, Logger: s.cfg.Logger})
	ctx, cancel := context.WithCancel(context.Background())
	s.stopOutbox, s.outboxDone = cancel, make(chan struct{})
	go func() {
		defer close(s.outboxDone)
		s.outbox.Run(ctx)
	}()
	return nil
}

// webhookTimeout bounds one webhook delivery; the outbox retries later.
const webhookTimeout = 10 * time.Second

// checkTimeout bounds a site's external spam check: a post waits for it.
const checkTimeout = 2 * time.Second

func (s *Server) routes() {
	s.app.Use(s.requestID, s.logRequests, s.withTimeout)
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/readyz", s.readyz)
	if s.cfg.MetricsToken != "" {
		s.app.Get("/metrics", s.metricsPage)
	}
	s.app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/demo") })
	s.app.Get("/demo", s.demoPage)
	s.app.Get("/embed.js", s.asset)
	s.app.Get("/count.js", s.asset)
	s.app.Get("/widget/*", s.asset)
	s.admin.Mount(s.app)
	mailPages := s.app.Group("/mail", mailHeaders)
	mailPages.Get("/confirm", s.confirmPage)
	mailPages.Post("/confirm", s.confirmPage)
	mailPages.Get("/unsubscribe", s.unsubscribePage)
	mailPages.Post("/unsubscribe", s.unsubscribePage)

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
	site.Get("/events", s.events)
	site.Get("/feed.atom", s.feed)
	site.Get("/comments.html", s.threadHTML)
	s.app.Get("/sites/:site/discussion", s.discussionPage)
	site.Post("/verify", s.requestVerification)
	site.Post("/verify/confirm", s.confirmVerification)
	site.Post("/sso", s.signIn)
	site.Get("/me", s.myData)
	site.Delete("/me", s.eraseMyData)
	s.app.Use(notFoundRoute)
}

// App returns the fiber app, for tests through app.Test.
func (s *Server) App() *fiber.App { return s.app }

// Serve answers requests on ln until Shutdown. One client address may
// hold at most Config.MaxConnsPerClient connections; the trusted proxies,
// whose connections carry many clients, are not counted.
func (s *Server) Serve(ln net.Listener) error {
	return s.app.Listener(clientip.LimitConns(ln, s.cfg.MaxConnsPerClient, s.proxies.Trusted))
}

// Shutdown first turns /readyz to 503, then ends the live streams, stops
// accepting connections and waits for requests in flight, at most until
// ctx ends. Then it stops the metrics listener and the server's
// background work (Close).
func (s *Server) Shutdown(ctx context.Context) error {
	s.shuttingDown.Store(true)
	s.hub.Close()
	err := s.app.ShutdownWithContext(ctx)
	if merr := s.shutdownMetrics(ctx); err == nil {
		err = merr
	}
	s.Close()
	return err
}

// Close stops the server's background work: the live hub, the notifier
// and the outbox worker (a message being sent is finished or retried
// after a restart). It is safe to call more than once; Shutdown calls it.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.hub.Close()
		s.notifier.Close()
		s.stopOutbox()
		<-s.outboxDone
	})
}

// withTimeout gives each request a context that ends after RequestTimeout:
// fiber does not cancel on client disconnect, so storage work needs its own
// bound.
//
// The context carries the request's id (requestID), for the log.
func (s *Server) withTimeout(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(requestid.WithID(context.Background(), requestIDOf(c)), s.cfg.RequestTimeout)
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
	took := time.Since(start)
	s.cfg.Logger.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", c.Response().StatusCode()),
		slog.Duration("duration", took),
		slog.Int("bytes", responseBytes(c)))
	s.metrics.Request(routeOf(c), methodOf(c), c.Response().StatusCode(), took)
	return nil
}

// responseBytes is the size of an answer's body; a stream's is unknown,
// and reading it here would wait for its end.
func responseBytes(c *fiber.Ctx) int {
	if c.Response().IsBodyStream() {
		return -1
	}
	return len(c.Response().Body())
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
