package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Token purposes.
const (
	PurposeConfirm     = "confirm"     // confirm reply notifications
	PurposeUnsubscribe = "unsubscribe" // stop reply notifications
	PurposeModerate    = "moderate"    // approve or remove a comment from a staff e-mail
)

// Claims are what a signed link says.
type Claims struct {
	Purpose string `json:"p"`
	Site    string `json:"s"`
	Email   string `json:"e,omitempty"`
	Comment string `json:"c,omitempty"`
	Action  string `json:"a,omitempty"` // approve or remove (PurposeModerate)
	Lang    string `json:"l,omitempty"`
	Expires int64  `json:"x,omitempty"` // Unix seconds; 0: never
}

// ErrBadToken is returned for a token that is malformed, forged, expired
// or for another purpose.
var ErrBadToken = errors.New("notify: invalid or expired link")

// Tokens signs and checks the tokens of links in messages.
type Tokens struct {
	key []byte
	now func() time.Time
}

// NewTokens returns Tokens keyed with key.
func NewTokens(key []byte, now func() time.Time) *Tokens { return &Tokens{key: key, now: now} }

// Sign returns a token for c: its claims in base64url JSON, a dot, and
// their HMAC-SHA256.
func (t *Tokens) Sign(c Claims) string {
	body, _ := json.Marshal(c)
	enc := base64.RawURLEncoding.EncodeToString(body)
	return enc + "." + base64.RawURLEncoding.EncodeToString(t.mac(enc))
}

// Verify returns the claims of a token signed for purpose and not expired.
func (t *Tokens) Verify(purpose, token string) (Claims, error) {
	enc, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 2048 {
		return Claims{}, ErrBadToken
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, t.mac(enc)) {
		return Claims{}, ErrBadToken
	}
	body, err := base64.RawURLEncoding.DecodeString(enc)
	var c Claims
	if err != nil || json.Unmarshal(body, &c) != nil || c.Purpose != purpose {
		return Claims{}, ErrBadToken
	}
	if c.Expires != 0 && t.now().Unix() > c.Expires {
		return Claims{}, ErrBadToken
	}
	return c, nil
}

func (t *Tokens) mac(s string) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(s))
	return m.Sum(nil)
}
