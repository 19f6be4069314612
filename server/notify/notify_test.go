package notify

import (
	"strings"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tk := NewTokens([]byte("key"), func() time.Time { return now })
	c := Claims{Purpose: PurposeConfirm, Site: "blog", Email: "ada@example.com", Lang: "de", Expires: now.Add(time.Hour).Unix()}
	tok := tk.Sign(c)
	if got, err := tk.Verify(PurposeConfirm, tok); err != nil || got != c {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	enc, sig, _ := strings.Cut(tok, ".")
	forged := tk.Sign(Claims{Purpose: PurposeConfirm, Site: "other", Email: "ada@example.com"})
	fenc, _, _ := strings.Cut(forged, ".")
	later := NewTokens([]byte("key"), func() time.Time { return now.Add(2 * time.Hour) })
	for name, bad := range map[string]func() error{
		"another purpose": func() error { _, err := tk.Verify(PurposeUnsubscribe, tok); return err },
		"other claims":    func() error { _, err := tk.Verify(PurposeConfirm, fenc+"."+sig); return err },
		"truncated mac":   func() error { _, err := tk.Verify(PurposeConfirm, enc+"."+sig[:10]); return err },
		"no mac":          func() error { _, err := tk.Verify(PurposeConfirm, enc); return err },
		"another key":     func() error { _, err := NewTokens([]byte("other"), tk.now).Verify(PurposeConfirm, tok); return err },
		"expired":         func() error { _, err := later.Verify(PurposeConfirm, tok); return err },
		"garbage":         func() error { _, err := tk.Verify(PurposeConfirm, "%%%.%%%"); return err },
		"oversized":       func() error { _, err := tk.Verify(PurposeConfirm, strings.Repeat("a", 3000)+"."+sig); return err },
	} {
		if err := bad(); err != ErrBadToken {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A token without expiry (unsubscribe) keeps working.
	forever := tk.Sign(Claims{Purpose: PurposeUnsubscribe, Site: "blog", Email: "a@example.com"})
	if _, err := later.Verify(PurposeUnsubscribe, forever); err != nil {
		t.Fatalf("unsubscribe link expired: %v", err)
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		html string
		max  int
		want string
	}{
		{"<p>Hello <strong>you</strong></p><p>Second&amp;more</p>", 100, "Hello you\n\nSecond&more"},
		{"<p>one<br>two</p>", 100, "one\ntwo"},
		{`<p><a href="https://x.example">link</a></p>`, 100, "link"},
		{"<p>" + strings.Repeat("é", 20) + "</p>", 10, strings.Repeat("é", 9) + "…"},
	}
	for _, tt := range tests {
		if got := plainText(tt.html, tt.max); got != tt.want {
			t.Errorf("plainText(%q, %d) = %q, want %q", tt.html, tt.max, got, tt.want)
		}
	}
}
