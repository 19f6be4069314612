package clientip_test

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/clientip"
)

// server accepts from a limited loopback listener in the background and
// hands the accepted connections over.
type server struct {
	lim      *clientip.ConnLimiter
	accepted chan net.Conn
}

func startServer(t *testing.T, perClient int, exempt func(netip.Addr) bool) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{lim: clientip.LimitConns(ln, perClient, exempt).(*clientip.ConnLimiter), accepted: make(chan net.Conn, 16)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := s.lim.Accept()
			if err != nil {
				return
			}
			s.accepted <- c
		}
	}()
	t.Cleanup(func() {
		s.lim.Close()
		<-done
		close(s.accepted)
		for c := range s.accepted {
			c.Close()
		}
	})
	return s
}

func (s *server) dial(t *testing.T) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.lim.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (s *server) accept(t *testing.T) net.Conn {
	t.Helper()
	select {
	case c := <-s.accepted:
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no connection accepted")
		return nil
	}
}

// closedByServer reports whether the server end of c was closed: a read
// ends with EOF or a reset rather than running into the deadline.
func closedByServer(t *testing.T, c net.Conn, wait time.Duration) bool {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(wait))
	_, err := c.Read(make([]byte, 1))
	if err == nil {
		t.Fatal("server sent data")
	}
	return !errors.Is(err, os.ErrDeadlineExceeded)
}

func TestLimitConns(t *testing.T) {
	const perClient = 2
	s := startServer(t, perClient, nil)

	// perClient+2 connections: the first two are accepted, the extras are
	// closed by the server without reaching it.
	var clients []net.Conn
	for range perClient + 2 {
		clients = append(clients, s.dial(t))
	}
	first, second := s.accept(t), s.accept(t)
	open := map[string]bool{first.RemoteAddr().String(): true, second.RemoteAddr().String(): true}
	for _, c := range clients {
		if open[c.LocalAddr().String()] {
			if closedByServer(t, c, 50*time.Millisecond) {
				t.Errorf("accepted connection %s was closed", c.LocalAddr())
			}
		} else if !closedByServer(t, c, 5*time.Second) {
			t.Errorf("connection %s over the cap was left open", c.LocalAddr())
		}
	}
	if got := s.lim.Refused(); got != 2 {
		t.Errorf("Refused() = %d, want 2", got)
	}
	if got := s.lim.Open(); got != perClient {
		t.Errorf("Open() = %d, want %d", got, perClient)
	}

	// Closing one frees one slot, however often it is closed.
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err == nil {
		t.Error("second Close succeeded")
	}
	if got := s.lim.Open(); got != perClient-1 {
		t.Errorf("after Close, Open() = %d, want %d", got, perClient-1)
	}
	s.dial(t)
	third := s.accept(t)
	if got := s.lim.Open(); got != perClient {
		t.Errorf("after a new connection, Open() = %d, want %d", got, perClient)
	}
	extra := s.dial(t)
	if !closedByServer(t, extra, 5*time.Second) {
		t.Error("a double Close freed a second slot")
	}
	if got := s.lim.Refused(); got != 3 {
		t.Errorf("Refused() = %d, want 3", got)
	}

	second.Close()
	third.Close()
	if got := s.lim.Open(); got != 0 {
		t.Errorf("after closing all, Open() = %d, want 0", got)
	}
}

func TestLimitConnsExempt(t *testing.T) {
	loopback := netip.MustParseAddr("127.0.0.1")
	s := startServer(t, 1, func(a netip.Addr) bool { return a == loopback })
	var conns []net.Conn
	for range 3 {
		s.dial(t)
		conns = append(conns, s.accept(t))
	}
	if got := s.lim.Open(); got != 0 {
		t.Errorf("Open() = %d for exempt peers, want 0", got)
	}
	if got := s.lim.Refused(); got != 0 {
		t.Errorf("Refused() = %d for exempt peers, want 0", got)
	}
	for _, c := range conns {
		c.Close()
	}
}

func TestLimitConnsNoCap(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, n := range []int{0, -1} {
		if got := clientip.LimitConns(ln, n, nil); got != ln {
			t.Errorf("LimitConns(ln, %d) = %T, want ln itself", n, got)
		}
	}
}
