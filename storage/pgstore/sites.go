package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
)

const siteColumns = `id, name, owner_id, origins, settings, created, signing_secret`

// scanSite reads a row of siteColumns. Settings are decoded over the
// defaults, so a setting added after the row was written reads as its
// default.
func scanSite(row pgx.Row) (storage.Site, error) {
	var s storage.Site
	var settings []byte
	if err := row.Scan(&s.ID, &s.Name, &s.OwnerID, &s.Origins, &settings, at(&s.Created), &s.SigningSecret); err != nil {
		return s, err
	}
	s.Settings = storage.DefaultSiteSettings()
	return s, json.Unmarshal(settings, &s.Settings)
}

// CreateSite stores a new site. A zero Created is set to now. ErrInvalid
// if the id is empty, ErrConflict if it is taken.
func (s *Store) CreateSite(ctx context.Context, site storage.Site) error {
	if site.ID == "" {
		return errorf(storage.ErrInvalid, "create site: empty id")
	}
	if site.Created.IsZero() {
		site.Created = time.Now().UTC()
	}
	settings, err := json.Marshal(site.Settings)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO sites (`+siteColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		site.ID, site.Name, site.OwnerID, site.Origins, settings, ts(site.Created), site.SigningSecret)
	return wrap(err, "site %q", site.ID)
}

// Site returns a site. ErrNotFound if there is none.
func (s *Store) Site(ctx context.Context, id string) (storage.Site, error) {
	now := time.Now()
	if site, ok := s.sites.get(id, now); ok {
		return site, ctx.Err()
	}
	gen := s.sites.generation()
	site, err := scanSite(s.pool.QueryRow(ctx, `SELECT `+siteColumns+` FROM sites WHERE id = $1`, id))
	if err == nil {
		s.sites.put(site, gen, now)
	}
	return site, noRows(err, "site %q", id)
}

// UpdateSite replaces a site's name, origins, settings and signing secret;
// its owner and creation time stay. ErrNotFound if it does not exist.
func (s *Store) UpdateSite(ctx context.Context, site storage.Site) error {
	defer s.sites.drop(site.ID)
	settings, err := json.Marshal(site.Settings)
	if err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `
		UPDATE sites SET name = $2, origins = $3, settings = $4, signing_secret = $5
		WHERE id = $1`,
		site.ID, site.Name, site.Origins, settings, site.SigningSecret)
	if err != nil {
		return wrap(err, "site %q", site.ID)
	}
	if tag.RowsAffected() == 0 {
		return errorf(storage.ErrNotFound, "site %q", site.ID)
	}
	return nil
}

// Sites lists all sites ordered by id.
func (s *Store) Sites(ctx context.Context) ([]storage.Site, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+siteColumns+` FROM sites ORDER BY id`)
	return collect(rows, scanSite)
}

// DeleteSite removes a site and everything of it in one transaction: its
// pages, comments, votes, flags, bans, verified readers and pending
// verifications go with the site row (ON DELETE CASCADE); its audit log, messages and subscribers, which do not need
// the site to exist, are deleted here, and so is every user's role on it
// and its place in their notification lists. ErrNotFound if there is no
// such site.
func (s *Store) DeleteSite(ctx context.Context, id string) error {
	defer s.sites.drop(id)
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM sites WHERE id = $1`, id)
		if err != nil {
			return wrap(err, "site %q", id)
		}
		if tag.RowsAffected() == 0 {
			return errorf(storage.ErrNotFound, "site %q", id)
		}
		for _, table := range []string{"audit", "messages", "subscribers"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE site_id = $1`, id); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `
			UPDATE users SET
				roles = CASE WHEN roles ? $1 THEN roles - $1 ELSE roles END,
				notify_sites = array_remove(notify_sites, $1)
			WHERE roles ? $1 OR $1 = ANY (notify_sites)`, id)
		return err
	})
}

// secretSize is the length of a generated secret: 256 bits, the key size
// of HMAC-SHA256.
const secretSize = 32

// Secret returns the named instance secret, creating secretSize random
// bytes on first use. Of two first callers, the second one's insert waits
// for the first one's to commit and then does nothing, so both read the
// first one's value.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	if name == "" {
		return nil, errorf(storage.ErrInvalid, "secret without a name")
	}
	var secret []byte
	read := func() error {
		return s.pool.QueryRow(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&secret)
	}
	if err := read(); !errors.Is(err, pgx.ErrNoRows) {
		return secret, wrap(err, "secret %q", name)
	}
	fresh := make([]byte, secretSize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, fresh)
	if err != nil {
		return nil, wrap(err, "secret %q", name)
	}
	return secret, wrap(read(), "secret %q", name)
}

// collect reads every row with scan; an empty result is an empty,
// non-nil slice.
func collect[T any](rows pgx.Rows, scan func(pgx.Row) (T, error)) ([]T, error) {
	out := []T{}
	defer rows.Close()
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
