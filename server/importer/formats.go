package importer

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/server/importer/commento"
	"github.com/parley-dev/parley/server/importer/disqus"
	"github.com/parley-dev/parley/server/importer/isso"
	"github.com/parley-dev/parley/server/importer/native"
	"github.com/parley-dev/parley/server/importer/remark42"
	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/server/importer/wxr"
)

// Format names an export format.
type Format string

// The formats Parley imports.
const (
	Disqus    Format = "disqus"    // Disqus's XML export
	WordPress Format = "wordpress" // WordPress's WXR export
	Remark42  Format = "remark42"  // Remark42's backup file
	Commento  Format = "commento"  // Commento's JSON export
	Isso      Format = "isso"      // Isso's SQLite database
	Parley    Format = "parley"    // Parley's own export
)

// Formats lists the formats in the order help texts show them.
var Formats = []Format{Disqus, WordPress, Remark42, Commento, Isso, Parley}

var parsers = map[Format]func(io.Reader, source.Handler) error{
	Disqus:    disqus.Parse,
	WordPress: wxr.Parse,
	Remark42:  remark42.Parse,
	Commento:  commento.Parse,
	Isso:      parseIsso,
	Parley:    native.Parse,
}

// ParseFormat reads a format's name; "wxr" is WordPress too.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if f == "wxr" {
		f = WordPress
	}
	if _, ok := parsers[f]; !ok {
		return "", fmt.Errorf("%w: unknown format %q (known: %s)", ErrInput, s, formatList())
	}
	return f, nil
}

// Title is the format's name as people know it.
func (f Format) Title() string {
	switch f {
	case WordPress:
		return "WordPress (WXR)"
	case Remark42:
		return "Remark42 backup"
	case Commento:
		return "Commento / Comentario"
	case Isso:
		return "Isso (SQLite database)"
	case Parley:
		return "Parley export"
	case Disqus:
		return "Disqus (XML)"
	}
	return string(f)
}

func formatList() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// decompress returns r, gunzipped when it starts with gzip's magic bytes.
func decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("%w: not a valid gzip file: %w", ErrInput, err)
	}
	return zr, nil
}

// parseIsso copies the database to a temporary file: SQLite reads files,
// not streams.
func parseIsso(r io.Reader, h source.Handler) error {
	f, err := os.CreateTemp("", "parley-isso-*.db")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("isso: %w: %w", source.ErrFormat, err)
	}
	return isso.ParseFile(f.Name(), h)
}

func uuidOf(s string) (uuid.UUID, error) { return uuid.Parse(s) }

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// email is a source's address in lower case, or "" when it is not one.
func email(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || len(s) > 254 {
		return ""
	}
	return s
}

// website keeps an http or https address with a host.
func website(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 2048 {
		return ""
	}
	return s
}
