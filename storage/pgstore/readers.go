package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
)

// verificationGrace is how long past its expiry a verification is kept:
// AddVerification drops a site's verifications that expired longer ago.
const verificationGrace = time.Hour

// AddVerification stores a pending verification, replacing one with the
// same code hash, and drops the site's verifications that expired more
// than verificationGrace ago, in one transaction. ErrInvalid if a field is
// empty; a missing site fails the foreign key (ErrNotFound).
func (s *Store) AddVerification(ctx context.Context, v storage.Verification) error {
	if v.SiteID == "" || v.CodeHash == "" || v.Email == "" || v.Expires.IsZero() {
		return errorf(storage.ErrInvalid, "verification needs a site, a code hash, an e-mail and an expiry")
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM verifications WHERE site_id = $1 AND expires < $2`,
			v.SiteID, time.Now().Add(-verificationGrace))
		if err != nil {
			return wrap(err, "verifications of site %q", v.SiteID)
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO verifications (site_id, code_hash, email, expires) VALUES ($1, $2, $3, $4)
			ON CONFLICT (site_id, code_hash) DO UPDATE SET email = excluded.email, expires = excluded.expires`,
			v.SiteID, v.CodeHash, v.Email, v.Expires)
		return wrap(err, "verification of site %q", v.SiteID)
	})
}

// TakeVerification deletes a pending verification and returns it, in one
// statement: of two concurrent takes, one gets the row and the other none.
func (s *Store) TakeVerification(ctx context.Context, siteID, codeHash string) (storage.Verification, error) {
	var v storage.Verification
	err := s.pool.QueryRow(ctx, `
		DELETE FROM verifications WHERE site_id = $1 AND code_hash = $2
		RETURNING site_id, code_hash, email, expires`, siteID, codeHash).
		Scan(&v.SiteID, &v.CodeHash, &v.Email, at(&v.Expires))
	if err != nil {
		return storage.Verification{}, noRows(err, "verification of site %q", siteID)
	}
	return v, nil
}

// readerColumns are the columns of a reader, in scanReader's order.
const readerColumns = `site_id, hash, email, name, name_key, affiliation, avatar, member_id, verified`

func scanReader(row pgx.Row) (storage.Reader, error) {
	var r storage.Reader
	err := row.Scan(&r.SiteID, &r.Hash, &r.Email, &r.Name, &r.NameKey, &r.Affiliation, &r.Avatar, &r.MemberID, at(&r.Verified))
	return r, err
}

// SaveReader stores r in one statement, an insert that replaces the
// site's row with r.Hash: the address and name key that row held are
// released with it. The partial unique indexes on (site_id, email) and
// (site_id, name_key) refuse an address or name key another hash holds
// (ErrConflict, nothing written); a missing site fails the foreign key
// (ErrNotFound).
func (s *Store) SaveReader(ctx context.Context, r storage.Reader) error {
	if r.SiteID == "" || r.Hash == "" {
		return errorf(storage.ErrInvalid, "reader needs a site and a hash")
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO readers (`+readerColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (site_id, hash) DO UPDATE SET email = excluded.email, name = excluded.name,
			name_key = excluded.name_key, affiliation = excluded.affiliation, avatar = excluded.avatar,
			member_id = excluded.member_id, verified = excluded.verified`,
		r.SiteID, r.Hash, r.Email, r.Name, r.NameKey, r.Affiliation, r.Avatar, r.MemberID, ts(r.Verified))
	return wrap(err, "reader of site %q", r.SiteID)
}

// Reader returns the site's verified reader with the hash.
func (s *Store) Reader(ctx context.Context, siteID, hash string) (storage.Reader, error) {
	r, err := scanReader(s.pool.QueryRow(ctx, `SELECT `+readerColumns+` FROM readers
		WHERE site_id = $1 AND hash = $2`, siteID, hash))
	if err != nil {
		return storage.Reader{}, noRows(err, "reader of site %q", siteID)
	}
	return r, nil
}

// ReaderByEmail returns the site's reader holding the address: a read of
// the unique index readers_email. No reader holds "".
func (s *Store) ReaderByEmail(ctx context.Context, siteID, email string) (storage.Reader, error) {
	r, err := scanReader(s.pool.QueryRow(ctx, `SELECT `+readerColumns+` FROM readers
		WHERE site_id = $1 AND email = $2 AND email <> ''`, siteID, email))
	if err != nil {
		return storage.Reader{}, noRows(err, "reader of site %q by e-mail address", siteID)
	}
	return r, nil
}

// ReaderByName returns the site's reader holding the name key: a read of
// the unique index readers_name_key. No reader holds "".
func (s *Store) ReaderByName(ctx context.Context, siteID, nameKey string) (storage.Reader, error) {
	r, err := scanReader(s.pool.QueryRow(ctx, `SELECT `+readerColumns+` FROM readers
		WHERE site_id = $1 AND name_key = $2 AND name_key <> ''`, siteID, nameKey))
	if err != nil {
		return storage.Reader{}, noRows(err, "reader of site %q by name", siteID)
	}
	return r, nil
}

// DeleteReader removes the site's reader with the hash, and with its row
// the address and name it held; a missing reader is no error.
func (s *Store) DeleteReader(ctx context.Context, siteID, hash string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM readers WHERE site_id = $1 AND hash = $2`, siteID, hash)
	return wrap(err, "reader of site %q", siteID)
}
