// Package xmlsafe reads the XML exports of other comment systems without
// trusting them. Its Decoder wraps encoding/xml's in strict mode (nothing
// is ever expanded or fetched, unknown entities are errors) and refuses
// what a hostile file could use against the importer:
//
//   - a DOCTYPE that declares entities (billion laughs, external or
//     parameter entities) or names an external DTD; a plain DOCTYPE passes;
//   - any other <!...> declaration;
//   - a single token (text, tag, comment, declaration) whose source is
//     longer than 4×source.MaxField, so the decoder never buffers more;
//   - elements nested more than 100 deep;
//   - a text longer than source.MaxField, read with Text;
//   - encodings other than UTF-8 and US-ASCII, except that ISO-8859-1 and
//     windows-1252, which old blogs still declare, are decoded as
//     windows-1252, as browsers do.
//
// Every refusal and every syntax error wraps source.ErrFormat and starts
// with the format's name ("disqus: ..."), so the message tells the user
// what is wrong. An error of the reader itself is wrapped, not ErrFormat.
package xmlsafe

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"github.com/parley-dev/parley/server/importer/source"
)

const (
	// maxToken is the longest source text of one token, in bytes: room
	// for a MaxField text even when written with character references.
	maxToken = 4*source.MaxField + 64<<10
	// maxDepth is the deepest element nesting accepted; real exports
	// nest a few levels.
	maxDepth = 100
)

var errTooLong = errors.New("xml token too long")

// Decoder reads one export file element by element. Its methods consume
// the file in order: Root, then Children (nested as the format needs),
// then End.
type Decoder struct {
	format  string // names the format in messages
	in      *limitReader
	d       *xml.Decoder
	depth   int    // elements open
	charset string // an encoding the file declares and we do not read
}

// NewDecoder returns a Decoder reading r; format ("disqus") starts every
// error message.
func NewDecoder(r io.Reader, format string) *Decoder {
	d := &Decoder{format: format, in: &limitReader{r: bufio.NewReader(r)}}
	d.d = xml.NewDecoder(d.in)
	d.d.Strict = true
	d.d.CharsetReader = d.charsetReader
	return d
}

// Errorf returns an error wrapping source.ErrFormat whose message is the
// format's name followed by the formatted text.
func (d *Decoder) Errorf(format string, args ...any) error {
	return &formatError{d.format + ": " + fmt.Sprintf(format, args...)}
}

// Line is the line of the file the decoder has reached, for messages.
func (d *Decoder) Line() int {
	line, _ := d.d.InputPos()
	return line
}

// Root reads up to the file's first element and returns its start. A file
// with no element, or with text before it, is refused.
func (d *Decoder) Root() (xml.StartElement, error) {
	for {
		t, err := d.token()
		if err == io.EOF {
			return xml.StartElement{}, d.Errorf("the file holds no XML element (is it empty?)")
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if !blank(t) {
				return xml.StartElement{}, d.Errorf("not an XML file (it starts with text)")
			}
		}
	}
}

