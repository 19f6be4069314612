package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/parley-dev/parley/server"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// The load tool only ever talks to this machine: a load test fired at
// someone else's server is an attack. The target's host must be a loopback
// name or address, and the dialer checks again the address it actually
// connects to, so a "localhost" that resolves elsewhere is refused too.

// checkLoopbackHost accepts "host" or "host:port" (IPv6 in brackets when
// a port is given) and refuses anything but localhost, 127.0.0.0/8 and ::1.
func checkLoopbackHost(hostport string) error {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return fmt.Errorf("target host %q is not loopback: use localhost, 127.0.0.0/8 or ::1", host)
	}
	if !ip.IsLoopback() {
		return fmt.Errorf("target address %s is not loopback: parley-load only loads this machine", ip)
	}
	return nil
}

// parseTarget checks a --target URL and returns its base (scheme://host:port).
func parseTarget(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("--target: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("--target %q: want http://127.0.0.1:PORT", raw)
	}
	if err := checkLoopbackHost(u.Host); err != nil {
		return "", fmt.Errorf("--target: %w", err)
	}
	return u.Scheme + "://" + u.Host, nil
}

// loopbackOnly is a dialer Control function that refuses any connection
// whose resolved address is not loopback.
func loopbackOnly(network, address string, _ syscall.RawConn) error {
	return checkLoopbackHost(address)
}

// newClient returns an HTTP client for conns concurrent workers: as many
// kept-alive connections as workers, no transparent decompression (the
// tool asks for gzip itself and discards bodies), and only loopback dials.
func newClient(conns int) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackOnly}
	tr := &http.Transport{
		Proxy:               nil, // never through a proxy: loopback means loopback
		DialContext:         dialer.DialContext,
		MaxIdleConns:        conns * 2,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     60 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// target is the server under load.
type target struct {
	base      string
	inProcess bool
	pid       int // process whose memory is reported; 0: none
	dataDir   string
	fresh     bool // a new, empty data directory
	startup   *Startup
	store     *badgerstore.Store // in-process only
	srv       *server.Server
	served    chan error
	cleanup   func()
}

// startInProcess opens a Badger store in dir (a new temporary directory
// when dir is empty), builds the server over it and serves it on a random
// loopback port. It times the store's open and server.New separately.
func startInProcess(ctx context.Context, dir string) (*target, error) {
	t := &target{inProcess: true, pid: os.Getpid(), dataDir: dir, cleanup: func() {}}
	if dir == "" {
		tmp, err := os.MkdirTemp("", "parley-load-")
		if err != nil {
			return nil, err
		}
		t.dataDir, t.fresh = tmp, true
		t.cleanup = func() { os.RemoveAll(tmp) }
	}
	start := time.Now()
	store, err := badgerstore.Open(t.dataDir, badgerstore.Options{})
	if err != nil {
		t.cleanup()
		return nil, err
	}
	opened := time.Now()
	// Rate limits are off: the tool sends what many readers would (an
	// operator runs a target with --rate-limits off). Loopback is a
	// trusted proxy, so each worker says which reader's address it is.
	// Each live stream is a reader of its own too, so the per-client
	// stream cap stays at its default; the node's cap is lifted past
	// what the live scenario may open (--live-streams plus --live-idle).
	srv, err := server.New(ctx, store, server.Config{RatesOff: true, TrustedProxies: []string{"127.0.0.1"},
		MaxStreams: 2*maxLiveStreams + 1000})
	if err != nil {
		store.Close()
		t.cleanup()
		return nil, err
	}
	built := time.Now()
	t.startup = &Startup{StoreOpenMS: ms(opened.Sub(start)), ServerNewMS: ms(built.Sub(opened)), TotalMS: ms(built.Sub(start))}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		t.cleanup()
		return nil, err
	}
	t.base = "http://" + ln.Addr().String()
	t.store, t.srv = store, srv
	t.served = make(chan error, 1)
	go func() { t.served <- srv.Serve(ln) }()
	return t, nil
}

// close stops an in-process server and closes its store; a temporary data
// directory is removed.
func (t *target) close() error {
	if !t.inProcess {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := t.srv.Shutdown(ctx)
	if serr := <-t.served; err == nil && serr != nil && !errors.Is(serr, net.ErrClosed) {
		err = serr
	}
	start := time.Now()
	if cerr := t.store.Close(); err == nil {
		err = cerr
	}
	if t.startup != nil {
		t.startup.StoreCloseMS = ms(time.Since(start))
	}
	t.cleanup()
	return err
}

// procMem is a process's resident memory in MB: the total, and its
// anonymous part (heaps, Badger's memtables) apart from file pages mapped
// in (Badger's memory-mapped tables and value log); and the kernel's
// high-water mark of the total (VmHWM), since the process started or since
// resetPeakRSS.
type procMem struct {
	rss, anon, file, hwm float64
}

// procMemory reads VmRSS, RssAnon, RssFile and VmHWM of a process from
// /proc/<pid>/status. ok is false where there is no /proc.
func procMemory(pid int) (m procMem, ok bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return m, false
	}
	fields := map[string]*float64{"VmRSS": &m.rss, "RssAnon": &m.anon, "RssFile": &m.file, "VmHWM": &m.hwm}
	for line := range strings.SplitSeq(string(raw), "\n") {
		name, val, found := strings.Cut(line, ":")
		dst := fields[name]
		f := strings.Fields(val)
		if !found || dst == nil || len(f) == 0 {
			continue
		}
		if kb, err := strconv.ParseFloat(f[0], 64); err == nil {
			*dst = kb / 1024
			ok = ok || name == "VmRSS"
		}
	}
	return m, ok
}

// resetPeakRSS sets a process's VmHWM back to its current RSS (Linux 4.0
// and later: "5" written to /proc/<pid>/clear_refs), so that a later
// VmHWM is the peak since now. It reports whether the kernel took it; it
// does not for another user's process.
func resetPeakRSS(pid int) bool {
	f, err := os.OpenFile("/proc/"+strconv.Itoa(pid)+"/clear_refs", os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	_, err = f.WriteString("5")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err == nil
}
