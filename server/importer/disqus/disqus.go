// Package disqus reads a Disqus XML export: a <disqus> root holding
// <category>, <thread> and <post> elements, the posts naming their thread
// and parent by dsq:id.
//
// A thread Disqus marks deleted is still emitted, like any other: its
// comments are what the importer keeps, and source.Thread has no place
// for the flag. Categories are ignored.
package disqus

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/server/importer/xmlsafe"
	"github.com/parley-dev/parley/storage"
)

const (
	namespace = "http://disqus.com"
	internals = "http://disqus.com/disqus-internals"
)

// dsqID is the attribute by which records name each other.
var dsqID = xml.Name{Space: internals, Local: "id"}

// Parse reads the Disqus export r and hands each thread and post to h (whose
// Thread and Comment must be set) as soon as it is read. It returns an
// error wrapping source.ErrFormat for a file that is not a Disqus export or
// is refused, and an error of h as it is.
func Parse(r io.Reader, h source.Handler) error {
	d := xmlsafe.NewDecoder(r, "disqus")
	root, err := d.Root()
	if err != nil {
		return err
	}
	if root.Name.Local != "disqus" {
		return d.Errorf("root element is <%s>, want <disqus>", root.Name.Local)
	}
	if root.Name.Space != namespace {
		return d.Errorf("<disqus> is not in the namespace %s", namespace)
	}
	err = d.Children(func(el xml.StartElement) error {
		switch el.Name.Local {
		case "thread":
			return thread(d, el, h.Thread)
		case "post":
			return post(d, el, h.Comment)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return d.End()
}

// thread reads a <thread> record and emits it.
func thread(d *xmlsafe.Decoder, el xml.StartElement, emit func(source.Thread) error) error {
	id, err := recordID(d, el)
	if err != nil {
		return err
	}
	t := source.Thread{ID: id}
	err = d.Children(func(f xml.StartElement) (err error) {
		switch f.Name.Local {
		case "id":
			t.Identifier, err = text(d, f)
		case "link":
			t.URL, err = text(d, f)
		case "title":
			t.Title, err = text(d, f)
		case "createdAt":
			t.Created, err = date(d, f)
		case "isClosed":
			t.Closed, err = boolean(d, f)
		}
		return err
	})
	if err != nil {
		return err
	}
	return emit(t)
}

// post reads a <post> record and emits it.
func post(d *xmlsafe.Decoder, el xml.StartElement, emit func(source.Comment) error) error {
	id, err := recordID(d, el)
	if err != nil {
		return err
	}
	c := source.Comment{ID: id}
	var spam, deleted bool
	err = d.Children(func(f xml.StartElement) (err error) {
		switch f.Name.Local {
		case "message":
			c.HTML, err = text(d, f)
		case "createdAt":
			c.Created, err = date(d, f)
		case "isDeleted":
			deleted, err = boolean(d, f)
		case "isSpam":
			spam, err = boolean(d, f)
		case "ipAddress":
			c.IP, err = text(d, f)
		case "thread":
			c.ThreadID, err = d.Attr(f, dsqID)
		case "parent":
			c.ParentID, err = d.Attr(f, dsqID)
		case "author":
			c.Author, err = author(d)
		}
		return err
	})
	if err != nil {
		return err
	}
	c.Status = status(spam, deleted)
	return emit(c)
}

// author reads a post's <author>; a name left empty falls back to the
// username.
func author(d *xmlsafe.Decoder) (source.Author, error) {
	var a source.Author
	var username string
	err := d.Children(func(f xml.StartElement) (err error) {
		switch f.Name.Local {
		case "name":
			a.Name, err = text(d, f)
		case "email":
			a.Email, err = text(d, f)
		case "username":
			username, err = text(d, f)
		}
		return err
	})
	if a.Name == "" {
		a.Name = username
	}
	return a, err
}

// status maps a post's flags to a moderation state; spam wins.
func status(spam, deleted bool) storage.Status {
	switch {
	case spam:
		return storage.StatusSpam
	case deleted:
		return storage.StatusDeleted
	}
	return storage.StatusApproved
}

// recordID returns the dsq:id of a thread or post, which it must have.
func recordID(d *xmlsafe.Decoder, el xml.StartElement) (string, error) {
	id, err := d.Attr(el, dsqID)
	if err == nil && id == "" {
		err = d.Errorf("line %d: <%s> has no dsq:id", d.Line(), el.Name.Local)
	}
	return id, err
}

// text reads an element's text, trimmed.
func text(d *xmlsafe.Decoder, el xml.StartElement) (string, error) {
	s, err := d.Text(el)
	return strings.TrimSpace(s), err
}

// date reads an RFC 3339 time such as 2013-10-29T21:02:19Z; empty is zero.
func date(d *xmlsafe.Decoder, el xml.StartElement) (time.Time, error) {
	s, err := text(d, el)
	if err != nil || s == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, d.Errorf("line %d: <%s> is %.40q, want a time like 2013-10-29T21:02:19Z", d.Line(), el.Name.Local, s)
	}
	return t.UTC(), nil
}

// boolean reads true or false; empty is false.
func boolean(d *xmlsafe.Decoder, el xml.StartElement) (bool, error) {
	s, err := text(d, el)
	if err != nil || s == "" {
		return false, err
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, d.Errorf("line %d: <%s> is %.40q, want true or false", d.Line(), el.Name.Local, s)
	}
	return b, nil
}
