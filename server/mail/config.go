package mail

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
)

// TLSMode is how the connection to the SMTP server is protected.
type TLSMode string

// TLS modes.
const (
	// TLSStartTLS connects in plain text and upgrades with STARTTLS, which
	// is required: a server that does not offer it is an error, so a
	// network attacker cannot strip it. The default; port 587.
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte ("SMTPS"); port 465.
	TLSImplicit TLSMode = "tls"
	// TLSNone sends everything, the password included, in clear; port 25.
	// Only sensible for a relay on the same host, and Validate refuses it
	// together with a password unless Host is a loopback address.
	TLSNone TLSMode = "none"
)

// Config says how to reach the SMTP server that sends Parley's e-mail.
// The zero Config is valid and means mail is off.
type Config struct {
	Host string
	// Port is the server's TCP port; 0 means the mode's usual port (587,
	// 465 or 25).
	Port     int
	Username string
	Password string
	// From is the sender of every message, "parley@example.com" or
	// "Comments <parley@example.com>". Its domain also ends every
	// Message-ID.
	From string
	// TLS is the mode; "" means TLSStartTLS.
	TLS TLSMode
	// TLSConfig, when not nil, replaces the TLS settings used to verify the
	// server (by default the system roots, TLS 1.2 or newer, server name
	// Host). It is cloned, and its ServerName defaults to Host. It exists
	// so that tests can trust a self-signed certificate (see mailtest);
	// leave it nil in production.
	TLSConfig *tls.Config `json:"-"`
}

// Enabled reports whether mail is configured: Host and From are set.
func (c Config) Enabled() bool { return c.Host != "" && c.From != "" }

// Mode returns c.TLS with the default applied.
func (c Config) Mode() TLSMode {
	if c.TLS == "" {
		return TLSStartTLS
	}
	return c.TLS
}

// Addr returns the server's "host:port", with the mode's default port
// when Port is 0.
func (c Config) Addr() string { return net.JoinHostPort(c.Host, fmt.Sprint(c.port())) }

func (c Config) port() int {
	if c.Port != 0 {
		return c.Port
	}
	switch c.Mode() {
	case TLSImplicit:
		return 465
	case TLSNone:
		return 25
	default:
		return 587
	}
}

// Validate checks a Config before use. A Config with Host, From, Username
// and Password all empty is valid (mail is off); otherwise Host and From
// are required, From must parse as an address, Port must be 0 or
// 1-65535, TLS a known mode, and a password may travel in clear (TLSNone)
// only to a loopback Host.
func (c Config) Validate() error {
	if c.Host == "" && c.From == "" && c.Username == "" && c.Password == "" {
		return nil
	}
	var errs []error
	if c.Host == "" {
		errs = append(errs, errors.New("mail: host is required"))
	} else if strings.ContainsFunc(c.Host, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '/' }) {
		errs = append(errs, fmt.Errorf("mail: host %q is not a host name", c.Host))
	}
	if c.From == "" {
		errs = append(errs, errors.New("mail: from address is required"))
	} else if _, err := mail.ParseAddress(c.From); err != nil {
		errs = append(errs, fmt.Errorf("mail: from address %q: %w", c.From, err))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("mail: port %d is out of range 1-65535", c.Port))
	}
	switch c.Mode() {
	case TLSStartTLS, TLSImplicit:
	case TLSNone:
		if (c.Username != "" || c.Password != "") && !isLoopback(c.Host) {
			errs = append(errs, fmt.Errorf("mail: TLS mode none would send the password in clear to %s; use starttls or tls", c.Host))
		}
	default:
		errs = append(errs, fmt.Errorf("mail: unknown TLS mode %q (want starttls, tls or none)", c.TLS))
	}
	return errors.Join(errs...)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
