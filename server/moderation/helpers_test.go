package moderation_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/outbound"
	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/server/ratelimit"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// env is a pipeline over a real Badger store with a site "blog".
type env struct {
	t      *testing.T
	ctx    context.Context
	store  storage.Store
	clock  *clock
	p      *moderation.Pipeline
	poster *posting.Poster
	site   storage.Site
}

// newEnv is an env without rate limits, which the tests of the other
// checks would run into; newRatedEnv has them.
func newEnv(t *testing.T, settings ...func(*storage.SiteSettings)) *env {
	t.Helper()
	return newEnvWith(t, true, settings...)
}

func newRatedEnv(t *testing.T, settings ...func(*storage.SiteSettings)) *env {
	t.Helper()
	return newEnvWith(t, false, settings...)
}

func newEnvWith(t *testing.T, ratesOff bool, settings ...func(*storage.SiteSettings)) *env {
	t.Helper()
	st, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, ctx: context.Background(), store: st, clock: &clock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}}
	set := storage.DefaultSiteSettings()
	for _, f := range settings {
		f(&set)
	}
	e.site = storage.Site{ID: "blog", Name: "Blog", OwnerID: "elena", Settings: set, SigningSecret: "psec_test-secret"}
	if err := st.CreateSite(e.ctx, e.site); err != nil {
		t.Fatal(err)
	}
	e.poster = posting.New(st, e.clock.Now)
	e.p = moderation.New(moderation.Config{
		Store: st, Limiter: ratelimit.NewMemory(0), RatesOff: ratesOff, FormKey: []byte("form key"),
		HTTP: outbound.NewClient(outbound.Options{AllowPrivate: true, Timeout: 500 * time.Millisecond}),
		Now:  e.clock.Now,
	})
	return e
}

// create is a new comment's write, from reader r1 at address a1, with a
// form token old enough for the site.
func (e *env) create(body string) moderation.Write {
	e.t.Helper()
	token := e.p.FormToken(e.site.ID, e.clock.Now().Add(-time.Minute))
	b := e.poster.Render(e.site, body)
	return moderation.Write{Kind: moderation.Create, Site: e.site, Page: storage.Page{Key: "p"}, Reader: "r1", IPHash: "a1",
		Author: storage.Author{Name: "Sam"}, Markdown: b.Markdown(), HTML: b.HTML(), Form: moderation.Form{Token: token}}
}

// keep stores w as a comment with status st, created now.
func (e *env) keep(w moderation.Write, st storage.Status) storage.Comment {
	e.t.Helper()
	b := e.poster.Render(e.site, w.Markdown)
	c, err := e.poster.Add(e.ctx, e.site, posting.Draft{Page: w.Page, Author: w.Author, Body: b,
		Status: st, ReaderHash: w.Reader, IPHash: w.IPHash, Fingerprint: moderation.Fingerprint(b.HTML())})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// run runs w and returns the verdict's reason codes, or the refusal's code.
func (e *env) run(w moderation.Write) (codes []string, refused string) {
	e.t.Helper()
	v, err := e.p.Run(e.ctx, w)
	var r *moderation.Refusal
	switch {
	case errors.As(err, &r):
		return nil, r.Code
	case err != nil:
		e.t.Fatalf("Run: %v", err)
	}
	for _, r := range v.Reasons {
		codes = append(codes, r.Code)
	}
	return codes, ""
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }
