package admin

import (
	"context"
	"time"

	"github.com/parley-dev/parley/server/ratelimit"
)

// Sign-in and sign-up attempts are limited before any password is hashed:
// an attempt is reserved first, so a burst cannot start more hashes than
// the limits allow, and at most hashSlots argon2id hashes (19 MiB each)
// run at once; an attempt that finds no slot within hashWait gets 429.
//
// Three limits apply to a sign-in, all over loginWindow:
//   - per address, over all accounts (perClient): one address guessing many
//     accounts;
//   - per account and address (perPair): one address guessing one account;
//   - per account, from addresses the account does not know (perAccount):
//     many addresses guessing one account. The addresses of the account's
//     latest successful sign-ins (storage.User.KnownClients) are exempt,
//     so a flood of failures from elsewhere does not lock its owner out
//     from their own address.
//
// A successful sign-in gives back what it reserved and clears the
// account's limits. The state sits in a ratelimit.Limiter, shared with the
// public API's limits.
const (
	loginWindow = 15 * time.Minute
	hashSlots   = 2
	hashWait    = 2 * time.Second
)

var (
	perClient  = ratelimit.Rule{Limit: 20, Period: loginWindow}
	perPair    = ratelimit.Rule{Limit: 5, Period: loginWindow}
	perAccount = ratelimit.Rule{Limit: 10, Period: loginWindow}
	// perSignup: every sign-up attempt counts against its address, so one
	// address cannot create accounts in bulk.
	perSignup = ratelimit.Rule{Limit: 5, Period: time.Hour}
	// perLink: the approve and remove links of staff e-mails, per address.
	perLink = ratelimit.Rule{Limit: 30, Period: loginWindow}
)

// limit is one reservation: a key under its rule.
type limit struct {
	key  string
	rule ratelimit.Rule
}

// guard reserves attempts and hands out hashing slots.
type guard struct {
	limiter ratelimit.Limiter
	off     bool // Config.RatesOff: no limits, slots still
	now     func() time.Time
	slots   chan struct{}
}

func newGuard(l ratelimit.Limiter, off bool, now func() time.Time) *guard {
	if l == nil {
		l = ratelimit.NewMemory(0)
	}
	return &guard{limiter: l, off: off, now: now, slots: make(chan struct{}, hashSlots)}
}

// reserve spends one attempt of each limit in order. It returns how long
// to wait when one refuses (later ones are then not spent), else 0.
func (g *guard) reserve(ctx context.Context, limits []limit) (time.Duration, error) {
	if g.off {
		return 0, nil
	}
	for _, l := range limits {
		d, err := g.limiter.Take(ctx, l.key, l.rule, 1, g.now())
		if err != nil {
			return 0, err
		}
		if !d.Allowed {
			return d.RetryAfter, nil
		}
	}
	return 0, nil
}

// release gives back n attempts of each limit (n >= each rule's limit
// clears it).
func (g *guard) release(ctx context.Context, limits []limit, n int) {
	if g.off {
		return
	}
	for _, l := range limits {
		g.limiter.Take(ctx, l.key, l.rule, -min(n, l.rule.Limit), g.now())
	}
}

// hash runs fn in a hashing slot, waiting at most hashWait for one. It
// reports false when none came free.
func (g *guard) hash(ctx context.Context, fn func()) bool {
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
	defer func() { <-g.slots }()
	fn()
	return true
}
