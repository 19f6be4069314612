package admin

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/notify"
	"github.com/parley-dev/parley/storage"
)

// actorKey names who made a change when no one is signed in: the staff
// member whose e-mail link it was.
const actorKey = "admin.actor"

// moderateLink serves the approve and remove links of staff e-mails:
//
//	GET  /admin/mail/moderate?t=TOKEN   the comment, and a button
//	POST /admin/mail/moderate           (t in the form) does it
//
// The signed token names the site, the comment, the action and the
// address it was sent to; no sign-in is needed, and a GET changes nothing.
func (h *Handler) moderateLink(c *fiber.Ctx) error {
	token := c.Query("t")
	if c.Method() == fiber.MethodPost {
		token = c.FormValue("t")
	}
	token = strings.Clone(token)
	cl, err := h.cfg.Tokens.Verify(notify.PurposeModerate, token)
	if err != nil || (cl.Action != "approve" && cl.Action != "remove") {
		return &httpError{fiber.StatusBadRequest, "This link is invalid or has expired. Sign in to moderate the comment."}
	}
	ctx := c.UserContext()
	site, err := h.store.Site(ctx, cl.Site)
	if errors.Is(err, storage.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	cm, err := h.store.Comment(ctx, site.ID, cl.Comment)
	if errors.Is(err, storage.ErrNotFound) {
		return errNotFound
	} else if err != nil {
		return err
	}
	c.Locals(siteKey, site)
	v := struct {
		Site    storage.Site
		Comment storage.Comment
		Action  string
		Token   string
		Done    bool
	}{site, cm, cl.Action, token, false}
	if c.Method() == fiber.MethodPost {
		wait, err := h.guard.reserve(ctx, []limit{{"link:c:" + h.cfg.IPHash(c), perLink}})
		if err != nil {
			return err
		}
		if wait > 0 {
			c.Set(fiber.HeaderRetryAfter, fmt.Sprint(int(wait.Seconds())+1))
			return &httpError{fiber.StatusTooManyRequests, "Too many attempts from your address. Please try again later."}
		}
		action := map[string]string{"approve": "approve", "remove": "delete"}[cl.Action]
		c.Locals(actorKey, "e-mail link to "+cl.Email)
		if err := h.act(c, site, cm.ID, action); err != nil {
			return err
		}
		v.Done = true
	}
	title := "Approve a comment"
	if cl.Action == "remove" {
		title = "Remove a comment"
	}
	return h.render(c, "moderate", title, v)
}

// saveNotifications sets where the signed-in user's staff e-mails go and
// for which of their sites.
func (h *Handler) saveNotifications(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	addr := strings.TrimSpace(c.FormValue("email"))
	if addr != "" {
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			return badInput("The e-mail address is not valid.")
		}
	}
	var sites []string
	for _, id := range c.Request().PostArgs().PeekMulti("notify") {
		sid := string(id)
		if (u.Admin || u.Role(sid) != "") && !slices.Contains(sites, sid) {
			sites = append(sites, sid)
		}
	}
	if _, err := h.store.UpdateUser(c.UserContext(), u.Name, func(u *storage.User) error {
		u.Email, u.NotifySites = addr, sites
		return nil
	}); err != nil {
		return err
	}
	return back(c, "/admin/", "saved")
}
