package outbox

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/parley-dev/parley/storage"
)

// Store is the part of storage.OutboxStore a Worker uses.
type Store interface {
	ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]storage.Message, error)
	FinishAttempt(ctx context.Context, m storage.Message) error
	PruneMessages(ctx context.Context, before time.Time) error
}

// Deliverer sends one message of one kind. A nil error means the message
// was delivered; an error wrapped with Permanent means it never will be;
// any other error is retried later. Deliver must return when ctx ends.
type Deliverer interface {
	Deliver(ctx context.Context, m storage.Message) error
}

// Defaults for the zero fields of Config.
const (
	DefaultPoll        = time.Second
	DefaultLease       = 2 * time.Minute
	DefaultBatch       = 20
	DefaultTimeout     = 30 * time.Second
	DefaultGiveUpAfter = 72 * time.Hour
	DefaultKeep        = 14 * 24 * time.Hour
)

// PruneEvery is how often a Worker removes sent and failed messages older
// than Config.Keep.
const PruneEvery = time.Hour

// Config configures a Worker. Only Store and Deliverers are required.
type Config struct {
	Store Store
	// Deliverers holds the deliverer of each kind of message.
	Deliverers map[storage.MessageKind]Deliverer
	// Logger gets one line per failed attempt and per store error; nil
	// discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Poll is how long the worker sleeps when nothing is due, unless
	// kicked (DefaultPoll).
	Poll time.Duration
	// Lease is how long a claimed message is held (DefaultLease). New
	// raises it to twice Timeout if it is shorter, so that a lease never
	// ends while its attempt runs.
	Lease time.Duration
	// Batch is how many messages one claim takes, and so how many
	// attempts run at once (DefaultBatch).
	Batch int
	// Timeout bounds one attempt (DefaultTimeout).
	Timeout time.Duration
	// Backoff is the wait before the next attempt after the attempt-th
	// failed one (1 after the first failure); nil means DefaultBackoff.
	Backoff func(attempt int) time.Duration
	// GiveUpAfter is how long after its creation a message is retried;
	// a failure after that fails it (DefaultGiveUpAfter).
	GiveUpAfter time.Duration
	// Keep is how long sent and failed messages stay for the delivery log
	// (DefaultKeep).
	Keep time.Duration
}

// backoffSteps are DefaultBackoff's waits after the 1st, 2nd, ... failure;
// the last one repeats.
var backoffSteps = []time.Duration{
	30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute,
	10 * time.Minute, 20 * time.Minute, 30 * time.Minute, time.Hour,
}

// DefaultBackoff waits 30s, 1m, 2m, 5m, 10m, 20m and 30m after the first
// seven failures and an hour after each later one, each give or take 10%
// at random, so that messages failed together do not all come back in the
// same second.
func DefaultBackoff(attempt int) time.Duration {
	i := min(max(attempt, 1), len(backoffSteps)) - 1
	d := backoffSteps[i]
	jitter := time.Duration((rand.Float64()*0.2 - 0.1) * float64(d))
	return d + jitter
}

// withDefaults returns cfg with its zero fields filled in.
func (cfg Config) withDefaults() Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	cfg.Lease = max(cfg.Lease, 2*cfg.Timeout)
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.Backoff == nil {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.GiveUpAfter <= 0 {
		cfg.GiveUpAfter = DefaultGiveUpAfter
	}
	if cfg.Keep <= 0 {
		cfg.Keep = DefaultKeep
	}
	return cfg
}
