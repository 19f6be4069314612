package storage

import (
	"context"
	"time"
)

// Reader is a verified reader of one site: someone who proved an e-mail
// address with a magic link, or a member the site signed in (SSO). Every
// reader token of theirs, on every device, carries Hash, so their comments,
// votes and data follow them. No one else may post on the site with their
// e-mail address or under a name whose key is NameKey.
type Reader struct {
	SiteID string `json:"site_id"`
	// Hash is the reader hash their tokens carry (Comment.ReaderHash).
	Hash string `json:"hash"`
	// Email is the verified address, lower-cased; "" for a member whose
	// site gave none. At most one reader of a site holds an address.
	Email string `json:"email,omitempty"`
	// Name is the name they post under and NameKey its skeleton
	// (textnorm.Skeleton): at most one reader of a site holds a key; ""
	// claims no name.
	Name    string `json:"name,omitempty"`
	NameKey string `json:"name_key,omitempty"`
	// Affiliation and Avatar (an https URL) come from the site's sign-in.
	Affiliation string `json:"affiliation,omitempty"`
	Avatar      string `json:"avatar,omitempty"`
	// MemberID is the user's id in the site's own accounts (SSO); "" for
	// a reader verified by e-mail.
	MemberID string    `json:"member_id,omitempty"`
	Verified time.Time `json:"verified"`
}

// Member reports whether the site signed the reader in with its own
// accounts.
func (r Reader) Member() bool { return r.MemberID != "" }

// Verification is a pending e-mail verification: the hash of the code a
// magic link carries, the address it was sent to and when it expires.
type Verification struct {
	SiteID   string    `json:"site_id"`
	CodeHash string    `json:"code_hash"`
	Email    string    `json:"email"`
	Expires  time.Time `json:"expires"`
}

// ReaderStore is the part of Store behind verified readers.
type ReaderStore interface {
	// AddVerification stores a pending verification. ErrInvalid if a
	// field is empty; ErrNotFound if the site does not exist. A store may
	// drop verifications some time after they expire.
	AddVerification(ctx context.Context, v Verification) error
	// TakeVerification removes and returns a pending verification, expired
	// or not, so a code works once. ErrNotFound if there is none (unknown,
	// taken already, or dropped after expiring).
	TakeVerification(ctx context.Context, siteID, codeHash string) (Verification, error)
	// SaveReader stores r, replacing the site's reader with r.Hash; the
	// e-mail address and name key that reader held before are released.
	// ErrConflict, and nothing written, if another reader of the site
	// holds r.Email or r.NameKey; ErrInvalid if SiteID or Hash is empty;
	// ErrNotFound if the site does not exist.
	SaveReader(ctx context.Context, r Reader) error
	// Reader returns the site's verified reader with the hash. ErrNotFound
	// if there is none.
	Reader(ctx context.Context, siteID, hash string) (Reader, error)
	// ReaderByEmail returns the site's reader holding the (lower-cased)
	// address. ErrNotFound if none does.
	ReaderByEmail(ctx context.Context, siteID, email string) (Reader, error)
	// ReaderByName returns the site's reader holding the name key.
	// ErrNotFound if none does.
	ReaderByName(ctx context.Context, siteID, nameKey string) (Reader, error)
	// DeleteReader removes the site's reader with the hash, releasing
	// their address and name; a missing reader is no error.
	DeleteReader(ctx context.Context, siteID, hash string) error
}
