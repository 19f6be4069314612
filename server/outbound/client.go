package outbound

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// DefaultTimeout bounds an exchange when Options.Timeout is zero. The spam
// check runs while a reader waits for their comment, so it is short.
const DefaultTimeout = 3 * time.Second

// Options configure NewClient.
type Options struct {
	// AllowPrivate turns the address rule off, so that loopback, private and
	// other non-public addresses can be dialled. It is for single-tenant
	// instances whose receiver runs on the same host or network, and for
	// tests.
	AllowPrivate bool

	// Timeout bounds a whole exchange: dialling, the TLS handshake, sending
	// the request, waiting for the answer's header and reading its body.
	// Zero or negative means DefaultTimeout.
	Timeout time.Duration
}

// NewClient returns a client for requests to owner-supplied URLs. Unless
// opts.AllowPrivate is set it refuses, at dial time, every address the
// address rule forbids (see the package documentation) with an error
// wrapping ErrForbiddenAddress. It ignores proxy settings in the
// environment, speaks only http and https, and returns a redirect to the
// caller instead of following it. The client is safe for concurrent use;
// build one and keep it, so that its small pool of connections is reused.
func NewClient(opts Options) *http.Client {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !opts.AllowPrivate {
		dialer.Control = checkDial
	}
	transport := &http.Transport{
		// No proxy: a proxy would dial for us, past the check above.
		Proxy:       nil,
		DialContext: dialer.DialContext,
		// A custom DialContext turns HTTP/2 off unless asked for.
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           8,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		// A redirect could bounce the request to an address the caller
		// never saw; the caller gets the 3xx answer and treats it as a
		// failed call.
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// checkDial is the dialer's Control function. It runs for every address the
// dialer tries, after name resolution and before connecting, so it sees the
// address actually dialled whatever name led there.
func checkDial(network, address string, _ syscall.RawConn) error {
	if network != "tcp4" && network != "tcp6" {
		return fmt.Errorf("%w: network %q", ErrForbiddenAddress, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparseable address %q", ErrForbiddenAddress, address)
	}
	return checkAddr(ap.Addr())
}
