// Package clientip finds the address of the reader behind a request, for the
// keyed hash that rate limits and bans count by, and caps how many
// connections one client may hold open.
//
// # The rule
//
// A reverse proxy adds the address of its TCP peer to the right of the
// X-Forwarded-For list it received (nginx's $proxy_add_x_forwarded_for does
// exactly that; a proxy that does not trust its sender may start a new list
// instead). The leftmost entry is therefore whatever the client typed, and
// only the entries written by proxies we trust mean anything.
//
// [Resolver.Client] reads the header only when the TCP peer is one of the
// operator's trusted proxies, and then walks the entries from the right. An
// entry that is a trusted proxy is a hop inside our own network and is
// skipped; the first entry that is not a trusted proxy is the client. A
// reader who sends "X-Forwarded-For: 6.6.6.6" through nginx arrives as
// "6.6.6.6, <their address>" and is counted by their own address.
//
// An entry that is not an address (a host name, "unknown", an obfuscated
// Forwarded identifier, a stray quote) ends the walk, and the answer is the
// last trusted address reached: the hop to its right, or the peer. Nothing
// to the left of an entry we cannot read is believed. If every entry is a
// trusted proxy, the leftmost one is the answer. Empty list elements are
// skipped, as HTTP list syntax allows. IPv4-mapped IPv6 addresses
// (::ffff:192.0.2.1) are taken as IPv4 everywhere, the peer included, and
// zones are dropped.
//
// [Key] groups addresses into the unit that is counted and banned: an IPv4
// address on its own, an IPv6 address by its /64, because one IPv6 client
// is usually given a whole /64 and could take a new address per request.
//
// # Header styles
//
// One parser serves X-Forwarded-For and the single-value headers such as
// X-Real-IP or CF-Connecting-IP (a list of one): entries are separated by
// commas, over any number of header lines; spaces around them are ignored;
// an entry is an IPv4 or IPv6 address, optionally with a port
// ("192.0.2.1:5678", "[2001:db8::1]:80"), and IPv6 may stand in brackets.
// When the header is "Forwarded" (RFC 7239), each element's for= parameter
// is the entry, quoted or not (for="[2001:db8::1]:4711"); an element without
// for=, with two of them, or with for=unknown or for=_hidden ends the walk.
//
// # Operator notes
//
// Parley sees the address that opened the TCP connection. Behind a reverse
// proxy that is the proxy, and every reader would share one rate limit and
// one ban. List your proxies in --trusted-proxies (PARLEY_TRUSTED_PROXIES):
// IPs or CIDRs, IPv4 or IPv6, comma-separated, such as "127.0.0.1,::1" for a
// proxy on the same host. List only your proxies: a listed address may speak
// for any client. A request from an address not on the list is counted by
// that address and its forwarding headers are ignored.
//
// nginx: keep the usual
//
//	proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
//
// $proxy_add_x_forwarded_for is the X-Forwarded-For the client sent with
// $remote_addr appended, and Parley takes the rightmost address that is not
// a trusted proxy, so what the client typed is ignored. Alternatively send
//
//	proxy_set_header X-Real-IP $remote_addr;
//
// and set --proxy-header X-Real-IP (PARLEY_PROXY_HEADER). nginx's realip
// module (set_real_ip_from, real_ip_header) is not needed for Parley.
//
// Caddy: reverse_proxy sends X-Forwarded-For by default; nothing to add.
// Since Caddy 2.5 it passes on an incoming X-Forwarded-For only from peers
// in its trusted_proxies setting and otherwise sends just the address of its
// peer. When Caddy itself sits behind another proxy or a CDN, list that
// proxy in Caddy's trusted_proxies and list both Caddy and that proxy in
// Parley's --trusted-proxies; otherwise every reader is counted as the CDN.
//
// A single-value header (X-Real-IP, CF-Connecting-IP) is safe only when the
// proxy next to Parley sets it itself, overwriting what the client sent.
// If that proxy merely passes it on, anyone who reaches the proxy directly
// can choose their address: use X-Forwarded-For there. Set --proxy-header
// Forwarded only for proxies that append RFC 7239 Forwarded elements.
//
// [LimitConns] caps the connections one client holds open. Connections from
// trusted proxies carry many readers and are not capped, so behind a proxy
// the cap guards only direct connections; set the proxy's own limits (nginx
// limit_conn) for the rest.
package clientip
