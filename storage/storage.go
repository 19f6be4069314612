// Package storage defines Parley's data model and the Store interface that
// every storage backend implements.
//
// The Badger implementation lives in storage/badgerstore; storage/storetest
// holds the conformance suite any backend must pass. The server only ever
// talks to the Store interface, so a server-database backend can be added
// without touching server/.
package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors returned (possibly wrapped) by Store methods. Callers test
// them with errors.Is.
var (
	// ErrNotFound: the site, page or comment does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the record already exists (for example a site id in use).
	ErrConflict = errors.New("already exists")
	// ErrInvalid: the request breaks a data-model rule.
	ErrInvalid = errors.New("invalid")
	// ErrParentNotFound: a reply's parent is missing or on another page.
	ErrParentNotFound = fmt.Errorf("%w: parent comment not found on this page", ErrInvalid)
)

// ModerationMode says which new comments wait for a moderator.
type ModerationMode string

// Moderation modes.
const (
	ModerateNone  ModerationMode = "none"          // publish at once
	ModerateFirst ModerationMode = "first-comment" // hold a reader's comments until one is approved
	ModerateAll   ModerationMode = "all"           // hold every comment
)

// SiteSettings are the per-site rules an owner can change.
type SiteSettings struct {
	Moderation     ModerationMode `json:"moderation"`
	EditWindow     time.Duration  `json:"edit_window"`      // how long a reader may edit or delete their comment
	MaxDepth       int            `json:"max_depth"`        // visual nesting depth in the widget
	MaxLength      int            `json:"max_length"`       // body length limit in characters
	RequireName    bool           `json:"require_name"`     // refuse anonymous comments
	RequireEmail   bool           `json:"require_email"`    // refuse comments without an e-mail
	AllowLinks     bool           `json:"allow_links"`      // keep links in rendered bodies
	AllowImages    bool           `json:"allow_images"`     // keep images in rendered bodies
	CloseAfterDays int            `json:"close_after_days"` // 0: pages never close
	// BlockedWords refuse a comment that contains one; SuspectWords hold
	// it for a moderator. Both match whole words of the normalized text.
	BlockedWords []string `json:"blocked_words"`
	SuspectWords []string `json:"suspect_words"`
	// MaxLinks holds a comment with more links than this; -1: no limit.
	MaxLinks int `json:"max_links"`
	// MinSubmitTime holds a comment sent sooner than this after its form
	// was shown, or with the form's hidden honeypot field filled in; 0
	// turns the form check off.
	MinSubmitTime time.Duration `json:"min_submit_time"`
	// DuplicateWindow refuses the same text from the same reader or
	// address within this long; 0 turns the check off.
	DuplicateWindow time.Duration `json:"duplicate_window"`
	// CheckURL is the owner's own spam service, asked about every new or
	// edited comment with a signed request (Site.SigningSecret).
	CheckURL string `json:"check_url,omitempty"`
	// RateLimits override the instance's defaults for this site.
	RateLimits RateLimits `json:"rate_limits"`
	// NotifyEmail gets an e-mail about new comments, as NotifyMode says;
	// staff who opt in (User.NotifySites) get the same.
	NotifyEmail string     `json:"notify_email"`
	NotifyMode  NotifyMode `json:"notify_mode"`
	// WebhookURL gets a signed JSON POST for every new, approved, edited
	// and deleted comment (signed with Site.SigningSecret).
	WebhookURL string `json:"webhook_url"`
	// Posting says who may post; "" is PostAnyone.
	Posting PostingPolicy `json:"posting,omitempty"`
	// TrustVerified lets a verified reader whose comment was approved
	// once skip pre-moderation (ModerateAll) from then on.
	TrustVerified bool `json:"trust_verified,omitempty"`
	// SSO turns on sign-in with the site's own accounts; SSOKeyVersion
	// counts the secret's rotations (the secret is derived from it and an
	// instance secret, so it is stored nowhere).
	SSO           bool `json:"sso,omitempty"`
	SSOKeyVersion int  `json:"sso_key_version,omitempty"`
}

