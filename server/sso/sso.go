// Package sso reads the sign-in payloads a site's own server signs for its
// members, so Parley can treat them as verified readers of that site.
//
// A payload is two base64url parts (no padding) joined by a dot:
//
//	base64url(JSON) "." base64url(HMAC-SHA256(secret, base64url(JSON)))
//
// The JSON object has the member's id, name, e-mail, avatar URL and
// affiliation, and exp, when the payload stops being accepted, in Unix
// seconds:
//
//	{"id":"42","name":"Ada","email":"ada@example.com",
//	 "avatar":"https://blog.example.com/a/42.png",
//	 "affiliation":"Member since 2019","exp":1764633600}
//
// id, name and exp are required. The secret is the site's, so a payload
// signed for another site, or with a rotated-out secret, does not verify.
package sso

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Member is who a payload signs in.
type Member struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Email       string `json:"email,omitempty"`
	Avatar      string `json:"avatar,omitempty"`
	Affiliation string `json:"affiliation,omitempty"`
	// Expires is the payload's exp, in Unix seconds.
	Expires int64 `json:"exp"`
}

// MaxPayload bounds a payload's length, so a huge one costs nothing.
const MaxPayload = 4096

// Why a payload is refused. Error texts are for the site's developer.
var (
	ErrMalformed = errors.New("the sign-in payload is not two base64url parts joined by a dot, or its JSON is not an object with id, name and exp")
	ErrSignature = errors.New("the sign-in payload's signature does not match this site's secret: it was changed, or signed for another site or with a secret that was rotated out")
	ErrExpired   = errors.New("the sign-in payload has expired: sign a fresh one for each page view")
)

// Sign returns m's payload under secret.
func Sign(secret []byte, m Member) string {
	b, err := json.Marshal(m)
	if err != nil {
		panic("sso: marshal member: " + err.Error()) // strings and an int: never fails
	}
	body := base64.RawURLEncoding.EncodeToString(b)
	return body + "." + base64.RawURLEncoding.EncodeToString(mac(secret, body))
}

// Verify checks payload against secret at now and returns its member.
func Verify(secret []byte, payload string, now time.Time) (Member, error) {
	if len(payload) > MaxPayload {
		return Member{}, ErrMalformed
	}
	body, sig, ok := strings.Cut(payload, ".")
	if !ok {
		return Member{}, ErrMalformed
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return Member{}, ErrMalformed
	}
	if !hmac.Equal(got, mac(secret, body)) {
		return Member{}, ErrSignature
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return Member{}, ErrMalformed
	}
	var m Member
	if err := json.Unmarshal(raw, &m); err != nil || m.ID == "" || m.Name == "" || m.Expires == 0 {
		return Member{}, ErrMalformed
	}
	if !now.Before(time.Unix(m.Expires, 0)) {
		return Member{}, ErrExpired
	}
	return m, nil
}

func mac(secret []byte, body string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(body))
	return h.Sum(nil)
}

// Secret returns a site's SSO secret: derived from the instance's key, the
// site id and the secret's version (storage.SiteSettings.SSOKeyVersion), so
// it is stored nowhere and a rotation (a new version) retires the old one.
func Secret(instanceKey []byte, siteID string, version int) string {
	h := hmac.New(sha256.New, instanceKey)
	h.Write([]byte(siteID + "\x00" + strconv.Itoa(version)))
	return "psso_" + base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}
