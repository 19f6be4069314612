package server

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/server/textnorm"
	"github.com/parley-dev/parley/storage"
)

// Field limits, in characters (runes).
const (
	maxNameLen        = 64
	maxAffiliationLen = 120
	maxURLLen         = 2048
	maxEmailLen       = 254
	maxTitleLen       = 300
)

// authorInput is the author object a reader sends.
type authorInput struct {
	Name        string `json:"name"`
	Email       string `json:"email"`
	Website     string `json:"website"`
	Affiliation string `json:"affiliation"`
}

// validAuthor checks and trims a reader's author fields against the site's
// rules. Every field is plain text: it is stored as typed and never
// interpreted as HTML.
func validAuthor(in authorInput, set storage.SiteSettings) (storage.Author, error) {
	a := storage.Author{
		Website: strings.TrimSpace(in.Website),
		Email:   strings.TrimSpace(in.Email),
	}
	var err error
	if a.Name, err = validName("author.name", in.Name, maxNameLen); err != nil {
		return a, err
	}
	if set.RequireName && a.Name == "" {
		return a, invalid("required", "author.name", "Please enter your name.")
	}
	if a.Affiliation, err = validName("author.affiliation", in.Affiliation, maxAffiliationLen); err != nil {
		return a, err
	}
	if a.Website != "" {
		if err := httpURL("author.website", a.Website); err != nil {
			return a, err
		}
	}
	if a.Email == "" {
		if set.RequireEmail {
			return a, invalid("required", "author.email", "Please enter your e-mail address.")
		}
		return a, nil
	}
	return a, validEmail("author.email", a.Email)
}

// validEmail checks a bare e-mail address (no display name).
func validEmail(field, s string) error {
	if len(s) > maxEmailLen {
		return invalid("too_long", field, "The e-mail address is too long.")
	}
	if addr, err := mail.ParseAddress(s); err != nil || addr.Address != s || addr.Name != "" {
		return invalid("invalid", field, "The e-mail address is not valid.")
	}
	return nil
}

// validName normalizes a name or affiliation (textnorm.Name: the PRECIS
// nickname profile, no invisible or formatting characters, a few combining
// marks at most) and checks its length.
func validName(field, s string, maxLen int) (string, error) {
	if !utf8.ValidString(s) {
		return "", invalid("invalid_utf8", field, "The text is not valid UTF-8.")
	}
	n, err := textnorm.Name(s)
	switch {
	case errors.Is(err, textnorm.ErrInvisible):
		return "", invalid("invalid", field, "The text contains invisible or formatting characters.")
	case errors.Is(err, textnorm.ErrTooManyMarks):
		return "", invalid("invalid", field, "The text stacks too many accents on one letter.")
	case err != nil:
		return "", invalid("invalid", field, "The text contains characters that are not allowed in a name.")
	}
	return n, singleLine(field, n, maxLen)
}

// validBody checks a comment body and renders it: line endings normalized
// to \n, within the site's length, and something left to show.
func (s *Server) validBody(site storage.Site, raw string) (posting.Body, error) {
	md, err := checkBody(raw, site.Settings.MaxLength)
	if err != nil {
		return posting.Body{}, err
	}
	return s.render(site, md)
}

// render renders a checked body, which must show something.
func (s *Server) render(site storage.Site, md string) (posting.Body, error) {
	b := s.poster.Render(site, md)
	if strings.TrimSpace(b.HTML()) == "" {
		return b, invalid("required", "body", "The comment shows nothing; please write some text.")
	}
	return b, nil
}

// renderInto is the pipeline's Render step of a write of md on site: it
// renders md into *b and the write.
func (s *Server) renderInto(site storage.Site, md string, b *posting.Body) func(*moderation.Write) error {
	return func(w *moderation.Write) error {
		var err error
		if *b, err = s.render(site, md); err != nil {
			return err
		}
		w.Markdown, w.HTML = b.Markdown(), b.HTML()
		return nil
	}
}

// checkBody checks a Markdown body and returns it with line endings
// normalized to \n.
func checkBody(body string, maxLen int) (string, error) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if strings.TrimSpace(body) == "" {
		return "", invalid("required", "body", "Please write a comment.")
	}
	if n := utf8.RuneCountInString(body); n > maxLen {
		return "", invalid("too_long", "body", fmt.Sprintf("The comment is %d characters long; the limit is %d.", n, maxLen))
	}
	for _, r := range body {
		if r == '\n' || r == '\t' {
			continue
		}
		if unicode.IsControl(r) {
			return "", invalid("invalid", "body", "The comment contains control characters.")
		}
	}
	return body, nil
}

// singleLine checks a one-line plain-text field: length, no control
// characters, no bidirectional overrides that could disguise a name.
func singleLine(field, s string, maxLen int) error {
	if !utf8.ValidString(s) {
		return invalid("invalid_utf8", field, "The text is not valid UTF-8.")
	}
	if utf8.RuneCountInString(s) > maxLen {
		return invalid("too_long", field, fmt.Sprintf("At most %d characters, please.", maxLen))
	}
	for _, r := range s {
		if unicode.IsControl(r) || isBidiControl(r) {
			return invalid("invalid", field, "The text contains control characters.")
		}
	}
	return nil
}

func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// httpURL checks that s is an absolute http or https URL with a host.
func httpURL(field, s string) error {
	if len(s) > maxURLLen {
		return invalid("too_long", field, fmt.Sprintf("At most %d characters, please.", maxURLLen))
	}
	if err := singleLine(field, s, maxURLLen); err != nil {
		return err
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid("invalid", field, "Use a full web address starting with http:// or https://.")
	}
	return nil
}
