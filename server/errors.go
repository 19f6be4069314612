package server

import (
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// apiError is an error a client can act on. It becomes the JSON body
// {"error": {"code", "message", "field"}} with its HTTP status.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
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

// errorHandler is the one place errors become HTTP answers. Client errors
// keep their message; anything else is logged and answered with a generic
// "Internal error." so no internal detail reaches a client.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		var ae *apiError
		var fe *fiber.Error
		switch {
		case errors.As(err, &ae):
		case errors.As(err, &fe) && fe.Code < 500:
			code, ok := fiberErrorCodes[fe.Code]
			if !ok {
				code = "bad_request"
			}
			ae = &apiError{Status: fe.Code, Code: code, Message: fe.Message}
		case errors.Is(err, storage.ErrNotFound):
			ae = notFound("Not found.")
		default:
			log.Error("request failed", slog.String("method", c.Method()),
				slog.String("path", c.Path()), slog.Any("err", err))
			ae = &apiError{Status: fiber.StatusInternalServerError, Code: "internal", Message: "Internal error."}
		}
		return c.Status(ae.Status).JSON(fiber.Map{"error": ae})
	}
}
