package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/outbound"
	"github.com/parley-dev/parley/server/outbox"
	"github.com/parley-dev/parley/storage"
)

func TestDeliverSignsAndLabels(t *testing.T) {
	h := newHook(t)
	s := openStore(t, h.URL, testSecret)
	m := message(t, h.URL)
	if err := newDeliverer(s).Deliver(context.Background(), m); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	got := h.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	req := got[0]
	if string(req.body) != string(m.Payload) {
		t.Errorf("body = %s, want the payload as queued", req.body)
	}
	if !Verify([]byte(testSecret), req.body, req.header.Get(HeaderSignature)) {
		t.Errorf("%s %q does not verify over the received body", HeaderSignature, req.header.Get(HeaderSignature))
	}
	if Verify([]byte("psec_other"), req.body, req.header.Get(HeaderSignature)) {
		t.Error("signature verifies with another secret")
	}
	if err := outbound.Verify([]byte(testSecret), req.header.Get(outbound.SignatureHeader), req.body, testNow, 0); err != nil {
		t.Errorf("%s does not verify: %v", outbound.SignatureHeader, err)
	}
	for name, want := range map[string]string{
		"Content-Type":  "application/json",
		"User-Agent":    outbound.UserAgent,
		HeaderEvent:     TypeCreated,
		HeaderEventID:   "evt-1",
		HeaderTimestamp: strconv.FormatInt(testNow.Unix(), 10),
	} {
		if v := req.header.Get(name); v != want {
			t.Errorf("%s = %q, want %q", name, v, want)
		}
	}
	for _, private := range []string{testEmail, testReader, testIP} {
		if strings.Contains(string(req.body), private) {
			t.Errorf("received body holds %q", private)
		}
	}
}

func TestDeliverSortsAnswers(t *testing.T) {
	for _, tt := range []struct {
		status int
		want   string // ok, retry or permanent
	}{
		{200, "ok"}, {202, "ok"}, {204, "ok"},
		{500, "retry"}, {502, "retry"}, {503, "retry"}, {408, "retry"}, {429, "retry"},
		{410, "permanent"}, {400, "permanent"}, {401, "permanent"}, {404, "permanent"},
		{301, "permanent"}, {302, "permanent"},
	} {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			h := newHook(t, tt.status)
			s := openStore(t, h.URL, testSecret)
			err := newDeliverer(s).Deliver(context.Background(), message(t, h.URL))
			if got := outcome(err); got != tt.want {
				t.Fatalf("Deliver = %v (%s), want %s", err, got, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), strconv.Itoa(tt.status)) {
				t.Errorf("error %q lacks the status", err)
			}
		})
	}
}

// outcome names how the outbox will treat err.
func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case outbox.IsPermanent(err):
		return "permanent"
	}
	return "retry"
}

func TestDeliverLongAnswerIsCut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(strings.Repeat("x", 1<<20)))
	}))
	t.Cleanup(srv.Close)
	s := openStore(t, srv.URL, testSecret)
	err := newDeliverer(s).Deliver(context.Background(), message(t, srv.URL))
	if outcome(err) != "retry" || len(err.Error()) > 100 {
		t.Errorf("Deliver = %q, want a short retryable error", err)
	}
}

func TestDeliverUsesRotatedSecretOnRetry(t *testing.T) {
	h := newHook(t, http.StatusInternalServerError)
	s := openStore(t, h.URL, testSecret)
	d := newDeliverer(s)
	m := message(t, h.URL)
	if err := d.Deliver(context.Background(), m); outcome(err) != "retry" {
		t.Fatalf("first attempt = %v, want retryable", err)
	}
	const rotated = "psec_rotated-secret"
	updateSite(t, s, func(site *storage.Site) { site.SigningSecret = rotated })
	if err := d.Deliver(context.Background(), m); err != nil {
		t.Fatalf("retry: %v", err)
	}
	got := h.requests()
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	if !Verify([]byte(testSecret), got[0].body, got[0].header.Get(HeaderSignature)) {
		t.Error("first attempt not signed with the first secret")
	}
	retry := got[1]
	if !Verify([]byte(rotated), retry.body, retry.header.Get(HeaderSignature)) {
		t.Error("retry not signed with the rotated secret")
	}
	if Verify([]byte(testSecret), retry.body, retry.header.Get(HeaderSignature)) {
		t.Error("retry still signed with the old secret")
	}
	if err := outbound.Verify([]byte(rotated), retry.header.Get(outbound.SignatureHeader), retry.body, testNow, 0); err != nil {
		t.Errorf("retry's %s: %v", outbound.SignatureHeader, err)
	}
}

