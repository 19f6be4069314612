package moderation

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/parley-dev/parley/server/ratelimit"
	"github.com/parley-dev/parley/storage"
)

// Kind is what a reader's write does.
type Kind uint8

// The writes the pipeline checks.
const (
	Create Kind = 1 << iota
	Edit
	Vote
	Flag
)

func (k Kind) String() string {
	switch k {
	case Create:
		return "create"
	case Edit:
		return "edit"
	case Vote:
		return "vote"
	case Flag:
		return "flag"
	}
	return "unknown"
}

// Write is one reader write as the pipeline sees it.
type Write struct {
	Kind Kind
	Site storage.Site
	// Page is the page written to (create, edit, vote); a new page has
	// only its key.
	Page storage.Page
	// Reader is the reader-token hash; NewReader says this request issued
	// the token, so the reader has no history.
	Reader    string
	NewReader bool
	IPHash    string
	// Identity is the reader's verified identity, nil for a reader who
	// has none: what the posting policy and the claims on verified
	// readers' names and addresses look at.
	Identity *storage.Reader
	// Author of a new comment, as validated; for the other kinds, the
	// e-mail the comment was posted with (bans by e-mail).
	Author storage.Author
	// Markdown and HTML of a new or edited body, HTML as rendered: by
	// Render, when it is set, which Run calls once the checks that need no
	// content have passed, so a refused flood costs no rendering.
	Markdown, HTML string
	Render         func(*Write) error
	// text is the body's normalized text (bodyText), made once.
	text *string
	// Before is the comment an edit changes.
	Before *storage.Comment
	// Form is what the widget's form sent with a new comment.
	Form Form
	// Confirmed says the reader was told why the comment would be held
	// (would_hold) and sends it anyway.
	Confirmed bool
}

// Form is the widget form's evidence that a person filled it in.
type Form struct {
	Token    string // from FormToken, fetched when the reader started writing
	Honeypot string // a field hidden from people; only robots fill it in
}

// Verdict is the outcome of a write that was not refused.
type Verdict struct {
	// Reasons the write is held for review; none: publish.
	Reasons []Reason
	// Fingerprint of a new or edited body's normalized text, to store as
	// storage.Comment.Fingerprint: the duplicate check looks it up.
	Fingerprint string
}

// Held reports whether the write waits for a moderator.
func (v Verdict) Held() bool { return len(v.Reasons) > 0 }

// Codes returns the reasons as stored in storage.Comment.HoldReasons:
// "code" or "code: detail".
func (v Verdict) Codes() []string {
	out := make([]string, len(v.Reasons))
	for i, r := range v.Reasons {
		out[i] = r.Code
		if r.Detail != "" {
			out[i] += ": " + r.Detail
		}
	}
	return out
}

func (v *Verdict) hold(code, detail string, nudge bool) {
	v.Reasons = append(v.Reasons, Reason{Code: code, Detail: detail, nudge: nudge})
}

// Reason is why a write is held: a stable code and, for moderators, what
// exactly tripped it.
type Reason struct {
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"`
	nudge  bool   // the reader can act on it: asked before holding
}

// Refusal is the error of a refused write: nothing is stored.
type Refusal struct {
	Code    string // stable: banned, locked, rate_limited, impersonation, verification_required, sign_in_required, duplicate, blocked_word, rejected, would_hold
	Field   string // the field at fault, if one is
	Message string // for the reader, in English
	// RetryAfter is when a rate-limited write may be tried again.
	RetryAfter time.Duration
	// Reasons are what a would_hold refusal would hold the write for.
	Reasons []Reason
}

func (r *Refusal) Error() string { return "moderation: " + r.Code + ": " + r.Message }

// Store is what the pipeline reads from storage.
type Store interface {
	MatchBan(ctx context.Context, siteID string, now time.Time, keys ...storage.BanKey) (storage.Ban, error)
	ReaderComments(ctx context.Context, siteID, readerHash string) ([]storage.Comment, error)
	FingerprintComments(ctx context.Context, siteID, fingerprint string, since time.Time, limit int) ([]storage.Comment, error)
	Users(ctx context.Context) ([]storage.User, error)
	ReaderByEmail(ctx context.Context, siteID, email string) (storage.Reader, error)
	ReaderByName(ctx context.Context, siteID, nameKey string) (storage.Reader, error)
}

