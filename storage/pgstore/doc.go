// Package pgstore implements storage.Store on a PostgreSQL database
// (github.com/jackc/pgx/v5), for several Parley nodes sharing one
// database.
//
// # Opening
//
// Open takes a postgres:// URL (IsURL tells one) or a libpq key=value
// string; pgxpool's parameters, such as pool_max_conns, may be added to
// it. Open refuses a database whose schema is newer than this binary
// (ErrSchemaTooNew). One whose schema is older, a new database included,
// is opened with an error wrapping ErrNeedsMigration, which Migrate cures:
//
//	s, err := pgstore.Open(ctx, url)
//	if errors.Is(err, pgstore.ErrNeedsMigration) {
//		err = s.Migrate(ctx)
//	}
//
// # Schema
//
// The schema is the ordered list of SQL steps in migrate.go; the table
// parley_schema holds how many were applied. Migrate runs the missing ones
// in one transaction under an advisory lock, so nodes migrating at once
// take turns and the later ones find nothing to do.
//
// One table per record type: sites, pages, comments, votes, users,
// sessions, bans, flags, audit, messages, subscribers, readers,
// verifications and secrets. Every per-site table's key starts with the
// site id, so no query of one site reaches another's rows. Identifiers
// (ids, page keys, hashes) are text COLLATE "C", so they sort by bytes:
// UUIDv7 comment ids in time order and page keys as in the Badger store.
// Text cannot hold a NUL byte: PostgreSQL refuses one, which this package
// reports as ErrInvalid.
//
// Fields the interface reads and writes whole are stored whole:
// Site.Settings and User.Roles as jsonb (settings are decoded over
// storage.DefaultSiteSettings, so a setting added later reads as its
// default), Site.Origins, Comment.HoldReasons, User.KnownClients and
// User.NotifySites as text[] (NULL for a nil slice, so nil and empty both
// read back as written). The other fields are columns of their own; empty
// strings are stored as such, never as NULL. Times are timestamptz, which
// keeps microseconds; the zero time is NULL, and every time is read in
// UTC.
//
// Each hot read is one index range scan:
//
//   - a page's thread: comments (site_id, page_key, id);
//   - the moderation queue and the recent comments: comments (site_id,
//     status, id), forwards or backwards;
//   - a reader's comments: comments (site_id, reader_hash, id);
//   - duplicate detection: comments (site_id, fingerprint, created);
//   - a voter's votes on a page: votes (site_id, voter_hash, page_key),
//     for which a vote row repeats its comment's page key (a comment never
//     changes page); the votes of a comment: the votes primary key;
//   - the next outgoing messages: messages (ready, id) of pending ones;
//   - a site's delivery log: messages (site_id, kind, created, id);
//   - pruning: messages (done) of finished ones.
//
// Deleting a site's row cascades (foreign keys ON DELETE CASCADE) to its
// pages, their comments, the comments' votes and flags, its bans, its
// verified readers and its pending verifications;
// DeleteSite deletes the rest (audit log, messages, subscribers, roles)
// in the same transaction. Messages, subscribers and audit entries have
// no foreign key to their site: like the Badger store, they may be written
// for a site id without checking it.
//
// # Transactions and concurrency
//
// Every method is one statement or one transaction at PostgreSQL's default
// READ COMMITTED isolation, where each statement sees everything committed
// before it started; a nil error means the commit succeeded (and is as
// durable as the server's settings make it).
//
// A page's row is the lock of its comments. Every write that changes a
// comment, its votes or the page's count (CreateComment, UpdateComment,
// SetVote, ImportComments, PurgeComments) first locks the page's row,
// with the INSERT ... ON CONFLICT DO UPDATE that creates or bumps it or
// with SELECT ... FOR UPDATE, and only then reads: such writes on one page
// run one after the other and each sees the one before, so counts, scores,
// the one vote per voter and per address, and parent checks (a parent of
// the same page, read inside the transaction) stay right. Every such
// write, and UpdatePage, raises the page's version. Unique keys back up
// what must be unique: comment ids per site (ErrConflict), one vote per
// voter and per non-empty address, one flag per reader and per non-empty
// address (ErrConflict), message ids (ErrConflict, Enqueue's dedupe).
// Users are read FOR UPDATE by UpdateUser. A verified reader's address
// and name key are each held by at most one reader of a site (partial
// unique indexes over the non-empty ones): SaveReader's upsert fails with
// ErrConflict rather than take another reader's, and replacing a reader's
// row releases what it held. AddVerification drops the site's
// verifications that expired over an hour ago; TakeVerification is one
// DELETE ... RETURNING, so a code works once.
//
// Locks are always taken page first, then its comments, so these
// transactions do not deadlock; should the server abort one anyway (for a
// deadlock, or a serialization failure on a database configured for
// SERIALIZABLE), it is run again from the start, callbacks included: the
// fn of UpdateComment and UpdateUser may run more than once.
//
// A message's ready time is when it may next be claimed: its due time, or
// the end of its lease while claimed. ClaimMessages picks the earliest
// ready pending messages FOR UPDATE SKIP LOCKED and moves their ready time
// to the end of the lease in one statement, so concurrent claims, on any
// node, skip each other's picks and never return one message twice within
// a lease; FinishAttempt sets it back to the due time.
package pgstore
