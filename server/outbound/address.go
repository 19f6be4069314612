package outbound

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrForbiddenAddress is wrapped by every refusal under the address rule (see
// the package documentation): from a client's dialer, reached through
// *url.Error and *net.OpError, and from CheckURL for a literal address.
var ErrForbiddenAddress = errors.New("outbound: address is not public")

// forbiddenV4 holds the IPv4 ranges that do not lead to a public host. The
// IPv4 space is mostly public, so it is a list of exceptions.
var forbiddenV4 = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("10.0.0.0/8"),      // private, RFC 1918
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT, RFC 6598
	netip.MustParsePrefix("127.0.0.0/8"),     // loopback
	netip.MustParsePrefix("169.254.0.0/16"),  // link-local, cloud metadata
	netip.MustParsePrefix("172.16.0.0/12"),   // private, RFC 1918
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation, TEST-NET-1
	netip.MustParsePrefix("192.88.99.0/24"),  // former 6to4 relay anycast
	netip.MustParsePrefix("192.168.0.0/16"),  // private, RFC 1918
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking, RFC 2544
	netip.MustParsePrefix("198.51.100.0/24"), // documentation, TEST-NET-2
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation, TEST-NET-3
	netip.MustParsePrefix("224.0.0.0/4"),     // multicast
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
}

// IPv6 is judged the other way round: only global unicast can be public, and
// a few ranges inside it are not.
var (
	globalV6 = netip.MustParsePrefix("2000::/3")
	nat64V6  = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052, IPv4 in the last 32 bits
	teredoV6 = netip.MustParsePrefix("2001::/32")    // RFC 4380
	sixTo4V6 = netip.MustParsePrefix("2002::/16")    // RFC 3056, IPv4 in bits 16-47

	forbiddenV6 = []netip.Prefix{
		netip.MustParsePrefix("2001:2::/48"),   // benchmarking, RFC 5180
		netip.MustParsePrefix("2001:db8::/32"), // documentation, RFC 3849
		netip.MustParsePrefix("3fff::/20"),     // documentation, RFC 9637
	}
)

// publicAddr reports whether addr may be dialled under the address rule.
func publicAddr(addr netip.Addr) bool {
	// A zone only ever qualifies a link-local address; Prefix.Contains would
	// say no to any zoned address, so judge the address without it.
	addr = addr.WithZone("").Unmap()
	if addr.Is4() {
		return publicV4(addr)
	}
	if !addr.Is6() {
		return false // the zero Addr
	}
	b := addr.As16()
	switch {
	case nat64V6.Contains(addr):
		return publicV4(netip.AddrFrom4([4]byte(b[12:16])))
	case !globalV6.Contains(addr):
		return false
	case teredoV6.Contains(addr):
		// The server address is plain, the client's is stored inverted.
		server := netip.AddrFrom4([4]byte(b[4:8]))
		client := netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]})
		return publicV4(server) && publicV4(client)
	case sixTo4V6.Contains(addr):
		return publicV4(netip.AddrFrom4([4]byte(b[2:6])))
	}
	for _, p := range forbiddenV6 {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

func publicV4(addr netip.Addr) bool {
	for _, p := range forbiddenV4 {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// checkAddr returns nil for a public address and an error wrapping
// ErrForbiddenAddress otherwise.
func checkAddr(addr netip.Addr) error {
	if publicAddr(addr) {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrForbiddenAddress, addr)
}