// PostingPolicy says who may post on a site.
type PostingPolicy string

// Posting policies.
const (
	PostAnyone   PostingPolicy = "anyone"   // any reader
	PostVerified PostingPolicy = "verified" // readers who verified an e-mail address, and members
	PostMembers  PostingPolicy = "members"  // only members the site signed in (SSO)
)

// Valid reports whether p is a known policy ("" is PostAnyone).
func (p PostingPolicy) Valid() bool {
	return p == "" || p == PostAnyone || p == PostVerified || p == PostMembers
}

// NotifyMode says which new comments the site's staff hear about by e-mail.
type NotifyMode string

// Staff notification modes.
const (
	NotifyAll  NotifyMode = "all"  // every new comment
	NotifyHeld NotifyMode = "held" // only comments waiting for a moderator
	NotifyNone NotifyMode = "none"
)

// Valid reports whether m is a known mode.
func (m NotifyMode) Valid() bool { return m == NotifyAll || m == NotifyHeld || m == NotifyNone }

// RateLimits are how many writes of each kind one address or one reader
// may make per RatePeriod; 0 means the instance's default.
type RateLimits struct {
	Posts int `json:"posts,omitempty"`
	Edits int `json:"edits,omitempty"`
	Votes int `json:"votes,omitempty"`
	Flags int `json:"flags,omitempty"`
}

// RatePeriod is the period of the per-site rate limits.
const RatePeriod = 10 * time.Minute

// DefaultSiteSettings returns the settings a new site starts with.
func DefaultSiteSettings() SiteSettings {
	return SiteSettings{
		Moderation:      ModerateNone,
		EditWindow:      15 * time.Minute,
		MaxDepth:        5,
		MaxLength:       10000,
		AllowLinks:      true,
		MaxLinks:        2,
		MinSubmitTime:   3 * time.Second,
		DuplicateWindow: 24 * time.Hour,
		NotifyMode:      NotifyAll,
	}
}

// Site is one blog (tenant) that embeds the widget.
type Site struct {
	ID       string       `json:"id"` // short slug, [a-z0-9-]
	Name     string       `json:"name"`
	OwnerID  string       `json:"owner_id"`
	Origins  []string     `json:"origins"` // allowed origins; a port of "*" matches any port
	Settings SiteSettings `json:"settings"`
	Created  time.Time    `json:"created"`
	// SigningSecret keys the signatures of the site's outgoing requests
	// (the external check, webhooks); only its owner sees it.
	SigningSecret string `json:"signing_secret,omitempty"`
}

// Page is one discussion: a site's page key with its metadata.
type Page struct {
	SiteID  string    `json:"site_id"`
	Key     string    `json:"key"`
	URL     string    `json:"url"`
	Title   string    `json:"title"`
	Locked  bool      `json:"locked"`
	Count   int       `json:"count"` // approved comments
	Created time.Time `json:"created"`
	// Version grows with every change to the page or to any of its comments
	// (posts, edits, status changes, votes), so a reader of the page can
	// cache its thread and check that cache with one point read.
	Version int64 `json:"version"`
}

// Status is a comment's moderation state.
type Status string

// Comment statuses.
const (
	StatusPending  Status = "pending"
	StatusApproved Status = "approved"
	StatusSpam     Status = "spam"
	StatusDeleted  Status = "deleted"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusPending, StatusApproved, StatusSpam, StatusDeleted:
		return true
	}
	return false
}

// Badge marks a comment posted by staff from the admin page.
type Badge string

// Badges.
const (
	BadgeNone      Badge = ""
	BadgeModerator Badge = "moderator"
	BadgeOwner     Badge = "owner"
)

