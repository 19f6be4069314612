package outbox

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Worker delivers the outbox's messages; see the package documentation.
// One Worker runs one loop; several Workers, in one process or on several
// nodes sharing a store, may drain the same outbox.
type Worker struct {
	cfg  Config
	kick chan struct{}
	// lastPrune is touched only by Run's goroutine.
	lastPrune time.Time
}

// New returns a Worker for cfg, its zero fields set to their defaults. It
// panics without a Store: that is a wiring mistake, not a runtime state.
func New(cfg Config) *Worker {
	if cfg.Store == nil {
		panic("outbox: New without a Store")
	}
	return &Worker{cfg: cfg.withDefaults(), kick: make(chan struct{}, 1)}
}

// Kick makes Run look for due messages now instead of at its next poll.
// Call it after an Enqueue. It never blocks, and kicks that come while the
// worker is busy fold into one more round.
func (w *Worker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Run delivers due messages until ctx ends: at once, then whenever it is
// kicked and at least every Config.Poll. It prunes old messages once every
// PruneEvery. Store errors are logged and retried at the next round.
func (w *Worker) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		case <-timer.C:
		}
		w.prune(ctx)
		w.drain(ctx)
		timer.Reset(w.cfg.Poll)
	}
}

// drain claims and delivers batches until a claim comes back short.
func (w *Worker) drain(ctx context.Context) {
	for ctx.Err() == nil {
		msgs, err := w.cfg.Store.ClaimMessages(ctx, w.cfg.Now(), w.cfg.Lease, w.cfg.Batch)
		if err != nil {
			if ctx.Err() == nil {
				w.cfg.Logger.LogAttrs(ctx, slog.LevelError, "outbox: claim failed", slog.String("err", err.Error()))
			}
			return
		}
		var wg sync.WaitGroup
		for _, m := range msgs {
			wg.Go(func() { w.attempt(ctx, m) })
		}
		wg.Wait()
		if len(msgs) < w.cfg.Batch {
			return
		}
	}
}

// prune removes old sent and failed messages if PruneEvery has passed
// since the last time (or this is the first round).
func (w *Worker) prune(ctx context.Context) {
	now := w.cfg.Now()
	if !w.lastPrune.IsZero() && now.Sub(w.lastPrune) < PruneEvery {
		return
	}
	w.lastPrune = now
	if err := w.cfg.Store.PruneMessages(ctx, now.Add(-w.cfg.Keep)); err != nil && ctx.Err() == nil {
		w.cfg.Logger.LogAttrs(ctx, slog.LevelError, "outbox: prune failed", slog.String("err", err.Error()))
	}
}
