package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
)

const pageColumns = `site_id, key, url, title, locked, count, created, version`

func scanPage(row pgx.Row) (storage.Page, error) {
	var p storage.Page
	err := row.Scan(&p.SiteID, &p.Key, &p.URL, &p.Title, &p.Locked, &p.Count, at(&p.Created), &p.Version)
	return p, err
}

// Page returns a page. ErrNotFound if no comment was ever posted on it.
func (s *Store) Page(ctx context.Context, siteID, key string) (storage.Page, error) {
	p, err := scanPage(s.pool.QueryRow(ctx, `SELECT `+pageColumns+` FROM pages WHERE site_id = $1 AND key = $2`, siteID, key))
	return p, noRows(err, "page %q of site %q", key, siteID)
}

// UpdatePage replaces a page's URL, title and locked flag and bumps its
// version; its count and creation time stay. ErrNotFound if it does not
// exist.
func (s *Store) UpdatePage(ctx context.Context, p storage.Page) error {
	tag, err := s.pool.Exec(ctx, `
		UPDATE pages SET url = $3, title = $4, locked = $5, version = version + 1
		WHERE site_id = $1 AND key = $2`,
		p.SiteID, p.Key, p.URL, p.Title, p.Locked)
	if err != nil {
		return wrap(err, "page %q of site %q", p.Key, p.SiteID)
	}
	if tag.RowsAffected() == 0 {
		return errorf(storage.ErrNotFound, "page %q of site %q", p.Key, p.SiteID)
	}
	return nil
}

// Counts returns the approved-comment count of each given page key that
// exists; missing pages are absent from the map.
func (s *Store) Counts(ctx context.Context, siteID string, keys []string) (map[string]int, error) {
	counts := make(map[string]int, len(keys))
	if len(keys) == 0 {
		return counts, ctx.Err()
	}
	rows, _ := s.pool.Query(ctx, `SELECT key, count FROM pages WHERE site_id = $1 AND key = ANY ($2)`, siteID, keys)
	var key string
	var n int
	_, err := pgx.ForEachRow(rows, []any{&key, &n}, func() error {
		counts[key] = n
		return nil
	})
	if err != nil {
		return nil, wrap(err, "counts of site %q", siteID)
	}
	return counts, nil
}

// Pages lists a site's pages ordered by key: at most limit (<= 0: all)
// whose keys sort after after.
func (s *Store) Pages(ctx context.Context, siteID, after string, limit int) ([]storage.Page, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT `+pageColumns+` FROM pages
		WHERE site_id = $1 AND key > $2
		ORDER BY key LIMIT $3`,
		siteID, after, limitOrAll(limit))
	return collect(rows, scanPage)
}

// lockPage locks a page's row for the rest of tx: every write to a page's
// comments (their count, scores, statuses) takes it first, so they run one
// after the other and see each other's results. found is false if there is
// no such page.
func lockPage(ctx context.Context, tx pgx.Tx, siteID, key string) (found bool, err error) {
	tag, err := tx.Exec(ctx, `SELECT FROM pages WHERE site_id = $1 AND key = $2 FOR UPDATE`, siteID, key)
	return tag.RowsAffected() > 0, err
}

// touchPage adds delta to a page's count and bumps its version.
func touchPage(ctx context.Context, tx pgx.Tx, siteID, key string, delta int) error {
	_, err := tx.Exec(ctx, `UPDATE pages SET count = count + $3, version = version + 1 WHERE site_id = $1 AND key = $2`,
		siteID, key, delta)
	return err
}
