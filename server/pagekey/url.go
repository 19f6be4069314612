package pagekey

import (
	"path"
	"slices"
	"strings"
)

// tracking holds the lower-cased names of query parameters that identify a
// campaign or a click rather than a page; utm_* is matched by prefix.
var tracking = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true,
	"gbraid": true, "wbraid": true, "msclkid": true, "yclid": true,
	"twclid": true, "ttclid": true, "li_fat_id": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true,
	"_hsenc": true, "_hsmi": true, "mkt_tok": true, "srsltid": true,
	"ref": true, "ref_src": true,
}

func isTracking(name string) bool {
	name = asciiLower(name)
	return strings.HasPrefix(name, "utm_") || tracking[name]
}

// normalizeQuery drops tracking and empty parameters, re-encodes the rest
// and sorts them by name.
func normalizeQuery(raw string) string {
	type param struct{ name, pair string }
	var params []param
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, hasValue := strings.Cut(part, "=")
		name := unescape(k, true)
		if isTracking(name) {
			continue
		}
		p := param{name: escapeForm(name)}
		p.pair = p.name
		if hasValue {
			// "a" and "a=" stay distinct; a page may tell them apart.
			p.pair += "=" + escapeForm(unescape(v, true))
		}
		params = append(params, p)
	}
	slices.SortStableFunc(params, func(a, b param) int { return strings.Compare(a.name, b.name) })
	pairs := make([]string, len(params))
	for i, p := range params {
		pairs[i] = p.pair
	}
	return strings.Join(pairs, "&")
}

// cleanPath resolves dot segments, collapses slashes and removes a trailing
// slash. It works on the escaped path, so an escaped slash (%2F) stays part
// of its segment.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	// url.Parse guarantees a path after a host starts with "/", and
	// path.Clean keeps it that way; Clean also turns "/a/" into "/a".
	return path.Clean(p)
}

// canonicalEscapes rewrites an escaped path so that equal paths are spelled
// alike: escapes of unreserved characters are decoded, every other escape
// uses upper-case hex, and bytes that are not allowed in a path are escaped.
func canonicalEscapes(p string) string {
	return escapePath(unescape(p, false))
}

// unescape decodes %XX escapes, and "+" as a space in form encoding. It never
// fails: a "%" that does not start a valid escape is kept as a literal "%",
// which is how browsers treat it. Escaped bytes that would be changed by
// decoding (everything but unreserved characters, in a path) stay escaped,
// upper-cased, so %2F is not confused with "/".
func unescape(s string, form bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+' && form:
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if form || isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteString(strings.ToUpper(s[i : i+3]))
			}
			i += 2
		case c == '%' && form:
			b.WriteByte('%')
		case c == '%':
			b.WriteString("%25")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// escapeForm escapes a query parameter's name or value in the canonical form
// encoding: unreserved characters as they are, a space as "+", every other
// byte as %XX.
func escapeForm(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isUnreserved(c):
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			percent(&b, c)
		}
	}
	return b.String()
}

// escapePath escapes the bytes a path may not hold. Every "%" in its input
// starts an escape that unescape has already made canonical, so those are
// kept.
func escapePath(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isPathByte(c):
			b.WriteByte(c)
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteString(s[i : i+3])
			i += 2
		default:
			percent(&b, c)
		}
	}
	return b.String()
}

// escapeHost escapes what url.Parse decoded in a host: the "%" of an IPv6
// zone and non-ASCII bytes, so the key parses back to the same host.
func escapeHost(h string) string {
	var b strings.Builder
	for i := 0; i < len(h); i++ {
		if c := h[i]; c == '%' || c >= 0x80 {
			percent(&b, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func percent(b *strings.Builder, c byte) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('%')
	b.WriteByte(hex[c>>4])
	b.WriteByte(hex[c&15])
}

// isUnreserved reports RFC 3986 unreserved characters, which mean the same
// escaped or not.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// isPathByte reports the characters RFC 3986 allows unescaped in a path.
func isPathByte(c byte) bool {
	return isUnreserved(c) || strings.IndexByte("!$&'()*+,;=:@/", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
