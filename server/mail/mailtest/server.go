// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp)
// on 127.0.0.1 for tests, so that code sending mail is tested through
// mail.Sender, go-mail and the SMTP protocol instead of a stand-in.
//
//	srv := mailtest.Start(t)
//	sender, _ := mail.NewSender(srv.Config())
//	... send ...
//	got := srv.Wait(t, 1, 5*time.Second)
//	got[0].Header("Subject"), got[0].Text(), got[0].HTML()
//
// The server accepts any sender, any recipient not made to fail with
// FailRecipient, and any AUTH PLAIN credentials or none. Start serves plain
// SMTP; StartTLS offers STARTTLS with a certificate made for the test,
// and StartImplicitTLS speaks TLS from the first byte; their Config
// trusts that certificate. Stop and Restart take the server down and bring
// it back on the same port, for tests of delivery after an outage.
package mailtest

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/parley-dev/parley/server/mail"
)

// From is the sender address in every Config.
const From = "parley@example.test"

// Server is a running SMTP server that keeps what it receives.
type Server struct {
	tb        testing.TB
	mode      mail.TLSMode
	serverTLS *tls.Config
	clientTLS *tls.Config

	mu      sync.Mutex
	addr    string // "127.0.0.1:port", fixed after the first listen
	smtp    *smtp.Server
	ln      net.Listener
	served  chan struct{} // closed when the current Serve returns
	msgs    []Received
	fail    map[string]int
	changed chan struct{} // closed and replaced on every new message
}

// Start starts a plain SMTP server (no TLS) on 127.0.0.1 and a free port,
// stopped when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	return start(tb, mail.TLSNone, nil, nil)
}

// StartTLS starts a server that offers STARTTLS with a self-signed
// certificate for 127.0.0.1 made for this test. Its Config has TLS
// "starttls" and a TLSConfig that trusts the certificate, and nothing
// else does. AUTH is offered only after STARTTLS.
func StartTLS(tb testing.TB) *Server {
	tb.Helper()
	serverTLS, clientTLS := selfSigned(tb)
	return start(tb, mail.TLSStartTLS, serverTLS, clientTLS)
}

// StartImplicitTLS starts a server that speaks TLS from the first byte,
// with a certificate as StartTLS's; its Config has TLS "tls".
func StartImplicitTLS(tb testing.TB) *Server {
	tb.Helper()
	serverTLS, clientTLS := selfSigned(tb)
	return start(tb, mail.TLSImplicit, serverTLS, clientTLS)
}

func start(tb testing.TB, mode mail.TLSMode, serverTLS, clientTLS *tls.Config) *Server {
	tb.Helper()
	s := &Server{tb: tb, mode: mode, serverTLS: serverTLS, clientTLS: clientTLS,
		addr: "127.0.0.1:0", fail: map[string]int{}, changed: make(chan struct{})}
	if err := s.listen(); err != nil {
		tb.Fatalf("mailtest: %v", err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// Addr returns the server's "127.0.0.1:port".
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Config returns a mail.Config for this server: From "parley@example.test",
// TLS "none" (StartTLS: "starttls", StartImplicitTLS: "tls", with a
// TLSConfig that trusts the test's certificate). Set Username and Password
// to exercise AUTH; any are accepted.
func (s *Server) Config() mail.Config {
	_, port, _ := net.SplitHostPort(s.Addr())
	c := mail.Config{Host: "127.0.0.1", From: From, TLS: s.mode}
	c.Port, _ = strconv.Atoi(port)
	if s.clientTLS != nil {
		c.TLSConfig = s.clientTLS.Clone()
	}
	return c
}

// listen starts serving on s.addr; on the same port again after Stop,
// waiting a little if the port is still held.
func (s *Server) listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ln net.Listener
	var err error
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		ln, err = net.Listen("tcp", s.addr)
		if err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		return err
	}
	s.addr = ln.Addr().String()
	if s.mode == mail.TLSImplicit {
		ln = tls.NewListener(ln, s.serverTLS)
	}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "mailtest.example.test"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if s.mode == mail.TLSStartTLS {
		srv.TLSConfig = s.serverTLS
	}
	// Over plain SMTP AUTH must be allowed in clear, or a client could
	// not test it; with STARTTLS it is offered only after the upgrade.
	srv.AllowInsecureAuth = s.mode == mail.TLSNone
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve(ln)
	}()
	s.smtp, s.ln, s.served = srv, ln, served
	return nil
}

// Stop closes the listener and every open connection, so that a client
// gets "connection refused" until Restart. Messages received so far are
// kept. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln, served := s.smtp, s.ln, s.served
	s.smtp, s.ln, s.served = nil, nil, nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
		// Close closes only the listeners Serve has registered, which it
		// may not have done yet.
		ln.Close()
		<-served
	}
}

// Restart stops the server if it runs and serves again on the same port,
// failing the test if the port cannot be had back.
func (s *Server) Restart() {
	s.tb.Helper()
	s.Stop()
	if err := s.listen(); err != nil {
		s.tb.Fatalf("mailtest: restart on %s: %v", s.Addr(), err)
	}
}

// FailRecipient makes the server answer RCPT TO for addr (compared without
// regard to case) with code: 4xx is a temporary failure, 5xx a permanent
// one; 0 accepts addr again. Other codes fail the test.
func (s *Server) FailRecipient(addr string, code int) {
	s.tb.Helper()
	if code != 0 && (code < 400 || code > 599) {
		s.tb.Fatalf("mailtest: FailRecipient code %d, want 4xx, 5xx or 0", code)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.fail, strings.ToLower(addr))
	} else {
		s.fail[strings.ToLower(addr)] = code
	}
}

func (s *Server) failure(addr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fail[strings.ToLower(addr)]
}

func (s *Server) add(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// Messages returns the messages received so far, the oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// Wait returns the messages received once there are at least n, or fails
// the test after timeout. Call it from the test's goroutine.
func (s *Server) Wait(tb testing.TB, n int, timeout time.Duration) []Received {
	tb.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		got, changed := len(s.msgs), s.changed
		if got >= n {
			msgs := slices.Clone(s.msgs)
			s.mu.Unlock()
			return msgs
		}
		s.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			tb.Fatalf("mailtest: %d message(s) after %v, want %d", got, timeout, n)
			return nil
		}
	}
}
