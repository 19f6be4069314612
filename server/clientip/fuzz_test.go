package clientip

import (
	"net/netip"
	"strings"
	"testing"
)

// entries lists every address among the entries of values, split the
// simple way (by comma for lists, by element for Forwarded).
func entries(r *Resolver, values []string) map[netip.Addr]bool {
	found := make(map[netip.Addr]bool)
	for _, v := range values {
		var nodes []string
		if r.forwarded {
			nodes = forwardedNodes(v)
		} else {
			for _, e := range strings.Split(v, ",") {
				nodes = append(nodes, trimOWS(e))
			}
		}
		for _, n := range nodes {
			if a, ok := parseNode(n, r.forwarded); ok {
				found[a] = true
			}
		}
	}
	return found
}

// FuzzClient checks, for whatever a client sends, that Client does not
// panic, answers with the peer or one of the entries, ignores the header
// from an untrusted peer, and finds the client client when a trusted proxy
// appends it to what the client sent.
func FuzzClient(f *testing.F) {
	list, err := New([]string{"10.0.0.0/8", "192.0.2.1", "2001:db8:ff::/48"}, "")
	if err != nil {
		f.Fatal(err)
	}
	fwd, err := New([]string{"10.0.0.0/8", "192.0.2.1", "2001:db8:ff::/48"}, "Forwarded")
	if err != nil {
		f.Fatal(err)
	}
	seeds := []struct {
		peer      string
		forwarded bool
		a, b      string
	}{
		{"10.0.0.1", false, "6.6.6.6, 203.0.113.7", ""},
		{"10.0.0.1", false, "[2001:db8::1]:80, bogus", "10.0.0.2"},
		{"::ffff:10.0.0.1", false, " ,, 192.0.2.1:8080", "fe80::1%eth0"},
		{"198.51.100.9", false, "203.0.113.7", ""},
		{"10.0.0.1", true, `for=6.6.6.6;proto=https, for="[2001:db8::1]:4711"`, "for=_hidden"},
		{"10.0.0.1", true, `for="6.6.6.6, for=unknown;by=x`, `For="203.0.113\.7:_p"`},
		{"", true, `;;,"\`, "for=10.0.0.2;for=10.0.0.3"},
	}
	for _, s := range seeds {
		f.Add(s.peer, s.forwarded, s.a, s.b)
	}
	client := netip.MustParseAddr("203.0.113.7")
	proxy := netip.MustParseAddr("10.0.0.1")
	f.Fuzz(func(t *testing.T, peerText string, forwarded bool, a, b string) {
		r := list
		if forwarded {
			r = fwd
		}
		peer, _ := netip.ParseAddr(peerText)
		values := []string{a, b}
		got := r.Client(peer, values)
		if want := norm(peer); got != want {
			if !r.Trusted(peer) {
				t.Fatalf("untrusted peer %s: Client = %s", peer, got)
			}
			if !entries(r, values)[got] {
				t.Fatalf("Client(%s, %q) = %s, neither the peer nor an entry", peer, values, got)
			}
		}
		if peer.IsValid() && !got.IsValid() {
			t.Fatalf("Client(%s, %q) is invalid", peer, values)
		}

		// A trusted proxy appends the address it sees, whatever came before.
		if !forwarded {
			for _, v := range [][]string{{a + ", " + client.String()}, {a, b, client.String()}, {a + "," + client.String() + ", 10.0.0.2"}} {
				if got := r.Client(proxy, v); got != client {
					t.Fatalf("Client(%s, %q) = %s, want %s", proxy, v, got, client)
				}
			}
			return
		}
		if v := []string{a, b, "for=" + client.String()}; r.Client(proxy, v) != client {
			t.Fatalf("Client(%s, %q) = %s, want %s", proxy, v, r.Client(proxy, v), client)
		}
		// In the same line an open quote can swallow the appended element:
		// the client is then taken for the proxy, never for anyone else.
		v := []string{a + ", for=" + client.String()}
		if got := r.Client(proxy, v); got != client && got != proxy {
			t.Fatalf("Client(%s, %q) = %s, want %s or the proxy", proxy, v, got, client)
		}
	})
}
