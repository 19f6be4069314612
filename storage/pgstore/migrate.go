package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ErrSchemaTooNew: the database was migrated by a newer Parley whose schema
// this binary does not know. Using it could corrupt data, so the operator
// must run the newer binary (or restore a backup).
var ErrSchemaTooNew = errors.New("pgstore: database schema is newer than this binary supports")

// ErrNeedsMigration: the database schema is older than this binary's (a
// new database has none yet). Store.Migrate brings it up to date.
var ErrNeedsMigration = errors.New("pgstore: database schema needs migrating")

// migrations is the ordered schema history: step i moves the schema from
// version i to i+1, so the latest version is len(migrations). Append new
// steps; never edit or reorder old ones.
//
// Every identifier column is text COLLATE "C": its order is byte order
// (UUIDv7 ids sort by time, page keys as the Badger store lists them)
// whatever the database's default collation.
var migrations = []string{
	// 1: the initial schema.
	`
CREATE TABLE sites (
	id             text COLLATE "C" PRIMARY KEY,
	name           text NOT NULL,
	owner_id       text NOT NULL,
	origins        text[],
	settings       jsonb NOT NULL,  -- storage.SiteSettings
	created        timestamptz,
	signing_secret text NOT NULL
);

CREATE TABLE pages (
	site_id text COLLATE "C" NOT NULL REFERENCES sites ON DELETE CASCADE,
	key     text COLLATE "C" NOT NULL,
	url     text NOT NULL,
	title   text NOT NULL,
	locked  boolean NOT NULL,
	count   integer NOT NULL,  -- approved comments
	created timestamptz,
	version bigint NOT NULL,
	PRIMARY KEY (site_id, key)
);

CREATE TABLE comments (
	site_id            text COLLATE "C" NOT NULL,
	id                 text COLLATE "C" NOT NULL,
	page_key           text COLLATE "C" NOT NULL,
	parent_id          text COLLATE "C" NOT NULL,
	author_name        text NOT NULL,
	author_affiliation text NOT NULL,
	author_website     text NOT NULL,
	author_email       text NOT NULL,
	author_badge       text NOT NULL,
	markdown           text NOT NULL,
	html               text NOT NULL,
	created            timestamptz,
	edited             timestamptz,
	status             text NOT NULL CHECK (status IN ('pending', 'approved', 'spam', 'deleted')),
	score              integer NOT NULL,
	reader_hash        text COLLATE "C" NOT NULL,
	ip_hash            text NOT NULL,
	pinned             boolean NOT NULL,
	hold_reasons       text[],
	fingerprint        text COLLATE "C" NOT NULL,
	notify             boolean NOT NULL,
	PRIMARY KEY (site_id, id),
	FOREIGN KEY (site_id, page_key) REFERENCES pages ON DELETE CASCADE
);
CREATE INDEX comments_page ON comments (site_id, page_key, id);
CREATE INDEX comments_status ON comments (site_id, status, id);
CREATE INDEX comments_reader ON comments (site_id, reader_hash, id) WHERE reader_hash <> '';
CREATE INDEX comments_fingerprint ON comments (site_id, fingerprint, created) WHERE fingerprint <> '';

-- A vote's ip_hash is the address it holds ('' for none): one vote per
-- comment per address. page_key is the comment's (it never changes), for
-- a voter's votes on one page.
CREATE TABLE votes (
	site_id    text COLLATE "C" NOT NULL,
	comment_id text COLLATE "C" NOT NULL,
	voter_hash text COLLATE "C" NOT NULL,
	ip_hash    text COLLATE "C" NOT NULL,
	page_key   text COLLATE "C" NOT NULL,
	value      smallint NOT NULL CHECK (value IN (-1, 1)),
	PRIMARY KEY (site_id, comment_id, voter_hash),
	FOREIGN KEY (site_id, comment_id) REFERENCES comments ON DELETE CASCADE
);
CREATE UNIQUE INDEX votes_address ON votes (site_id, comment_id, ip_hash) WHERE ip_hash <> '';
CREATE INDEX votes_voter ON votes (site_id, voter_hash, page_key);

CREATE TABLE users (
	name          text COLLATE "C" PRIMARY KEY,
	password_hash text NOT NULL,
	admin         boolean NOT NULL,
	roles         jsonb NOT NULL,  -- site id -> role
	created       timestamptz,
	display_name  text NOT NULL,
	known_clients text[],
	email         text NOT NULL,
	notify_sites  text[]
);

CREATE TABLE sessions (
	token_hash text COLLATE "C" PRIMARY KEY,
	user_name  text COLLATE "C" NOT NULL,
	csrf       text NOT NULL,
	created    timestamptz,
	expires    timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE bans (
	site_id text COLLATE "C" NOT NULL REFERENCES sites ON DELETE CASCADE,
	kind    text COLLATE "C" NOT NULL,
	value   text COLLATE "C" NOT NULL,
	note    text NOT NULL,
	by_user text NOT NULL,
	created timestamptz,
	expires timestamptz,
	author_name text NOT NULL,
	excerpt     text NOT NULL,
	comment_id  text NOT NULL,
	page_key    text NOT NULL,
	PRIMARY KEY (site_id, kind, value)
);

CREATE TABLE flags (
	site_id     text COLLATE "C" NOT NULL,
	comment_id  text COLLATE "C" NOT NULL,
	reader_hash text COLLATE "C" NOT NULL,
	reason      text NOT NULL,
	note        text NOT NULL,
	created     timestamptz,
	ip_hash     text COLLATE "C" NOT NULL,
	PRIMARY KEY (site_id, comment_id, reader_hash),
	FOREIGN KEY (site_id, comment_id) REFERENCES comments ON DELETE CASCADE
);
CREATE UNIQUE INDEX flags_address ON flags (site_id, comment_id, ip_hash) WHERE ip_hash <> '';

CREATE TABLE audit (
	site_id    text COLLATE "C" NOT NULL,
	id         text COLLATE "C" NOT NULL,
	actor      text NOT NULL,
	action     text NOT NULL,
	comment_id text NOT NULL,
	page_key   text NOT NULL,
	before     text NOT NULL,
	after      text NOT NULL,
	note       text NOT NULL,
	time       timestamptz,
	PRIMARY KEY (site_id, id)
);

-- ready is when a pending message may next be claimed: its due time, or
-- the end of its lease while claimed.
CREATE TABLE messages (
	id         text COLLATE "C" PRIMARY KEY,
	kind       text NOT NULL,
	site_id    text COLLATE "C" NOT NULL,
	topic      text NOT NULL,
	recipient  text NOT NULL,
	payload    bytea NOT NULL,
	state      text NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
	attempts   integer NOT NULL,
	last_error text NOT NULL,
	created    timestamptz,
	due        timestamptz NOT NULL,
	done       timestamptz,
	ready      timestamptz NOT NULL
);
CREATE INDEX messages_ready ON messages (ready, id) WHERE state = 'pending';
CREATE INDEX messages_done ON messages (done) WHERE state <> 'pending';
CREATE INDEX messages_log ON messages (site_id, kind, created, id);

CREATE TABLE subscribers (
	site_id   text COLLATE "C" NOT NULL,
	email     text COLLATE "C" NOT NULL,  -- lower case
	lang      text NOT NULL,
	requested timestamptz,
	confirmed timestamptz,
	PRIMARY KEY (site_id, email)
);

CREATE TABLE secrets (
	name  text COLLATE "C" PRIMARY KEY,
	value bytea NOT NULL
);
`,
	// 2: comments awaiting a staff reply (storage.Comment.AwaitsReply).
	// A reader's comment that already has an approved staff reply counts
	// as answered, so an upgraded blog does not list what its staff have
	// answered; the partial index holds only the comments that await one.
	`
ALTER TABLE comments ADD COLUMN answered boolean NOT NULL DEFAULT false;
UPDATE comments AS c SET answered = true
	WHERE c.author_badge = '' AND EXISTS (
		SELECT 1 FROM comments AS r
		WHERE r.site_id = c.site_id AND r.parent_id = c.id
			AND r.author_badge <> '' AND r.status = 'approved');
CREATE INDEX comments_awaiting ON comments (site_id, id)
	WHERE status = 'approved' AND author_badge = '' AND NOT answered;
`,
	// 3: verified readers and pending e-mail verifications
	// (storage.ReaderStore), and the author's verified mark and avatar on
	// comments. The partial unique indexes keep an address and a name key
	// to one reader of a site; '' claims neither.
	`
ALTER TABLE comments
	ADD COLUMN author_verified boolean NOT NULL DEFAULT false,
	ADD COLUMN author_avatar text NOT NULL DEFAULT '';

CREATE TABLE readers (
	site_id     text COLLATE "C" NOT NULL REFERENCES sites ON DELETE CASCADE,
	hash        text COLLATE "C" NOT NULL,
	email       text COLLATE "C" NOT NULL,  -- lower case; '' for none
	name        text NOT NULL,
	name_key    text COLLATE "C" NOT NULL,  -- '' for none
	affiliation text NOT NULL,
	avatar      text NOT NULL,
	member_id   text COLLATE "C" NOT NULL,
	verified    timestamptz,
	PRIMARY KEY (site_id, hash)
);
CREATE UNIQUE INDEX readers_email ON readers (site_id, email) WHERE email <> '';
CREATE UNIQUE INDEX readers_name_key ON readers (site_id, name_key) WHERE name_key <> '';

CREATE TABLE verifications (
	site_id   text COLLATE "C" NOT NULL REFERENCES sites ON DELETE CASCADE,
	code_hash text COLLATE "C" NOT NULL,
	email     text NOT NULL,
	expires   timestamptz NOT NULL,
	PRIMARY KEY (site_id, code_hash)
);
CREATE INDEX verifications_expires ON verifications (site_id, expires);
`,
}

