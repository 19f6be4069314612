// Package feed writes Atom 1.0 feeds (RFC 4287) of comments.
//
// It knows nothing of storage or HTTP: the caller fills in a Feed with
// plain strings and times, and Write turns it into a document that meets
// the RFC's rules, or refuses it. Every string is text to the writer:
// encoding/xml escapes it, so a name like "<script>&" stays a name, and an
// entry's HTML goes out as escaped text inside <content type="html">,
// never as markup of the feed itself. Characters XML 1.0 forbids (most C0
// controls, U+FFFE, U+FFFF, lone surrogates) are removed first: a document
// with one of them would not parse at all.
package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"time"
)

// Feed is one Atom feed. ID, Title and Updated are required.
type Feed struct {
	// ID is the feed's permanent, unique IRI (atom:id): it must not change
	// when the feed moves.
	ID       string
	Title    string
	Subtitle string // optional
	// Alternate is the page the feed is about (link rel="alternate"),
	// Self is the feed's own URL (link rel="self"); both optional.
	Alternate string
	Self      string
	// AuthorName, if set, is the feed's author, which entries without an
	// author of their own inherit. Without it every entry needs one.
	AuthorName string
	Updated    time.Time
	Entries    []Entry // in the order they are written
}

// Entry is one entry of a feed. ID, Title, Updated and an author (its own
// or the feed's) are required.
type Entry struct {
	// ID is the entry's permanent, unique IRI, such as "urn:uuid:...".
	ID         string
	Title      string
	AuthorName string
	AuthorURI  string // optional
	// Alternate is where the entry is shown (link rel="alternate");
	// optional, as the entry always has content.
	Alternate string
	Published time.Time // optional
	Updated   time.Time
	// HTML is the entry's body, already sanitized by the caller; it is
	// sent as escaped text in <content type="html">.
	HTML string
}

// ErrInvalid is returned (wrapped) for a feed that misses a required
// element.
var ErrInvalid = errors.New("feed: invalid")

// Marshal returns f as an Atom document.
func Marshal(f Feed) ([]byte, error) {
	var buf bytes.Buffer
	if err := Write(&buf, f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes f to w as an Atom document. It writes nothing if f misses a
// required element (ErrInvalid).
func Write(w io.Writer, f Feed) error {
	doc, err := build(f)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	return enc.Close()
}

// build checks f and maps it to its XML form, cleaning every string.
func build(f Feed) (atomFeed, error) {
	doc := atomFeed{
		ID:       iri(f.ID),
		Title:    text(f.Title),
		Subtitle: optionalText(f.Subtitle),
		Updated:  date(f.Updated),
		Links:    links(f.Alternate, f.Self),
		Author:   person(f.AuthorName, ""),
	}
	switch {
	case blank(f.ID):
		return doc, fmt.Errorf("%w: the feed has no id", ErrInvalid)
	case blank(f.Title):
		return doc, fmt.Errorf("%w: the feed has no title", ErrInvalid)
	case f.Updated.IsZero():
		return doc, fmt.Errorf("%w: the feed has no updated time", ErrInvalid)
	}
	doc.Entries = make([]atomEntry, len(f.Entries))
	for i, e := range f.Entries {
		ae := atomEntry{
			ID:        iri(e.ID),
			Title:     text(e.Title),
			Author:    person(e.AuthorName, e.AuthorURI),
			Links:     links(e.Alternate, ""),
			Published: date(e.Published),
			Updated:   date(e.Updated),
			Content:   &atomText{Type: "html", Body: clean(e.HTML)},
		}
		switch {
		case blank(e.ID):
			return doc, fmt.Errorf("%w: entry %d has no id", ErrInvalid, i)
		case blank(e.Title):
			return doc, fmt.Errorf("%w: entry %d has no title", ErrInvalid, i)
		case e.Updated.IsZero():
			return doc, fmt.Errorf("%w: entry %d has no updated time", ErrInvalid, i)
		case ae.Author == nil && doc.Author == nil:
			return doc, fmt.Errorf("%w: entry %d has no author, and the feed has none", ErrInvalid, i)
		}
		doc.Entries[i] = ae
	}
	return doc, nil
}
