package outbound

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestPost(t *testing.T) {
	type seen struct {
		method, contentType, userAgent string
		verifyErr                      error
		body                           []byte
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- seen{
			method:      r.Method,
			contentType: r.Header.Get("Content-Type"),
			userAgent:   r.Header.Get("User-Agent"),
			verifyErr:   Verify(testSecret, r.Header.Get(SignatureHeader), body, time.Now(), 0),
			body:        body,
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"spam":false}`)
	}))
	t.Cleanup(srv.Close)

	c := NewClient(Options{AllowPrivate: true})
	resp, err := Post(context.Background(), c, srv.URL+"/check", testSecret, testBody, time.Now())
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	answer, err := ReadLimited(resp.Body, 1<<10)
	resp.Body.Close()
	if err != nil || string(answer) != `{"spam":false}` {
		t.Fatalf("answer = %q, %v", answer, err)
	}
	s := <-got
	if s.method != http.MethodPost {
		t.Errorf("method = %q, want POST", s.method)
	}
	if s.contentType != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", s.contentType)
	}
	if s.userAgent != "Parley" {
		t.Errorf("User-Agent = %q, want Parley", s.userAgent)
	}
	if s.verifyErr != nil {
		t.Errorf("receiver's Verify: %v", s.verifyErr)
	}
	if !bytes.Equal(s.body, testBody) {
		t.Errorf("body = %q, want %q", s.body, testBody)
	}
}

func TestPostRefusedByDefault(t *testing.T) {
	srv := newTestServer(t)
	resp, err := Post(context.Background(), NewClient(Options{}), srv.URL, testSecret, testBody, time.Now())
	if err == nil {
		resp.Body.Close()
		t.Fatal("Post to 127.0.0.1 succeeded, want a refusal")
	}
	mustForbid(t, err)
}

func TestPostCancelled(t *testing.T) {
	srv := slowServer(t, false)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c := NewClient(Options{AllowPrivate: true, Timeout: time.Minute})
	resp, err := Post(ctx, c, srv.URL, testSecret, testBody, time.Now())
	if err == nil {
		resp.Body.Close()
		t.Fatal("Post succeeded past its context's deadline")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestPostArguments(t *testing.T) {
	c := NewClient(Options{})
	ctx := context.Background()
	if _, err := Post(ctx, nil, "https://example.com/", testSecret, testBody, time.Now()); err == nil {
		t.Error("Post with a nil client: no error")
	}
	if _, err := Post(ctx, c, "https://example.com/", nil, testBody, time.Now()); err == nil {
		t.Error("Post with an empty secret: no error")
	}
	if _, err := Post(ctx, c, "://bad", testSecret, testBody, time.Now()); err == nil {
		t.Error("Post to a bad URL: no error")
	}
}

func TestReadLimited(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		limit   int64
		want    string
		tooLong bool
	}{
		{"shorter", "abc", 5, "abc", false},
		{"exactly", "abcde", 5, "abcde", false},
		{"longer", "abcdef", 5, "abcde", true},
		{"empty", "", 5, "", false},
		{"zero limit", "a", 0, "", true},
		{"negative limit", "a", -1, "", true},
		{"no limit to speak of", "abc", 1<<63 - 1, "abc", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadLimited(strings.NewReader(tt.in), tt.limit)
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if tt.tooLong != errors.Is(err, ErrTooLarge) {
				t.Errorf("err = %v, want ErrTooLarge: %v", err, tt.tooLong)
			}
			if !tt.tooLong && err != nil {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestReadLimitedPassesReadErrors(t *testing.T) {
	boom := errors.New("boom")
	_, err := ReadLimited(io.MultiReader(strings.NewReader("ab"), errReader{boom}), 10)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the reader's error", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