// Author is who wrote a comment. Every field is plain text, never HTML.
type Author struct {
	Name        string `json:"name"`
	Affiliation string `json:"affiliation,omitempty"`
	Website     string `json:"website,omitempty"`
	Email       string `json:"email,omitempty"` // private: never returned by public endpoints
	Badge       Badge  `json:"badge,omitempty"`
	// Verified: the comment was posted by a verified reader (Reader).
	Verified bool `json:"verified,omitempty"`
	// Avatar is the https URL of the picture a member's site gave.
	Avatar string `json:"avatar,omitempty"`
}

// Comment is one stored comment.
type Comment struct {
	ID         string    `json:"id"` // UUIDv7: key order is time order
	SiteID     string    `json:"site_id"`
	PageKey    string    `json:"page_key"`
	ParentID   string    `json:"parent_id,omitempty"`
	Author     Author    `json:"author"`
	Markdown   string    `json:"markdown"` // as the author typed it
	HTML       string    `json:"html"`     // sanitized, rendered once on write
	Created    time.Time `json:"created"`
	Edited     time.Time `json:"edited,omitzero"`
	Status     Status    `json:"status"`
	Score      int       `json:"score"`
	ReaderHash string    `json:"reader_hash,omitempty"` // hash of the reader token
	IPHash     string    `json:"ip_hash,omitempty"`     // keyed hash of the client IP
	// Pinned top-level comments are shown first in the public thread.
	Pinned bool `json:"pinned,omitempty"`
	// HoldReasons say why the moderation pipeline held the comment for
	// review (reason codes such as "links"), set on every reader write.
	HoldReasons []string `json:"hold_reasons,omitempty"`
	// Fingerprint identifies the comment's normalized text (the same for
	// the same words, however marked up), for duplicate detection.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Notify: the author asked to hear of replies by e-mail (sent only
	// once their address is a confirmed Subscriber of the site).
	Notify bool `json:"notify,omitempty"`
	// Answered: a staff member replied to the comment from the admin page,
	// or dismissed it ("no reply needed"), so it no longer awaits a reply.
	Answered bool `json:"answered,omitempty"`
}

// AwaitsReply reports whether c is on the staff's "awaiting your reply"
// list: an approved reader's comment (no badge), top-level or a reply,
// that no staff member has answered or dismissed yet.
func (c Comment) AwaitsReply() bool {
	return c.Status == StatusApproved && c.Author.Badge == BadgeNone && !c.Answered
}

// Vote is one voter's vote on a comment.
type Vote struct {
	SiteID    string
	CommentID string
	VoterHash string // the reader hash
	// IPHash is the voter's keyed address hash: one vote per comment per
	// address, however many reader tokens it uses. Empty: not checked.
	IPHash string
	Value  int // -1, 0 (withdraw) or 1
}

