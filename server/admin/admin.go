// Package admin is Parley's admin page: server-rendered HTML (html/template)
// where site owners register sites and moderators work the queue.
//
// Everything works with plain forms (POST, then a redirect); the small
// script from widget/admin only adds conveniences (select all, copy, confirm).
//
// # Security
//
//   - Sessions: a random 256-bit token in an HttpOnly, SameSite=Strict cookie
//     scoped to /admin (Secure, and named __Host-…, when the base URL is
//     https); the store keeps only its SHA-256, with an expiry.
//   - CSRF: every POST must carry the session's token (form field "csrf" or
//     header X-CSRF-Token), and a browser's Sec-Fetch-Site must say
//     same-origin (or, without it, Origin must be the base URL's: with
//     Referrer-Policy no-referrer browsers send Origin: null on form
//     posts, so Sec-Fetch-Site is the check that works). Sign-in and sign-up, which have no
//     session yet, use a double-submit cookie instead.
//   - Tenancy: every /admin/sites/{site}/… route checks the user's role on
//     that site (instance admins pass). Without a session, GET pages
//     redirect to /admin/login and every other request gets 401; a user
//     without the needed role gets 403, whether or not the site exists.
//   - Headers on every /admin answer only: a strict Content-Security-Policy,
//     nosniff, Referrer-Policy no-referrer, X-Frame-Options DENY. The widget
//     routes are not touched: they must stay embeddable.
//   - Sign-in attempts are limited per address, per account and address,
//     and per account from unknown addresses, reserved before a password
//     is hashed, with at most two hashes at once (ratelimit.go).
//
// # Decisions
//
//   - Any signed-in user may register a site and becomes its owner; users
//     are created by the operator (parley user add) or, with --signup, by
//     themselves together with their first site.
//   - The queue shows a comment's Markdown as plain text, not its HTML:
//     moderators see exactly what was typed, hidden tricks included, and
//     no reader markup is ever rendered on a privileged page. "Open on the
//     page" links to the comment in context (page URL + #parley-<id>).
//   - Moderator edits go through posting.Poster.Edit (rendered like any
//     comment, marked edited); the audit log keeps the text before and
//     after. Replies go through posting.Poster.Add, approved, with the
//     owner's or moderator's badge.
//   - Restore makes a comment approved. Approving, marking as spam or
//     deleting a flagged comment clears its flags; "dismiss" clears them
//     and leaves the comment as it is.
//
// The package gets its dependencies from server.New and does not import
// package server.
package admin

import (
	"context"
	"html/template"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/importer"
	"github.com/parley-dev/parley/server/live"
	"github.com/parley-dev/parley/server/notify"
	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/server/ratelimit"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/widget"
)

// Config is what the admin page needs from the server.
type Config struct {
	Store   storage.Store
	Poster  *posting.Poster
	BaseURL string // public URL of the instance, for the embed snippet and Origin checks
	Logger  *slog.Logger
	Now     func() time.Time
	// IPHash is the server's keyed hash of the client IP (rate limits).
	IPHash func(*fiber.Ctx) string
	// ValidOrigin checks an allowed-origin pattern the way the public API
	// matches them.
	ValidOrigin func(string) bool
	// Signup lets anyone create an account and a first site.
	Signup bool
	// SitesPerUser caps how many sites one user may own under Signup
	// (instance admins have no cap).
	SitesPerUser int
	// SessionTTL is how long a sign-in lasts (default 12 hours).
	SessionTTL time.Duration
	// Limiter keeps the sign-in limits (nil: one of its own); RatesOff
	// turns them off, for tests that sign in over and over.
	Limiter  ratelimit.Limiter
	RatesOff bool
	// AllowPrivateCallbacks lets a site's external check point at
	// loopback and private addresses.
	AllowPrivateCallbacks bool
	// DefaultRates are the rate limits of a site that sets none, shown on
	// its settings page.
	DefaultRates storage.RateLimits
	// Tokens check the signed links of staff e-mails; Hub streams a
	// site's new held comments to its open queue; MailEnabled says the
	// instance sends e-mail (else its settings are not offered).
	Tokens      *notify.Tokens
	Hub         *live.Hub
	MailEnabled bool
	// Deliveries is how many recent webhook deliveries a site's page lists.
	Deliveries int
	// Operations reports the bytes of data on disk and when the last
	// backup was taken (zero: none known), shown to instance admins on
	// the dashboard; nil shows nothing.
	Operations func() (dataBytes int64, lastBackup time.Time)
	// Import and Export run a site's imports and write its export (the
	// server's, through its store).
	Import func(ctx context.Context, r io.Reader, opts importer.Options) (importer.Report, error)
	Export func(ctx context.Context, w io.Writer, siteID string) error
	// SSOKey is the instance key the sites' SSO secrets derive from
	// (sso.Secret). Without it, sign-in with a site's accounts cannot be
	// turned on here.
	SSOKey []byte
}

// Handler serves the admin page.
type Handler struct {
	cfg    Config
	store  storage.Store
	log    *slog.Logger
	pages  map[string]*template.Template
	assets *widget.Assets
	script string // URL path of the admin script
	style  string // URL path of the admin style sheet
	origin string // the base URL's origin, for CSRF checks
	secure bool   // base URL is https: Secure cookies
	guard  *guard // sign-in and sign-up limits
}

// New builds the admin handler. It parses the templates and reads the
// admin assets (built by go generate ./widget), so it fails only on a
// programming error.
func New(cfg Config) (*Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.IPHash == nil {
		cfg.IPHash = func(c *fiber.Ctx) string { return c.IP() }
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	assets, err := widget.BuildAdmin()
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, store: cfg.Store, log: cfg.Logger, pages: pages, assets: assets,
		guard: newGuard(cfg.Limiter, cfg.RatesOff, cfg.Now)}
	for _, p := range assets.Paths() {
		switch {
		case strings.HasSuffix(p, ".js"):
			h.script = p
		case strings.HasSuffix(p, ".css"):
			h.style = p
		}
	}
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Host != "" {
		h.origin = strings.ToLower(u.Scheme + "://" + u.Host)
		h.secure = u.Scheme == "https"
	}
	return h, nil
}

// csp is the Content-Security-Policy of every admin answer: nothing but our
// own files, no inline script or style, no framing, forms post only to us.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; " +
	"base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// headers sets the admin page's security headers. It runs on the /admin
// group only.
func headers(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentSecurityPolicy, csp)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}