// Children calls fn for each child element of the element read last (the
// root, or the one passed to an enclosing fn), then consumes that
// element's end. fn may read the child with Text or Children; whatever it
// leaves unread is skipped. Text between the children is ignored. An
// error from fn stops the reading and is returned as it is.
func (d *Decoder) Children(fn func(xml.StartElement) error) error {
	parent := d.depth
	for {
		t, err := d.token()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if err := fn(t); err != nil {
				return err
			}
			if err := d.skipTo(parent); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// Text reads the text of the element start, which must be the element
// read last, up to its end. An element inside it, or a text longer than
// source.MaxField, is refused.
func (d *Decoder) Text(start xml.StartElement) (string, error) {
	var b strings.Builder
	for {
		t, err := d.token()
		if err != nil {
			return "", err
		}
		switch t := t.(type) {
		case xml.CharData:
			if b.Len()+len(t) > source.MaxField {
				return "", d.Errorf("line %d: <%s> is longer than %d bytes", d.Line(), start.Name.Local, source.MaxField)
			}
			b.Write(t)
		case xml.StartElement:
			return "", d.Errorf("line %d: <%s> holds an element <%s>, want text", d.Line(), start.Name.Local, t.Name.Local)
		case xml.EndElement:
			return b.String(), nil
		}
	}
}

// Attr returns the value of start's attribute name with surrounding space
// trimmed, or "" when it has none. A value longer than source.MaxField is
// refused.
func (d *Decoder) Attr(start xml.StartElement, name xml.Name) (string, error) {
	for _, a := range start.Attr {
		if a.Name != name {
			continue
		}
		if len(a.Value) > source.MaxField {
			return "", d.Errorf("line %d: attribute %s of <%s> is longer than %d bytes", d.Line(), a.Name.Local, start.Name.Local, source.MaxField)
		}
		return strings.TrimSpace(a.Value), nil
	}
	return "", nil
}

// End reads what follows the root element's end, which may only be space,
// comments and processing instructions.
func (d *Decoder) End() error {
	for {
		t, err := d.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if cd, ok := t.(xml.CharData); !ok || !blank(cd) {
			return d.Errorf("line %d: content after the end of the root element", d.Line())
		}
	}
}

// token returns the next start, end or text; it checks and drops
// declarations, and drops comments and processing instructions. A text's
// bytes are valid only until the next call.
func (d *Decoder) token() (xml.Token, error) {
	for {
		d.in.n = 0
		t, err := d.d.Token()
		if err != nil {
			return nil, d.fail(err)
		}
		switch t := t.(type) {
		case xml.StartElement:
			d.depth++
			if d.depth > maxDepth {
				return nil, d.Errorf("line %d: elements nested more than %d deep; refused", d.Line(), maxDepth)
			}
			return t, nil
		case xml.EndElement:
			d.depth--
			return t, nil
		case xml.CharData:
			return t, nil
		case xml.Directive:
			if err := d.directive(t); err != nil {
				return nil, err
			}
		}
	}
}

// skipTo reads until only depth elements are open.
func (d *Decoder) skipTo(depth int) error {
	for d.depth > depth {
		if _, err := d.token(); err != nil {
			return err
		}
	}
	return nil
}

// directive refuses a <!...> declaration other than a DOCTYPE without
// entities and without an external DTD.
func (d *Decoder) directive(dir xml.Directive) error {
	if bytes.Contains(bytes.ToUpper(dir), []byte("ENTITY")) {
		return d.Errorf("line %d: the file declares entities; refused", d.Line())
	}
	head, _, _ := bytes.Cut(dir, []byte("["))
	f := strings.Fields(string(head))
	if len(f) == 0 || f[0] != "DOCTYPE" {
		return d.Errorf("line %d: a <!...> declaration other than DOCTYPE; refused", d.Line())
	}
	if len(f) > 2 {
		return d.Errorf("line %d: the DOCTYPE names an external DTD; refused", d.Line())
	}
	return nil
}

// fail turns an error of the xml decoder into one of ours.
func (d *Decoder) fail(err error) error {
	var syntax *xml.SyntaxError
	switch {
	case err == io.EOF:
		return io.EOF
	case d.in.err != nil:
		return fmt.Errorf("%s: reading the file: %w", d.format, d.in.err)
	case errors.Is(err, errTooLong):
		return d.Errorf("line %d: an XML token is longer than %d bytes; refused", d.Line(), maxToken)
	case d.charset != "":
		return d.Errorf("the file is encoded in %.40q; only UTF-8, ISO-8859-1 and windows-1252 are read", d.charset)
	case errors.As(err, &syntax):
		return d.Errorf("malformed XML at line %d: %s", syntax.Line, syntax.Msg)
	}
	return d.Errorf("malformed XML at line %d: %v", d.Line(), err)
}

// charsetReader decodes the encodings a file may declare besides UTF-8.
func (d *Decoder) charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf8", "us-ascii", "ascii":
		return r, nil
	case "iso-8859-1", "iso8859-1", "latin1", "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(r), nil
	}
	d.charset = label
	return nil, errors.New("unsupported encoding")
}

// blank reports whether b is only white space (or a byte order mark).
func blank(b []byte) bool {
	return len(bytes.Trim(b, " \t\r\n\uFEFF")) == 0
}

// formatError is an error the file is to blame for.
type formatError struct{ msg string }

func (e *formatError) Error() string { return e.msg }
func (e *formatError) Unwrap() error { return source.ErrFormat }

// limitReader reads the file for the xml decoder and fails once one token
// has taken more than maxToken bytes; the Decoder resets n before each.
type limitReader struct {
	r   *bufio.Reader
	n   int   // bytes read for the current token
	err error // the file's own read error, if any
}

func (l *limitReader) ReadByte() (byte, error) {
	if l.n >= maxToken {
		return 0, errTooLong
	}
	b, err := l.r.ReadByte()
	l.n++
	l.note(err)
	return b, err
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n >= maxToken {
		return 0, errTooLong
	}
	p = p[:min(len(p), maxToken-l.n)]
	n, err := l.r.Read(p)
	l.n += n
	l.note(err)
	return n, err
}

func (l *limitReader) note(err error) {
	if err != nil && err != io.EOF {
		l.err = err
	}
}
