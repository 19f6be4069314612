package pgstore

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
)

// SetVote records a voter's vote (-1, 0 or 1; 0 withdraws it) on a comment
// and returns the comment with its new score, in one transaction holding
// the page's row lock (lockComment). A vote row holds the address hash it
// was first cast from, if that address held no vote on the comment yet:
// another voter from a held address gets ErrConflict, and withdrawing the
// vote (deleting its row) frees the address. ErrInvalid for another value
// or an empty voter; ErrNotFound if the site has no such comment.
func (s *Store) SetVote(ctx context.Context, v storage.Vote) (storage.Comment, error) {
	if v.Value < -1 || v.Value > 1 {
		return storage.Comment{}, errorf(storage.ErrInvalid, "vote %d", v.Value)
	}
	if v.VoterHash == "" {
		return storage.Comment{}, errorf(storage.ErrInvalid, "vote without a voter")
	}
	var out storage.Comment
	err := s.tx(ctx, func(tx pgx.Tx) error {
		c, err := lockComment(ctx, tx, v.SiteID, v.CommentID)
		if err != nil {
			return err
		}
		var prev int
		err = tx.QueryRow(ctx, `SELECT value FROM votes WHERE site_id = $1 AND comment_id = $2 AND voter_hash = $3`,
			v.SiteID, v.CommentID, v.VoterHash).Scan(&prev)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if v.IPHash != "" {
			var held bool
			err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM votes
				WHERE site_id = $1 AND comment_id = $2 AND ip_hash = $3 AND voter_hash <> $4)`,
				v.SiteID, v.CommentID, v.IPHash, v.VoterHash).Scan(&held)
			if err != nil {
				return err
			}
			if held {
				return errorf(storage.ErrConflict, "vote on %q: address already voted", v.CommentID)
			}
		}
		out = c
		if prev == v.Value {
			return nil // nothing changes
		}
		switch {
		case v.Value == 0:
			_, err = tx.Exec(ctx, `DELETE FROM votes WHERE site_id = $1 AND comment_id = $2 AND voter_hash = $3`,
				v.SiteID, v.CommentID, v.VoterHash)
		case prev == 0:
			_, err = tx.Exec(ctx, `INSERT INTO votes (site_id, comment_id, voter_hash, ip_hash, page_key, value)
				VALUES ($1, $2, $3, $4, $5, $6)`, v.SiteID, v.CommentID, v.VoterHash, v.IPHash, c.PageKey, v.Value)
		default:
			_, err = tx.Exec(ctx, `UPDATE votes SET value = $4 WHERE site_id = $1 AND comment_id = $2 AND voter_hash = $3`,
				v.SiteID, v.CommentID, v.VoterHash, v.Value)
		}
		if err != nil {
			return wrap(err, "vote on %q", v.CommentID)
		}
		out.Score += v.Value - prev
		_, err = tx.Exec(ctx, `UPDATE comments SET score = $3 WHERE site_id = $1 AND id = $2`, v.SiteID, v.CommentID, out.Score)
		if err != nil {
			return err
		}
		return touchPage(ctx, tx, v.SiteID, c.PageKey, 0)
	})
	if err != nil {
		return storage.Comment{}, err
	}
	return out, nil
}

// Votes returns the voter's non-zero votes on one page, by comment id.
func (s *Store) Votes(ctx context.Context, siteID, pageKey, voterHash string) (map[string]int, error) {
	rows, _ := s.pool.Query(ctx, `SELECT comment_id, value FROM votes
		WHERE site_id = $1 AND voter_hash = $2 AND page_key = $3`, siteID, voterHash, pageKey)
	votes := map[string]int{}
	var id string
	var value int
	_, err := pgx.ForEachRow(rows, []any{&id, &value}, func() error {
		votes[id] = value
		return nil
	})
	if err != nil {
		return nil, wrap(err, "votes of site %q", siteID)
	}
	return votes, nil
}
