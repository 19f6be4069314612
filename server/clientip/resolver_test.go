package clientip_test

import (
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/parley-dev/parley/server/clientip"
)

// trusted is the proxy list of most tests: a private network, one public
// proxy, an IPv6 network and one IPv6 proxy.
var trusted = []string{"10.0.0.0/8", " 192.0.2.1 ", "2001:db8:ff::/48", "fd00::1"}

func mustNew(t testing.TB, trusted []string, header string) *clientip.Resolver {
	t.Helper()
	r, err := clientip.New(trusted, header)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestClientForwardedFor(t *testing.T) {
	r := mustNew(t, trusted, "")
	const nginx = "10.0.0.1"
	tests := []struct {
		name, peer string
		values     []string
		want       string
	}{
		// The reason for the package: proxies append, so the left is the client's.
		{"spoofed entry ignored", nginx, []string{"6.6.6.6, 203.0.113.7"}, "203.0.113.7"},
		{"spoofed proxy address ignored", nginx, []string{"10.0.0.5, 203.0.113.7"}, "203.0.113.7"},
		{"spoofed list ignored", nginx, []string{"6.6.6.6, 7.7.7.7, 203.0.113.7"}, "203.0.113.7"},
		{"no header", nginx, nil, nginx},
		{"empty header", nginx, []string{""}, nginx},
		{"single entry", nginx, []string{"203.0.113.7"}, "203.0.113.7"},

		// Chains and CIDR trust.
		{"chain of trusted proxies", "10.0.0.2", []string{"6.6.6.6, 203.0.113.7, 192.0.2.1, 10.9.8.7"}, "203.0.113.7"},
		{"trusted by CIDR", "10.200.3.4", []string{"203.0.113.7"}, "203.0.113.7"},
		{"neighbour of a bare IP not trusted", nginx, []string{"203.0.113.7, 192.0.2.2"}, "192.0.2.2"},
		{"every entry trusted gives leftmost", nginx, []string{"10.0.0.3, 192.0.2.1, 10.0.0.2"}, "10.0.0.3"},

		// Garbage ends the walk at the last trusted hop.
		{"garbage in the middle", nginx, []string{"203.0.113.7, bogus, 10.0.0.2"}, "10.0.0.2"},
		{"garbage rightmost", nginx, []string{"203.0.113.7, bogus"}, nginx},
		{"garbage left of client", nginx, []string{"bogus, 203.0.113.7"}, "203.0.113.7"},
		{"host name is garbage", nginx, []string{"203.0.113.7, proxy.internal"}, nginx},
		{"unknown is garbage", nginx, []string{"203.0.113.7, unknown"}, nginx},
		{"quoted is garbage", nginx, []string{`"203.0.113.7"`}, nginx},
		{"port out of range", nginx, []string{"203.0.113.7:65536"}, nginx},
		{"empty port", nginx, []string{"203.0.113.7:"}, nginx},
		{"bracketed IPv4", nginx, []string{"[203.0.113.7]"}, nginx},
		{"junk after bracket", nginx, []string{"[2001:db8:1::7]x"}, nginx},
		{"obfuscated port only in Forwarded", nginx, []string{"203.0.113.7:_p"}, nginx},

		// List syntax.
		{"several header lines", nginx, []string{"6.6.6.6", "203.0.113.7, 10.0.0.2"}, "203.0.113.7"},
		{"walk crosses lines", nginx, []string{"203.0.113.7", "10.0.0.2"}, "203.0.113.7"},
		{"spoof in own line", nginx, []string{"6.6.6.6", "203.0.113.7"}, "203.0.113.7"},
		{"empty elements skipped", nginx, []string{",203.0.113.7,, 10.0.0.2,", ""}, "203.0.113.7"},
		{"spaces and tabs", nginx, []string{" 203.0.113.7 ,\t10.0.0.2 "}, "203.0.113.7"},
		{"IPv4 with port", nginx, []string{"203.0.113.7:5678"}, "203.0.113.7"},

		// IPv6.
		{"IPv6 bare", nginx, []string{"2001:db8:1::7"}, "2001:db8:1::7"},
		{"IPv6 in brackets", nginx, []string{"[2001:db8:1::7]"}, "2001:db8:1::7"},
		{"IPv6 with port", nginx, []string{"[2001:db8:1::7]:4711"}, "2001:db8:1::7"},
		{"IPv6 peer", "fd00::1", []string{"203.0.113.7"}, "203.0.113.7"},
		{"IPv6 trusted hop skipped", nginx, []string{"2001:db8:1::7, [2001:db8:ff::3]:80"}, "2001:db8:1::7"},
		{"IPv6 written long", nginx, []string{"2001:DB8:1:0:0:0:0:7"}, "2001:db8:1::7"},

		// One spelling per host.
		{"mapped peer trusted", "::ffff:10.0.0.1", []string{"203.0.113.7"}, "203.0.113.7"},
		{"mapped entry unmapped", nginx, []string{"::ffff:203.0.113.7"}, "203.0.113.7"},
		{"mapped trusted hop skipped", nginx, []string{"203.0.113.7, [::ffff:10.0.0.9]:80"}, "203.0.113.7"},
		{"zone dropped", nginx, []string{"fe80::7%eth0"}, "fe80::7"},
		{"zoned trusted hop skipped", nginx, []string{"203.0.113.7, [fd00::1%eth0]"}, "203.0.113.7"},

		// An untrusted peer speaks for itself.
		{"untrusted peer ignores header", "198.51.100.9", []string{"6.6.6.6"}, "198.51.100.9"},
		{"untrusted peer naming a proxy", "198.51.100.9", []string{"10.0.0.1"}, "198.51.100.9"},
		{"untrusted mapped peer", "::ffff:198.51.100.9", []string{"6.6.6.6"}, "198.51.100.9"},
		{"untrusted zoned peer", "fe80::1%eth0", []string{"6.6.6.6"}, "fe80::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Client(netip.MustParseAddr(tt.peer), tt.values)
			if got != netip.MustParseAddr(tt.want) {
				t.Errorf("Client(%s, %q) = %s, want %s", tt.peer, tt.values, got, tt.want)
			}
		})
	}
}

