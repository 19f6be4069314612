// Package requestid names each request, so a client can quote the id of
// a failed request and an operator find its log lines.
package requestid

import (
	"context"
	"log/slog"

	"github.com/google/uuid"
)

// Header carries the id, in and out.
const Header = "X-Request-ID"

// Valid reports whether an incoming id may be kept: 1 to 64 characters
// of A-Z, a-z, 0-9, '.', '_' and '-', which no log or JSON needs to
// escape.
func Valid(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// New makes an id: a UUIDv7, which sorts by time.
func New() string {
	id, err := uuid.NewV7()
	if err != nil {
		// Only a failing random source gets here; a v4 panics the same way.
		return uuid.NewString()
	}
	return id.String()
}

type ctxKey struct{}

// WithID returns ctx carrying id.
func WithID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// FromContext returns the id ctx carries, or "".
func FromContext(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// Handler adds the request_id attribute to every record logged with a
// context that carries one.
type Handler struct{ slog.Handler }

// NewHandler wraps h.
func NewHandler(h slog.Handler) *Handler { return &Handler{h} }

// Handle adds the id, when ctx has one, and passes the record on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if id := FromContext(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the new handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the new handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{h.Handler.WithGroup(name)}
}
