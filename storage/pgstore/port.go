package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
)

// ImportComments stores imported comments of one page in one transaction;
// see storage.PortStore. The page is created (or its version bumped) by
// the first statement, which locks its row as CreateComment does. Comments
// whose id the site has are skipped, and so are votes the store has, by
// voter or by address.
func (s *Store) ImportComments(ctx context.Context, page storage.Page, comments []storage.Comment, votes []storage.Vote) (int, error) {
	if err := checkImport(page, comments, votes); err != nil {
		return 0, err
	}
	created := page.Created
	if created.IsZero() && len(comments) > 0 {
		created = comments[0].Created
	}
	var n int
	err := s.tx(ctx, func(tx pgx.Tx) error {
		n = 0
		_, err := tx.Exec(ctx, `
			INSERT INTO pages AS p (`+pageColumns+`) VALUES ($1, $2, $3, $4, $5, 0, $6, 1)
			ON CONFLICT (site_id, key) DO UPDATE SET version = p.version + 1`,
			page.SiteID, page.Key, page.URL, page.Title, page.Locked, ts(created))
		if err != nil {
			return wrap(err, "page %q of site %q", page.Key, page.SiteID)
		}
		count := 0
		for _, c := range comments {
			// Parents may come earlier in the batch: the transaction
			// reads its own writes.
			_, taken, err := commentPage(ctx, tx, c.SiteID, c.ID)
			if err != nil {
				return err
			}
			if taken {
				continue
			}
			if err := checkParent(ctx, tx, c); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, insertComment, commentArgs(c)...); err != nil {
				return wrap(err, "comment %q", c.ID)
			}
			n++
			count += approved(c.Status)
		}
		for _, v := range votes {
			if err := importVote(ctx, tx, page.Key, v); err != nil {
				return err
			}
		}
		return touchPage(ctx, tx, page.SiteID, page.Key, count)
	})
	return n, err
}

// checkImport applies the data-model rules to a batch before its
// transaction starts.
func checkImport(page storage.Page, comments []storage.Comment, votes []storage.Vote) error {
	if page.SiteID == "" || page.Key == "" {
		return errorf(storage.ErrInvalid, "import needs a site and a page key")
	}
	for _, c := range comments {
		if err := checkNewComment(c, page); err != nil {
			return err
		}
	}
	for _, v := range votes {
		if v.SiteID != page.SiteID || v.VoterHash == "" || (v.Value != -1 && v.Value != 1) {
			return errorf(storage.ErrInvalid, "imported vote on %q", v.CommentID)
		}
	}
	return nil
}

// importVote stores v, a vote on a comment of page, unless the voter or
// the address already voted on it (either unique key): the first vote
// stays.
func importVote(ctx context.Context, tx pgx.Tx, page string, v storage.Vote) error {
	commentPage, found, err := commentPage(ctx, tx, v.SiteID, v.CommentID)
	if err != nil {
		return err
	}
	if !found || commentPage != page {
		return errorf(storage.ErrInvalid, "imported vote on %q: not a comment of page %q", v.CommentID, page)
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO votes (site_id, comment_id, voter_hash, ip_hash, page_key, value)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT DO NOTHING`,
		v.SiteID, v.CommentID, v.VoterHash, v.IPHash, page, v.Value)
	return wrap(err, "imported vote on %q", v.CommentID)
}

// PurgeComments removes comments of one page for good, in one transaction
// holding the page's row lock; their votes and flags go with them (ON
// DELETE CASCADE). A page left without comments is removed; otherwise its
// count follows and its version grows.
func (s *Store) PurgeComments(ctx context.Context, siteID, pageKey string, ids []string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		found, err := lockPage(ctx, tx, siteID, pageKey)
		if err != nil || !found {
			return err
		}
		var removed int
		err = tx.QueryRow(ctx, `
			WITH gone AS (
				DELETE FROM comments WHERE site_id = $1 AND page_key = $2 AND id = ANY ($3)
				RETURNING status
			)
			SELECT count(*) FILTER (WHERE status = 'approved') FROM gone`,
			siteID, pageKey, ids).Scan(&removed)
		if err != nil {
			return wrap(err, "purge on page %q", pageKey)
		}
		var left bool
		err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM comments WHERE site_id = $1 AND page_key = $2)`,
			siteID, pageKey).Scan(&left)
		if err != nil {
			return err
		}
		if !left {
			_, err := tx.Exec(ctx, `DELETE FROM pages WHERE site_id = $1 AND key = $2`, siteID, pageKey)
			return err
		}
		return touchPage(ctx, tx, siteID, pageKey, -removed)
	})
}

// SiteVotes calls fn with every vote on the site's comments, in comment id
// order, each with the address it holds. The rows are read as fn goes: an
// error from fn stops the walk and is returned.
func (s *Store) SiteVotes(ctx context.Context, siteID string, fn func(storage.Vote) error) error {
	rows, _ := s.pool.Query(ctx, `SELECT comment_id, voter_hash, ip_hash, value FROM votes
		WHERE site_id = $1 ORDER BY comment_id, voter_hash`, siteID)
	v := storage.Vote{SiteID: siteID}
	_, err := pgx.ForEachRow(rows, []any{&v.CommentID, &v.VoterHash, &v.IPHash, &v.Value}, func() error { return fn(v) })
	return err
}

// ReaderVotes returns a voter's votes on the site's comments, with their
// address hashes.
func (s *Store) ReaderVotes(ctx context.Context, siteID, voterHash string) ([]storage.Vote, error) {
	rows, _ := s.pool.Query(ctx, `SELECT site_id, comment_id, voter_hash, ip_hash, value FROM votes
		WHERE site_id = $1 AND voter_hash = $2 ORDER BY comment_id`, siteID, voterHash)
	return collect(rows, func(r pgx.Row) (storage.Vote, error) {
		var v storage.Vote
		err := r.Scan(&v.SiteID, &v.CommentID, &v.VoterHash, &v.IPHash, &v.Value)
		return v, err
	})
}