func TestClientOtherResolvers(t *testing.T) {
	none := mustNew(t, nil, "")
	realIP := mustNew(t, trusted, "X-Real-IP")
	cf := mustNew(t, []string{"10.0.0.1"}, "cf-connecting-ip")
	tests := []struct {
		name   string
		r      *clientip.Resolver
		peer   string
		values []string
		want   string
	}{
		{"no trusted proxies", none, "10.0.0.1", []string{"203.0.113.7"}, "10.0.0.1"},
		{"no trusted proxies unmaps peer", none, "::ffff:10.0.0.1", nil, "10.0.0.1"},
		{"X-Real-IP", realIP, "10.0.0.1", []string{"203.0.113.7"}, "203.0.113.7"},
		{"X-Real-IP with port", realIP, "10.0.0.1", []string{"[2001:db8:1::7]:80"}, "2001:db8:1::7"},
		{"X-Real-IP garbage", realIP, "10.0.0.1", []string{"x"}, "10.0.0.1"},
		{"X-Real-IP from untrusted peer", realIP, "198.51.100.9", []string{"203.0.113.7"}, "198.51.100.9"},
		{"CF-Connecting-IP", cf, "10.0.0.1", []string{"203.0.113.7"}, "203.0.113.7"},
		{"CF-Connecting-IP other peer", cf, "10.0.0.2", []string{"203.0.113.7"}, "10.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.Client(netip.MustParseAddr(tt.peer), tt.values)
			if got != netip.MustParseAddr(tt.want) {
				t.Errorf("Client(%s, %q) = %s, want %s", tt.peer, tt.values, got, tt.want)
			}
		})
	}
	if got := none.Client(netip.Addr{}, []string{"203.0.113.7"}); got.IsValid() {
		t.Errorf("Client(invalid peer) = %s, want the invalid peer", got)
	}
}

