package webhook

import (
	"strings"
	"testing"
)

func TestVerify(t *testing.T) {
	secret := []byte(testSecret)
	body := []byte(`{"id":"evt-1","type":"comment.created"}`)
	good := Signature(secret, body)
	if !strings.HasPrefix(good, "sha256=") || len(good) != len("sha256=")+64 {
		t.Fatalf("Signature = %q, want sha256= and 64 hex digits", good)
	}
	for _, tt := range []struct {
		name   string
		secret []byte
		body   []byte
		header string
		want   bool
	}{
		{"good", secret, body, good, true},
		{"surrounding spaces", secret, body, " " + good + " ", true},
		{"upper-case hex", secret, body, "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), true},
		{"wrong secret", []byte("psec_other"), body, good, false},
		{"empty secret", nil, body, good, false},
		{"tampered body", secret, []byte(`{"id":"evt-2","type":"comment.created"}`), good, false},
		{"body with a trailing newline", secret, append(append([]byte(nil), body...), '\n'), good, false},
		{"no prefix", secret, body, strings.TrimPrefix(good, "sha256="), false},
		{"other algorithm", secret, body, "sha1=" + strings.TrimPrefix(good, "sha256="), false},
		{"not hex", secret, body, "sha256=" + strings.Repeat("zz", 32), false},
		{"short", secret, body, good[:len(good)-2], false},
		{"empty", secret, body, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verify(tt.secret, tt.body, tt.header); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}
