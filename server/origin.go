package server

import (
	"net/url"
	"strings"
)

// originAllowed reports whether a browser Origin header value matches one of
// a site's allowed origins. Scheme and host must match exactly; the port
// must match too, where a pattern port of "*" matches any port (so
// "http://localhost:*" covers every local development server). A missing
// port means the scheme's default port.
func originAllowed(origin string, patterns []string) bool {
	o, ok := parseOrigin(origin)
	if !ok {
		return false
	}
	for _, p := range patterns {
		po, ok := parseOrigin(p)
		if !ok {
			continue
		}
		if po.scheme == o.scheme && po.host == o.host && (po.port == "*" || po.port == o.port) {
			return true
		}
	}
	return false
}

type origin struct{ scheme, host, port string }

// parseOrigin splits "scheme://host[:port]" into its parts, filling in the
// default port. Anything with a path, query, user info or an opaque "null"
// origin is refused.
func parseOrigin(s string) (origin, bool) {
	wildcard := strings.HasSuffix(s, ":*")
	if wildcard {
		s = strings.TrimSuffix(s, ":*")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return origin{}, false
	}
	o := origin{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname()), port: u.Port()}
	if o.scheme != "http" && o.scheme != "https" {
		return origin{}, false
	}
	switch {
	case wildcard:
		if o.port != "" {
			return origin{}, false
		}
		o.port = "*"
	case o.port == "" && o.scheme == "http":
		o.port = "80"
	case o.port == "" && o.scheme == "https":
		o.port = "443"
	}
	return o, true
}

// validOriginPattern reports whether s can be stored as an allowed origin.
func validOriginPattern(s string) bool {
	_, ok := parseOrigin(s)
	return ok
}
