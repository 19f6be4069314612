package outbound

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the request header that carries the signature.
const SignatureHeader = "Parley-Signature"

// DefaultTolerance is how far a signature's time may be from the receiver's
// clock when Verify is given no tolerance: long enough for clock skew and
// slow networks, short enough to make replaying a captured request useless.
const DefaultTolerance = 5 * time.Minute

// maxSignatureLen bounds the header Verify will parse; a real one is about
// 80 bytes per v1 value.
const maxSignatureLen = 4096

// Errors returned by Verify. A receiver answers all of them alike (401 or
// 403); they differ only for logs and tests.
var (
	ErrSignatureMalformed = errors.New("outbound: malformed signature header")
	ErrSignatureMismatch  = errors.New("outbound: signature does not match")
	ErrSignatureTimestamp = errors.New("outbound: signature time outside tolerance")
)

// NewSecret returns a new random signing secret to show to a site owner:
// "psec_" followed by 32 random bytes in unpadded base64url, 48 characters
// in all. The HMAC key is the bytes of this whole string, as the owner
// copies it; pass []byte(secret) to Sign, Verify and Post.
func NewSecret() string {
	var b [32]byte
	rand.Read(b[:]) // never fails since Go 1.24; it crashes the program instead
	return "psec_" + base64.RawURLEncoding.EncodeToString(b[:])
}

// Sign returns the SignatureHeader value for body sent at time t:
// "t=<Unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body, keyed with
// secret>".
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	io.WriteString(m, ts)
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a SignatureHeader value against body and secret. It accepts
// the header if any of its v1 values is the MAC of its t and body (compared
// in constant time), so that requests signed with both the old and the new
// secret pass during a change of secret, and if t is within tolerance of
// now, in either direction. A tolerance of zero or less means
// DefaultTolerance.
//
// Keys other than t and v1 are ignored, leaving room for later schemes. The
// time is checked after the MAC, so that ErrSignatureTimestamp only ever
// reports an authentic request that is too old (a replay) or from a clock
// that is off. Errors wrap ErrSignatureMalformed, ErrSignatureMismatch or
// ErrSignatureTimestamp; an empty secret matches nothing.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, sec, sigs, err := parseSignature(header)
	if err != nil {
		return err
	}
	if len(secret) == 0 {
		return fmt.Errorf("%w: empty secret", ErrSignatureMismatch)
	}
	want := mac(secret, ts, body)
	ok := false
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			ok = true
		}
	}
	if !ok {
		return ErrSignatureMismatch
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	// Sub saturates, so a time absurdly far off still compares correctly.
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: signed at t=%s, %v from now", ErrSignatureTimestamp, ts, d.Round(time.Second))
	}
	return nil
}

// parseSignature splits a header into its t (as sent, since that is what
// was signed, and as a number) and its decoded v1 values.
func parseSignature(header string) (ts string, sec int64, sigs [][]byte, err error) {
	if len(header) > maxSignatureLen {
		return "", 0, nil, fmt.Errorf("%w: longer than %d bytes", ErrSignatureMalformed, maxSignatureLen)
	}
	for part := range strings.SplitSeq(header, ",") {
		key, value, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			return "", 0, nil, fmt.Errorf("%w: %q is not key=value", ErrSignatureMalformed, part)
		}
		switch key {
		case "t":
			if ts != "" {
				return "", 0, nil, fmt.Errorf("%w: more than one t", ErrSignatureMalformed)
			}
			if !decimal(value) {
				return "", 0, nil, fmt.Errorf("%w: t is not a Unix time", ErrSignatureMalformed)
			}
			if sec, err = strconv.ParseInt(value, 10, 64); err != nil {
				return "", 0, nil, fmt.Errorf("%w: t is not a Unix time", ErrSignatureMalformed)
			}
			ts = value
		case "v1":
			sig, err := hex.DecodeString(value)
			if err != nil || len(sig) != sha256.Size {
				return "", 0, nil, fmt.Errorf("%w: v1 is not %d hex digits", ErrSignatureMalformed, 2*sha256.Size)
			}
			sigs = append(sigs, sig)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return "", 0, nil, fmt.Errorf("%w: needs t and at least one v1", ErrSignatureMalformed)
	}
	return ts, sec, sigs, nil
}

// decimal reports whether s is a non-empty run of ASCII digits; it keeps the
// signs and other spellings strconv would accept out of t.
func decimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
