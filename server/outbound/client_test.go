package outbound

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newTestServer starts a server on 127.0.0.1 answering "ok".
func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// mustForbid fails the test unless err is a refusal reported the way
// http.Client reports errors.
func mustForbid(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrForbiddenAddress) {
		t.Fatalf("err = %v, want ErrForbiddenAddress", err)
	}
	var uerr *url.Error
	if !errors.As(err, &uerr) {
		t.Fatalf("err = %T, want a *url.Error", err)
	}
}

func TestClientRefusesLoopback(t *testing.T) {
	srv := newTestServer(t)
	resp, err := NewClient(Options{}).Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("GET %s succeeded, want a refusal", srv.URL)
	}
	mustForbid(t, err)
}

func TestClientRefusesNameResolvingToLoopback(t *testing.T) {
	srv := newTestServer(t)
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	resp, err := NewClient(Options{}).Get(u)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("GET %s succeeded, want a refusal", u)
	}
	mustForbid(t, err)
}

func TestClientRefusesIPv6Loopback(t *testing.T) {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)

	resp, err := NewClient(Options{}).Get(srv.URL)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("GET %s succeeded, want a refusal", srv.URL)
	}
	mustForbid(t, err)
}

func TestClientAllowPrivate(t *testing.T) {
	srv := newTestServer(t)
	resp, err := NewClient(Options{AllowPrivate: true}).Get(srv.URL)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Fatalf("got %d %q, want 200 \"ok\"", resp.StatusCode, body)
	}
}

func TestClientDoesNotFollowRedirects(t *testing.T) {
	var reached atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		reached.Add(1)
	}))
	t.Cleanup(target.Close)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/internal", http.StatusFound)
	}))
	t.Cleanup(srv.Close)

	resp, err := NewClient(Options{AllowPrivate: true}).Get(srv.URL)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("status = %d, want 302", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != target.URL+"/internal" {
		t.Errorf("Location = %q, want %q", loc, target.URL+"/internal")
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("redirect target reached %d times, want 0", n)
	}
}

// slowServer starts a server whose handler first sends its header if
// headerFirst, then waits until the client goes away or the test ends.
func slowServer(t *testing.T, headerFirst bool) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if headerFirst {
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() {
		close(done)
		srv.Close()
	})
	return srv
}

func TestClientTimeout(t *testing.T) {
	for _, tt := range []struct {
		name        string
		headerFirst bool
	}{
		{"waiting for the header", false},
		{"reading the body", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := slowServer(t, tt.headerFirst)
			c := NewClient(Options{AllowPrivate: true, Timeout: 100 * time.Millisecond})
			start := time.Now()
			resp, err := c.Get(srv.URL)
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if err == nil {
				t.Fatal("no error from a server slower than the timeout")
			}
			var nerr net.Error
			if !errors.As(err, &nerr) || !nerr.Timeout() {
				t.Errorf("err = %v, want a timeout", err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v, want about the 100ms timeout", d)
			}
		})
	}
}

func TestNewClientSettings(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://proxy.example.com:3128")
	t.Setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
	c := NewClient(Options{})
	if c.Timeout != DefaultTimeout {
		t.Errorf("Timeout = %v, want DefaultTimeout", c.Timeout)
	}
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("Transport is %T, want *http.Transport", c.Transport)
	}
	if tr.Proxy != nil {
		t.Error("the transport takes a proxy")
	}
	for name, d := range map[string]time.Duration{
		"TLSHandshakeTimeout":   tr.TLSHandshakeTimeout,
		"ResponseHeaderTimeout": tr.ResponseHeaderTimeout,
	} {
		if d <= 0 || d > DefaultTimeout {
			t.Errorf("%s = %v, want within (0, %v]", name, d, DefaultTimeout)
		}
	}
	if got := NewClient(Options{Timeout: time.Second}).Timeout; got != time.Second {
		t.Errorf("Timeout with Options.Timeout 1s = %v", got)
	}
}

func TestClientRefusesOtherSchemes(t *testing.T) {
	c := NewClient(Options{AllowPrivate: true})
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/", "gopher://127.0.0.1:6379/_"} {
		resp, err := c.Get(u)
		if err == nil {
			resp.Body.Close()
			t.Errorf("GET %s succeeded, want an error", u)
		}
	}
}
