package clientip

import (
	"net"
	"net/netip"
	"sync"
	"testing"
)

// fakeListener hands out in-memory connections that claim the peer
// address they were made with.
type fakeListener struct {
	conns chan net.Conn
	once  sync.Once
	done  chan struct{}
}

func newFakeListener() *fakeListener {
	return &fakeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *fakeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *fakeListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *fakeListener) Addr() net.Addr { return &net.TCPAddr{} }

// connect queues a connection from peer and returns its client end.
func (l *fakeListener) connect(peer string) net.Conn {
	server, client := net.Pipe()
	l.conns <- fakeConn{server, &net.TCPAddr{IP: net.ParseIP(peer), Port: 4711}}
	return client
}

type fakeConn struct {
	net.Conn
	peer net.Addr
}

func (c fakeConn) RemoteAddr() net.Addr { return c.peer }

// acceptAll accepts from l until it is closed, sending every connection on.
func acceptAll(l net.Listener) <-chan net.Conn {
	out := make(chan net.Conn)
	go func() {
		defer close(out)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			out <- c
		}
	}()
	return out
}

func TestLimitConnsCountsByKey(t *testing.T) {
	fake := newFakeListener()
	lim := LimitConns(fake, 1, nil).(*ConnLimiter)
	defer lim.Close()
	accepted := acceptAll(lim)

	// One IPv6 /64 is one client; another /64 and an IPv4 client are not.
	fake.connect("2001:db8:1:2::1")
	a := <-accepted
	fake.connect("2001:db8:1:2::ffff") // refused: same /64
	fake.connect("2001:db8:1:3::1")
	b := <-accepted
	fake.connect("::ffff:203.0.113.7")
	c := <-accepted
	if got := lim.Refused(); got != 1 {
		t.Errorf("Refused() = %d, want 1", got)
	}
	if got, want := len(lim.open), 3; got != want {
		t.Errorf("%d keys counted, want %d: %v", got, want, lim.open)
	}
	if _, ok := lim.open[netip.MustParsePrefix("203.0.113.7/32")]; !ok {
		t.Errorf("mapped peer not counted as IPv4: %v", lim.open)
	}
	for _, conn := range []net.Conn{a, b, c} {
		conn.Close()
	}
	if len(lim.open) != 0 || lim.total != 0 {
		t.Errorf("after closing all, open = %v, total = %d", lim.open, lim.total)
	}
}

func TestLimitConnsConcurrent(t *testing.T) {
	const (
		perClient = 3
		clients   = 8
		rounds    = 50
	)
	fake := newFakeListener()
	lim := LimitConns(fake, perClient, func(a netip.Addr) bool { return a == netip.MustParseAddr("10.0.0.1") }).(*ConnLimiter)
	accepted := acceptAll(lim)

	// Closers run while Accept keeps counting; every connection is closed
	// twice, from two goroutines.
	var closers sync.WaitGroup
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for c := range accepted {
			closers.Add(2)
			for range 2 {
				go func() {
					defer closers.Done()
					lim.Open()
					c.Close()
				}()
			}
		}
	}()
	var dialers sync.WaitGroup
	for i := range clients {
		dialers.Add(1)
		go func() {
			defer dialers.Done()
			peer := netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}).String()
			if i == 0 {
				peer = "10.0.0.1"
			}
			for range rounds {
				fake.connect(peer).Close()
			}
		}()
	}
	dialers.Wait()
	lim.Close()
	<-drained
	closers.Wait()
	lim.mu.Lock()
	defer lim.mu.Unlock()
	if len(lim.open) != 0 || lim.total != 0 {
		t.Errorf("after closing all, open = %v, total = %d", lim.open, lim.total)
	}
}
