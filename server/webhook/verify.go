package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Request headers of a webhook call, besides outbound.SignatureHeader.
const (
	HeaderSignature = "X-Parley-Signature"
	HeaderEvent     = "X-Parley-Event"
	HeaderEventID   = "X-Parley-Event-Id"
	HeaderTimestamp = "X-Parley-Timestamp"
)

// signaturePrefix starts every HeaderSignature value.
const signaturePrefix = "sha256="

// Signature returns the HeaderSignature value for body:
// "sha256=<hex HMAC-SHA256 of body keyed with secret>". The key is the
// secret string's bytes as the owner copies it: []byte(site.SigningSecret).
func Signature(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return signaturePrefix + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header, a HeaderSignature value, signs body with
// secret. It compares in constant time, and an empty secret matches
// nothing. Pass the body exactly as received, before any parsing.
func Verify(secret []byte, body []byte, header string) bool {
	if len(secret) == 0 {
		return false
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), signaturePrefix)
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}
