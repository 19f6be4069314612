// Package pagekey turns what an embedder tells the widget about a page into
// the key its comments are stored under.
//
// The embedder gives either a data-page-id (any string that is not an
// absolute http or https URL, such as "post-42") or the page's URL. Normalize
// applies one rule so that the many spellings of one page share a thread:
//
//   - Surrounding white space is trimmed. A value that is then empty, longer
//     than 2048 bytes, not valid UTF-8 or containing a control character
//     (U+0000-U+001F, U+007F-U+009F) is rejected. The result is held to the
//     same 2048-byte limit.
//   - A value that is not an absolute http or https URL with a host is a page
//     id and is returned as it is, trimmed. Page ids are case sensitive.
//   - For a URL: the scheme and host are lower-cased (ASCII letters only;
//     give international names in their xn-- form, as browsers report
//     them; other non-ASCII bytes in a host are percent-encoded). The scheme is kept: http and https pages are different keys,
//     because they are different URLs and merging them would be a guess;
//     an embedder who moves a site to https and wants to keep its threads
//     should set data-page-id. "www." is kept for the same reason.
//   - The default port (80 for http, 443 for https), an empty port, leading
//     zeros in the port, user name and password, and the fragment are
//     dropped.
//   - The path is cleaned: "." and ".." segments are resolved, runs of
//     slashes become one, and a trailing slash is removed from every path
//     except "/", so /post/, /post and //post// are one page. An empty path
//     becomes "/".
//   - Percent-encoding is made canonical: escapes of unreserved characters
//     (letters, digits, "-", ".", "_", "~") are decoded, other escapes use
//     upper-case hex, and characters that need escaping are escaped.
//   - Query parameters that only track where a visitor came from are
//     removed; their names are compared case-insensitively: every utm_*,
//     and fbclid, gclid, gclsrc, dclid, gbraid, wbraid, msclkid, yclid,
//     twclid, ttclid, li_fat_id, igshid, mc_cid, mc_eid, _ga, _gl, _hsenc,
//     _hsmi, mkt_tok, srsltid, ref and ref_src. "ref" is on the list because
//     blog platforms and newsletters append ?ref=<site> to every outbound
//     link; a site whose pages really differ by ?ref= should use
//     data-page-id.
//   - The remaining parameters are re-encoded in the canonical form-encoding
//     (a space is "+", everything but letters, digits and "-._~" is
//     escaped) and sorted by name; parameters with the same name keep their
//     order, since it can matter to the page. Empty parameters ("a=1&&b=2")
//     are dropped, and so is a "?" with nothing after it.
//
// Normalize is idempotent: a key normalizes to itself.
package pagekey

import (
	"errors"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen is the longest page id or URL accepted, in bytes. It is generous
// for real URLs and keeps keys short enough to index.
const MaxLen = 2048

// Errors returned by Normalize; callers map them all to a 4xx on the field.
var (
	ErrEmpty      = errors.New("pagekey: empty page key")
	ErrTooLong    = errors.New("pagekey: page key longer than 2048 bytes")
	ErrInvalidKey = errors.New("pagekey: page key is not valid UTF-8 or contains a control character")
)

// Normalize returns the page key for what the embedder gave: a data-page-id
// (any string that is not an absolute http(s) URL, trimmed) or a page URL in
// its canonical form. The rule is in the package documentation.
func Normalize(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if err := check(s); err != nil {
		return "", err
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Opaque != "" {
		return s, nil
	}
	key := normalizeURL(u)
	if len(key) > MaxLen {
		// Escaping can lengthen a URL; holding the result to the same
		// limit keeps Normalize idempotent.
		return "", ErrTooLong
	}
	return key, nil
}

func check(s string) error {
	switch {
	case s == "":
		return ErrEmpty
	case len(s) > MaxLen:
		return ErrTooLong
	case !utf8.ValidString(s):
		return ErrInvalidKey
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return ErrInvalidKey
		}
	}
	return nil
}

// normalizeURL assembles the canonical form by hand rather than through
// url.URL.String, whose output depends on which of Path and RawPath is set.
func normalizeURL(u *url.URL) string {
	var b strings.Builder
	b.WriteString(u.Scheme) // url.Parse has already lower-cased it
	b.WriteString("://")
	b.WriteString(host(u))
	b.WriteString(cleanPath(canonicalEscapes(u.EscapedPath())))
	if q := normalizeQuery(u.RawQuery); q != "" {
		b.WriteByte('?')
		b.WriteString(q)
	}
	return b.String()
}

// host returns the lower-cased host with the port only when it is not the
// scheme's default.
func host(u *url.URL) string {
	name := asciiLower(u.Hostname())
	// Hostname drops the brackets of an IPv6 literal; put them back.
	if strings.Contains(name, ":") {
		name = "[" + name + "]"
	}
	// Escape what url.Parse decoded (an IPv6 zone's "%", non-ASCII bytes),
	// so that the key parses back to the same host.
	name = escapeHost(name)
	port := strings.TrimLeft(u.Port(), "0")
	if u.Port() != "" && port == "" {
		port = "0"
	}
	if port == "" || (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		return name
	}
	return name + ":" + port
}

// asciiLower lower-cases ASCII letters only. Unicode case mapping is not
// what DNS does, and it is not always stable when applied twice.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}
