package clientip

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
)

// LimitConns wraps ln so that each client Key (by TCP peer address) holds at
// most perClient connections open at once. A connection over the cap is
// closed as soon as it is accepted, and Accept goes on to the next one, so
// the server never sees it or an error for it. Peers for which exempt
// returns true, typically Resolver.Trusted since a proxy's connections carry
// many readers, are not counted; nor are peers without an IP address (Unix
// sockets). exempt may be nil.
//
// The result is a *ConnLimiter when perClient > 0; when perClient <= 0 there
// is no cap and ln itself is returned.
func LimitConns(ln net.Listener, perClient int, exempt func(netip.Addr) bool) net.Listener {
	if perClient <= 0 {
		return ln
	}
	return &ConnLimiter{
		Listener: ln,
		max:      perClient,
		exempt:   exempt,
		open:     make(map[netip.Prefix]int),
	}
}

// ConnLimiter is the listener LimitConns returns. Its methods are safe for
// concurrent use. The connections it returns embed the accepted net.Conn
// (deadlines and the rest pass through) and give their slot back on the
// first Close.
type ConnLimiter struct {
	net.Listener

	max     int
	exempt  func(netip.Addr) bool
	refused atomic.Uint64

	mu    sync.Mutex
	open  map[netip.Prefix]int // counted open connections per key; no zeros
	total int                  // sum of open
}

// Accept waits for the next connection within its client's cap, closing
// the ones over it on the way. It returns an error only from the wrapped
// listener.
func (l *ConnLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		a := Peer(c.RemoteAddr())
		if !a.IsValid() || (l.exempt != nil && l.exempt(a)) {
			return c, nil
		}
		k := Key(a)
		if !l.acquire(k) {
			// Counted before the close, so that a peer who sees its
			// connection end can already see it in Refused.
			l.refused.Add(1)
			c.Close()
			continue
		}
		return &countedConn{Conn: c, l: l, key: k}, nil
	}
}

// Refused returns how many connections were closed for being over the cap
// since the limiter was made.
func (l *ConnLimiter) Refused() uint64 { return l.refused.Load() }

// Open returns how many counted connections are open now; exempt ones are
// not included.
func (l *ConnLimiter) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

func (l *ConnLimiter) acquire(k netip.Prefix) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[k] >= l.max {
		return false
	}
	l.open[k]++
	l.total++
	return true
}

func (l *ConnLimiter) release(k netip.Prefix) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[k] <= 1 {
		delete(l.open, k)
	} else {
		l.open[k]--
	}
	l.total--
}

// countedConn holds one slot of its key until it is closed.
type countedConn struct {
	net.Conn
	l      *ConnLimiter
	key    netip.Prefix
	closed atomic.Bool
}

// Close closes the connection and, the first time only, frees its slot.
func (c *countedConn) Close() error {
	err := c.Conn.Close()
	if c.closed.CompareAndSwap(false, true) {
		c.l.release(c.key)
	}
	return err
}
