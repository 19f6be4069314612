// Package commento reads the JSON export of Commento and of its successor
// Comentario (once gunzipped).
//
// Three layouts are read, told apart by "version", which must come before
// "comments" (the exporters write it first):
//
//   - version 1 from Commento: {"version":1,"comments":[...],
//     "commenters":[...]}, a comment naming its page by "domain" and "url"
//     (the path) and its author by "commenterHex";
//   - version 1 from Comentario, the same with "host", "path",
//     "websiteUrl";
//   - version 3 from Comentario: {"version":3,"pages":[...],
//     "comments":[...],"commenters":[...]}, with ids that are UUIDs.
//
// Version 1 threads are named domain+path; their URL is "https://" +
// domain + path, since Commento stores no scheme. Version 3 threads are
// Comentario's pages: their URL is taken from a comment's "url" (minus its
// "#comentario-..." fragment), or is the bare path for a page without
// comments; they are emitted at the end, pages being few and small.
//
// Comments name their author by id, and the exporters write "commenters"
// after "comments". Commenters are held in memory. A comment read after
// them is emitted at once; one read before them is held, without its
// author, until the whole file is read: for a file in the exporters' order
// that costs memory for every comment's text, about the size of the file.
// The anonymous commenter ("anonymous", or Comentario's all-zero id) has no
// name, except that a version 3 comment may carry the name it was posted
// under.
package commento

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/parley-dev/parley/server/importer/source"
)

// maxRecord is the most JSON text read for one record: a field of MaxField
// bytes and room for the rest of the record.
const maxRecord = source.MaxField + 64<<10

// readChunk bounds one read, so the decoder never pulls in much more than
// maxRecord ahead of where it is.
const readChunk = 32 << 10

// undefined is what Commento stores for a missing e-mail, link or photo.
const undefined = "undefined"

// held is a comment read before the commenters, waiting for its author.
type held struct {
	c      source.Comment
	author string
}

// page is a version 3 page, or a page only a comment named.
type page struct {
	t       source.Thread
	fromURL bool // t.URL was taken from a comment
}

type parser struct {
	dec         *json.Decoder
	in          *limitReader
	h           source.Handler
	version     int
	sawComments bool
	authors     map[string]source.Author // nil until "commenters" is read
	held        []held
	threads     map[string]bool  // version 1 threads emitted
	pages       map[string]*page // version 3 pages
	pageOrder   []string
}

// Parse reads a Commento or Comentario export from r and hands its threads
// and comments to h. It fails with an error wrapping source.ErrFormat when
// r is not such an export, has an unsupported version, or holds a record
// longer than source.MaxField plus 64 KiB or a field longer than
// source.MaxField; an error from h stops it and is returned as it is.
func Parse(r io.Reader, h source.Handler) error {
	in := &limitReader{r: r}
	p := &parser{
		dec:     json.NewDecoder(in),
		in:      in,
		h:       h,
		threads: map[string]bool{},
		pages:   map[string]*page{},
	}
	in.dec = p.dec
	if err := p.object(); err != nil {
		return err
	}
	return p.finish()
}

// limitReader fails once the decoder holds more than maxRecord bytes it has
// not consumed yet: one record is too long.
type limitReader struct {
	r     io.Reader
	dec   *json.Decoder
	read  int64
	ioErr error // the last error of r other than io.EOF
}

var errTooLong = fmt.Errorf("commento: a record is longer than %d bytes: %w", maxRecord, source.ErrFormat)

func (l *limitReader) Read(b []byte) (int, error) {
	if l.read-l.dec.InputOffset() > maxRecord {
		return 0, errTooLong
	}
	if len(b) > readChunk {
		b = b[:readChunk]
	}
	n, err := l.r.Read(b)
	l.read += int64(n)
	if err != nil && err != io.EOF {
		l.ioErr = err
	}
	return n, err
}

func errorf(format string, args ...any) error {
	return fmt.Errorf("commento: %s: %w", fmt.Sprintf(format, args...), source.ErrFormat)
}

