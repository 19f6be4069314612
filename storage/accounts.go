package storage

import (
	"slices"
	"strings"
	"time"
)

// Role is what a user may do on one site.
type Role string

// Roles. An owner changes the site's settings and its moderators; a
// moderator works the queue.
const (
	RoleOwner     Role = "owner"
	RoleModerator Role = "moderator"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleModerator }

// User is a site owner or moderator who signs in to the admin page. Name is
// the login name and the user's id (Site.OwnerID holds it).
type User struct {
	Name         string          `json:"name"`          // [a-z0-9._-], lower case
	PasswordHash string          `json:"password_hash"` // PHC string (argon2id) or bcrypt
	Admin        bool            `json:"admin"`         // instance admin: every site
	Roles        map[string]Role `json:"roles"`         // site id -> role
	Created      time.Time       `json:"created"`
	// DisplayName is the name the user's staff replies carry; readers
	// cannot post under it or a name confusable with it.
	DisplayName string `json:"display_name,omitempty"`
	// KnownClients are the IP hashes of the user's latest successful
	// sign-ins, newest first: a flood of failures from elsewhere does not
	// lock the user out from these.
	KnownClients []string `json:"known_clients,omitempty"`
	// Email is where the user's staff notifications go, for the sites
	// listed in NotifySites (those the user holds a role on).
	Email       string   `json:"email,omitempty"`
	NotifySites []string `json:"notify_sites,omitempty"`
}

// MaxKnownClients is how many addresses User.KnownClients keeps.
const MaxKnownClients = 5

// RememberClient puts ipHash first in u.KnownClients, keeping at most
// MaxKnownClients.
func (u *User) RememberClient(ipHash string) {
	list := []string{ipHash}
	for _, c := range u.KnownClients {
		if c != ipHash && len(list) < MaxKnownClients {
			list = append(list, c)
		}
	}
	u.KnownClients = list
}

// KnowsClient reports whether ipHash signed in as u recently.
func (u User) KnowsClient(ipHash string) bool {
	return ipHash != "" && slices.Contains(u.KnownClients, ipHash)
}

// Role returns the user's role on a site ("" when they hold none).
func (u User) Role(siteID string) Role { return u.Roles[siteID] }

// Session is a signed-in admin session. Only the hash of the cookie's token
// is stored, so a copy of the database signs nobody in.
type Session struct {
	TokenHash string    `json:"token_hash"`
	UserName  string    `json:"user_name"`
	CSRF      string    `json:"csrf"` // per-session anti-forgery token
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
}

// BanKind is what a ban matches a reader by.
type BanKind string

// Ban kinds.
const (
	BanReader BanKind = "reader" // the hash of the reader token
	BanIP     BanKind = "ip"     // the keyed IP hash
	BanEmail  BanKind = "email"  // the e-mail address, lower case
)

// Valid reports whether k is a known ban kind.
func (k BanKind) Valid() bool { return k == BanReader || k == BanIP || k == BanEmail }

// BanKey names one reader identity a ban can match.
type BanKey struct {
	Kind  BanKind `json:"kind"`
	Value string  `json:"value"`
}

// NormalizeBanValue is the form a value is stored and matched in: e-mail
// addresses ignore case.
func NormalizeBanValue(k BanKind, v string) string {
	v = strings.TrimSpace(v)
	if k == BanEmail {
		return strings.ToLower(v)
	}
	return v
}

// Ban keeps a reader from posting and voting on one site until Expires
// (zero: forever).
type Ban struct {
	SiteID  string    `json:"site_id"`
	Kind    BanKind   `json:"kind"`
	Value   string    `json:"value"`
	Note    string    `json:"note,omitempty"`
	By      string    `json:"by"` // user name of the moderator
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires,omitzero"`
	// Who was banned, when the ban came from one of their comments: the
	// name they gave, an excerpt of the comment, its id and its page.
	AuthorName string `json:"author_name,omitempty"`
	Excerpt    string `json:"excerpt,omitempty"`
	CommentID  string `json:"comment_id,omitempty"`
	PageKey    string `json:"page_key,omitempty"`
}

// Active reports whether the ban is in force at now.
func (b Ban) Active(now time.Time) bool { return b.Expires.IsZero() || now.Before(b.Expires) }

// Flag reasons a reader can give.
var FlagReasons = []string{"spam", "abuse", "off-topic", "other"}

// Flag is one reader's report of one comment.
type Flag struct {
	SiteID     string    `json:"site_id"`
	CommentID  string    `json:"comment_id"`
	ReaderHash string    `json:"reader_hash"`
	Reason     string    `json:"reason"`
	Note       string    `json:"note,omitempty"`
	Created    time.Time `json:"created"`
	// IPHash is the flagger's keyed address hash: one flag per comment
	// per address, however many reader tokens it uses. Empty: not checked.
	IPHash string `json:"ip_hash,omitempty"`
}

// FlagSummary is a flagged comment with the flags it has collected.
type FlagSummary struct {
	Comment Comment
	Flags   []Flag // oldest first
}

// AuditEntry records one moderator action.
type AuditEntry struct {
	ID        string    `json:"id"` // UUIDv7, set by the store when empty
	SiteID    string    `json:"site_id"`
	Actor     string    `json:"actor"`  // user name
	Action    string    `json:"action"` // e.g. "approve", "edit", "ban"
	CommentID string    `json:"comment_id,omitempty"`
	PageKey   string    `json:"page_key,omitempty"`
	Before    string    `json:"before,omitempty"` // status or Markdown before the change
	After     string    `json:"after,omitempty"`
	Note      string    `json:"note,omitempty"`
	Time      time.Time `json:"time"`
}
