package mail

import (
	"errors"

	gomail "github.com/wneessen/go-mail"
)

// sendError is what Send returns: the cause, and whether retrying is
// pointless.
type sendError struct {
	err       error
	permanent bool
}

func (e *sendError) Error() string { return e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

// IsPermanent reports whether err, from Sender.Send, means that sending
// the same message again cannot succeed: the message is invalid, or the
// server refused the recipient or the message with a 5xx answer. The
// outbox worker gives such a message up at once and retries any other
// failure later.
func IsPermanent(err error) bool {
	var e *sendError
	return errors.As(err, &e) && e.permanent
}

// permanentSMTP classifies a go-mail error. Only answers about this
// message count: a 5xx to RCPT TO or DATA, or a recipient go-mail cannot
// use. A 5xx to the greeting, AUTH or MAIL FROM is about the server or
// our configuration, which an operator can fix, so it stays temporary
// (the worker's attempt limit ends it if nobody does).
func permanentSMTP(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	switch se.Reason {
	case gomail.ErrGetRcpts:
		return true
	case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
		code := se.ErrorCode()
		return code >= 500 && code <= 599
	}
	return false
}
