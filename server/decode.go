package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
)

// decodeJSON decodes a write request's body into v. It accepts only
// Content-Type application/json (so a plain HTML form cannot post), valid
// UTF-8, one JSON value, and no unknown fields: fields the server owns
// (status, score, badge, ids, times) can never be set by a request.
func decodeJSON(c *fiber.Ctx, v any) error {
	mt, _, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return &apiError{Status: fiber.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "Send the request body as Content-Type: application/json."}
	}
	body := c.Body()
	if !utf8.Valid(body) {
		return badRequest("invalid_utf8", "", "The request body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return badRequest("invalid_json", "", "The request body holds more than one JSON value.")
	}
	return nil
}

// jsonError turns a decoding error into a client error naming the field.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return badRequest("invalid_json", typeErr.Field, "Field "+typeErr.Field+" must be a "+typeErr.Type.String()+".")
	case errors.As(err, &syntaxErr), errors.Is(err, errors.ErrUnsupported):
		return badRequest("invalid_json", "", "The request body is not valid JSON.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badRequest("unknown_field", field, "Field "+field+" cannot be set.")
	default:
		return badRequest("invalid_json", "", "The request body is not valid JSON.")
	}
}
