package admin

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// httpError is an error shown to the user as an HTML page with its status.
type httpError struct {
	Status  int
	Message string
}

func (e *httpError) Error() string { return e.Message }

var (
	errUnauthorized = &httpError{fiber.StatusUnauthorized, "Please sign in."}
	errForbidden    = &httpError{fiber.StatusForbidden, "You do not have access to this."}
	errCSRF         = &httpError{fiber.StatusForbidden, "This form has expired or came from another site. Go back, reload the page and try again."}
	errNotFound     = &httpError{fiber.StatusNotFound, "There is nothing here."}
)

func badInput(msg string) error { return &httpError{fiber.StatusUnprocessableEntity, msg} }

// catch renders every error of an admin handler as an HTML page, so the
// server's JSON error handler never sees them. Internal errors are logged
// and shown as a generic message.
func (h *Handler) catch(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil {
		return nil
	}
	if errors.Is(err, errLogin) {
		return c.Redirect("/admin/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	var he *httpError
	var fe *fiber.Error
	switch {
	case errors.As(err, &he):
	case errors.As(err, &fe) && fe.Code < 500:
		he = &httpError{fe.Code, fe.Message}
	case errors.Is(err, storage.ErrNotFound):
		he = errNotFound
	case errors.Is(err, storage.ErrInvalid):
		he = &httpError{fiber.StatusUnprocessableEntity, "That cannot exist: check what you typed."}
	default:
		h.log.Error("admin request failed", slog.String("method", c.Method()), slog.String("path", c.Path()), slog.Any("err", err))
		he = &httpError{fiber.StatusInternalServerError, "Something went wrong on our side. Please try again."}
	}
	c.Status(he.Status)
	return h.render(c, "error", http.StatusText(he.Status), he.Message)
}
