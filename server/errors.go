package server

import (
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/storage"
)

// apiError is an error a client can act on. It becomes the JSON body
// {"error": {"code", "message", "field"}} with its HTTP status.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Reasons are what a would_hold answer would hold the comment for.
	Reasons []moderation.Reason `json:"reasons,omitempty"`
	// RequestID is set on 5xx answers, so a client can quote it.
	RequestID string `json:"request_id,omitempty"`
	// retryAfter, when set, is sent as Retry-After (seconds).
	retryAfter time.Duration
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// Constructors for the errors handlers return most often.

func badRequest(code, field, msg string) *apiError {
	return &apiError{Status: fiber.StatusBadRequest, Code: code, Field: field, Message: msg}
}

func invalid(code, field, msg string) *apiError {
	return &apiError{Status: fiber.StatusUnprocessableEntity, Code: code, Field: field, Message: msg}
}

func notFound(msg string) *apiError {
	return &apiError{Status: fiber.StatusNotFound, Code: "not_found", Message: msg}
}

func forbidden(code, msg string) *apiError {
	return &apiError{Status: fiber.StatusForbidden, Code: code, Message: msg}
}

func unauthorized(msg string) *apiError {
	return &apiError{Status: fiber.StatusUnauthorized, Code: "unauthorized", Message: msg}
}

// fiberErrorCodes names the errors fiber itself raises (unknown route, body
// too large, wrong method) so they get the same JSON shape as ours.
var fiberErrorCodes = map[int]string{
	fiber.StatusNotFound:              "not_found",
	fiber.StatusMethodNotAllowed:      "method_not_allowed",
	fiber.StatusRequestEntityTooLarge: "payload_too_large",
	fiber.StatusRequestTimeout:        "timeout",
	fiber.StatusTooManyRequests:       "rate_limited",
	fiber.StatusBadRequest:            "bad_request",
}

// refusalStatus is the HTTP status of each moderation.Refusal code.
var refusalStatus = map[string]int{
	"banned":        fiber.StatusForbidden,
	"locked":        fiber.StatusForbidden,
	"rate_limited":  fiber.StatusTooManyRequests,
	"impersonation": fiber.StatusUnprocessableEntity,
	"duplicate":     fiber.StatusConflict,
	"blocked_word":  fiber.StatusUnprocessableEntity,
	"rejected":      fiber.StatusUnprocessableEntity,
	"would_hold":    fiber.StatusConflict,
}

// refused turns the pipeline's refusal into the client's error.
func refused(r *moderation.Refusal) *apiError {
	status, ok := refusalStatus[r.Code]
	if !ok {
		status = fiber.StatusForbidden
	}
	return &apiError{Status: status, Code: r.Code, Field: r.Field, Message: r.Message, Reasons: r.Reasons, retryAfter: r.RetryAfter}
}

// errorHandler is the one place errors become HTTP answers. Client errors
// keep their message; anything else is logged and answered with a generic
// "Internal error." so no internal detail reaches a client.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var ae *apiError
		var fe *fiber.Error
		var re *moderation.Refusal
		switch {
		case errors.As(err, &ae):
		case errors.As(err, &re):
			ae = refused(re)
		case errors.As(err, &fe) && fe.Code < 500:
			code, ok := fiberErrorCodes[fe.Code]
			if !ok {
				code = "bad_request"
			}
			ae = &apiError{Status: fe.Code, Code: code, Message: fe.Message}
		case errors.Is(err, storage.ErrNotFound):
			ae = notFound("Not found.")
		case errors.Is(err, storage.ErrInvalid):
			// Input the handlers let through but the store refuses (a NUL
			// in an id, say) is the client's error, never a 5xx.
			ae = badRequest("invalid", "", "The request names something that cannot exist.")
		default:
			log.LogAttrs(c.UserContext(), slog.LevelError, "request failed", slog.String("method", c.Method()),
				slog.String("path", c.Path()), slog.Any("err", err))
			ae = &apiError{Status: fiber.StatusInternalServerError, Code: "internal", Message: "Internal error."}
		}
		if ae.Status >= 500 {
			withID := *ae
			withID.RequestID = requestIDOf(c)
			ae = &withID
		}
		if ae.retryAfter > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(ae.retryAfter.Seconds())))
		}
		return c.Status(ae.Status).JSON(fiber.Map{"error": ae})
	}
}
