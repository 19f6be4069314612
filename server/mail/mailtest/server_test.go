package mailtest_test

import (
	"net/smtp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/mail"
	"github.com/parley-dev/parley/server/mail/mailtest"
)

// A message as another mailer might write it: base64 HTML inside a
// multipart/related inside multipart/alternative, an encoded subject.
const nested = "From: a@example.test\r\n" +
	"To: b@example.test\r\n" +
	"Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/alternative; boundary=outer\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"caf=C3=A9 line one=\r\n" +
	" continued\r\n" +
	"line two\r\n" +
	"--outer\r\n" +
	"Content-Type: multipart/related; boundary=inner\r\n" +
	"\r\n" +
	"--inner\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"PHA+SGVs\r\n" +
	"bG88L3A+\r\n" +
	"--inner--\r\n" +
	"--outer--\r\n"

func TestReceivedDecodesParts(t *testing.T) {
	srv := mailtest.Start(t)
	if err := smtp.SendMail(srv.Addr(), nil, "a@example.test", []string{"b@example.test", "c@example.test"}, []byte(nested)); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if got.From != "a@example.test" || !slices.Equal(got.To, []string{"b@example.test", "c@example.test"}) {
		t.Errorf("envelope %q -> %v", got.From, got.To)
	}
	if s := got.Header("Subject"); s != "Grüße" {
		t.Errorf("Subject %q", s)
	}
	if s := got.Text(); s != "café line one continued\nline two" {
		t.Errorf("Text %q", s)
	}
	if s := got.HTML(); s != "<p>Hello</p>" {
		t.Errorf("HTML %q", s)
	}
	if got.TLS || got.Username != "" {
		t.Errorf("TLS %v, user %q", got.TLS, got.Username)
	}
}

func TestReceivedSinglePart(t *testing.T) {
	srv := mailtest.Start(t)
	msg := "Subject: hi\r\n\r\njust text\r\n"
	if err := smtp.SendMail(srv.Addr(), nil, "a@example.test", []string{"b@example.test"}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if got.Text() != "just text\n" || got.HTML() != "" || got.Header("X-None") != "" {
		t.Errorf("Text %q, HTML %q", got.Text(), got.HTML())
	}
}

func TestFailRecipient(t *testing.T) {
	srv := mailtest.Start(t)
	srv.FailRecipient("Full@Example.test", 452)
	err := smtp.SendMail(srv.Addr(), nil, "a@example.test", []string{"full@example.test"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "452") {
		t.Fatalf("err = %v, want a 452", err)
	}
	srv.FailRecipient("full@example.test", 550)
	err = smtp.SendMail(srv.Addr(), nil, "a@example.test", []string{"full@example.test"}, []byte("Subject: x\r\n\r\nx\r\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "550") {
		t.Fatalf("err = %v, want a 550", err)
	}
	srv.FailRecipient("full@example.test", 0)
	if err := smtp.SendMail(srv.Addr(), nil, "a@example.test", []string{"full@example.test"}, []byte("Subject: x\r\n\r\nx\r\n")); err != nil {
		t.Fatalf("after reset: %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

func TestStopAndRestartKeepPortAndMessages(t *testing.T) {
	srv := mailtest.Start(t)
	addr := srv.Addr()
	send := func() error {
		return smtp.SendMail(addr, nil, "a@example.test", []string{"b@example.test"}, []byte("Subject: x\r\n\r\nx\r\n"))
	}
	if err := send(); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	srv.Stop() // twice is fine
	if err := send(); err == nil {
		t.Fatal("a stopped server accepted mail")
	}
	srv.Restart()
	if srv.Addr() != addr {
		t.Fatalf("restarted on %s, was on %s", srv.Addr(), addr)
	}
	if err := send(); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if n := len(srv.Wait(t, 2, 5*time.Second)); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
}

func TestConfig(t *testing.T) {
	plain := mailtest.Start(t).Config()
	if plain.TLS != mail.TLSNone || plain.From != mailtest.From || plain.Host != "127.0.0.1" || plain.Port == 0 || plain.TLSConfig != nil {
		t.Errorf("plain config %+v", plain)
	}
	if err := plain.Validate(); err != nil {
		t.Errorf("plain config invalid: %v", err)
	}
	tls := mailtest.StartTLS(t).Config()
	if tls.TLS != mail.TLSStartTLS || tls.TLSConfig == nil || tls.TLSConfig.RootCAs == nil {
		t.Errorf("STARTTLS config %+v", tls)
	}
}

func TestWaitReturnsOnceEnoughArrived(t *testing.T) {
	srv := mailtest.Start(t)
	go func() {
		time.Sleep(50 * time.Millisecond)
		smtp.SendMail(srv.Addr(), nil, "a@example.test", []string{"b@example.test"}, []byte("Subject: late\r\n\r\nx\r\n"))
	}()
	start := time.Now()
	got := srv.Wait(t, 1, 5*time.Second)
	if len(got) != 1 || got[0].Header("Subject") != "late" || time.Since(start) > 4*time.Second {
		t.Errorf("Wait returned %d messages after %v", len(got), time.Since(start))
	}
}
