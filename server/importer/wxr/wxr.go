// Package wxr reads a WordPress export (WordPress eXtended RSS, versions
// 1.0 to 1.2): an <rss> whose <channel> holds one <item> per post, page or
// other content, each with its comments as <wp:comment> elements.
//
// Only items with comments become threads. WordPress writes an item's
// comments after its other fields, so a thread is emitted when its first
// comment starts, and an item field that comes after the comments is
// ignored; a comment before the item's <wp:post_id> is refused.
package wxr

import (
	"encoding/xml"
	"io"
	"strings"
	"time"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/server/importer/xmlsafe"
	"github.com/parley-dev/parley/storage"
)

const (
	dateLayout = "2006-01-02 15:04:05"
	noDate     = "0000-00-00 00:00:00"
)

// Parse reads the WordPress export r and hands each commented item and
// each comment to h (whose Thread and Comment must be set) as soon as it
// is read. It returns an error wrapping source.ErrFormat for a file that is
// not a WordPress export or is refused, and an error of h as it is.
func Parse(r io.Reader, h source.Handler) error {
	d := xmlsafe.NewDecoder(r, "wxr")
	root, err := d.Root()
	if err != nil {
		return err
	}
	if root.Name.Local != "rss" {
		return d.Errorf("root element is <%s>, want <rss>", root.Name.Local)
	}
	p := &parser{d: d, h: h, wp: namespace(root)}
	if p.wp == "" {
		return d.Errorf("<rss> declares no WordPress export namespace (http://wordpress.org/export/1.2/): not a WordPress export")
	}
	err = d.Children(func(el xml.StartElement) error {
		if p.key(el) != "channel" {
			return nil
		}
		return d.Children(p.item)
	})
	if err != nil {
		return err
	}
	return d.End()
}

// namespace returns the WordPress export namespace root declares, or "".
func namespace(root xml.StartElement) string {
	for _, a := range root.Attr {
		if a.Name.Space != "xmlns" {
			continue
		}
		switch a.Value {
		case "http://wordpress.org/export/1.0/",
			"http://wordpress.org/export/1.1/",
			"http://wordpress.org/export/1.2/":
			return a.Value
		}
	}
	return ""
}

// parser reads the channel of one file.
type parser struct {
	d  *xmlsafe.Decoder
	h  source.Handler
	wp string // the file's WordPress namespace
}

// item is what is read of one <item> so far.
type item struct {
	thread        source.Thread
	date, dateGMT string
	emitted       bool // thread handed to the Handler
}

// key names an element as the file writes it with the usual prefix
// ("title", "wp:post_id"); "" for other namespaces.
func (p *parser) key(el xml.StartElement) string {
	switch el.Name.Space {
	case "":
		return el.Name.Local
	case p.wp:
		return "wp:" + el.Name.Local
	}
	return ""
}

// item reads a channel child, if it is an <item>, with its comments.
func (p *parser) item(el xml.StartElement) error {
	if p.key(el) != "item" {
		return nil
	}
	it := &item{}
	return p.d.Children(func(f xml.StartElement) (err error) {
		switch p.key(f) {
		case "title":
			it.thread.Title, err = p.text(f)
		case "link":
			it.thread.URL, err = p.text(f)
		case "wp:post_id":
			it.thread.ID, err = p.text(f)
		case "wp:post_date":
			it.date, err = p.text(f)
		case "wp:post_date_gmt":
			it.dateGMT, err = p.text(f)
		case "wp:comment_status":
			var s string
			s, err = p.text(f)
			it.thread.Closed = s == "closed"
		case "wp:comment":
			err = p.comment(it)
		}
		return err
	})
}

// comment reads a <wp:comment> of it and emits it, after its thread if
// this is its first.
func (p *parser) comment(it *item) error {
	if !it.emitted {
		if it.thread.ID == "" {
			return p.d.Errorf("line %d: <wp:comment> before its item's <wp:post_id>", p.d.Line())
		}
		var err error
		if it.thread.Created, err = p.date(it.dateGMT, it.date); err != nil {
			return err
		}
		if err := p.h.Thread(it.thread); err != nil {
			return err
		}
		it.emitted = true
	}
	c, err := p.readComment(it.thread.ID)
	if err != nil {
		return err
	}
	return p.h.Comment(c)
}

// readComment reads the fields of a <wp:comment> of thread.
func (p *parser) readComment(thread string) (source.Comment, error) {
	c := source.Comment{ThreadID: thread}
	var date, dateGMT, content, approved, kind, parent string
	err := p.d.Children(func(f xml.StartElement) (err error) {
		switch p.key(f) {
		case "wp:comment_id":
			c.ID, err = p.text(f)
		case "wp:comment_author":
			c.Author.Name, err = p.text(f)
		case "wp:comment_author_email":
			c.Author.Email, err = p.text(f)
		case "wp:comment_author_url":
			c.Author.Website, err = p.text(f)
		case "wp:comment_author_IP":
			c.IP, err = p.text(f)
		case "wp:comment_date":
			date, err = p.text(f)
		case "wp:comment_date_gmt":
			dateGMT, err = p.text(f)
		case "wp:comment_content":
			content, err = p.d.Text(f)
		case "wp:comment_approved":
			approved, err = p.text(f)
		case "wp:comment_type":
			kind, err = p.text(f)
		case "wp:comment_parent":
			parent, err = p.text(f)
		}
		return err
	})
	if err != nil {
		return c, err
	}
	if c.ID == "" {
		return c, p.d.Errorf("line %d: <wp:comment> has no <wp:comment_id>", p.d.Line())
	}
	if parent != "0" {
		c.ParentID = parent
	}
	if kind != "" && kind != "comment" {
		c.Skip = kind
	}
	c.Status = status(approved)
	if c.HTML = paragraphs(content); len(c.HTML) > source.MaxField {
		return c, p.d.Errorf("line %d: comment %.40q is longer than %d bytes", p.d.Line(), c.ID, source.MaxField)
	}
	c.Created, err = p.date(dateGMT, date)
	return c, err
}

// status maps comment_approved to a moderation state. "0" and any value
// WordPress may add later are pending: a moderator decides.
func status(approved string) storage.Status {
	switch approved {
	case "1":
		return storage.StatusApproved
	case "spam":
		return storage.StatusSpam
	case "trash", "post-trashed":
		return storage.StatusDeleted
	}
	return storage.StatusPending
}

// text reads an element's text, trimmed.
func (p *parser) text(el xml.StartElement) (string, error) {
	s, err := p.d.Text(el)
	return strings.TrimSpace(s), err
}

// date parses a WordPress time: the GMT one, or, when WordPress left that
// unset (0000-00-00 00:00:00), the local one taken as UTC; neither set
// gives the zero time.
func (p *parser) date(gmt, local string) (time.Time, error) {
	s := gmt
	if s == "" || s == noDate {
		s = local
	}
	if s == "" || s == noDate {
		return time.Time{}, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, p.d.Errorf("line %d: date %.40q, want one like 2006-01-02 15:04:05", p.d.Line(), s)
	}
	return t, nil
}
