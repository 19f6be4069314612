package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// tokenBytes is the reader token's entropy: 256 random bits.
const tokenBytes = 32

// reader is who is calling, as far as the public API can tell.
type reader struct {
	hash     string // hash of the bearer token; "" for a reader without one
	newToken string // set when this request issued the token
}

// newReaderToken returns a fresh random reader token.
func newReaderToken() string {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what is stored instead of a reader token. The token has 256
// random bits, so a plain SHA-256 cannot be reversed or guessed.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// bearerReader reads the reader token from Authorization, if any. A header
// that is present but malformed is an error, so a widget bug is noticed.
func bearerReader(c *fiber.Ctx) (reader, error) {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return reader{}, nil
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || len(token) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return reader{}, unauthorized("The reader token is malformed.")
	}
	if _, err := base64.RawURLEncoding.DecodeString(token); err != nil {
		return reader{}, unauthorized("The reader token is malformed.")
	}
	return reader{hash: hashToken(token)}, nil
}

// writingReader is bearerReader for writes: a reader without a token gets a
// new one, which the answer returns as reader_token.
func writingReader(c *fiber.Ctx) (reader, error) {
	r, err := bearerReader(c)
	if err != nil || r.hash != "" {
		return r, err
	}
	token := newReaderToken()
	return reader{hash: hashToken(token), newToken: token}, nil
}

// ipHash is a keyed hash of the client IP: it lets bans and rate limits
// recognise an address without the raw IP ever being stored.
func (s *Server) ipHash(c *fiber.Ctx) string {
	m := hmac.New(sha256.New, s.ipKey)
	m.Write([]byte(c.IP()))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
