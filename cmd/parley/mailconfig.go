package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/parley-dev/parley/server/mail"
)

// mailFlags are the flags of the SMTP server that sends Parley's e-mail.
// The password comes from PARLEY_SMTP_PASSWORD only, never a flag, so it
// never shows in a process list.
type mailFlags struct {
	host, port, user, from, tls string
}

func addMailFlags(fs *flag.FlagSet, env func(name, def string) string) *mailFlags {
	f := &mailFlags{}
	fs.StringVar(&f.host, "smtp-host", env("PARLEY_SMTP_HOST", ""), "SMTP server for reply and staff e-mails; without it Parley sends no e-mail (PARLEY_SMTP_HOST)")
	fs.StringVar(&f.port, "smtp-port", env("PARLEY_SMTP_PORT", ""), "SMTP port; default 587 for starttls, 465 for tls, 25 for none (PARLEY_SMTP_PORT)")
	fs.StringVar(&f.user, "smtp-user", env("PARLEY_SMTP_USER", ""), "SMTP user name; the password is read from PARLEY_SMTP_PASSWORD (PARLEY_SMTP_USER)")
	fs.StringVar(&f.from, "smtp-from", env("PARLEY_SMTP_FROM", ""), `sender of every e-mail, e.g. "Comments <comments@example.com>" (PARLEY_SMTP_FROM)`)
	fs.StringVar(&f.tls, "smtp-tls", env("PARLEY_SMTP_TLS", "starttls"), "starttls, tls (implicit, port 465) or none (PARLEY_SMTP_TLS)")
	return f
}

// config checks the flags and returns the mail settings; the zero Config
// (mail off) without a host.
func (f *mailFlags) config(password string) (mail.Config, error) {
	if f.host == "" {
		if f.from != "" || f.user != "" {
			return mail.Config{}, errors.New("--smtp-host: set it, or leave out the other --smtp-* settings")
		}
		return mail.Config{}, nil
	}
	c := mail.Config{Host: f.host, Username: f.user, Password: password, From: f.from, TLS: mail.TLSMode(f.tls)}
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
