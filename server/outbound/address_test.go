package outbound

import (
	"errors"
	"net/netip"
	"testing"
)

func TestPublicAddr(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		// Public IPv4.
		{"8.8.8.8", true},
		{"1.1.1.1", true},
		{"93.184.216.34", true},
		{"9.255.255.255", true},  // just below 10/8
		{"11.0.0.0", true},       // just above 10/8
		{"100.63.255.255", true}, // just below CGNAT
		{"100.128.0.0", true},    // just above CGNAT
		{"172.15.255.255", true}, // just below 172.16/12
		{"172.32.0.0", true},     // just above 172.16/12
		{"192.0.1.1", true},
		{"192.167.255.255", true},
		{"198.17.255.255", true},
		{"198.20.0.0", true},
		{"223.255.255.255", true}, // last unicast before multicast

		// Non-public IPv4.
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"10.0.0.1", false},
		{"10.255.255.255", false},
		{"100.64.0.1", false},
		{"100.127.255.255", false},
		{"127.0.0.1", false},
		{"127.255.255.254", false},
		{"169.254.169.254", false}, // cloud metadata
		{"169.254.0.1", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.0.0.8", false},
		{"192.0.2.1", false},
		{"192.88.99.1", false},
		{"192.168.1.1", false},
		{"198.18.0.1", false},
		{"198.19.255.255", false},
		{"198.51.100.7", false},
		{"203.0.113.9", false},
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"240.0.0.1", false},
		{"255.255.255.255", false},

		// Public IPv6.
		{"2606:4700::1111", true},
		{"2001:4860:4860::8888", true},
		{"2a00:1450:4001:80b::200e", true},
		{"2001:db7:ffff::1", true}, // just below documentation
		{"2001:3::1", true},        // next to benchmarking 2001:2::/48

		// Non-public IPv6.
		{"::", false},
		{"::1", false},
		{"::7f00:1", false}, // IPv4-compatible 127.0.0.1
		{"::808:808", false},
		{"100::1", false},
		{"fc00::1", false},
		{"fd12:3456:789a::1", false},
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		{"febf::1", false},
		{"fec0::1", false},
		{"ff02::1", false},
		{"ff0e::1", false},
		{"2001:db8::1", false},
		{"2001:2::1", false},
		{"3fff::1", false},
		{"3fff:fff::1", false},
		{"64:ff9b:1::a00:1", false}, // local-use NAT64
		{"4000::1", false},          // outside 2000::/3

		// IPv4-mapped.
		{"::ffff:127.0.0.1", false},
		{"::ffff:7f00:1", false},
		{"::ffff:169.254.169.254", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:0.0.0.0", false},
		{"::ffff:8.8.8.8", true},
		{"::ffff:0:127.0.0.1", false}, // IPv4-translated

		// NAT64, RFC 6052 well-known prefix.
		{"64:ff9b::127.0.0.1", false},
		{"64:ff9b::a9fe:a9fe", false}, // 169.254.169.254
		{"64:ff9b::192.168.0.1", false},
		{"64:ff9b::8.8.8.8", true},

		// 6to4.
		{"2002:7f00:1::1", false},   // 127.0.0.1
		{"2002:a9fe:a9fe::", false}, // 169.254.169.254
		{"2002:c0a8:101::1", false}, // 192.168.1.1
		{"2002:808:808::1", true},   // 8.8.8.8

		// Teredo: server 65.54.227.120, client inverted in the last 32 bits.
		{"2001:0:4136:e378:8000:63bf:f7f7:f7f7", true},  // client 8.8.8.8
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", false}, // client 127.0.0.1
		{"2001:0:4136:e378:8000:63bf:5601:5601", false}, // client 169.254.169.254
		{"2001:0:7f00:1:8000:63bf:f7f7:f7f7", false},    // server 127.0.0.1
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			addr := netip.MustParseAddr(tt.addr)
			if got := publicAddr(addr); got != tt.want {
				t.Errorf("publicAddr(%s) = %v, want %v", tt.addr, got, tt.want)
			}
			err := checkAddr(addr)
			if tt.want && err != nil {
				t.Errorf("checkAddr(%s) = %v, want nil", tt.addr, err)
			}
			if !tt.want && !errors.Is(err, ErrForbiddenAddress) {
				t.Errorf("checkAddr(%s) = %v, want ErrForbiddenAddress", tt.addr, err)
			}
		})
	}
}

func TestPublicAddrZero(t *testing.T) {
	if publicAddr(netip.Addr{}) {
		t.Error("the zero Addr is public")
	}
}

func TestCheckDial(t *testing.T) {
	tests := []struct {
		network, address string
		wantErr          bool
	}{
		{"tcp4", "8.8.8.8:443", false},
		{"tcp6", "[2606:4700::1111]:443", false},
		{"tcp4", "127.0.0.1:80", true},
		{"tcp6", "[::1]:80", true},
		{"tcp6", "[fe80::1%eth0]:80", true},
		{"tcp6", "[::ffff:169.254.169.254]:80", true},
		{"udp4", "8.8.8.8:53", true},
		{"unix", "/run/app.sock", true},
		{"tcp4", "not-an-address", true},
	}
	for _, tt := range tests {
		t.Run(tt.network+" "+tt.address, func(t *testing.T) {
			err := checkDial(tt.network, tt.address, nil)
			if !tt.wantErr && err != nil {
				t.Fatalf("checkDial = %v, want nil", err)
			}
			if tt.wantErr && !errors.Is(err, ErrForbiddenAddress) {
				t.Fatalf("checkDial = %v, want ErrForbiddenAddress", err)
			}
		})
	}
}
