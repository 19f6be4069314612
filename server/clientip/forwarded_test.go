package clientip_test

import (
	"net/netip"
	"testing"
)

func TestClientForwarded(t *testing.T) {
	r := mustNew(t, trusted, "forwarded")
	const proxy = "10.0.0.1"
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{"for", []string{"for=203.0.113.7"}, "203.0.113.7"},
		{"spoofed element ignored", []string{"for=6.6.6.6, for=203.0.113.7"}, "203.0.113.7"},
		{"spoofed line ignored", []string{"for=6.6.6.6", "for=203.0.113.7"}, "203.0.113.7"},
		{"trusted hop skipped", []string{"for=203.0.113.7;proto=https, for=10.0.0.2"}, "203.0.113.7"},
		{"every hop trusted", []string{"for=10.0.0.3, for=10.0.0.2"}, "10.0.0.3"},
		{"parameter name in any case", []string{"For=203.0.113.7"}, "203.0.113.7"},
		{"other parameters", []string{`by=10.0.0.1;For="203.0.113.7:80";proto=https;host="example.com"`}, "203.0.113.7"},
		{"quoted IPv6 with port", []string{`for="[2001:db8:1::7]:4711"`}, "2001:db8:1::7"},
		{"quoted IPv6", []string{`for="[2001:db8:1::7]"`}, "2001:db8:1::7"},
		{"unquoted IPv6 accepted", []string{`for=[2001:db8:1::7]`}, "2001:db8:1::7"},
		{"obfuscated port", []string{`for="203.0.113.7:_p1.x-y"`}, "203.0.113.7"},
		{"obfuscated IPv6 port", []string{`for="[2001:db8:1::7]:_x"`}, "2001:db8:1::7"},
		{"escaped quoted string", []string{`for="203.0.113\.7"`}, "203.0.113.7"},
		{"mapped", []string{`for="[::ffff:203.0.113.7]"`}, "203.0.113.7"},
		{"spaces around elements", []string{" for=6.6.6.6 ,\tfor=203.0.113.7 ; proto=http "}, "203.0.113.7"},
		{"empty elements skipped", []string{",for=203.0.113.7,, for=10.0.0.2,"}, "203.0.113.7"},
		{"comma inside quotes", []string{`for=203.0.113.7;host="a,b", for=10.0.0.2`}, "203.0.113.7"},

		// Whatever cannot be read ends the walk at the last trusted hop.
		{"hidden", []string{"for=203.0.113.7, for=_hidden"}, proxy},
		{"unknown", []string{"for=203.0.113.7, for=unknown, for=10.0.0.2"}, "10.0.0.2"},
		{"hidden left of client", []string{"for=_hidden, for=203.0.113.7"}, "203.0.113.7"},
		{"element without for", []string{"for=203.0.113.7, proto=https"}, proxy},
		{"for twice", []string{"for=203.0.113.7;for=6.6.6.6"}, proxy},
		{"empty for", []string{"for=203.0.113.7, for="}, proxy},
		{"empty quoted for", []string{`for=203.0.113.7, for=""`}, proxy},
		{"bare list entry", []string{"203.0.113.7"}, proxy},
		{"name without value", []string{"for"}, proxy},
		{"junk after value resyncs", []string{"for=6.6.6.6 junk, for=203.0.113.7"}, "203.0.113.7"},
		{"junk element", []string{"for=203.0.113.7, junk junk, for=10.0.0.2"}, "10.0.0.2"},
		{"unterminated quote swallows the line", []string{`for="6.6.6.6, for=203.0.113.7`}, proxy},
		{"unterminated quote in its own line", []string{`for="6.6.6.6`, "for=203.0.113.7"}, "203.0.113.7"},
		{"dangling escape", []string{`for=203.0.113.7, for="1\`}, proxy},
		{"bad port", []string{`for="203.0.113.7:99999"`}, proxy},
		{"bare obfuscated port", []string{`for="203.0.113.7:_"`}, proxy},
		{"port with bad character", []string{`for="203.0.113.7:_a/b"`}, proxy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Client(netip.MustParseAddr(proxy), tt.values)
			if got != netip.MustParseAddr(tt.want) {
				t.Errorf("Client(%s, %q) = %s, want %s", proxy, tt.values, got, tt.want)
			}
		})
	}
	if got := r.Client(netip.MustParseAddr("198.51.100.9"), []string{"for=203.0.113.7"}); got != netip.MustParseAddr("198.51.100.9") {
		t.Errorf("untrusted peer: Client = %s, want the peer", got)
	}
}
