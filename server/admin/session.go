package admin

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// Locals keys.
const (
	userKey    = "admin.user"
	sessionKey = "admin.session"
	roleKey    = "admin.role"
	siteKey    = "admin.site"
)

// cookieName is the session cookie's name. Over https it carries the
// __Host- prefix, which browsers accept only for Secure, host-only cookies
// on path /, so no sibling subdomain can plant or shadow it.
func (h *Handler) cookieName() string {
	if h.secure {
		return "__Host-parley_admin"
	}
	return "parley_admin"
}

func (h *Handler) cookiePath() string {
	if h.secure {
		return "/" // required by __Host-
	}
	return "/admin"
}

// randomToken returns 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// loadSession finds the signed-in user, if any. A missing, expired or
// unknown cookie just means nobody is signed in.
func (h *Handler) loadSession(c *fiber.Ctx) error {
	token := c.Cookies(h.cookieName())
	if token == "" || len(token) > 64 {
		return c.Next()
	}
	ctx := c.UserContext()
	sess, err := h.store.Session(ctx, hashToken(token), h.cfg.Now())
	if errors.Is(err, storage.ErrNotFound) {
		return c.Next()
	}
	if err != nil {
		return err
	}
	u, err := h.store.User(ctx, sess.UserName)
	if errors.Is(err, storage.ErrNotFound) {
		return c.Next()
	}
	if err != nil {
		return err
	}
	c.Locals(sessionKey, sess)
	c.Locals(userKey, u)
	return c.Next()
}

func currentUser(c *fiber.Ctx) (storage.User, bool) {
	u, ok := c.Locals(userKey).(storage.User)
	return u, ok
}

func currentSession(c *fiber.Ctx) storage.Session {
	s, _ := c.Locals(sessionKey).(storage.Session)
	return s
}

// errLogin sends a GET without a session to the sign-in page (see catch).
var errLogin = errors.New("admin: not signed in")

// auth requires a signed-in user and, on anything but GET, a valid CSRF
// token.
func (h *Handler) auth(c *fiber.Ctx) error {
	if err := h.authCheck(c); err != nil {
		return err
	}
	return c.Next()
}

// authCheck is auth without calling the next handler. A GET without a
// session gets errLogin (a redirect to the sign-in page); anything else
// gets 401.
func (h *Handler) authCheck(c *fiber.Ctx) error {
	if _, ok := currentUser(c); !ok {
		if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
			return errLogin
		}
		return errUnauthorized
	}
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return nil
	}
	if err := h.checkOrigin(c); err != nil {
		return err
	}
	token := c.FormValue("csrf")
	if token == "" {
		token = c.Get("X-CSRF-Token")
	}
	want := currentSession(c).CSRF
	if want == "" || subtle.ConstantTimeCompare([]byte(token), []byte(want)) != 1 {
		return errCSRF
	}
	return nil
}

// checkOrigin refuses a state-changing request that a browser says comes
// from another site. Browsers send Sec-Fetch-Site, which must say
// same-origin; under our Referrer-Policy no-referrer they send "Origin:
// null" on form posts, so Origin is checked only when there is no
// Sec-Fetch-Site. Non-browser clients send neither header; they still need
// the CSRF token, as everyone does.
func (h *Handler) checkOrigin(c *fiber.Ctx) error {
	if sfs := c.Get("Sec-Fetch-Site"); sfs != "" {
		if sfs != "same-origin" {
			return errCSRF
		}
		return nil
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" && !strings.EqualFold(o, h.origin) {
		return errCSRF
	}
	return nil
}

// site checks that the signed-in user holds at least role min on the site
// in the path, and loads it. Instance admins hold every role. The answer is
// the same 403 whether the site exists or not, so nobody can probe for
// other tenants' site ids.
func (h *Handler) site(min storage.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := h.authCheck(c); err != nil {
			return err
		}
		u, _ := currentUser(c)
		id := c.Params("site")
		role := u.Role(id)
		switch {
		case u.Admin:
			role = storage.RoleOwner
		case role == "", min == storage.RoleOwner && role != storage.RoleOwner:
			return errForbidden
		}
		site, err := h.store.Site(c.UserContext(), id)
		if errors.Is(err, storage.ErrNotFound) && !u.Admin {
			return errForbidden
		}
		if err != nil {
			return err
		}
		c.Locals(siteKey, site)
		c.Locals(roleKey, role)
		return c.Next()
	}
}

func siteOf(c *fiber.Ctx) storage.Site { return c.Locals(siteKey).(storage.Site) }

func roleOf(c *fiber.Ctx) storage.Role { r, _ := c.Locals(roleKey).(storage.Role); return r }

// startSession signs u in: a new session record and its cookie.
func (h *Handler) startSession(c *fiber.Ctx, u storage.User) error {
	token := randomToken()
	now := h.cfg.Now().UTC()
	sess := storage.Session{TokenHash: hashToken(token), UserName: u.Name, CSRF: randomToken(), Created: now, Expires: now.Add(h.cfg.SessionTTL)}
	if err := h.store.CreateSession(c.UserContext(), sess); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: h.cookieName(), Value: token, Path: h.cookiePath(), Expires: sess.Expires,
		HTTPOnly: true, Secure: h.secure, SameSite: fiber.CookieSameSiteStrictMode,
	})
	return nil
}

// endSession deletes the session and its cookie.
func (h *Handler) endSession(c *fiber.Ctx) error {
	if err := h.store.DeleteSession(c.UserContext(), currentSession(c).TokenHash); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: h.cookieName(), Value: "", Path: h.cookiePath(), Expires: time.Unix(0, 0),
		HTTPOnly: true, Secure: h.secure, SameSite: fiber.CookieSameSiteStrictMode})
	return nil
}
