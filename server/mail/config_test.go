package mail

import (
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	ok := Config{Host: "smtp.example.com", From: "Comments <parley@example.com>"}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string // "" means valid
	}{
		{"minimal", func(c *Config) {}, ""},
		{"zero is off and valid", func(c *Config) { *c = Config{} }, ""},
		{"no host", func(c *Config) { c.Host = "" }, "host is required"},
		{"no from", func(c *Config) { c.From = "" }, "from address is required"},
		{"only a password", func(c *Config) { *c = Config{Password: "x"} }, "host is required"},
		{"bad from", func(c *Config) { c.From = "not an address" }, "from address"},
		{"from with a line break", func(c *Config) { c.From = "a@example.com\r\nBcc: b@example.com" }, "from address"},
		{"host with space", func(c *Config) { c.Host = "smtp example.com" }, "not a host name"},
		{"port 465", func(c *Config) { c.Port = 465 }, ""},
		{"port 65535", func(c *Config) { c.Port = 65535 }, ""},
		{"port too big", func(c *Config) { c.Port = 65536 }, "out of range"},
		{"negative port", func(c *Config) { c.Port = -1 }, "out of range"},
		{"tls", func(c *Config) { c.TLS = TLSImplicit }, ""},
		{"unknown mode", func(c *Config) { c.TLS = "ssl" }, "unknown TLS mode"},
		{"none without auth", func(c *Config) { c.TLS = TLSNone }, ""},
		{"none with password to a remote host", func(c *Config) {
			c.TLS, c.Username, c.Password = TLSNone, "u", "p"
		}, "in clear"},
		{"none with password to localhost", func(c *Config) {
			c.TLS, c.Host, c.Username, c.Password = TLSNone, "localhost", "u", "p"
		}, ""},
		{"none with password to ::1", func(c *Config) {
			c.TLS, c.Host, c.Username, c.Password = TLSNone, "::1", "u", "p"
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestConfigEnabledAndAddr(t *testing.T) {
	if (Config{Host: "h"}).Enabled() || (Config{From: "a@b.c"}).Enabled() {
		t.Error("Enabled without both host and from")
	}
	if !(Config{Host: "h", From: "a@b.c"}).Enabled() {
		t.Error("not Enabled with host and from")
	}
	tests := []struct {
		c    Config
		want string
	}{
		{Config{Host: "h"}, "h:587"},
		{Config{Host: "h", TLS: TLSStartTLS}, "h:587"},
		{Config{Host: "h", TLS: TLSImplicit}, "h:465"},
		{Config{Host: "h", TLS: TLSNone}, "h:25"},
		{Config{Host: "h", TLS: TLSNone, Port: 2525}, "h:2525"},
		{Config{Host: "::1", TLS: TLSNone}, "[::1]:25"},
	}
	for _, tt := range tests {
		if got := tt.c.Addr(); got != tt.want {
			t.Errorf("%+v.Addr() = %q, want %q", tt.c, got, tt.want)
		}
	}
	if got := (Config{}).Mode(); got != TLSStartTLS {
		t.Errorf("default mode %q", got)
	}
}

func TestNewSenderRefusesBadConfig(t *testing.T) {
	if _, err := NewSender(Config{}); err == nil {
		t.Error("NewSender accepted a config that is off")
	}
	if _, err := NewSender(Config{Host: "h", From: "nope"}); err == nil {
		t.Error("NewSender accepted a bad from address")
	}
}
