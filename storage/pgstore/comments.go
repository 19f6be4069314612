package pgstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
)

// commentColumns are the columns of a comment, in scanComment's order.
const commentColumns = "id, site_id, page_key, parent_id, " +
	"author_name, author_affiliation, author_website, author_email, author_badge, " +
	"markdown, html, created, edited, status, score, reader_hash, ip_hash, " +
	"pinned, hold_reasons, fingerprint, notify, answered, author_verified, author_avatar"

// joinedCommentColumns are commentColumns qualified by the alias c.
var joinedCommentColumns = "c." + strings.ReplaceAll(commentColumns, ", ", ", c.")

// commentArgs are c's values for an INSERT of commentColumns.
func commentArgs(c storage.Comment) []any {
	a := c.Author
	return []any{c.ID, c.SiteID, c.PageKey, c.ParentID,
		a.Name, a.Affiliation, a.Website, a.Email, string(a.Badge),
		c.Markdown, c.HTML, ts(c.Created), ts(c.Edited), string(c.Status), c.Score, c.ReaderHash, c.IPHash,
		c.Pinned, c.HoldReasons, c.Fingerprint, c.Notify, c.Answered, a.Verified, a.Avatar}
}

const insertComment = `INSERT INTO comments (` + commentColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`

// scanComment reads a row that starts with commentColumns; extra receive
// the columns after them.
func scanComment(row pgx.Row, extra ...any) (storage.Comment, error) {
	var c storage.Comment
	a := &c.Author
	err := row.Scan(append([]any{&c.ID, &c.SiteID, &c.PageKey, &c.ParentID,
		&a.Name, &a.Affiliation, &a.Website, &a.Email, &a.Badge,
		&c.Markdown, &c.HTML, at(&c.Created), at(&c.Edited), &c.Status, &c.Score, &c.ReaderHash, &c.IPHash,
		&c.Pinned, &c.HoldReasons, &c.Fingerprint, &c.Notify, &c.Answered, &a.Verified, &a.Avatar}, extra...)...)
	return c, err
}

func scanComments(rows pgx.Rows) ([]storage.Comment, error) {
	return collect(rows, func(r pgx.Row) (storage.Comment, error) { return scanComment(r) })
}

// checkNewComment applies the data-model rules a new comment must meet.
func checkNewComment(c storage.Comment, page storage.Page) error {
	switch {
	case c.ID == "" || c.SiteID == "" || c.PageKey == "":
		return errorf(storage.ErrInvalid, "comment needs an id, a site and a page key")
	case !c.Status.Valid():
		return errorf(storage.ErrInvalid, "comment %q: status %q", c.ID, c.Status)
	case page.SiteID != "" && page.SiteID != c.SiteID, page.Key != "" && page.Key != c.PageKey:
		return errorf(storage.ErrInvalid, "comment %q: page %q/%q is not the comment's", c.ID, page.SiteID, page.Key)
	}
	return nil
}

// approved is 1 for a status that counts towards a page's count, else 0.
func approved(st storage.Status) int {
	if st == storage.StatusApproved {
		return 1
	}
	return 0
}

// CreateComment stores c in one transaction. Its first statement creates
// the page or, if it exists, raises its count and version, which locks
// the page's row until the commit; the parent check and the insert follow.
// A missing site fails the page's foreign key (ErrNotFound); a taken id
// the comments' primary key (ErrConflict).
func (s *Store) CreateComment(ctx context.Context, c storage.Comment, page storage.Page) error {
	if err := checkNewComment(c, page); err != nil {
		return err
	}
	return s.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO pages AS p (`+pageColumns+`) VALUES ($1, $2, $3, $4, false, $5, $6, 1)
			ON CONFLICT (site_id, key) DO UPDATE SET count = p.count + excluded.count, version = p.version + 1`,
			c.SiteID, c.PageKey, page.URL, page.Title, approved(c.Status), ts(c.Created))
		if err != nil {
			return wrap(err, "page %q of site %q", c.PageKey, c.SiteID)
		}
		if err := checkParent(ctx, tx, c); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, insertComment, commentArgs(c)...)
		return wrap(err, "comment %q", c.ID)
	})
}

// checkParent returns ErrParentNotFound unless c has no parent or its
// parent is a comment of c's page.
func checkParent(ctx context.Context, tx pgx.Tx, c storage.Comment) error {
	if c.ParentID == "" {
		return nil
	}
	page, found, err := commentPage(ctx, tx, c.SiteID, c.ParentID)
	if err != nil {
		return err
	}
	if !found || page != c.PageKey {
		return errorf(storage.ErrParentNotFound, "comment %q: parent %q", c.ID, c.ParentID)
	}
	return nil
}

// commentPage returns the page key of a site's comment; found is false if
// there is no such comment.
func commentPage(ctx context.Context, q querier, siteID, id string) (page string, found bool, err error) {
	err = q.QueryRow(ctx, `SELECT page_key FROM comments WHERE site_id = $1 AND id = $2`, siteID, id).Scan(&page)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return page, err == nil, wrap(err, "comment %q of site %q", id, siteID)
}

// Comment returns one comment. ErrNotFound if the site has none with id.
func (s *Store) Comment(ctx context.Context, siteID, id string) (storage.Comment, error) {
	return readComment(ctx, s.pool, siteID, id)
}

func readComment(ctx context.Context, q querier, siteID, id string) (storage.Comment, error) {
	c, err := scanComment(q.QueryRow(ctx, `SELECT `+commentColumns+` FROM comments WHERE site_id = $1 AND id = $2`, siteID, id))
	return c, noRows(err, "comment %q of site %q", id, siteID)
}

