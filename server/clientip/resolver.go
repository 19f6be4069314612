package clientip

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"net/textproto"
	"strings"
)

// DefaultHeader is the header New reads when it is given none.
const DefaultHeader = "X-Forwarded-For"

// Resolver finds the client address of a request from its TCP peer and the
// forwarding header the operator's proxies set, by the rule in the package
// documentation. It does not change after New and is safe for concurrent
// use.
type Resolver struct {
	trusted   []netip.Prefix
	header    string
	forwarded bool // header is RFC 7239 Forwarded
}

// New builds a Resolver that believes header only from the proxies in
// trusted: IPv4 or IPv6 addresses (a /32 or /128) or CIDR prefixes, with
// surrounding spaces ignored. An empty header means DefaultHeader; the
// name "Forwarded", in any case, selects RFC 7239 parsing. The error names
// the first entry that does not parse. With no trusted proxies every
// request is its own peer.
func New(trusted []string, header string) (*Resolver, error) {
	header = strings.TrimSpace(header)
	if header == "" {
		header = DefaultHeader
	}
	if tokenLen(header) != len(header) {
		return nil, fmt.Errorf("clientip: %q is not a header name", header)
	}
	r := &Resolver{
		header:    textproto.CanonicalMIMEHeaderKey(header),
		forwarded: strings.EqualFold(header, "Forwarded"),
	}
	for _, s := range trusted {
		p, err := parseTrusted(s)
		if err != nil {
			return nil, err
		}
		r.trusted = append(r.trusted, p)
	}
	return r, nil
}

// parseTrusted reads one trusted proxy entry. A mapped IPv4 prefix of /96
// or longer becomes the IPv4 prefix it stands for, since addresses are
// compared unmapped.
func parseTrusted(s string) (netip.Prefix, error) {
	t := strings.TrimSpace(s)
	if strings.Contains(t, "/") {
		p, err := netip.ParsePrefix(t)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("clientip: trusted proxy %q is not an IP or CIDR", s)
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(t)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("clientip: trusted proxy %q is not an IP or CIDR", s)
	}
	a = norm(a)
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Header is the canonical name of the header the Resolver reads, for the
// caller to collect its lines (all of them, in order) for Client.
func (r *Resolver) Header() string { return r.header }

// Trusted reports whether a is one of the trusted proxies. LimitConns takes
// it as its exempt function.
func (r *Resolver) Trusted(a netip.Addr) bool { return r.trusts(norm(a)) }

// trusts is Trusted for an address already normalized.
func (r *Resolver) trusts(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client returns the client address of a request that arrived from peer
// with values as the lines of r's header, in the order received. The result
// is peer (unmapped, without zone) when peer is not a trusted proxy, and
// otherwise peer or one of the entries. It does not allocate for
// X-Forwarded-For style headers.
func (r *Resolver) Client(peer netip.Addr, values []string) netip.Addr {
	last := norm(peer)
	if !r.trusts(last) {
		return last
	}
	for i := len(values) - 1; i >= 0; i-- {
		if r.forwarded {
			nodes := forwardedNodes(values[i])
			for j := len(nodes) - 1; j >= 0; j-- {
				var done bool
				if last, done = r.hop(last, nodes[j], true); done {
					return last
				}
			}
			continue
		}
		for rest := values[i]; rest != ""; {
			var e string
			if e, rest = lastElement(rest); e == "" {
				continue
			}
			var done bool
			if last, done = r.hop(last, e, false); done {
				return last
			}
		}
	}
	return last
}

// hop takes one step of the walk from the last trusted address to the
// entry e on its left. It returns the client and true when the walk ends
// here (e is not trusted, or not an address), else e and false.
func (r *Resolver) hop(last netip.Addr, e string, forwarded bool) (netip.Addr, bool) {
	a, ok := parseNode(e, forwarded)
	switch {
	case !ok:
		return last, true
	case !r.trusts(a):
		return a, true
	}
	return a, false
}

// Key returns the unit a client is counted and banned by: the /32 of an
// IPv4 address and the /64 of an IPv6 one (mapped addresses count as IPv4,
// zones are dropped). Two addresses share a key exactly when the prefixes
// are equal, so a Prefix can key a map; hash Key(a).String(), such as
// "192.0.2.1/32" or "2001:db8:1:2::/64", where a string is needed. An
// invalid address gives the zero Prefix.
func Key(a netip.Addr) netip.Prefix {
	a = norm(a)
	switch {
	case a.Is4():
		return netip.PrefixFrom(a, 32)
	case a.Is6():
		p, _ := a.Prefix(64)
		return p
	}
	return netip.Prefix{}
}

// Hash is the keyed hash under which Parley knows an address without
// storing it: HMAC-SHA-256 of Key(a) under key, 16 bytes in hex. Bans and
// rate limits match it, imported comments carry it.
func Hash(key []byte, a netip.Addr) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(Key(a).String()))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Peer returns the IP address of a connection's remote end as reported by
// net.Conn.RemoteAddr (or fasthttp's RequestCtx.RemoteAddr), unmapped and
// without zone. It is the zero Addr when addr carries no IP, as for a Unix
// socket.
func Peer(addr net.Addr) netip.Addr {
	switch a := addr.(type) {
	case nil:
		return netip.Addr{}
	case *net.TCPAddr:
		return norm(a.AddrPort().Addr())
	}
	if ap, err := netip.ParseAddrPort(addr.String()); err == nil {
		return norm(ap.Addr())
	}
	a, _ := netip.ParseAddr(addr.String())
	return norm(a)
}

// norm unmaps IPv4-mapped IPv6 addresses and drops zones, so that one
// host has one spelling.
func norm(a netip.Addr) netip.Addr { return a.Unmap().WithZone("") }
