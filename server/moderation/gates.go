package moderation

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/parley-dev/parley/server/ratelimit"
	"github.com/parley-dev/parley/storage"
)

// The checks that refuse a write before its content is looked at: bans,
// closed pages and rate limits.

func (p *Pipeline) checkBan(ctx context.Context, w *Write, _ *Verdict) error {
	email := w.Author.Email
	if w.Before != nil {
		email = w.Before.Author.Email
	}
	_, err := p.cfg.Store.MatchBan(ctx, w.Site.ID, p.cfg.Now(),
		storage.BanKey{Kind: storage.BanReader, Value: w.Reader},
		storage.BanKey{Kind: storage.BanIP, Value: w.IPHash},
		storage.BanKey{Kind: storage.BanEmail, Value: email})
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("moderation: match bans: %w", err)
	}
	return &Refusal{Code: "banned", Message: "You are banned from posting, voting and reporting on this site."}
}

func (p *Pipeline) checkOpen(_ context.Context, w *Write, _ *Verdict) error {
	if Locked(w.Page, w.Site, p.cfg.Now()) {
		return &Refusal{Code: "locked", Message: "This discussion is closed."}
	}
	return nil
}

// Action is what a rate limit counts.
type Action string

// The rate-limited actions. The first four are the pipeline's writes and
// may be set per site (storage.RateLimits); previews and counts are
// limited per instance.
const (
	Posts    Action = "post"
	Edits    Action = "edit"
	Votes    Action = "vote"
	Flags    Action = "flag"
	Previews Action = "preview"
	Counts   Action = "counts"
	// Links are the confirmations of links in e-mails (reply
	// notifications, unsubscribing, staff actions).
	Links Action = "link"
	// ReaderData are a reader's exports and erasures of their own data.
	ReaderData Action = "reader-data"
	// Verifications are requests for a magic link: counted per address
	// and per recipient, so no one can flood an inbox with them.
	Verifications Action = "verify"
	// SignIns are confirmations of magic links and members' sign-ins.
	SignIns Action = "sign-in"
)

// Rates are the instance's rate limits: how many of each action one
// address, and one reader, may take per storage.RatePeriod. Zero: no limit.
type Rates map[Action]int

// DefaultRates protect a public site while leaving a lively discussion
// alone: a reader writing a comment a minute never meets them.
func DefaultRates() Rates {
	return Rates{Posts: 10, Edits: 30, Votes: 100, Flags: 20, Previews: 100, Counts: 600, Links: 30, ReaderData: 10, Verifications: 5, SignIns: 60}
}

// rate is the limit of action a on site: the site's own setting, else the
// instance's, times the operator's scale.
func (p *Pipeline) rate(site storage.Site, a Action) int {
	if p.cfg.RatesOff {
		return 0
	}
	var n int
	switch own := site.Settings.RateLimits; a {
	case Posts:
		n = own.Posts
	case Edits:
		n = own.Edits
	case Votes:
		n = own.Votes
	case Flags:
		n = own.Flags
	}
	if n == 0 {
		n = p.cfg.Rates[a]
	}
	return int(math.Min(math.Ceil(float64(n)*p.cfg.RateScale), math.MaxInt32))
}

// SiteDefaults are the limits a site gets where it sets none of its own,
// as the operator's scale makes them (zero when limits are off).
func (p *Pipeline) SiteDefaults() storage.RateLimits {
	none := storage.Site{}
	return storage.RateLimits{Posts: p.rate(none, Posts), Edits: p.rate(none, Edits), Votes: p.rate(none, Votes), Flags: p.rate(none, Flags)}
}

var actions = map[Kind]Action{Create: Posts, Edit: Edits, Vote: Votes, Flag: Flags}

func (p *Pipeline) checkRate(ctx context.Context, w *Write, _ *Verdict) error {
	reader := w.Reader
	if w.NewReader {
		reader = "" // a token made for this request has nothing to count yet
	}
	return p.Throttle(ctx, actions[w.Kind], w.Site, w.IPHash, reader)
}

// Throttle spends one action of site's allowance for the address ipHash
// and the reader (either may be empty), or refuses with rate_limited and
// when to try again. The address is counted first, so a client minting
// reader tokens meets its address's limit before its tokens cost memory.
func (p *Pipeline) Throttle(ctx context.Context, a Action, site storage.Site, ipHash, reader string) error {
	limit := p.rate(site, a)
	if limit <= 0 {
		return nil
	}
	rule := ratelimit.Rule{Limit: limit, Period: storage.RatePeriod}
	now := p.cfg.Now()
	for _, key := range []string{"a:" + ipHash, "r:" + reader} {
		if len(key) == 2 {
			continue
		}
		d, err := p.cfg.Limiter.Take(ctx, string(a)+":"+site.ID+":"+key, rule, 1, now)
		if err != nil {
			return fmt.Errorf("moderation: rate limit: %w", err)
		}
		if !d.Allowed {
			wait := d.RetryAfter.Round(time.Second) + time.Second
			return &Refusal{Code: "rate_limited", RetryAfter: wait,
				Message: fmt.Sprintf("Too many requests at once. Please wait %s and try again.", waitText(wait))}
		}
	}
	return nil
}

// waitText says a wait in words a reader reads at a glance.
func waitText(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d seconds", int(d.Seconds()))
	}
	m := int(math.Ceil(d.Minutes()))
	if m == 1 {
		return "a minute"
	}
	return fmt.Sprintf("%d minutes", m)
}
