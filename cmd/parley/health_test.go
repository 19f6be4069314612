package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestHealthCommand runs parley health as a container's HEALTHCHECK would:
// nil (exit 0) only on a 200, otherwise one line saying why.
func TestHealthCommand(t *testing.T) {
	var status atomic.Int32 // set by the test, read by the handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(int(status.Load()))
		w.Write([]byte(`{"status":"ok"}`))
	}))
	defer srv.Close()

	// An address nothing listens on: bind a port, then free it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()

	noEnv := func(string) string { return "" }
	addrEnv := func(addr string) func(string) string {
		return func(k string) string {
			if k == "PARLEY_ADDR" {
				return addr
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name   string
		status int
		args   []string
		getenv func(string) string
		want   string // substring of the error; "" for success
	}{
		{"200 is healthy", 200, []string{srv.URL + "/healthz"}, noEnv, ""},
		{"URL from PARLEY_ADDR", 200, nil, addrEnv(srv.Listener.Addr().String()), ""},
		{"503 is unhealthy", 503, []string{srv.URL + "/healthz"}, noEnv, "answered 503 Service Unavailable"},
		{"404 is unhealthy", 200, []string{srv.URL + "/nothing"}, noEnv, "answered 404 Not Found"},
		{"unreachable", 200, []string{"http://" + dead + "/healthz"}, noEnv, "connection refused"},
		{"unreachable from PARLEY_ADDR", 200, nil, addrEnv(dead), "GET http://" + dead + "/healthz"},
		{"not a URL", 200, []string{"localhost:8080"}, noEnv, "not an http(s) URL"},
		{"two URLs", 200, []string{srv.URL, srv.URL}, noEnv, "unexpected argument"},
		{"bad PARLEY_ADDR", 200, nil, addrEnv("8080"), "PARLEY_ADDR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status.Store(int32(tc.status))
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"health"}, tc.args...), tc.getenv, &stdout, &stderr)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is more than one line: %q", err)
			}
		})
	}
}

// TestHealthTimeout: a server that accepts but never answers fails the
// check once the timeout passes, rather than hanging the HEALTHCHECK.
func TestHealthTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)
	old := healthTimeout
	healthTimeout = 100 * time.Millisecond
	defer func() { healthTimeout = old }()

	start := time.Now()
	err := run(context.Background(), []string{"health", srv.URL + "/healthz"}, func(string) string { return "" }, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		"":               "http://127.0.0.1:8080/healthz",
		":8080":          "http://127.0.0.1:8080/healthz",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/healthz",
		"[::]:8080":      "http://[::1]:8080/healthz",
		"localhost:8080": "http://localhost:8080/healthz",
		"10.0.0.5:80":    "http://10.0.0.5:80/healthz",
	} {
		got, err := healthURL(addr)
		if err != nil || got != want {
			t.Errorf("healthURL(%q) = %q, %v; want %q", addr, got, err, want)
		}
	}
}
