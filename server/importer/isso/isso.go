// Package isso reads the comments of an Isso instance from its SQLite
// database file, which is also Isso's only export.
//
// The file is opened read-only with a pure-Go SQLite driver, so reading the
// database of a running Isso never changes it and the build needs no cgo.
// The file is not opened immutable: SQLite's shared lock then gives a
// consistent view even while Isso writes, where an immutable open could read
// a half-written page.
//
// Isso's threads become Threads and its comments Comments, read in id order
// one row at a time. A comment's mode becomes its status: 1 approved,
// 2 pending, 4 deleted; any other mode is imported as pending, so a
// moderator sees it before readers do.
package isso

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/storage"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// magic opens every SQLite 3 database file.
const magic = "SQLite format 3\x00"

// maxCreated is the first Unix time past the year 9999; a creation time
// outside [0, maxCreated) is not one Isso wrote.
const maxCreated = 253402300800

// columns lists, per table, the columns ParseFile reads.
var columns = []struct {
	table string
	names []string
}{
	{"threads", []string{"id", "uri", "title"}},
	{"comments", []string{"tid", "id", "parent", "created", "mode", "remote_addr",
		"text", "author", "email", "website", "likes", "dislikes"}},
}

const threadQuery = `SELECT id, uri, title FROM threads ORDER BY id`

const commentQuery = `SELECT id, tid, parent, created, mode, remote_addr,
	text, author, email, website, likes, dislikes FROM comments ORDER BY id`

// ParseFile reads the Isso database at path and hands its threads, then its
// comments, to h. A file that is not an SQLite database, lacks Isso's
// tables or columns, or holds a value Isso cannot have written (a field
// over source.MaxField, an unreadable creation time) fails with an error
// wrapping source.ErrFormat. An error from h stops the parse and is
// returned as it is.
func ParseFile(path string, h source.Handler) error {
	if err := checkMagic(path); err != nil {
		return err
	}
	db, err := open(path)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return dbError("opening", err)
	}
	defer conn.Close()
	if _, err := sqlite.Limit(conn, sqlite3.SQLITE_LIMIT_LENGTH, source.MaxField); err != nil {
		return fmt.Errorf("isso: limiting field size: %w", err)
	}
	if err := checkSchema(ctx, conn); err != nil {
		return err
	}
	if err := readThreads(ctx, conn, h); err != nil {
		return err
	}
	return readComments(ctx, conn, h)
}

// checkMagic makes sure the file starts like an SQLite database before the
// driver sees it.
func checkMagic(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("isso: %w", err)
	}
	defer f.Close()
	var head [len(magic)]byte
	_, err = io.ReadFull(f, head[:])
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("isso: %w", err)
	}
	if string(head[:]) != magic {
		return fmt.Errorf("isso: not an SQLite database: %w", source.ErrFormat)
	}
	return nil
}

// open opens the database read-only, waiting up to 5 s while Isso holds
// a write lock. The path goes in a file: URI, so SQLite honours mode=ro
// and no character of the path is taken for a URI parameter.
func open(path string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("isso: %w", err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "mode=ro&_busy_timeout=5000"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("isso: %w", err)
	}
	return db, nil
}

// checkSchema makes sure the database has Isso's tables with every column
// ParseFile reads, naming what is missing.
func checkSchema(ctx context.Context, conn *sql.Conn) error {
	for _, t := range columns {
		have, err := tableColumns(ctx, conn, t.table)
		if err != nil {
			return err
		}
		if len(have) == 0 {
			return fmt.Errorf("isso: no table %s: %w", t.table, source.ErrFormat)
		}
		var missing []string
		for _, name := range t.names {
			if !have[name] {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("isso: table %s has no column %s: %w",
				t.table, strings.Join(missing, ", "), source.ErrFormat)
		}
	}
	return nil
}

// tableColumns returns the column names of the table (not view) named
// table; none when there is no such table.
func tableColumns(ctx context.Context, conn *sql.Conn, table string) (map[string]bool, error) {
	rows, err := conn.QueryContext(ctx, `SELECT p.name FROM sqlite_schema AS s,
		pragma_table_info(s.name) AS p WHERE s.type = 'table' AND s.name = ?`, table)
	if err != nil {
		return nil, dbError("reading the schema", err)
	}
	defer rows.Close()
	have := make(map[string]bool)
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, dbError("reading the schema", err)
		}
		have[strings.ToLower(name)] = true
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("reading the schema", err)
	}
	return have, nil
}

