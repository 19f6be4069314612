package server

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/clientip"
)

// Reader tokens are self-authenticating: 16 random bytes followed by the
// first 16 bytes of their HMAC-SHA-256 under an instance secret, 43
// characters in base64url. A token the server did not issue is recognised
// without a database read: it is treated as no token at all, so it gets
// the shared cached thread and cannot claim anyone's comments. Tokens of
// the releases before this scheme (32 random bytes) fail the check the
// same way; their readers get a new token on their next write.
//
// A verified reader's tokens (identityToken) carry their identity: the
// 32-byte reader hash, 16 random bytes and the MAC of both, 86
// characters. Every device they confirm, and every sign-in of a member,
// gets such a token for the one hash, so their comments follow them,
// still without a database read to recognise a token.
const (
	tokenRandom = 16
	tokenMAC    = 16
	tokenLen    = tokenRandom + tokenMAC
	identityLen = sha256.Size + tokenRandom + tokenMAC
)

// reader is who is calling, as far as the public API can tell.
type reader struct {
	hash     string // hash of the bearer token; "" for a reader without one
	token    string // the bearer token as sent, or as issued
	newToken string // set when this request issued the token
}

// newReaderToken returns a fresh reader token.
func (s *Server) newReaderToken() string {
	b := make([]byte, tokenRandom, tokenLen)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	b = append(b, s.tokenMAC(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// identityToken returns a fresh token of the reader with the hash (hex,
// as hashToken and memberHash make them).
func (s *Server) identityToken(hash string) string {
	b, err := hex.DecodeString(hash)
	if err != nil || len(b) != sha256.Size {
		panic("server: identity token for a malformed reader hash") // hashes are made here
	}
	random := make([]byte, tokenRandom)
	if _, err := rand.Read(random); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	b = append(b, random...)
	b = append(b, s.tokenMAC(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) tokenMAC(signed []byte) []byte {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write(signed)
	return m.Sum(nil)[:tokenMAC]
}

// memberHash is the reader hash of a site's member (SSO): the same for
// every sign-in, and for no one else.
func (s *Server) memberHash(siteID, memberID string) string {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write([]byte("member\x00" + siteID + "\x00" + memberID))
	return hex.EncodeToString(m.Sum(nil))
}

// hashToken is what is stored instead of a reader token. The token has 128
// random bits, so a plain SHA-256 cannot be reversed or guessed.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// bearerReader reads the reader token from Authorization, if any. A
// header that is not a bearer token of the right shape is an error, so a
// widget bug is noticed; a well-formed token this server did not issue is
// no token.
func (s *Server) bearerReader(c *fiber.Ctx) (reader, error) {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return reader{}, nil
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	n := len(token)
	if !ok || n != base64.RawURLEncoding.EncodedLen(tokenLen) && n != base64.RawURLEncoding.EncodedLen(identityLen) {
		return reader{}, unauthorized("The reader token is malformed.")
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return reader{}, unauthorized("The reader token is malformed.")
	}
	signed := len(b) - tokenMAC
	if !hmac.Equal(b[signed:], s.tokenMAC(b[:signed])) {
		return reader{}, nil
	}
	token = strings.Clone(token) // the header's bytes are fiber's
	if len(b) == identityLen {
		return reader{hash: hex.EncodeToString(b[:sha256.Size]), token: token}, nil
	}
	return reader{hash: hashToken(token), token: token}, nil
}

// writingReader is bearerReader for writes: a reader without a (valid)
// token gets a new one, which the answer returns as reader_token.
func (s *Server) writingReader(c *fiber.Ctx) (reader, error) {
	r, err := s.bearerReader(c)
	if err != nil || r.hash != "" {
		return r, err
	}
	token := s.newReaderToken()
	return reader{hash: hashToken(token), token: token, newToken: token}, nil
}

// clientAddr is the client's address: the TCP peer, or behind trusted
// proxies the rightmost address they did not add (package clientip).
func (s *Server) clientAddr(c *fiber.Ctx) netip.Addr {
	peer := clientip.Peer(c.Context().RemoteAddr())
	var values []string
	if s.proxies.Trusted(peer) {
		for _, v := range c.Request().Header.PeekAll(s.proxies.Header()) {
			values = append(values, string(v))
		}
	}
	return s.proxies.Client(peer, values)
}

// ipHash is a keyed hash of the client's address: it lets bans and rate
// limits recognise an address without the raw IP ever being stored. An
// IPv6 client is hashed by its /64, which one client usually holds whole.
func (s *Server) ipHash(c *fiber.Ctx) string { return clientip.Hash(s.ipKey, s.clientAddr(c)) }
