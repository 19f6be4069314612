package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parley-dev/parley/storage"
)

// Store is a storage.Store on a PostgreSQL database. It is safe for
// concurrent use.
type Store struct {
	pool  *pgxpool.Pool
	sites siteCache // sites read in the last siteTTL
}

var _ storage.Store = (*Store)(nil)

// IsURL reports whether s names a PostgreSQL database: a URL whose scheme
// is postgres or postgresql.
func IsURL(s string) bool {
	s = strings.ToLower(s)
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at url, a postgres:// URL or a libpq
// key=value string, and checks its schema version.
//
// A database whose schema is newer than this binary knows is refused with
// ErrSchemaTooNew. A database whose schema is older (a new, empty one is at
// version 0) is opened, but Open returns the store together with an error
// wrapping ErrNeedsMigration: the caller either runs Migrate, after which
// the store is ready, or closes it.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	s := &Store{pool: pool}
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		pool.Close()
		return nil, err
	}
	switch latest := LatestVersion(); {
	case v > latest:
		pool.Close()
		return nil, fmt.Errorf("%w: the database is at version %d, this binary knows up to %d", ErrSchemaTooNew, v, latest)
	case v < latest:
		return s, fmt.Errorf("%w: the database is at version %d, this binary needs %d", ErrNeedsMigration, v, latest)
	}
	return s, nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// maxAttempts bounds how often tx runs a transaction that PostgreSQL
// aborted for a serialization failure or a deadlock.
const maxAttempts = 10

// tx runs fn in a transaction and commits it. The writes here take row
// locks in a fixed order (a page's row before its comments), so under the
// default READ COMMITTED isolation they neither fail to serialize nor
// deadlock; should the database still abort one (a server configured for
// SERIALIZABLE, say), the whole transaction, fn included, runs again.
func (s *Store) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := pgx.BeginFunc(ctx, s.pool, fn)
		if attempt == maxAttempts || !retryable(err) {
			return err
		}
		d := time.Duration(attempt) * time.Millisecond
		time.Sleep(d/2 + rand.N(d))
	}
}

// PostgreSQL error codes this package acts on.
const (
	codeSerialization = "40001"
	codeDeadlock      = "40P01"
	codeUnique        = "23505"
	codeForeignKey    = "23503"
	codeBadCharacter  = "22021" // a NUL byte or invalid UTF-8 in text
)

// sqlState returns the SQLSTATE of a PostgreSQL error ("" for others).
func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func retryable(err error) bool {
	c := sqlState(err)
	return c == codeSerialization || c == codeDeadlock
}

// wrap gives err the storage sentinel its SQLSTATE stands for: a taken key
// is ErrConflict, a missing referenced row (a site, a comment) ErrNotFound
// and text PostgreSQL cannot store ErrInvalid. Other errors pass through.
func wrap(err error, what string, args ...any) error {
	var sentinel error
	switch sqlState(err) {
	case codeUnique:
		sentinel = storage.ErrConflict
	case codeForeignKey:
		sentinel = storage.ErrNotFound
	case codeBadCharacter:
		sentinel = storage.ErrInvalid
	default:
		return err
	}
	return fmt.Errorf("pgstore: %s: %w (%v)", fmt.Sprintf(what, args...), sentinel, err)
}

// errorf returns a pgstore error wrapping sentinel.
func errorf(sentinel error, what string, args ...any) error {
	return fmt.Errorf("pgstore: %s: %w", fmt.Sprintf(what, args...), sentinel)
}

// noRows turns pgx.ErrNoRows into ErrNotFound.
func noRows(err error, what string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return errorf(storage.ErrNotFound, what, args...)
	}
	return wrap(err, what, args...)
}

// ts is t as a timestamptz parameter: the zero time is NULL.
func ts(t time.Time) pgtype.Timestamptz { return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()} }

// utc scans a timestamptz into a time.Time in UTC; NULL is the zero time.
type utc struct{ t *time.Time }

// at scans a timestamptz column into *t.
func at(t *time.Time) utc { return utc{t} }

// ScanTimestamptz implements pgtype.TimestamptzScanner.
func (u utc) ScanTimestamptz(v pgtype.Timestamptz) error {
	*u.t = time.Time{}
	if v.Valid {
		*u.t = v.Time.UTC()
	}
	return nil
}

// limitOrAll is a LIMIT parameter: NULL, no limit, for limit <= 0.
func limitOrAll(limit int) any {
	if limit <= 0 {
		return nil
	}
	return limit
}