// LatestVersion is the schema version this binary migrates to.
func LatestVersion() int { return len(migrations) }

// migrationLock is the pg_advisory_xact_lock key that Migrate holds, so
// two nodes migrating one database at once take turns.
const migrationLock = 0x7061726c6579 // "parley"

// SchemaVersion returns the database's schema version: 0 for a database
// Migrate never ran on.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, s.pool)
}

// querier is what reads need of a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func schemaVersion(ctx context.Context, q querier) (int, error) {
	var exists bool
	err := q.QueryRow(ctx, `SELECT to_regclass('parley_schema') IS NOT NULL`).Scan(&exists)
	if err != nil {
		return 0, fmt.Errorf("pgstore: read schema version: %w", err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	if err := q.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM parley_schema`).Scan(&v); err != nil {
		return 0, fmt.Errorf("pgstore: read schema version: %w", err)
	}
	return v, nil
}

// Migrate applies the migrations the database has not had, in one
// transaction that holds an advisory lock: a concurrent Migrate waits for
// it and then finds nothing left to do. It refuses (ErrSchemaTooNew) a
// database newer than this binary.
func (s *Store) Migrate(ctx context.Context) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS parley_schema (version integer NOT NULL)`); err != nil {
			return err
		}
		v, err := schemaVersion(ctx, tx)
		if err != nil {
			return err
		}
		if v > len(migrations) {
			return fmt.Errorf("%w: the database is at version %d, this binary knows up to %d", ErrSchemaTooNew, v, len(migrations))
		}
		for i := v; i < len(migrations); i++ {
			if _, err := tx.Exec(ctx, migrations[i]); err != nil {
				return fmt.Errorf("pgstore: migration to version %d: %w", i+1, err)
			}
		}
		if v == len(migrations) {
			return nil
		}
		if _, err := tx.Exec(ctx, `DELETE FROM parley_schema`); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO parley_schema (version) VALUES ($1)`, len(migrations))
		return err
	})
}