// Config is what New needs.
type Config struct {
	Store   Store
	Limiter ratelimit.Limiter
	// Rates are the instance's default rate limits (nil: DefaultRates),
	// multiplied by RateScale (0: 1); RatesOff turns every limit off,
	// including the sites' own (for load tests).
	Rates     Rates
	RateScale float64
	RatesOff  bool
	// FormKey signs the form tokens (an instance secret).
	FormKey []byte
	// HTTP makes the external checks: an outbound client, which refuses
	// private addresses unless the operator allows them.
	HTTP   *http.Client
	Now    func() time.Time
	Logger *slog.Logger
}

// Pipeline runs the checks. It is safe for concurrent use.
type Pipeline struct {
	cfg   Config
	staff staffCache
}

// New returns the pipeline over cfg.
func New(cfg Config) *Pipeline {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Rates == nil {
		cfg.Rates = DefaultRates()
	}
	if cfg.RateScale == 0 {
		cfg.RateScale = 1
	}
	return &Pipeline{cfg: cfg}
}

// check is one step of the pipeline: its name, the writes it sees, and
// whether it asks another server (remote checks run only once the reader
// has nothing left to be nudged about).
type check struct {
	name   string
	kinds  Kind
	remote bool
	run    func(p *Pipeline, ctx context.Context, w *Write, v *Verdict) error
}

// checks is the pipeline, in order (see the package doc).
var checks = []check{
	{name: "ban", kinds: Create | Edit | Vote | Flag, run: (*Pipeline).checkBan},
	{name: "open", kinds: Create | Edit | Vote, run: (*Pipeline).checkOpen},
	{name: "rate", kinds: Create | Edit | Vote | Flag, run: (*Pipeline).checkRate},
	{name: "render", kinds: Create | Edit, run: renderBody},
	{name: "name", kinds: Create, run: (*Pipeline).checkName},
	{name: "identity", kinds: Create, run: (*Pipeline).checkIdentity},
	{name: "form", kinds: Create, run: (*Pipeline).checkForm},
	{name: "links", kinds: Create | Edit, run: (*Pipeline).checkLinks},
	{name: "duplicate", kinds: Create, run: (*Pipeline).checkDuplicate},
	{name: "words", kinds: Create | Edit, run: (*Pipeline).checkWords},
	{name: "external", kinds: Create | Edit, remote: true, run: (*Pipeline).checkExternal},
	{name: "mode", kinds: Create | Edit, run: (*Pipeline).checkMode},
}

// Run passes w through the checks that apply to its kind. It returns the
// verdict, or a *Refusal (or, for a store failure, another error).
func (p *Pipeline) Run(ctx context.Context, w Write) (Verdict, error) {
	var v Verdict
	for _, c := range checks {
		if c.kinds&w.Kind == 0 {
			continue
		}
		if c.remote && !w.Confirmed && w.Site.Settings.Moderation != storage.ModerateAll {
			if nudges := slices.DeleteFunc(slices.Clone(v.Reasons), func(r Reason) bool { return !r.nudge }); len(nudges) > 0 {
				return v, &Refusal{Code: "would_hold", Field: "body", Reasons: nudges,
					Message: "This comment would wait for a moderator: " + describe(nudges) + ". Edit it, or send it anyway."}
			}
		}
		if err := c.run(p, ctx, &w, &v); err != nil {
			return Verdict{}, err
		}
	}
	return v, nil
}

// describe lists reasons for a person.
func describe(rs []Reason) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.Detail
		if parts[i] == "" {
			parts[i] = r.Code
		}
	}
	return strings.Join(parts, "; ")
}

// renderBody fills in the write's body (Write.Render) and its fingerprint.
func renderBody(_ *Pipeline, _ context.Context, w *Write, v *Verdict) error {
	if w.Render != nil {
		if err := w.Render(w); err != nil {
			return err
		}
	}
	v.Fingerprint = fingerprint(w.bodyText())
	return nil
}

// Locked reports whether page p of site takes no new comments or votes at
// now: locked by a moderator, or older than the site's close-after setting.
func Locked(p storage.Page, site storage.Site, now time.Time) bool {
	if p.Locked {
		return true
	}
	days := site.Settings.CloseAfterDays
	return days > 0 && !p.Created.IsZero() && now.After(p.Created.AddDate(0, 0, days))
}
