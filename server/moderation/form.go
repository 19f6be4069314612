package moderation

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"
)

// The form check. When a reader starts writing, the widget asks for a form
// token: the time, signed for the site. A comment sent sooner after that
// than the site's MinSubmitTime, or without a token, or with the widget's
// hidden honeypot field filled in (people never see it; form-filling
// robots fill in every field), is held. Tokens need no storage, so any
// node checks any other's.

// formTokenTTL is how long a form token is good for: a reader who starts
// writing and sends the next day gets a fresh token from the widget.
const formTokenTTL = 24 * time.Hour

const (
	formTokenLen = 8 + 16 // issue time in Unix milliseconds, then the MAC
	formTokenB64 = (formTokenLen*8 + 5) / 6
)

// FormToken returns a form token for a comment on site, issued at now.
func (p *Pipeline) FormToken(siteID string, now time.Time) string {
	b := make([]byte, 8, formTokenLen)
	binary.BigEndian.PutUint64(b, uint64(now.UnixMilli()))
	b = append(b, p.formMAC(siteID, b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (p *Pipeline) formMAC(siteID string, issued []byte) []byte {
	m := hmac.New(sha256.New, p.cfg.FormKey)
	m.Write([]byte(siteID))
	m.Write([]byte{0})
	m.Write(issued)
	return m.Sum(nil)[:16]
}

// formIssued returns when a token for siteID was issued, if it is one.
func (p *Pipeline) formIssued(siteID, token string) (time.Time, bool) {
	if len(token) != formTokenB64 {
		return time.Time{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != formTokenLen || !hmac.Equal(b[8:], p.formMAC(siteID, b[:8])) {
		return time.Time{}, false
	}
	return time.UnixMilli(int64(binary.BigEndian.Uint64(b[:8]))), true
}

func (p *Pipeline) checkForm(_ context.Context, w *Write, v *Verdict) error {
	min := w.Site.Settings.MinSubmitTime
	if min <= 0 {
		return nil
	}
	if w.Form.Honeypot != "" {
		v.hold("honeypot", "the hidden form field was filled in", false)
		return nil
	}
	issued, ok := p.formIssued(w.Site.ID, w.Form.Token)
	age := p.cfg.Now().Sub(issued)
	switch {
	case !ok:
		v.hold("no_form_token", "sent without the comment form's token", false)
	case age > formTokenTTL:
		v.hold("no_form_token", "the form's token has expired", false)
	case age < min:
		v.hold("too_fast", fmt.Sprintf("sent %.0f seconds after the reader started writing", max(age.Seconds(), 0)), false)
	}
	return nil
}
