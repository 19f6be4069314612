package feed

import (
	"encoding/xml"
	"strings"
	"time"
)

// The XML shapes of the Atom elements written. The namespace is set on the
// root only; children without one inherit it as the default namespace.

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID       string      `xml:"id"`
	Title    atomText    `xml:"title"`
	Subtitle *atomText   `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   *atomPerson `xml:"author,omitempty"`
	Entries  []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Author    *atomPerson `xml:"author,omitempty"`
	Links     []atomLink  `xml:"link"`
	Published string      `xml:"published,omitempty"`
	Updated   string      `xml:"updated"`
	Content   *atomText   `xml:"content,omitempty"`
}

// atomText is a text construct; Type "text" or "html", and Body is
// escaped either way.
type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

func text(s string) atomText { return atomText{Type: "text", Body: clean(s)} }

func optionalText(s string) *atomText {
	if blank(s) {
		return nil
	}
	t := text(s)
	return &t
}

// person is an author, or nil when there is no name: atom:name is
// required in a person construct.
func person(name, uri string) *atomPerson {
	if blank(name) {
		return nil
	}
	return &atomPerson{Name: clean(name), URI: iri(uri)}
}

func links(alternate, self string) []atomLink {
	var ls []atomLink
	if !blank(alternate) {
		ls = append(ls, atomLink{Rel: "alternate", Type: "text/html", Href: iri(alternate)})
	}
	if !blank(self) {
		ls = append(ls, atomLink{Rel: "self", Type: "application/atom+xml", Href: iri(self)})
	}
	return ls
}

// date formats t as an RFC 3339 date-time in UTC, or "" for the zero time.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// clean removes the characters XML 1.0 cannot carry: those outside its
// Char production (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
// [#x10000-#x10FFFF]). Bytes that are not UTF-8 are left to encoding/xml,
// which writes U+FFFD for them.
func clean(s string) string {
	if strings.IndexFunc(s, forbidden) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if forbidden(r) {
			return -1
		}
		return r
	}, s)
}

// iri is s cleaned for an id or a link, where surrounding space has no
// place.
func iri(s string) string { return strings.TrimSpace(clean(s)) }

// blank reports whether s has nothing to show once cleaned.
func blank(s string) bool { return iri(s) == "" }

// forbidden reports whether r is outside XML 1.0's Char production. (A
// string's invalid bytes decode as U+FFFD, which is allowed.)
func forbidden(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return false
	case r < 0x20:
		return true
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return true
	}
	return r > 0x10FFFF
}
