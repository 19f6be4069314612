package clientip

import (
	"net/netip"
	"strings"
)

// lastElement splits the last comma-separated element off an
// X-Forwarded-For style line, trimmed; it is empty for an empty element.
func lastElement(line string) (elem, rest string) {
	j := strings.LastIndexByte(line, ',')
	if j < 0 {
		return trimOWS(line), ""
	}
	return trimOWS(line[j+1:]), line[:j]
}

// forwardedNodes returns the for= value of each non-empty element of one
// Forwarded line, left to right. An element that is malformed, lacks for=
// or repeats it gives "", which is not an address and so ends the walk. A
// syntax error skips to the next comma outside quotes; an unterminated
// quote takes the rest of the line with it.
func forwardedNodes(line string) []string {
	var nodes []string
	var started, haveFor, bad bool
	var node string
	end := func() {
		if started {
			if bad || !haveFor {
				node = ""
			}
			nodes = append(nodes, node)
		}
		started, haveFor, bad, node = false, false, false, ""
	}
	s := line
	for {
		s = trimOWS(s)
		if s == "" {
			end()
			return nodes
		}
		switch s[0] {
		case ',':
			end()
			s = s[1:]
			continue
		case ';':
			started = true
			s = s[1:]
			continue
		}
		started = true
		name, val, rest, ok := cutPair(s)
		if !ok {
			bad = true
			s = skipElement(s)
			continue
		}
		if strings.EqualFold(name, "for") {
			bad = bad || haveFor
			haveFor, node = true, val
		}
		s = rest
	}
}

// cutPair reads `name=value` from the front of s, where value is a quoted
// string or, leniently, any run of characters up to a separator or space.
// rest starts at the separator that follows, or is empty.
func cutPair(s string) (name, val, rest string, ok bool) {
	n := tokenLen(s)
	if n == 0 || n == len(s) || s[n] != '=' {
		return "", "", "", false
	}
	name, s = s[:n], s[n+1:]
	if s != "" && s[0] == '"' {
		if val, s, ok = cutQuoted(s); !ok {
			return "", "", "", false
		}
	} else {
		n = strings.IndexAny(s, ",; \t")
		if n < 0 {
			n = len(s)
		}
		val, s = s[:n], s[n:]
	}
	s = trimOWS(s)
	if s != "" && s[0] != ',' && s[0] != ';' {
		return "", "", "", false
	}
	return name, val, s, true
}

// cutQuoted reads the quoted string at the front of s, undoing backslash
// escapes; ok is false when it is not terminated.
func cutQuoted(s string) (val, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			if i++; i == len(s) {
				return "", "", false
			}
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// skipElement returns s from the first comma outside a quoted string, or
// "" if there is none.
func skipElement(s string) string {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				return s[i:]
			}
		}
	}
	return ""
}

// parseNode reads one entry: an IPv4 address, an IPv6 address with or
// without brackets, or either with a port. In Forwarded nodes the port may
// be obfuscated ("_abc"). ok is false for anything else.
func parseNode(s string, forwarded bool) (netip.Addr, bool) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return netip.Addr{}, false
		}
		a, err := netip.ParseAddr(s[1:end])
		if err != nil || !a.Is6() {
			return netip.Addr{}, false
		}
		if rest := s[end+1:]; rest != "" && (rest[0] != ':' || !validPort(rest[1:], forwarded)) {
			return netip.Addr{}, false
		}
		return norm(a), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return norm(a), true
	}
	host, port, found := strings.Cut(s, ":")
	if !found || !validPort(port, forwarded) {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil || !a.Is4() {
		return netip.Addr{}, false
	}
	return a, true
}

// validPort reports whether p is a decimal port or, when obfuscated ports
// are allowed, RFC 7239's "_" followed by letters, digits, ".", "_", "-".
func validPort(p string, obfuscated bool) bool {
	if obfuscated && len(p) > 1 && p[0] == '_' {
		for i := 1; i < len(p); i++ {
			if c := p[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
				return false
			}
		}
		return true
	}
	if p == "" || len(p) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
		n = n*10 + int(p[i]-'0')
	}
	return n <= 65535
}

// tokenLen is the length of the RFC 9110 token at the front of s.
func tokenLen(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return i
		}
	}
	return len(s)
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// trimOWS drops the spaces and tabs HTTP allows around list elements.
func trimOWS(s string) string { return strings.Trim(s, " \t") }
