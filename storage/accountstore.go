package storage

import (
	"context"
	"time"
)

// AccountStore is the part of Store behind the admin page: users, their
// sessions, and the moderation records (bans, flags, audit log).
type AccountStore interface {
	// CreateUser stores a new user. ErrInvalid for an empty name,
	// ErrConflict if the name is taken.
	CreateUser(ctx context.Context, u User) error
	// User returns a user by name. ErrNotFound if there is none.
	User(ctx context.Context, name string) (User, error)
	// UpdateUser reads a user, lets fn change it and stores the result in
	// one transaction; fn may not change the name (ErrInvalid). If fn
	// returns an error nothing is written and that error is returned.
	// ErrNotFound if there is no such user.
	UpdateUser(ctx context.Context, name string, fn func(*User) error) (User, error)
	// Users lists every user ordered by name.
	Users(ctx context.Context) ([]User, error)

	// CreateSession stores a session until its Expires. ErrInvalid for an
	// empty token hash or an expiry in the past.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the session with this token hash. ErrNotFound if there
	// is none or it has expired at now.
	Session(ctx context.Context, tokenHash string, now time.Time) (Session, error)
	// DeleteSession removes a session; deleting a missing one is no error.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteUserSessions signs a user out everywhere (after a password
	// change).
	DeleteUserSessions(ctx context.Context, userName string) error

	// PutBan stores a ban, replacing one of the same kind and value.
	// ErrInvalid for an unknown kind or an empty value; ErrNotFound if the
	// site does not exist.
	PutBan(ctx context.Context, b Ban) error
	// Bans lists a site's bans still active at now, by kind and value.
	Bans(ctx context.Context, siteID string, now time.Time) ([]Ban, error)
	// DeleteBan lifts a ban; lifting a missing one is no error.
	DeleteBan(ctx context.Context, siteID string, key BanKey) error
	// MatchBan returns the first ban active at now that matches one of keys
	// (empty values are skipped). ErrNotFound if none does.
	MatchBan(ctx context.Context, siteID string, now time.Time, keys ...BanKey) (Ban, error)

	// AddFlag records a reader's flag on a comment. ErrConflict if this
	// reader, or another from the same non-empty IPHash, already flagged it, ErrNotFound if the comment does not exist,
	// ErrInvalid for an empty reader hash.
	AddFlag(ctx context.Context, f Flag) error
	// FlaggedComments returns a site's comments that have flags, oldest
	// comment first, each with its flags.
	FlaggedComments(ctx context.Context, siteID string) ([]FlagSummary, error)
	// ClearFlags removes every flag of a comment (a moderator dealt with it).
	ClearFlags(ctx context.Context, siteID, commentID string) error

	// AddAudit appends an entry to a site's audit log, giving it a UUIDv7 id
	// when it has none. ErrInvalid without a site or action.
	AddAudit(ctx context.Context, e AuditEntry) error
	// Audit returns a site's newest audit entries, newest first, at most
	// limit (limit <= 0: all).
	Audit(ctx context.Context, siteID string, limit int) ([]AuditEntry, error)
}
