package admin

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// Sign-in and sign-out. The sign-in form has no session to bind a CSRF
// token to, so it uses a double-submit cookie: GET /admin/login sets a
// random value both in a SameSite=Strict cookie and in the form, and POST
// checks that the two agree (another site can neither read the cookie nor
// send it).

const loginCSRFCookie = "parley_login_csrf"

type loginView struct {
	Next  string
	Name  string
	Error string
	Token string
}

func (h *Handler) loginPage(c *fiber.Ctx) error {
	if _, ok := currentUser(c); ok {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	return h.render(c, "login", "Sign in", loginView{Next: safeNext(c.Query("next")), Token: h.loginToken(c)})
}

// loginToken sets a fresh double-submit token and returns it.
func (h *Handler) loginToken(c *fiber.Ctx) string {
	t := randomToken()
	c.Cookie(&fiber.Cookie{Name: loginCSRFCookie, Value: t, Path: "/admin", HTTPOnly: true,
		Secure: h.secure, SameSite: fiber.CookieSameSiteStrictMode, Expires: h.cfg.Now().Add(time.Hour)})
	return t
}

// checkLoginCSRF verifies the double-submit token of the sign-in and
// sign-up forms.
func (h *Handler) checkLoginCSRF(c *fiber.Ctx) error {
	if err := h.checkOrigin(c); err != nil {
		return err
	}
	cookie, form := c.Cookies(loginCSRFCookie), c.FormValue("csrf")
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(form)) != 1 {
		return errCSRF
	}
	return nil
}

func (h *Handler) login(c *fiber.Ctx) error {
	if err := h.checkLoginCSRF(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	name := strings.ToLower(strings.TrimSpace(c.FormValue("name")))
	password := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	client := h.cfg.IPHash(c)
	again := func(status int, msg string) error {
		c.Status(status)
		return h.render(c, "login", "Sign in", loginView{Next: next, Name: name, Error: msg, Token: h.loginToken(c)})
	}
	tooMany := func(wait time.Duration) error {
		c.Set(fiber.HeaderRetryAfter, fmt.Sprint(int(wait.Seconds())+1))
		return again(fiber.StatusTooManyRequests, fmt.Sprintf("Too many sign-in attempts. Please wait %d minutes and try again.", int(wait.Minutes())+1))
	}
	var u storage.User
	var err error
	if UserNamePattern.MatchString(name) {
		u, err = h.store.User(ctx, name)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
	}
	limits := []limit{{"login:c:" + client, perClient}, {"login:p:" + name + ":" + client, perPair}}
	if !u.KnowsClient(client) {
		limits = append(limits, limit{"login:a:" + name, perAccount})
	}
	wait, err := h.guard.reserve(ctx, limits)
	if err != nil {
		return err
	}
	if wait > 0 {
		return tooMany(wait)
	}
	ok := false
	hashed := h.guard.hash(ctx, func() {
		hash := u.PasswordHash
		if hash == "" {
			hash = dummyHash() // same time as a wrong password: user names stay private
		}
		ok = CheckPassword(hash, password) && u.Name != ""
	})
	if !hashed {
		h.guard.release(ctx, limits, 1) // not the attempt's fault
		return tooMany(time.Minute)
	}
	if !ok {
		return again(fiber.StatusUnauthorized, "The user name or password is not right.")
	}
	h.guard.release(ctx, limits[:1], 1)
	h.guard.release(ctx, limits[1:], perAccount.Limit)
	if u, err = h.store.UpdateUser(ctx, u.Name, func(u *storage.User) error { u.RememberClient(client); return nil }); err != nil {
		return err
	}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (h *Handler) logout(c *fiber.Ctx) error {
	if err := h.endSession(c); err != nil {
		return err
	}
	return c.Redirect("/admin/login", fiber.StatusSeeOther)
}

// safeNext keeps a post-sign-in redirect on the admin page: only local
// /admin paths, never "//host" or a scheme.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/admin/"
	}
	return next
}
