package ratelimit

import (
	"context"
	"errors"
	"math"
	"time"
)

// Rule allows Limit events per Period for one key, in bursts of up to
// Limit: the allowance refills continuously at Limit per Period.
//
// A Limit of zero or less means no limit: every Take is allowed and no state
// is kept. Otherwise Period must be positive and at most MaxPeriod. The time
// one event costs, Period/Limit, is rounded up to a whole nanosecond, so a
// rule never allows more than Limit per Period.
type Rule struct {
	Limit  int
	Period time.Duration
}

// MaxPeriod is the longest Period a Rule may have; it keeps the arithmetic
// on Unix nanoseconds far from overflowing.
const MaxPeriod = 10 * 365 * 24 * time.Hour

// Never is the RetryAfter of a Take that can never succeed: one asking for
// more events than the rule's Limit.
const Never = time.Duration(math.MaxInt64)

// ErrInvalidRule is returned by Take for a rule with a positive Limit and a
// Period that is not positive or longer than MaxPeriod.
var ErrInvalidRule = errors.New("ratelimit: invalid rule")

// Decision is the outcome of Take.
type Decision struct {
	// Allowed reports whether the events were taken.
	Allowed bool
	// RetryAfter is, for a refused Take, how long until the same Take would
	// succeed if nothing else were spent meanwhile (Never if it never can);
	// it is 0 when allowed and never negative.
	RetryAfter time.Duration
}

// Limiter is the state behind rate limits; Memory implements it for one
// node, and a shared store can implement it for several.
//
// State is per key, not per key and rule: a key's allowance is one
// theoretical arrival time, which each Take reads with the rule it is given.
// Callers therefore namespace keys per rule ("post:addr:<hash>"). A key used
// by mistake with two rules shares one TAT: each Take pushes it on by its own
// rule's cost and checks it against its own rule's burst, so the rules spend
// one allowance together, and under the rule at hand the key is never treated
// as more than fully spent.
type Limiter interface {
	// Take spends n events of key's allowance under rule at time now.
	// If the allowance does not cover n, nothing is spent and the decision
	// is refused with RetryAfter. n < 0 gives back -n events, never beyond
	// a full allowance; it is always allowed. n == 0 peeks: it spends
	// nothing and reports the decision a Take of one event would get.
	// Take returns ErrInvalidRule for an invalid rule, and a shared
	// implementation may return its store's errors.
	Take(ctx context.Context, key string, rule Rule, n int, now time.Time) (Decision, error)
}

// gcra returns the emission interval of r (the time one event costs) and
// its burst capacity (Limit intervals: how far ahead of now the TAT may
// be), both in nanoseconds, for a valid rule with a positive Limit.
func gcra(r Rule) (interval, burst int64) {
	p, l := int64(r.Period), int64(r.Limit)
	interval = p / l
	if p%l != 0 && interval < math.MaxInt64/l {
		interval++
	}
	return interval, interval * l
}

// take applies GCRA to a key whose TAT is tat (math.MinInt64 when the key
// is absent) at time now, all in Unix nanoseconds. It returns the decision
// and the TAT to keep; a TAT not after now means the allowance is full and
// the key can be dropped. Peeks and refusals spend nothing, but their TAT to keep is
// the one read brought back within one burst of now, so that after the clock
// went back a refused client waits RetryAfter and not the jump as well.
func take(tat, now int64, interval, burst int64, limit, n int) (d Decision, next int64) {
	if tat < now {
		tat = now
	}
	if tat-now > burst {
		// The clock went back, or the key was spent under a looser rule:
		// treat it as fully spent, never as more.
		tat = now + burst
	}
	switch {
	case n < 0:
		if n <= -limit {
			return Decision{Allowed: true}, now
		}
		next = tat + int64(n)*interval
		if next < now {
			next = now
		}
		return Decision{Allowed: true}, next
	case n == 0:
		d, _ = take(tat, now, interval, burst, limit, 1)
		return d, tat
	case n > limit:
		return Decision{RetryAfter: Never}, tat
	}
	next = tat + int64(n)*interval
	if over := next - now - burst; over > 0 {
		return Decision{RetryAfter: time.Duration(over)}, tat
	}
	return Decision{Allowed: true}, next
}
