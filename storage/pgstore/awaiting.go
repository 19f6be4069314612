package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
)

// awaitingWhere is the condition of storage.Comment.AwaitsReply, word for
// word the predicate of the partial index comments_awaiting, so that the
// planner reads that index for both queries below.
const awaitingWhere = `site_id = $1 AND status = 'approved' AND author_badge = '' AND NOT answered`

// AwaitingReply returns a site's comments that await a staff reply, oldest
// first, at most limit (<= 0: none), and how many there are in all: the
// head of the partial index comments_awaiting and a count of its entries
// (an index-only scan once the table is vacuumed), in one snapshot.
func (s *Store) AwaitingReply(ctx context.Context, siteID string, limit int) ([]storage.Comment, int, error) {
	var out []storage.Comment
	var total int
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	err := pgx.BeginTxFunc(ctx, s.pool, opts, func(q pgx.Tx) error {
		if err := q.QueryRow(ctx, `SELECT count(*) FROM comments WHERE `+awaitingWhere, siteID).Scan(&total); err != nil {
			return err
		}
		if limit <= 0 {
			out = []storage.Comment{}
			return nil
		}
		rows, _ := q.Query(ctx, `SELECT `+commentColumns+` FROM comments WHERE `+awaitingWhere+`
			ORDER BY id LIMIT $2`, siteID, limit)
		var err error
		out, err = scanComments(rows)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}
