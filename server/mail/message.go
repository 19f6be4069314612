package mail

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Message is one rendered e-mail. It is plain data, JSON-serializable,
// because it is stored in the outbox and sent later, perhaps by another
// process; Confirm, Reply and Staff build one, Sender.Send sends it.
type Message struct {
	// ID makes the Message-ID <ID@domain-of-From>, so that a retry, or a
	// second node sending the same outbox entry, sends the same Message-ID
	// and the recipient's mail system can drop the duplicate. An ID made
	// of letters, digits and ".-_+=" is used as is; any other is hashed.
	// Empty: a random Message-ID.
	ID string `json:"id,omitempty"`
	// To is one address ("a@example.com"); a display name is dropped.
	To      string `json:"to"`
	Subject string `json:"subject"`
	// Text and HTML are the two alternative bodies; at least one is
	// required.
	Text string `json:"text,omitempty"`
	HTML string `json:"html,omitempty"`
	// ListUnsubscribe, when set, is an https URL that unsubscribes the
	// recipient when POSTed to (RFC 8058 one-click): the message gets
	// "List-Unsubscribe: <URL>" and "List-Unsubscribe-Post:
	// List-Unsubscribe=One-Click". An http URL (a development instance)
	// gets List-Unsubscribe only; any other scheme is an error.
	ListUnsubscribe string `json:"list_unsubscribe,omitempty"`
	// Lang, when set, is sent as Content-Language.
	Lang string `json:"lang,omitempty"`
}

// maxSubject bounds the subject in runes; a page title can be long.
const maxSubject = 200

// oneLine makes untrusted text safe for a header or a one-line field:
// runs of spaces, control characters (CR and LF among them, C1 controls
// too) and Unicode line separators become one space, bidirectional
// overrides and isolates (which can make a name read backwards) are
// dropped, and the ends are trimmed. Other Unicode spaces (no-break,
// ideographic) are kept.
func oneLine(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError, isBidiControl(r):
			continue
		case r == ' ' || r == '\u2028' || r == '\u2029' || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// multiLine cleans untrusted plain text that may span lines: line breaks
// become "\n", other control characters except tab are dropped, and the
// ends are trimmed.
func multiLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r' || r == '\u2028' || r == '\u2029':
			return '\n'
		case r == utf8.RuneError, unicode.IsControl(r), isBidiControl(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func isBidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// truncate shortens s to at most n runes, ending it with "…" if cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// messageID returns the Message-ID's content, without the angle brackets.
func messageID(id, domain string) string {
	if id == "" {
		b := make([]byte, 16)
		rand.Read(b)
		return hex.EncodeToString(b) + "@" + domain
	}
	if len(id) > 100 || strings.ContainsFunc(id, func(r rune) bool { return !idSafe(r) }) ||
		id[0] == '.' || id[len(id)-1] == '.' || strings.Contains(id, "..") {
		sum := sha256.Sum256([]byte(id))
		id = hex.EncodeToString(sum[:16])
	}
	return id + "@" + domain
}

func idSafe(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_+=", r)
}

// langTag keeps a Content-Language value to letters, digits and hyphens.
func langTag(s string) string {
	if len(s) > 35 || strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
	}) {
		return ""
	}
	return s
}