func TestNew(t *testing.T) {
	for _, bad := range []string{"", " ", "10.0.0.300", "10.0.0.0/33", "fd00::/129", "proxy.example.com", "10.0.0.0/8/8", "[::1]", "fe80::1%eth0/64"} {
		t.Run("bad trusted "+bad, func(t *testing.T) {
			_, err := clientip.New([]string{"10.0.0.1", bad}, "")
			if err == nil || !strings.Contains(err.Error(), `"`+bad+`"`) {
				t.Errorf("New(%q) error = %v, want one naming the entry", bad, err)
			}
		})
	}
	for _, bad := range []string{"X Forwarded", "X-Forwarded-For:", "X-Real(IP)"} {
		t.Run("bad header "+bad, func(t *testing.T) {
			if _, err := clientip.New(nil, bad); err == nil {
				t.Errorf("New(header %q) succeeded", bad)
			}
		})
	}
	headers := []struct{ in, want string }{
		{"", "X-Forwarded-For"},
		{"x-real-ip", "X-Real-Ip"},
		{" CF-Connecting-IP ", "Cf-Connecting-Ip"},
		{"FORWARDED", "Forwarded"},
	}
	for _, h := range headers {
		t.Run("header "+h.in, func(t *testing.T) {
			if got := mustNew(t, nil, h.in).Header(); got != h.want {
				t.Errorf("Header() = %q, want %q", got, h.want)
			}
		})
	}
}

func TestTrusted(t *testing.T) {
	r := mustNew(t, []string{"10.1.2.3/8", "192.0.2.1", "::ffff:198.51.100.0/120", "2001:db8::1", "fe80::1%eth0"}, "")
	tests := []struct {
		addr string
		want bool
	}{
		{"10.9.9.9", true}, // host bits in the CIDR are masked
		{"11.0.0.0", false},
		{"192.0.2.1", true},
		{"192.0.2.2", false},
		{"::ffff:192.0.2.1", true},
		{"198.51.100.7", true}, // mapped prefix taken as IPv4
		{"198.51.101.7", false},
		{"2001:db8::1", true},
		{"2001:db8::2", false},
		{"fe80::1", true},
		{"fe80::1%eth1", true},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := r.Trusted(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("Trusted(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
	if r.Trusted(netip.Addr{}) {
		t.Error("Trusted(invalid) = true")
	}
	if mustNew(t, []string{"0.0.0.0/0"}, "").Trusted(netip.MustParseAddr("2001:db8::1")) {
		t.Error("an IPv4 prefix trusts an IPv6 address")
	}
}

func TestKey(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"203.0.113.7", "203.0.113.7/32"},
		{"::ffff:203.0.113.7", "203.0.113.7/32"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"::1", "::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := clientip.Key(netip.MustParseAddr(tt.addr)); got.String() != tt.want {
				t.Errorf("Key(%s) = %s, want %s", tt.addr, got, tt.want)
			}
		})
	}
	a, b := netip.MustParseAddr("2001:db8:1:2::1"), netip.MustParseAddr("2001:db8:1:2:ffff::9")
	if clientip.Key(a) != clientip.Key(b) {
		t.Errorf("Key(%s) != Key(%s), want one /64", a, b)
	}
	if k := clientip.Key(netip.Addr{}); k.IsValid() {
		t.Errorf("Key(invalid) = %s, want the zero Prefix", k)
	}
}

func TestPeer(t *testing.T) {
	tests := []struct {
		name string
		addr net.Addr
		want netip.Addr
	}{
		{"TCP IPv4 as 16 bytes", &net.TCPAddr{IP: net.ParseIP("203.0.113.7"), Port: 80}, netip.MustParseAddr("203.0.113.7")},
		{"TCP IPv6 with zone", &net.TCPAddr{IP: net.ParseIP("fe80::1"), Zone: "eth0"}, netip.MustParseAddr("fe80::1")},
		{"nil TCP", (*net.TCPAddr)(nil), netip.Addr{}},
		{"nil", nil, netip.Addr{}},
		{"UDP", &net.UDPAddr{IP: net.ParseIP("2001:db8::1"), Port: 53}, netip.MustParseAddr("2001:db8::1")},
		{"IP", &net.IPAddr{IP: net.ParseIP("::ffff:203.0.113.7")}, netip.MustParseAddr("203.0.113.7")},
		{"Unix socket", &net.UnixAddr{Name: "/run/parley.sock", Net: "unix"}, netip.Addr{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clientip.Peer(tt.addr); got != tt.want {
				t.Errorf("Peer(%v) = %s, want %s", tt.addr, got, tt.want)
			}
		})
	}
}

func TestClientDoesNotAllocate(t *testing.T) {
	r := mustNew(t, trusted, "")
	peer := netip.MustParseAddr("10.0.0.1")
	values := []string{"6.6.6.6, [2001:db8:1::7]:80, 10.0.0.2"}
	if n := testing.AllocsPerRun(100, func() { r.Client(peer, values) }); n != 0 {
		t.Errorf("Client allocates %v times per call, want 0", n)
	}
}
