package pgstore

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
)

const banColumns = `site_id, kind, value, note, by_user, created, expires, author_name, excerpt, comment_id, page_key`

func scanBan(row pgx.Row) (storage.Ban, error) {
	var b storage.Ban
	err := row.Scan(&b.SiteID, &b.Kind, &b.Value, &b.Note, &b.By, at(&b.Created), at(&b.Expires),
		&b.AuthorName, &b.Excerpt, &b.CommentID, &b.PageKey)
	return b, err
}

// joinedBanColumns are banColumns qualified by the alias b.
var joinedBanColumns = "b." + strings.ReplaceAll(banColumns, ", ", ", b.")

// PutBan stores a ban, replacing one of the same kind and value.
// ErrInvalid for an unknown kind or an empty value; ErrNotFound if the
// site does not exist (the bans' foreign key).
func (s *Store) PutBan(ctx context.Context, b storage.Ban) error {
	b.Value = storage.NormalizeBanValue(b.Kind, b.Value)
	if !b.Kind.Valid() || b.Value == "" || b.SiteID == "" {
		return errorf(storage.ErrInvalid, "ban needs a site, a kind and a value")
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO bans (`+banColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (site_id, kind, value) DO UPDATE
		SET note = excluded.note, by_user = excluded.by_user, created = excluded.created, expires = excluded.expires,
			author_name = excluded.author_name, excerpt = excluded.excerpt,
			comment_id = excluded.comment_id, page_key = excluded.page_key`,
		b.SiteID, string(b.Kind), b.Value, b.Note, b.By, ts(b.Created), ts(b.Expires),
		b.AuthorName, b.Excerpt, b.CommentID, b.PageKey)
	return wrap(err, "ban on site %q", b.SiteID)
}

// Bans lists a site's bans active at now, by kind and value.
func (s *Store) Bans(ctx context.Context, siteID string, now time.Time) ([]storage.Ban, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+banColumns+` FROM bans
		WHERE site_id = $1 AND (expires IS NULL OR expires > $2)
		ORDER BY kind, value`, siteID, now)
	return collect(rows, scanBan)
}

// DeleteBan lifts a ban; lifting a missing one is no error.
func (s *Store) DeleteBan(ctx context.Context, siteID string, key storage.BanKey) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM bans WHERE site_id = $1 AND kind = $2 AND value = $3`,
		siteID, string(key.Kind), storage.NormalizeBanValue(key.Kind, key.Value))
	return wrap(err, "ban on site %q", siteID)
}

// MatchBan returns the first ban active at now that matches one of keys,
// in the order of keys, with one query. ErrNotFound if none does.
func (s *Store) MatchBan(ctx context.Context, siteID string, now time.Time, keys ...storage.BanKey) (storage.Ban, error) {
	var kinds, values []string
	for _, k := range keys {
		if v := storage.NormalizeBanValue(k.Kind, k.Value); v != "" && k.Kind.Valid() {
			kinds, values = append(kinds, string(k.Kind)), append(values, v)
		}
	}
	if len(kinds) == 0 {
		return storage.Ban{}, errorf(storage.ErrNotFound, "no ban")
	}
	b, err := scanBan(s.pool.QueryRow(ctx, `
		SELECT `+joinedBanColumns+`
		FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS k (kind, value, n)
		JOIN bans b ON b.site_id = $1 AND b.kind = k.kind AND b.value = k.value
		WHERE b.expires IS NULL OR b.expires > $4
		ORDER BY k.n LIMIT 1`, siteID, kinds, values, now))
	return b, noRows(err, "no ban")
}

// AddFlag records a reader's flag on a comment: the flags' primary key
// keeps one per reader, a unique index one per non-empty address
// (ErrConflict), and their foreign key refuses a comment the site does not
// have (ErrNotFound). ErrInvalid for an empty reader hash.
func (s *Store) AddFlag(ctx context.Context, f storage.Flag) error {
	if f.ReaderHash == "" || f.SiteID == "" || f.CommentID == "" {
		return errorf(storage.ErrInvalid, "flag needs a site, a comment and a reader")
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO flags (site_id, comment_id, reader_hash, reason, note, created, ip_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		f.SiteID, f.CommentID, f.ReaderHash, f.Reason, f.Note, ts(f.Created), f.IPHash)
	return wrap(err, "flag on %q", f.CommentID)
}

// FlaggedComments returns a site's flagged comments, oldest comment first,
// each with its flags, oldest first.
func (s *Store) FlaggedComments(ctx context.Context, siteID string) ([]storage.FlagSummary, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT `+joinedCommentColumns+`, f.reader_hash, f.reason, f.note, f.created, f.ip_hash
		FROM flags f JOIN comments c ON c.site_id = f.site_id AND c.id = f.comment_id
		WHERE f.site_id = $1
		ORDER BY f.comment_id, f.created, f.reader_hash`, siteID)
	out := []storage.FlagSummary{}
	defer rows.Close()
	for rows.Next() {
		var f storage.Flag
		c, err := scanComment(rows, &f.ReaderHash, &f.Reason, &f.Note, at(&f.Created), &f.IPHash)
		if err != nil {
			return nil, err
		}
		f.SiteID, f.CommentID = c.SiteID, c.ID
		if n := len(out); n > 0 && out[n-1].Comment.ID == c.ID {
			out[n-1].Flags = append(out[n-1].Flags, f)
			continue
		}
		out = append(out, storage.FlagSummary{Comment: c, Flags: []storage.Flag{f}})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ClearFlags removes every flag of a comment.
func (s *Store) ClearFlags(ctx context.Context, siteID, commentID string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM flags WHERE site_id = $1 AND comment_id = $2`, siteID, commentID)
	return wrap(err, "flags of %q", commentID)
}

// AddAudit appends an entry to a site's audit log, giving it a UUIDv7 id
// when it has none. ErrInvalid without a site or action.
func (s *Store) AddAudit(ctx context.Context, e storage.AuditEntry) error {
	if e.SiteID == "" || e.Action == "" {
		return errorf(storage.ErrInvalid, "audit entry needs a site and an action")
	}
	if e.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		e.ID = id.String()
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO audit (site_id, id, actor, action, comment_id, page_key, before, after, note, time)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.SiteID, e.ID, e.Actor, e.Action, e.CommentID, e.PageKey, e.Before, e.After, e.Note, ts(e.Time))
	return wrap(err, "audit entry %q", e.ID)
}

// Audit returns a site's newest audit entries, newest first (by their
// UUIDv7 ids), at most limit (<= 0: all).
func (s *Store) Audit(ctx context.Context, siteID string, limit int) ([]storage.AuditEntry, error) {
	rows, _ := s.pool.Query(ctx, `
		SELECT site_id, id, actor, action, comment_id, page_key, before, after, note, time
		FROM audit WHERE site_id = $1 ORDER BY id DESC LIMIT $2`, siteID, limitOrAll(limit))
	return collect(rows, func(r pgx.Row) (storage.AuditEntry, error) {
		var e storage.AuditEntry
		err := r.Scan(&e.SiteID, &e.ID, &e.Actor, &e.Action, &e.CommentID, &e.PageKey, &e.Before, &e.After, &e.Note, at(&e.Time))
		return e, err
	})
}