// fail turns an error of the decoder into one the user understands; an
// error of the underlying reader is returned as it is.
func (p *parser) fail(err error) error {
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, source.ErrFormat):
		return err
	case p.in.ioErr != nil && errors.Is(err, p.in.ioErr):
		return err
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errorf("the file ends in the middle of the JSON (truncated?)")
	case errors.As(err, &syntax):
		return errorf("malformed JSON near byte %d: %v", syntax.Offset, err)
	}
	return errorf("near byte %d: %v", p.dec.InputOffset(), err)
}

// object reads the top-level object, key by key.
func (p *parser) object() error {
	t, err := p.dec.Token()
	if err == io.EOF {
		return errorf("the file is empty, want an object with \"comments\"")
	}
	if err != nil {
		return errorf("not JSON, want an object with \"comments\": %v", err)
	}
	if t != json.Delim('{') {
		return errorf("top level is %s, want an object with \"comments\"", describe(t))
	}
	for p.dec.More() {
		if err := p.member(); err != nil {
			return err
		}
	}
	if _, err := p.dec.Token(); err != nil {
		return p.fail(err)
	}
	if p.version == 0 {
		return errorf("the object has no \"version\": not a Commento export")
	}
	if !p.sawComments {
		return errorf("the object has no \"comments\": not a Commento export")
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return errorf("data after the top-level object")
	}
	return nil
}

func describe(t json.Token) string {
	switch t {
	case json.Delim('['):
		return "an array"
	case json.Delim('{'):
		return "an object"
	case nil:
		return "null"
	}
	switch t.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// member reads one key of the top-level object and its value.
func (p *parser) member() error {
	t, err := p.dec.Token()
	if err != nil {
		return p.fail(err)
	}
	switch t {
	case "version":
		return p.readVersion()
	case "comments":
		if p.version == 0 {
			return errorf("\"comments\" comes before \"version\"")
		}
		p.sawComments = true
		return p.array(p.comment)
	case "commenters":
		if p.authors == nil {
			p.authors = map[string]source.Author{}
		}
		return p.array(p.commenter)
	case "pages":
		return p.array(p.page)
	}
	return p.skip()
}

func (p *parser) readVersion() error {
	var v int
	if err := p.dec.Decode(&v); err != nil {
		return p.fail(err)
	}
	if v != 1 && v != 3 {
		return errorf("export version %d is not supported, want 1 (Commento, Comentario) or 3 (Comentario)", v)
	}
	p.version = v
	return nil
}

// array reads an array (null reads as empty), calling element for each
// element.
func (p *parser) array(element func() error) error {
	t, err := p.dec.Token()
	if err != nil {
		return p.fail(err)
	}
	if t == nil {
		return nil
	}
	if t != json.Delim('[') {
		return errorf("near byte %d: found %s, want an array", p.dec.InputOffset(), describe(t))
	}
	for p.dec.More() {
		if err := element(); err != nil {
			return err
		}
	}
	_, err = p.dec.Token()
	if err != nil {
		return p.fail(err)
	}
	return nil
}

// skip reads past a value of a key this package does not use, token by
// token, so a large one is never held.
func (p *parser) skip() error {
	depth := 0
	for {
		t, err := p.dec.Token()
		if err != nil {
			return p.fail(err)
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// decode reads one array element into v and checks its text fields.
func (p *parser) decode(what string, v any, fields func() []string) error {
	if err := p.dec.Decode(v); err != nil {
		return p.fail(err)
	}
	for _, f := range fields() {
		if len(f) > source.MaxField {
			return errorf("a %s near byte %d has a field longer than %d bytes", what, p.dec.InputOffset(), source.MaxField)
		}
	}
	return nil
}

func parseTime(what, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errorf("%s %.40q is not an RFC 3339 time", what, s)
	}
	return t, nil
}

func defined(s string) string {
	if s == undefined {
		return ""
	}
	return s
}
