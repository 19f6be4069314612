package outbound

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// MaxURLLen is the longest URL CheckURL accepts, in bytes.
const MaxURLLen = 2048

// ErrInvalidURL is wrapped by CheckURL's errors for a URL that is not an
// absolute http or https URL with a host; callers map it to a 4xx on the
// field, like ErrForbiddenAddress.
var ErrInvalidURL = errors.New("outbound: invalid URL")

// CheckURL validates a URL an owner is saving as a receiver: an absolute
// http or https URL with a host, no user name or password, and a port, if
// any, in 1-65535. Unless allowPrivate is set, a host that is a literal IP
// address must pass the address rule (the error wraps ErrForbiddenAddress),
// and "localhost" and names under it are refused outright. Other host names
// are checked when dialled, because their DNS answers can change; passing
// CheckURL is no promise that the URL will be reachable.
//
// A host whose last label is a number, such as "2130706433" or "127.1", is
// refused as invalid: browsers and some resolvers read such names as IPv4
// addresses in forms the literal check would not recognise.
func CheckURL(raw string, allowPrivate bool) error {
	if len(raw) > MaxURLLen {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidURL, MaxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidURL, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%w: scheme must be http or https", ErrInvalidURL)
	case u.Opaque != "" || u.Hostname() == "":
		return fmt.Errorf("%w: no host", ErrInvalidURL)
	case u.User != nil:
		return fmt.Errorf("%w: user name or password in URL", ErrInvalidURL)
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
			return fmt.Errorf("%w: port %q", ErrInvalidURL, port)
		}
	}
	host := u.Hostname()
	if addr, err := netip.ParseAddr(host); err == nil {
		if allowPrivate {
			return nil
		}
		return checkAddr(addr)
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	labels := strings.Split(name, ".")
	if numeric(labels[len(labels)-1]) {
		return fmt.Errorf("%w: host %q looks like an IPv4 address", ErrInvalidURL, host)
	}
	if !allowPrivate && (name == "localhost" || strings.HasSuffix(name, ".localhost")) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, host)
	}
	return nil
}

// numeric reports whether a lower-case host label is a decimal number or a
// 0x hex one, the labels that make the URL standard parse a host as IPv4.
func numeric(label string) bool {
	digits := "0123456789"
	if strings.HasPrefix(label, "0x") {
		label, digits = label[2:], "0123456789abcdef"
		if label == "" {
			return true // "0x" alone is zero
		}
	}
	if label == "" {
		return false
	}
	for _, r := range label {
		if !strings.ContainsRune(digits, r) {
			return false
		}
	}
	return true
}