// PageComments returns every comment of a page, oldest first.
func (s *Store) PageComments(ctx context.Context, siteID, pageKey string) ([]storage.Comment, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE site_id = $1 AND page_key = $2 ORDER BY id`, siteID, pageKey)
	return scanComments(rows)
}

// UpdateComment reads a comment, lets fn change a copy of it and stores the
// result, with the page's count and version, in one transaction that holds
// the page's row lock throughout. If fn returns an error nothing is
// written and that error is returned as it is. fn runs again if the
// database aborts the transaction for a serialization failure or deadlock
// (see Store.tx), so it must only change the comment. ErrInvalid if fn
// changes ID, SiteID, PageKey or ParentID or sets an unknown status;
// ErrNotFound if the site has no such comment.
func (s *Store) UpdateComment(ctx context.Context, siteID, id string, fn func(*storage.Comment) error) (storage.Comment, error) {
	var out storage.Comment
	err := s.tx(ctx, func(tx pgx.Tx) error {
		old, err := lockComment(ctx, tx, siteID, id)
		if err != nil {
			return err
		}
		c := old
		c.HoldReasons = slices.Clone(old.HoldReasons) // the only slice in a Comment
		if err := fn(&c); err != nil {
			return err
		}
		if c.ID != old.ID || c.SiteID != old.SiteID || c.PageKey != old.PageKey || c.ParentID != old.ParentID {
			return errorf(storage.ErrInvalid, "comment %q: id, site, page and parent cannot change", id)
		}
		if !c.Status.Valid() {
			return errorf(storage.ErrInvalid, "comment %q: status %q", id, c.Status)
		}
		// $1 to $4 are the columns that cannot change.
		_, err = tx.Exec(ctx, `
			UPDATE comments SET author_name = $5, author_affiliation = $6, author_website = $7,
				author_email = $8, author_badge = $9, markdown = $10, html = $11, created = $12,
				edited = $13, status = $14, score = $15, reader_hash = $16, ip_hash = $17,
				pinned = $18, hold_reasons = $19, fingerprint = $20, notify = $21, answered = $22,
				author_verified = $23, author_avatar = $24
			WHERE id = $1 AND site_id = $2 AND page_key = $3 AND parent_id = $4`, commentArgs(c)...)
		if err != nil {
			return wrap(err, "comment %q", id)
		}
		out = c
		return touchPage(ctx, tx, siteID, c.PageKey, approved(c.Status)-approved(old.Status))
	})
	if err != nil {
		return storage.Comment{}, err
	}
	return out, nil
}

// lockComment locks the page of a comment (lockPage) and then reads the
// comment. ErrNotFound if the site has no such comment.
func lockComment(ctx context.Context, tx pgx.Tx, siteID, id string) (storage.Comment, error) {
	page, found, err := commentPage(ctx, tx, siteID, id)
	if err == nil && found {
		found, err = lockPage(ctx, tx, siteID, page)
	}
	if err != nil {
		return storage.Comment{}, err
	}
	if !found {
		return storage.Comment{}, errorf(storage.ErrNotFound, "comment %q of site %q", id, siteID)
	}
	// Read after the lock: in READ COMMITTED each statement sees what
	// committed before it started, so this sees every earlier writer.
	return readComment(ctx, tx, siteID, id)
}

// ReaderComments returns a reader's comments on a site, oldest first.
func (s *Store) ReaderComments(ctx context.Context, siteID, readerHash string) ([]storage.Comment, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE site_id = $1 AND reader_hash = $2 AND reader_hash <> '' ORDER BY id`, siteID, readerHash)
	return scanComments(rows)
}

// FingerprintComments returns the newest comments of a site with the given
// fingerprint created at or after since, newest first, at most limit.
func (s *Store) FingerprintComments(ctx context.Context, siteID, fingerprint string, since time.Time, limit int) ([]storage.Comment, error) {
	if limit <= 0 {
		return []storage.Comment{}, ctx.Err()
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE site_id = $1 AND fingerprint = $2 AND fingerprint <> '' AND created >= $3
		ORDER BY created DESC, id DESC LIMIT $4`, siteID, fingerprint, since, limit)
	return scanComments(rows)
}

// CommentsByStatus returns a site's comments of one status, oldest first.
// ErrInvalid for an unknown status.
func (s *Store) CommentsByStatus(ctx context.Context, siteID string, status storage.Status) ([]storage.Comment, error) {
	return s.byStatus(ctx, siteID, status, "ASC", 0)
}

// RecentComments returns a site's newest comments of one status, newest
// first, at most limit. ErrInvalid for an unknown status.
func (s *Store) RecentComments(ctx context.Context, siteID string, status storage.Status, limit int) ([]storage.Comment, error) {
	if limit <= 0 {
		return []storage.Comment{}, ctx.Err()
	}
	return s.byStatus(ctx, siteID, status, "DESC", limit)
}

// byStatus reads the status index in id order, ASC or DESC, at most limit
// (<= 0: all).
func (s *Store) byStatus(ctx context.Context, siteID string, status storage.Status, order string, limit int) ([]storage.Comment, error) {
	if !status.Valid() {
		return nil, errorf(storage.ErrInvalid, "status %q", status)
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+commentColumns+` FROM comments
		WHERE site_id = $1 AND status = $2 ORDER BY id `+order+` LIMIT $3`, siteID, string(status), limitOrAll(limit))
	return scanComments(rows)
}