// readThreads hands every row of threads to h.Thread.
func readThreads(ctx context.Context, conn *sql.Conn, h source.Handler) error {
	rows, err := conn.QueryContext(ctx, threadQuery)
	if err != nil {
		return dbError("reading threads", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var uri, title sql.NullString
		if err := rows.Scan(&id, &uri, &title); err != nil {
			return dbError("reading threads", err)
		}
		if err := h.Thread(source.Thread{ID: strconv.FormatInt(id, 10), URL: uri.String, Title: title.String}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return dbError("reading threads", err)
	}
	return nil
}

// commentRow is one row of commentQuery as scanned.
type commentRow struct {
	id, tid                int64
	parent, mode           sql.NullInt64
	created                float64
	addr, text             sql.NullString
	author, email, website sql.NullString
	likes, dislikes        sql.NullInt64
}

// readComments hands every row of comments to h.Comment.
func readComments(ctx context.Context, conn *sql.Conn, h source.Handler) error {
	rows, err := conn.QueryContext(ctx, commentQuery)
	if err != nil {
		return dbError("reading comments", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r commentRow
		if err := rows.Scan(&r.id, &r.tid, &r.parent, &r.created, &r.mode, &r.addr,
			&r.text, &r.author, &r.email, &r.website, &r.likes, &r.dislikes); err != nil {
			return dbError("reading comments", err)
		}
		c, err := r.comment()
		if err != nil {
			return err
		}
		if err := h.Comment(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return dbError("reading comments", err)
	}
	return nil
}

// comment turns the row into a source.Comment.
func (r commentRow) comment() (source.Comment, error) {
	if math.IsNaN(r.created) || r.created < 0 || r.created >= maxCreated {
		return source.Comment{}, fmt.Errorf("isso: comment %d: creation time %v out of range: %w",
			r.id, r.created, source.ErrFormat)
	}
	sec := math.Floor(r.created)
	c := source.Comment{
		ID:       strconv.FormatInt(r.id, 10),
		ThreadID: strconv.FormatInt(r.tid, 10),
		Author:   source.Author{Name: r.author.String, Email: r.email.String, Website: r.website.String},
		IP:       r.addr.String,
		Created:  time.Unix(int64(sec), int64(math.Round((r.created-sec)*1e9))).UTC(),
		Markdown: r.text.String,
		Status:   status(r.mode),
		Score:    int(r.likes.Int64 - r.dislikes.Int64),
	}
	if r.parent.Valid {
		c.ParentID = strconv.FormatInt(r.parent.Int64, 10)
	}
	return c, nil
}

// status maps an Isso mode to a Parley status.
func status(mode sql.NullInt64) storage.Status {
	switch mode.Int64 {
	case 1:
		return storage.StatusApproved
	case 4:
		return storage.StatusDeleted
	default:
		return storage.StatusPending
	}
}

// dbError wraps an error of the database with what was being done. It is
// a format error unless SQLite says the database was busy or memory ran
// out, which says nothing about the file.
func dbError(doing string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM:
			return fmt.Errorf("isso: %s: %w", doing, err)
		case sqlite3.SQLITE_TOOBIG:
			return fmt.Errorf("isso: %s: a field is over %d bytes: %w: %w",
				doing, source.MaxField, err, source.ErrFormat)
		}
	}
	return fmt.Errorf("isso: %s: %w: %w", doing, err, source.ErrFormat)
}
