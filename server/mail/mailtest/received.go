package mailtest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Received is one message as the server got it.
type Received struct {
	From string   // MAIL FROM
	To   []string // every accepted RCPT TO
	Data []byte   // the message as sent after DATA, CRLF line ends
	// Username and Password are the AUTH PLAIN credentials, "" without
	// AUTH; TLS says whether the message came over TLS.
	Username, Password string
	TLS                bool
}

func (r Received) parse() (*mail.Message, error) {
	return mail.ReadMessage(bytes.NewReader(r.Data))
}

// Header returns the first value of the named header, RFC 2047 words
// decoded; "" when it is absent or the message does not parse.
func (r Received) Header(name string) string {
	values := r.HeaderValues(name)
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// HeaderValues returns every value of the named header, decoded.
func (r Received) HeaderValues(name string) []string {
	m, err := r.parse()
	if err != nil {
		return nil
	}
	var dec mime.WordDecoder
	var out []string
	for _, v := range m.Header[textproto.CanonicalMIMEHeaderKey(name)] {
		if d, err := dec.DecodeHeader(v); err == nil {
			v = d
		}
		out = append(out, v)
	}
	return out
}

// Text returns the text/plain body, transfer encoding undone, with "\n"
// line ends; "" when there is none. It assumes UTF-8.
func (r Received) Text() string { return r.body("text/plain") }

// HTML returns the text/html body like Text.
func (r Received) HTML() string { return r.body("text/html") }

func (r Received) body(want string) string {
	m, err := r.parse()
	if err != nil {
		return ""
	}
	s, _ := findPart(textproto.MIMEHeader(m.Header), m.Body, want)
	return s
}

// findPart walks the MIME tree depth first for the first part of type
// want.
func findPart(h textproto.MIMEHeader, body io.Reader, want string) (string, bool) {
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mediaType = "text/plain" // RFC 2045's default
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return "", false
			}
			if s, ok := findPart(p.Header, p, want); ok {
				return s, true
			}
		}
	}
	if mediaType != want {
		return "", false
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return "", false
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), true
}
