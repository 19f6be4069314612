package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/parley-dev/parley/server/mail"
)

// mailFlags are the flags of the SMTP server that sends Parley's e-mail.
// The password comes from PARLEY_SMTP_PASSWORD only, never a flag, so it
// never shows in a process list.
type mailFlags struct {
	host, port, user, from, tls, password string
}

func addMailFlags(fs *envFlagSet) *mailFlags {
	f := &mailFlags{}
	fs.Var(&f.host, flagDoc{Name: "smtp-host", Value: "HOST", Env: "PARLEY_SMTP_HOST", Shown: "none (Parley sends no e-mail)",
		Usage: "SMTP server for reply and staff e-mails"})
	fs.Var(&f.port, flagDoc{Name: "smtp-port", Value: "PORT", Env: "PARLEY_SMTP_PORT", Shown: "587 for starttls, 465 for tls, 25 for none",
		Usage: "SMTP port"})
	fs.Var(&f.user, flagDoc{Name: "smtp-user", Value: "NAME", Env: "PARLEY_SMTP_USER",
		Usage: "SMTP user name; the password is read from PARLEY_SMTP_PASSWORD"})
	fs.Var(&f.from, flagDoc{Name: "smtp-from", Value: "ADDRESS", Env: "PARLEY_SMTP_FROM",
		Usage: `sender of every e-mail, e.g. "Comments <comments@example.com>"; required with --smtp-host`})
	fs.Var(&f.tls, flagDoc{Name: "smtp-tls", Value: "MODE", Env: "PARLEY_SMTP_TLS", Default: "starttls",
		Usage: "starttls, tls (implicit, port 465) or none"})
	fs.EnvOnly(&f.password, flagDoc{Env: "PARLEY_SMTP_PASSWORD",
		Usage: "password of --smtp-user; environment only, never a flag"})
	return f
}

// config checks the flags and returns the mail settings; the zero Config
// (mail off) without a host.
func (f *mailFlags) config() (mail.Config, error) {
	if f.host == "" {
		if f.from != "" || f.user != "" {
			return mail.Config{}, errors.New("--smtp-host: set it, or leave out the other --smtp-* settings")
		}
		return mail.Config{}, nil
	}
	c := mail.Config{Host: f.host, Username: f.user, Password: f.password, From: f.from, TLS: mail.TLSMode(f.tls)}
	switch c.TLS {
	case mail.TLSStartTLS, mail.TLSImplicit, mail.TLSNone:
	default:
		return c, errors.New("--smtp-tls: want starttls, tls or none")
	}
	if f.port != "" {
		p, err := strconv.Atoi(f.port)
		if err != nil || p < 1 || p > 65535 {
			return c, errors.New("--smtp-port: want a port number from 1 to 65535")
		}
		c.Port = p
	}
	if c.From == "" {
		return c, errors.New("--smtp-from: give the sender address of Parley's e-mails")
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("--smtp-*: %w", err)
	}
	return c, nil
}
