package admin

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// UserNamePattern is what a user name may be.
var UserNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

type signupView struct {
	Token string
	Name  string
	Error string
}

// signupPage and signup exist only with Config.Signup: anyone may create an
// account together with their first site, which they own.
func (h *Handler) signupPage(c *fiber.Ctx) error {
	return h.render(c, "signup", "Create an account", signupView{Token: h.loginToken(c)})
}

func (h *Handler) signup(c *fiber.Ctx) error {
	if err := h.checkLoginCSRF(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	name := strings.ToLower(strings.TrimSpace(c.FormValue("user")))
	client := h.cfg.IPHash(c)
	again := func(status int, msg string) error {
		c.Status(status)
		return h.render(c, "signup", "Create an account", signupView{Token: h.loginToken(c), Name: name, Error: msg})
	}
	wait, err := h.guard.reserve(ctx, []limit{{"signup:c:" + client, perSignup}})
	if err != nil {
		return err
	}
	if wait > 0 {
		c.Set(fiber.HeaderRetryAfter, fmt.Sprint(int(wait.Seconds())+1))
		return again(fiber.StatusTooManyRequests, "Too many attempts from your address. Please try again later.")
	}
	if !UserNamePattern.MatchString(name) {
		return again(fiber.StatusUnprocessableEntity, "The user name must be 2 to 40 lower-case letters, digits, dots, dashes or underscores.")
	}
	var hash string
	if !h.guard.hash(ctx, func() { hash, err = HashPassword(c.FormValue("password")) }) {
		return again(fiber.StatusTooManyRequests, "The server is busy. Please try again in a minute.")
	}
	if errors.Is(err, ErrWeakPassword) {
		return again(fiber.StatusUnprocessableEntity, "The password needs at least 10 characters.")
	}
	if err != nil {
		return err
	}
	site, err := h.newSite(c, name)
	var he *httpError
	if errors.As(err, &he) {
		return again(he.Status, he.Message)
	}
	if err != nil {
		return err
	}
	if _, err := h.store.Site(ctx, site.ID); err == nil {
		return again(fiber.StatusConflict, "That site id is taken. Choose another one.")
	}
	u := storage.User{Name: name, PasswordHash: hash, Created: h.cfg.Now().UTC()}
	if err := h.store.CreateUser(ctx, u); errors.Is(err, storage.ErrConflict) {
		return again(fiber.StatusConflict, "That user name is taken. Choose another one.")
	} else if err != nil {
		return err
	}
	if err := h.createOwnedSite(ctx, name, site); err != nil {
		return err
	}
	u.Roles = map[string]storage.Role{site.ID: storage.RoleOwner}
	if err := h.startSession(c, u); err != nil {
		return err
	}
	return back(c, "/admin/sites/"+site.ID, "signedup")
}