// Store is the persistence interface of Parley. Implementations must be safe
// for concurrent use, and a write that returns nil must be durable.
type Store interface {
	// CreateSite stores a new site. ErrConflict if the id is taken,
	// ErrInvalid if the id is empty.
	CreateSite(ctx context.Context, s Site) error
	// Site returns a site. ErrNotFound if there is none.
	Site(ctx context.Context, id string) (Site, error)
	// UpdateSite replaces a site's name, origins, settings and signing
	// secret. ErrNotFound if it does not exist.
	UpdateSite(ctx context.Context, s Site) error
	// Sites lists all sites ordered by id.
	Sites(ctx context.Context) ([]Site, error)

	// Page returns a page. ErrNotFound if no comment was ever posted on it.
	Page(ctx context.Context, siteID, key string) (Page, error)
	// UpdatePage replaces a page's URL, title and locked flag (not its
	// count or version; the version grows). ErrNotFound if it does not exist.
	UpdatePage(ctx context.Context, p Page) error
	// Counts returns the approved-comment count of each given page key that
	// exists; missing pages are absent from the map.
	Counts(ctx context.Context, siteID string, keys []string) (map[string]int, error)

	// CreateComment stores c in one transaction: it creates the page (with
	// page's URL and title) when it is new, checks that c.ParentID, if set,
	// is a comment of the same page (ErrParentNotFound otherwise), and keeps
	// the page count. ErrNotFound if the site does not exist; ErrInvalid if
	// ID, SiteID or PageKey is empty, Status is invalid, or page names
	// another site or page; ErrConflict if the id is taken.
	CreateComment(ctx context.Context, c Comment, page Page) error
	// Comment returns one comment. ErrNotFound if there is none.
	Comment(ctx context.Context, siteID, id string) (Comment, error)
	// PageComments returns every comment of a page, any status, oldest first.
	// A page with no comments yields an empty slice and no error.
	PageComments(ctx context.Context, siteID, pageKey string) ([]Comment, error)
	// UpdateComment reads a comment, lets fn change it and stores the result
	// in one transaction, keeping counts and indexes right when the status
	// changes. fn may not change ID, SiteID, PageKey or ParentID. If fn
	// returns an error nothing is written and that error is returned. fn may
	// run more than once when the transaction is retried, so it must only
	// change the *Comment.
	UpdateComment(ctx context.Context, siteID, id string, fn func(*Comment) error) (Comment, error)
	// SetVote records v (Value -1, 0 or 1; 0 withdraws it), one vote per
	// voter per comment, and returns the comment with its new score.
	// ErrConflict if another voter from v.IPHash holds a vote on the
	// comment; ErrInvalid for another value or an empty voter; ErrNotFound
	// for an unknown comment.
	SetVote(ctx context.Context, v Vote) (Comment, error)
	// Votes returns the voter's non-zero votes on the given page, by comment id.
	Votes(ctx context.Context, siteID, pageKey, voterHash string) (map[string]int, error)
	// ReaderComments returns a reader's comments on a site, oldest first.
	ReaderComments(ctx context.Context, siteID, readerHash string) ([]Comment, error)
	// FingerprintComments returns the newest comments of a site whose
	// Fingerprint is fingerprint, created at or after since, newest first,
	// at most limit.
	FingerprintComments(ctx context.Context, siteID, fingerprint string, since time.Time, limit int) ([]Comment, error)
	// CommentsByStatus returns a site's comments of one status, oldest
	// first. ErrInvalid for an unknown status.
	CommentsByStatus(ctx context.Context, siteID string, status Status) ([]Comment, error)
	// RecentComments returns a site's newest comments of one status,
	// newest first, at most limit. ErrInvalid for an unknown status.
	RecentComments(ctx context.Context, siteID string, status Status, limit int) ([]Comment, error)
	// AwaitingReply returns a site's comments that await a staff reply
	// (Comment.AwaitsReply), oldest first, at most limit (<= 0: none, only
	// the total), and how many there are in all. It reads an index kept
	// with every write that changes a comment's status, badge or Answered,
	// never a scan of the site's comments.
	AwaitingReply(ctx context.Context, siteID string, limit int) ([]Comment, int, error)

	// DeleteSite removes a site with all its pages, comments, votes, flags,
	// bans, audit entries, outbox messages, subscribers, verified readers and verifications, and every user's role on it. ErrNotFound if it
	// does not exist.
	DeleteSite(ctx context.Context, id string) error
	// Pages lists a site's pages ordered by key: at most limit (<= 0: all)
	// whose keys sort after after ("" : from the first).
	Pages(ctx context.Context, siteID, after string, limit int) ([]Page, error)

	// Accounts, sessions, bans, flags and the audit log: see accounts.go.
	AccountStore
	// The outbox and reply-notification subscribers: see outbox.go.
	OutboxStore
	// Imports, exports and readers' data removal: see portstore.go.
	PortStore
	// Verified readers and e-mail verifications: see readers.go.
	ReaderStore

	// Secret returns the named instance secret, creating 32 random bytes on
	// first use. It keys hashes such as the IP hash.
	Secret(ctx context.Context, name string) ([]byte, error)

	// Close flushes and closes the store.
	Close() error
}
