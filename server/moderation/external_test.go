package moderation_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/outbound"
	"github.com/parley-dev/parley/server/ratelimit"
	"github.com/parley-dev/parley/storage"
)

// spamService is an owner's spam check on loopback: it verifies Parley's
// signature and answers with answer (or misbehaves as told).
type spamService struct {
	t      *testing.T
	srv    *httptest.Server
	answer func(moderation.CheckRequest) (int, string)
	calls  atomic.Int32
	last   moderation.CheckRequest
}

func newSpamService(t *testing.T, e *env, answer func(moderation.CheckRequest) (int, string)) *spamService {
	s := &spamService{t: t, answer: answer}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		if err := outbound.Verify([]byte(e.site.SigningSecret), r.Header.Get(outbound.SignatureHeader), body, e.clock.Now(), 0); err != nil {
			t.Errorf("the check's signature does not verify: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if err := json.Unmarshal(body, &s.last); err != nil {
			t.Errorf("check request: %v", err)
		}
		status, text := s.answer(s.last)
		w.WriteHeader(status)
		io.WriteString(w, text)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func TestExternalCheck(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		answer  string
		slow    bool
		held    []string // reasons as stored: code and detail
		refused string
	}{
		{name: "accept", status: 200, answer: `{"verdict":"accept"}`},
		{name: "hold", status: 200, answer: `{"verdict":"hold","reason":"score 0.93\n<b>"}`, held: []string{"check_hold: score 0.93 <b>"}},
		{name: "refuse", status: 200, answer: `{"verdict":"refuse"}`, refused: "rejected"},
		{name: "down", status: 503, answer: `{"verdict":"accept"}`, held: []string{"check_unavailable: it answered HTTP 503"}},
		{name: "garbage", status: 200, answer: `<html>`, held: []string{"check_unavailable: its answer was not JSON"}},
		{name: "unknown verdict", status: 200, answer: `{"verdict":"maybe"}`, held: []string{"check_unavailable: it answered no verdict"}},
		{name: "too slow", status: 200, answer: `{"verdict":"accept"}`, slow: true, held: []string{"check_unavailable: it took too long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			svc := newSpamService(t, e, func(moderation.CheckRequest) (int, string) {
				if tt.slow {
					time.Sleep(time.Second) // the client waits 500 ms
				}
				return tt.status, tt.answer
			})
			w := e.create("Is this spam? https://x.example")
			w.Site.Settings.CheckURL = svc.srv.URL
			v, err := e.p.Run(e.ctx, w)
			var r *moderation.Refusal
			refused := ""
			if errors.As(err, &r) {
				refused = r.Code
			} else if err != nil {
				t.Fatal(err)
			}
			if refused != tt.refused || !slices.Equal(v.Codes(), tt.held) {
				t.Errorf("held for %q, refused %q; want %q, %q", v.Codes(), refused, tt.held, tt.refused)
			}
			if svc.calls.Load() != 1 {
				t.Errorf("the service was asked %d times", svc.calls.Load())
			}
		})
	}
}

func TestExternalCheckRequest(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.SuspectWords = []string{"crypto"} })
	svc := newSpamService(t, e, func(moderation.CheckRequest) (int, string) { return 200, `{"verdict":"accept"}` })
	w := e.create("All about **crypto**")
	w.Site.Settings.CheckURL = svc.srv.URL
	w.Author = storage.Author{Name: "Sam", Email: "sam@example.com", Website: "https://sam.example"}
	// A nudged draft costs the owner's service nothing.
	if _, refused := e.run(w); refused != "would_hold" || svc.calls.Load() != 0 {
		t.Fatalf("nudge: refused %q after %d calls", refused, svc.calls.Load())
	}
	w.Confirmed = true
	if codes, _ := e.run(w); !slices.Equal(codes, []string{"suspect_word"}) {
		t.Errorf("held for %v", codes)
	}
	got := svc.last
	if got.Site != "blog" || got.Kind != "create" || got.Page.Key != "p" || got.Comment.AuthorEmail != "sam@example.com" ||
		got.Comment.Markdown != "All about **crypto**" || got.Comment.Text != "All about crypto" || got.IP != "a1" ||
		!slices.Equal(got.Reasons, []string{`suspect_word: "crypto" in body`}) {
		t.Errorf("check request %+v", got)
	}
}

func TestExternalCheckRefusesPrivateAddresses(t *testing.T) {
	e := newEnv(t)
	svc := newSpamService(t, e, func(moderation.CheckRequest) (int, string) { return 200, `{"verdict":"accept"}` })
	strict := moderation.New(moderation.Config{Store: e.store, Limiter: ratelimit.NewMemory(0), RatesOff: true,
		FormKey: []byte("form key"), HTTP: outbound.NewClient(outbound.Options{}), Now: e.clock.Now})
	w := e.create("hello")
	w.Form.Token = strict.FormToken("blog", e.clock.Now().Add(-time.Minute))
	w.Site.Settings.CheckURL = svc.srv.URL // http://127.0.0.1:port
	v, err := strict.Run(e.ctx, w)
	if err != nil || !slices.Equal(v.Codes(), []string{"check_unavailable: its address is not public (see --allow-private-callbacks)"}) {
		t.Errorf("a check on loopback without --allow-private-callbacks: %v, %v", v.Codes(), err)
	}
	if svc.calls.Load() != 0 {
		t.Error("the loopback service was reached")
	}
}
