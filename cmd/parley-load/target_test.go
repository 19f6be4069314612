package main

import (
	"strings"
	"testing"
)

func TestCheckLoopbackHost(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:8080", true},
		{"127.0.0.1", true},
		{"127.1.2.3:80", true},
		{"[::1]:80", true},
		{"::1", true},
		{"localhost", true},
		{"localhost:8080", true},
		{"LOCALHOST:1", true},
		{"10.0.0.1", false},
		{"10.0.0.1:8080", false},
		{"example.com", false},
		{"example.com:80", false},
		{"0.0.0.0:8080", false},
		{"192.168.1.10:80", false},
		{"[::]:80", false},
		{"[2001:db8::1]:443", false},
		{"localhost.example.com", false},
		{"128.0.0.1", false},
		{"", false},
	}
	for _, tt := range tests {
		err := checkLoopbackHost(tt.host)
		if (err == nil) != tt.ok {
			t.Errorf("checkLoopbackHost(%q) = %v, want ok=%v", tt.host, err, tt.ok)
		}
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://127.0.0.1:8080/some/path?x=1", "http://127.0.0.1:8080"},
		{"http://[::1]:80", "http://[::1]:80"},
		{"http://localhost:8080/", "http://localhost:8080"},
		{"http://10.0.0.1:8080", ""},
		{"https://example.com", ""},
		{"ftp://127.0.0.1", ""},
		{"127.0.0.1:8080", ""}, // no scheme
		{"http://user@10.0.0.1", ""},
	}
	for _, tt := range tests {
		got, err := parseTarget(tt.raw)
		if tt.want == "" {
			if err == nil {
				t.Errorf("parseTarget(%q) = %q, want an error", tt.raw, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseTarget(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
}

// The dialer checks the address it really connects to, whatever name the
// URL had.
func TestClientRefusesNonLoopbackDials(t *testing.T) {
	c := newClient(1)
	_, err := c.Get("http://10.255.255.1:9/")
	if err == nil || !strings.Contains(err.Error(), "not loopback") {
		t.Errorf("dial to 10.255.255.1: %v, want a loopback refusal", err)
	}
}
