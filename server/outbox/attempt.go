package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parley-dev/parley/storage"
)

// MaxErrorLen is the longest LastError a Worker stores, in bytes.
const MaxErrorLen = 200

// finishTimeout bounds recording an outcome, which must happen even when
// Run's context has just ended (a sent message must not be sent again).
const finishTimeout = 10 * time.Second

// errNoDeliverer fails a message of a kind nobody delivers.
var errNoDeliverer = errors.New("no deliverer")

// attempt delivers one claimed message and records the outcome.
func (w *Worker) attempt(ctx context.Context, m storage.Message) {
	d, ok := w.cfg.Deliverers[m.Kind]
	var err error
	if ok {
		actx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
		err = deliver(actx, d, m)
		cancel()
		if err != nil && ctx.Err() != nil {
			return // shut down: the lease expires and a later worker retries
		}
		m.Attempts++
	} else {
		err = Permanent(errNoDeliverer)
	}

	now := w.cfg.Now()
	log := w.cfg.Logger
	attrs := []slog.Attr{
		slog.String("id", m.ID), slog.String("kind", string(m.Kind)), slog.String("site", m.SiteID),
		slog.String("topic", m.Topic), slog.Int("attempt", m.Attempts),
	}
	switch {
	case err == nil:
		m.State, m.LastError, m.Done = storage.MessageSent, "", now
		log.LogAttrs(ctx, slog.LevelInfo, "outbox: sent", attrs...)
	case IsPermanent(err) || w.expired(m, now):
		m.State, m.LastError, m.Done = storage.MessageFailed, clip(err.Error()), now
		log.LogAttrs(ctx, slog.LevelError, "outbox: gave up", append(attrs, slog.String("err", m.LastError))...)
	default:
		m.LastError, m.Due = clip(err.Error()), now.Add(w.cfg.Backoff(m.Attempts))
		log.LogAttrs(ctx, slog.LevelWarn, "outbox: will retry",
			append(attrs, slog.String("err", m.LastError), slog.Time("due", m.Due))...)
	}

	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	if err := w.cfg.Store.FinishAttempt(fctx, m); err != nil {
		log.LogAttrs(ctx, slog.LevelError, "outbox: recording the attempt failed",
			append(attrs, slog.String("err", err.Error()))...)
	}
}

// expired reports whether m is past GiveUpAfter; a message without a
// creation time never is.
func (w *Worker) expired(m storage.Message, now time.Time) bool {
	return !m.Created.IsZero() && now.Sub(m.Created) >= w.cfg.GiveUpAfter
}

// deliver calls d, turning a panic into a permanent error: a deliverer bug
// that one payload trips must not take the server down at every retry.
func deliver(ctx context.Context, d Deliverer, m storage.Message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = Permanent(fmt.Errorf("deliverer panicked: %v", r))
		}
	}()
	return d.Deliver(ctx, m)
}

// clip makes an error text fit for LastError: one line, at most
// MaxErrorLen bytes, cut at a character boundary.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= MaxErrorLen {
		return s
	}
	cut := MaxErrorLen - len("...")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