func TestDeliverRefusesWithoutCalling(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(*storage.Site)
		want   error
	}{
		{"URL changed", func(s *storage.Site) { s.Settings.WebhookURL = "https://new.example/hook" }, ErrURLChanged},
		{"URL removed", func(s *storage.Site) { s.Settings.WebhookURL = "" }, ErrURLChanged},
		{"no secret", func(s *storage.Site) { s.SigningSecret = "" }, ErrNoSecret},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHook(t)
			s := openStore(t, h.URL, testSecret)
			updateSite(t, s, tt.change)
			err := newDeliverer(s).Deliver(context.Background(), message(t, h.URL))
			if !outbox.IsPermanent(err) || !errors.Is(err, tt.want) {
				t.Errorf("Deliver = %v, want permanent %v", err, tt.want)
			}
			if n := len(h.requests()); n != 0 {
				t.Errorf("receiver called %d times", n)
			}
		})
	}
}

func TestDeliverSiteGone(t *testing.T) {
	h := newHook(t)
	s := openStore(t, h.URL, testSecret)
	m := message(t, h.URL)
	m.SiteID = "other"
	err := newDeliverer(s).Deliver(context.Background(), m)
	if !outbox.IsPermanent(err) || !errors.Is(err, ErrSiteGone) {
		t.Errorf("Deliver = %v, want permanent ErrSiteGone", err)
	}
}

func TestDeliverBadPayload(t *testing.T) {
	h := newHook(t)
	s := openStore(t, h.URL, testSecret)
	for _, payload := range []string{"", "not json", `{"id":"e1"}`, `{"id":"e1","type":"comment.voted"}`} {
		m := message(t, h.URL)
		m.Payload = []byte(payload)
		err := newDeliverer(s).Deliver(context.Background(), m)
		if !outbox.IsPermanent(err) || !errors.Is(err, ErrNotEvent) {
			t.Errorf("payload %q: Deliver = %v, want permanent ErrNotEvent", payload, err)
		}
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("receiver called %d times", n)
	}
}

func TestDeliverRefusesLoopbackUnlessAllowed(t *testing.T) {
	h := newHook(t)
	s := openStore(t, h.URL, testSecret)
	d := New(Config{Client: outbound.NewClient(outbound.Options{}), Sites: s})
	err := d.Deliver(context.Background(), message(t, h.URL))
	if !outbox.IsPermanent(err) || !errors.Is(err, outbound.ErrForbiddenAddress) {
		t.Errorf("Deliver = %v, want permanent ErrForbiddenAddress", err)
	}
	if n := len(h.requests()); n != 0 {
		t.Errorf("loopback receiver called %d times", n)
	}
	if strings.Contains(err.Error(), "t0ps3cret") || strings.Contains(err.Error(), "/hooks/") {
		t.Errorf("error %q shows the URL", err)
	}
}

func TestDeliverDefaultClientRefusesLoopback(t *testing.T) {
	h := newHook(t)
	s := openStore(t, h.URL, testSecret)
	err := New(Config{Sites: s}).Deliver(context.Background(), message(t, h.URL))
	if !outbox.IsPermanent(err) || !errors.Is(err, outbound.ErrForbiddenAddress) {
		t.Errorf("Deliver = %v, want permanent ErrForbiddenAddress", err)
	}
}

func TestDeliverNetworkErrorIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/hook?token=t0ps3cret"
	srv.Close() // nothing listens there any more
	s := openStore(t, url, testSecret)
	err := newDeliverer(s).Deliver(context.Background(), message(t, url))
	if outcome(err) != "retry" {
		t.Fatalf("Deliver = %v, want retryable", err)
	}
	if strings.Contains(err.Error(), "t0ps3cret") {
		t.Errorf("error %q shows the URL", err)
	}
}

func TestDeliverTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	s := openStore(t, srv.URL, testSecret)
	d := New(Config{Client: outbound.NewClient(outbound.Options{AllowPrivate: true, Timeout: 100 * time.Millisecond}), Sites: s})
	if err := d.Deliver(context.Background(), message(t, srv.URL)); outcome(err) != "retry" {
		t.Errorf("Deliver = %v, want retryable", err)
	}
}

func TestDeliverWrongKind(t *testing.T) {
	h := newHook(t)
	s := openStore(t, h.URL, testSecret)
	m := message(t, h.URL)
	m.Kind = storage.MessageMail
	if err := newDeliverer(s).Deliver(context.Background(), m); !outbox.IsPermanent(err) {
		t.Errorf("Deliver = %v, want permanent", err)
	}
}
