// Package outbound makes the HTTP requests Parley sends to URLs that site
// owners type in: the optional external spam check today, webhooks later.
//
// # Why
//
// On a shared instance the owner of one site is not trusted with the
// instance's network. A URL such as http://169.254.169.254/ (cloud metadata),
// http://127.0.0.1:6060/ or http://10.0.0.5/ would make the server fetch from
// places only it can reach (server-side request forgery). And the receiver of
// a request must be able to tell that it came from Parley, and recently.
//
// # The address rule
//
// A client from NewClient dials only public unicast addresses, unless
// Options.AllowPrivate is set (a single-tenant instance whose owner runs the
// receiver next to it, or a test). Refused:
//
//   - IPv4: 0.0.0.0/8 (0.0.0.0 reaches the local host), 10.0.0.0/8,
//     172.16.0.0/12 and 192.168.0.0/16 (RFC 1918), 100.64.0.0/10 (CGNAT),
//     127.0.0.0/8 (loopback), 169.254.0.0/16 (link-local, where cloud
//     metadata lives), 192.0.0.0/24 (IETF protocol assignments),
//     192.88.99.0/24 (former 6to4 relays), 198.18.0.0/15 (benchmarking),
//     the documentation ranges 192.0.2.0/24, 198.51.100.0/24 and
//     203.0.113.0/24, 224.0.0.0/4 (multicast) and 240.0.0.0/4 (reserved,
//     with the broadcast address 255.255.255.255).
//   - IPv6: everything outside global unicast 2000::/3, which takes in the
//     unspecified address ::, loopback ::1, IPv4-compatible ::/96, discard
//     100::/64, ULA fc00::/7, link-local fe80::/10, site-local fec0::/10 and
//     multicast ff00::/8; and inside it benchmarking 2001:2::/48 and the
//     documentation ranges 2001:db8::/32 and 3fff::/20.
//   - IPv6 forms that carry an IPv4 address are judged by the IPv4 address
//     they lead to: IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4
//     2002::/16, and Teredo 2001::/32 (both its server and its client
//     address must be public). The local-use NAT64 prefix 64:ff9b:1::/48 is
//     outside 2000::/3 and refused.
//
// The rule is applied to the address actually dialled, in the dialer's
// Control function, after name resolution: a host name that resolves to
// 127.0.0.1, a DNS answer that changes between saving a URL and using it
// (DNS rebinding), or a numeric spelling only the system resolver
// understands all end at the same check. A refusal is an error wrapping
// ErrForbiddenAddress; errors.Is finds it through the *url.Error that
// http.Client returns.
//
// The client also takes no proxy from the environment (a proxy would dial on
// our behalf, out of reach of the check), speaks only http and https, and
// does not follow redirects: a public receiver answering 302 to
// http://127.0.0.1/ gets its 302 back to the caller, which treats it as a
// failed call. Every exchange is bounded by Options.Timeout.
//
// CheckURL applies what can be checked when an owner saves a URL: its shape,
// and the rule itself when the host is a literal address. Host names are
// checked only when dialled, because DNS can change.
//
// # Signatures
//
// Post signs every request with the site's secret. For the secret
// "psec_example" and the body {"comment":"c1"} sent at Unix time 1700000000
// the Parley-Signature header reads
//
//	t=1700000000,v1=39b7b42147d010641b180784092feb668d6028c6b14f93f1e45a2a388d9e521b
//
// where t is the Unix time of sending and v1 is the hex HMAC-SHA256, keyed
// with the secret, of t, a ".", and the request body exactly as sent. Binding the time into
// the MAC lets a receiver refuse replays older than a few minutes. A receiver
// accepts the request if any v1 value matches, so during a change of secret
// a sender can sign with both. The key is the secret string's bytes exactly
// as NewSecret returns it and as the owner copies it, "psec_" prefix
// included: nothing is decoded on either side.
package outbound
