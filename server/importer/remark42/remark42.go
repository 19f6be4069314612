// Package remark42 reads the backup file of Remark42 (what "remark42
// backup" and the admin export write, once gunzipped).
//
// The file is JSON Lines: a meta record {"version":1,"users":[...],
// "posts":[...]} first, then one comment per line. The meta record lists
// only the read-only posts and the users with details (such as an e-mail
// address), so it is held in memory; comments are streamed one line at a
// time. A thread is made for every distinct page URL the first time a
// comment names it, titled with that comment's title.
//
// Remark42 keeps only a keyed hash of the author's address, which is not an
// address, so Comment.IP stays empty.
package remark42

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/storage"
)

// version is the only backup version this package reads.
const version = 1

// maxLine is the longest line read: one record with a field of MaxField
// bytes and room for the rest of the record.
const maxLine = source.MaxField + 64<<10

type meta struct {
	Version int        `json:"version"`
	Users   []userMeta `json:"users"`
	Posts   []postMeta `json:"posts"`
}

type userMeta struct {
	ID      string `json:"id"`
	Details struct {
		Email string `json:"email"`
	} `json:"details"`
}

type postMeta struct {
	URL      string `json:"url"`
	ReadOnly bool   `json:"read_only"`
}

type record struct {
	ID     string `json:"id"`
	PID    string `json:"pid"`
	Text   string `json:"text"`
	Orig   string `json:"orig"`
	Title  string `json:"title"`
	Delete bool   `json:"delete"`
	Score  int    `json:"score"`
	User   struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"user"`
	Locator struct {
		URL string `json:"url"`
	} `json:"locator"`
	Time time.Time `json:"time"`
}

type parser struct {
	in       *bufio.Reader
	line     int
	buf      []byte
	h        source.Handler
	emails   map[string]string // user id → e-mail, from the meta record
	readOnly map[string]bool   // URLs of read-only posts
	seen     map[string]bool   // URLs whose thread was emitted
}

// Parse reads a Remark42 backup from r and hands its threads and comments
// to h as it reads them. It fails with an error wrapping source.ErrFormat
// when r is not a version 1 backup or holds a line longer than
// source.MaxField plus 64 KiB or a field longer than source.MaxField; an
// error from h stops it and is returned as it is.
func Parse(r io.Reader, h source.Handler) error {
	p := &parser{in: bufio.NewReader(r), h: h, seen: map[string]bool{}}
	if err := p.readMeta(); err != nil {
		return err
	}
	for {
		b, err := p.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := p.comment(b); err != nil {
			return err
		}
	}
}

// next returns the next non-blank line, or io.EOF after the last one. It
// refuses a line longer than maxLine without reading the rest of it.
func (p *parser) next() ([]byte, error) {
	for {
		p.buf = p.buf[:0]
		p.line++
		for {
			chunk, err := p.in.ReadSlice('\n')
			if len(p.buf)+len(chunk) > maxLine {
				return nil, p.errorf("line is longer than %d bytes", maxLine)
			}
			p.buf = append(p.buf, chunk...)
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			if !blank(p.buf) {
				return p.buf, nil
			}
			if err != nil {
				return nil, io.EOF
			}
			break
		}
	}
}

func blank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("remark42: line %d: %s: %w", p.line, fmt.Sprintf(format, args...), source.ErrFormat)
}

// readMeta reads the first record and checks that it is the meta record of
// a backup version this package knows.
func (p *parser) readMeta() error {
	b, err := p.next()
	if err == io.EOF {
		return fmt.Errorf("remark42: the file is empty, want a backup starting with {\"version\":1,...}: %w", source.ErrFormat)
	}
	if err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(b, &keys) != nil {
		return p.errorf("not a Remark42 backup: the first line is not a JSON object")
	}
	for _, k := range []string{"version", "users", "posts"} {
		if _, ok := keys[k]; !ok {
			return p.errorf("not a Remark42 backup: the first record has no %q", k)
		}
	}
	var m meta
	if err := json.Unmarshal(b, &m); err != nil {
		return p.errorf("not a Remark42 backup: malformed meta record: %v", err)
	}
	if m.Version != version {
		return p.errorf("backup version %d is not supported, want %d", m.Version, version)
	}
	p.emails = make(map[string]string, len(m.Users))
	for _, u := range m.Users {
		if u.Details.Email != "" {
			p.emails[u.ID] = u.Details.Email
		}
	}
	p.readOnly = make(map[string]bool, len(m.Posts))
	for _, post := range m.Posts {
		p.readOnly[post.URL] = post.ReadOnly
	}
	return nil
}

// comment decodes one comment line, emits its thread if it is the first
// comment of its page, then the comment.
func (p *parser) comment(b []byte) error {
	var rec record
	if err := json.Unmarshal(b, &rec); err != nil {
		return p.errorf("malformed comment: %v", err)
	}
	if err := p.check(&rec); err != nil {
		return err
	}
	url := rec.Locator.URL
	if !p.seen[url] {
		p.seen[url] = true
		t := source.Thread{ID: url, URL: url, Title: rec.Title, Closed: p.readOnly[url]}
		if err := p.h.Thread(t); err != nil {
			return err
		}
	}
	return p.h.Comment(p.convert(&rec))
}

// check refuses a comment without an id or page, or with a field longer
// than source.MaxField.
func (p *parser) check(rec *record) error {
	if rec.ID == "" {
		return p.errorf("comment has no \"id\"")
	}
	if rec.Locator.URL == "" {
		return p.errorf("comment %q has no \"locator\".\"url\"", rec.ID)
	}
	for _, f := range []string{rec.ID, rec.PID, rec.Text, rec.Orig, rec.Title, rec.User.ID, rec.User.Name, rec.Locator.URL} {
		if len(f) > source.MaxField {
			return p.errorf("comment %.40q has a field longer than %d bytes", rec.ID, source.MaxField)
		}
	}
	return nil
}

func (p *parser) convert(rec *record) source.Comment {
	c := source.Comment{
		ID:       rec.ID,
		ThreadID: rec.Locator.URL,
		ParentID: rec.PID,
		Author:   source.Author{Name: rec.User.Name, Email: p.emails[rec.User.ID]},
		Created:  rec.Time,
		Status:   storage.StatusApproved,
		Score:    rec.Score,
	}
	if rec.Orig != "" {
		c.Markdown = rec.Orig
	} else {
		c.HTML = rec.Text
	}
	if rec.Delete {
		c.Status = storage.StatusDeleted
	}
	return c
}
