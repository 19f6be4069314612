package server

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

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
		Name:        strings.TrimSpace(in.Name),
		Affiliation: strings.TrimSpace(in.Affiliation),
		Website:     strings.TrimSpace(in.Website),
		Email:       strings.TrimSpace(in.Email),
	}
	if err := singleLine("author.name", a.Name, maxNameLen); err != nil {
		return a, err
	}
	if set.RequireName && a.Name == "" {
		return a, invalid("required", "author.name", "Please enter your name.")
	}
	if err := singleLine("author.affiliation", a.Affiliation, maxAffiliationLen); err != nil {
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
	if len(a.Email) > maxEmailLen {
		return a, invalid("too_long", "author.email", "The e-mail address is too long.")
	}
	if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email || addr.Name != "" {
		return a, invalid("invalid", "author.email", "The e-mail address is not valid.")
	}
	return a, nil
}

// validBody checks a Markdown body and returns it with line endings
// normalized to \n.
func validBody(body string, maxLen int) (string, error) {
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
