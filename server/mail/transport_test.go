package mail_test

import (
	"context"
	"errors"
	"testing"
	"time"

	parleymail "github.com/parley-dev/parley/server/mail"
	"github.com/parley-dev/parley/server/mail/mailtest"
)

func simple(to string) parleymail.Message {
	return parleymail.Message{To: to, Subject: "Hello", Text: "text", HTML: "<p>html</p>", ID: "t1"}
}

func TestSendSTARTTLSWithAuth(t *testing.T) {
	srv := mailtest.StartTLS(t)
	cfg := srv.Config()
	cfg.Username, cfg.Password = "parley", "secret"
	got := deliver(t, srv, cfg, simple("reader@example.com"))
	if !got.TLS {
		t.Error("the message did not come over TLS")
	}
	if got.Username != "parley" || got.Password != "secret" {
		t.Errorf("AUTH %q/%q", got.Username, got.Password)
	}
	if got.Text() != "text" || got.HTML() != "<p>html</p>" {
		t.Errorf("parts %q, %q", got.Text(), got.HTML())
	}
}

func TestSendImplicitTLS(t *testing.T) {
	srv := mailtest.StartImplicitTLS(t)
	if got := deliver(t, srv, srv.Config(), simple("reader@example.com")); !got.TLS {
		t.Error("the message did not come over TLS")
	}
}

func TestSendPlainWithAuthOnLoopback(t *testing.T) {
	srv := mailtest.Start(t)
	cfg := srv.Config()
	cfg.Username, cfg.Password = "u", "p"
	got := deliver(t, srv, cfg, simple("reader@example.com"))
	if got.TLS || got.Username != "u" {
		t.Errorf("TLS %v, user %q", got.TLS, got.Username)
	}
}

// sendErr sends m through cfg and returns the error, which must not be nil.
func sendErr(t *testing.T, cfg parleymail.Config, m parleymail.Message) error {
	t.Helper()
	sender, err := parleymail.NewSender(cfg)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	err = sender.Send(context.Background(), m)
	if err == nil {
		t.Fatal("Send succeeded, want an error")
	}
	return err
}

func TestSTARTTLSVerifiesTheCertificate(t *testing.T) {
	srv := mailtest.StartTLS(t)
	cfg := srv.Config()
	cfg.TLSConfig = nil // the system roots do not know the test's certificate
	if err := sendErr(t, cfg, simple("reader@example.com")); parleymail.IsPermanent(err) {
		t.Errorf("IsPermanent(%v) = true", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages went over an unverified connection", n)
	}
}

func TestSTARTTLSIsRequired(t *testing.T) {
	srv := mailtest.Start(t) // offers no STARTTLS
	cfg := srv.Config()
	cfg.TLS = parleymail.TLSStartTLS
	sendErr(t, cfg, simple("reader@example.com"))
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages went in clear", n)
	}
}

func TestPermanentFailures(t *testing.T) {
	srv := mailtest.Start(t)
	srv.FailRecipient("Gone@Example.com", 550)
	tests := map[string]parleymail.Message{
		"550 for the recipient": simple("gone@example.com"),
		"not an address":        simple("not an address"),
		"two addresses":         simple("a@example.com, b@example.com"),
		"no body":               {To: "reader@example.com", Subject: "empty"},
		"unsubscribe not http":  {To: "reader@example.com", Text: "x", ListUnsubscribe: "javascript:alert(1)"},
	}
	for name, m := range tests {
		t.Run(name, func(t *testing.T) {
			if err := sendErr(t, srv.Config(), m); !parleymail.IsPermanent(err) {
				t.Errorf("IsPermanent(%v) = false", err)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages arrived", n)
	}
}

func TestTemporaryFailures(t *testing.T) {
	srv := mailtest.Start(t)
	srv.FailRecipient("full@example.com", 452)
	if err := sendErr(t, srv.Config(), simple("full@example.com")); parleymail.IsPermanent(err) {
		t.Errorf("a 452 is permanent: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sender, _ := parleymail.NewSender(srv.Config())
	if err := sender.Send(ctx, simple("reader@example.com")); err == nil || parleymail.IsPermanent(err) {
		t.Errorf("cancelled context: %v", err)
	}
	srv.FailRecipient("full@example.com", 0)
	deliver(t, srv, srv.Config(), simple("full@example.com"))
}

func TestDeliveryAfterOutage(t *testing.T) {
	srv := mailtest.Start(t)
	addr := srv.Addr()
	deliver(t, srv, srv.Config(), simple("reader@example.com"))
	srv.Stop()
	if err := sendErr(t, srv.Config(), simple("reader@example.com")); parleymail.IsPermanent(err) {
		t.Errorf("a stopped server is a permanent failure: %v", err)
	}
	srv.Restart()
	if srv.Addr() != addr {
		t.Fatalf("restarted on %s, was %s", srv.Addr(), addr)
	}
	deliver(t, srv, srv.Config(), simple("reader@example.com"))
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
}

func TestIsPermanentOnOtherErrors(t *testing.T) {
	if parleymail.IsPermanent(nil) || parleymail.IsPermanent(errors.New("x")) || parleymail.IsPermanent(context.DeadlineExceeded) {
		t.Error("IsPermanent is true for an error Send did not return")
	}
}

func TestSendHonoursContextDeadline(t *testing.T) {
	srv := mailtest.Start(t)
	srv.Stop()
	sender, _ := parleymail.NewSender(srv.Config())
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := sender.Send(ctx, simple("reader@example.com")); err == nil {
		t.Fatal("Send to a stopped server succeeded")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send took %v", d)
	}
}
