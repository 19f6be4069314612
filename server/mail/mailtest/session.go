package mailtest

import (
	"io"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// backend makes a session per connection.
type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

// session is one SMTP connection's transaction state.
type session struct {
	s              *Server
	conn           *smtp.Conn
	user, password string
	from           string
	to             []string
}

var _ smtp.AuthSession = (*session)(nil)

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth accepts any credentials and remembers them for Received.
func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		x.user, x.password = username, password
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if code := x.s.failure(to); code != 0 {
		return &smtp.SMTPError{
			Code:         code,
			EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0},
			Message:      "mailtest: recipient refused as asked",
		}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := x.conn.TLSConnectionState()
	x.s.add(Received{
		From: x.from, To: append([]string(nil), x.to...), Data: data,
		Username: x.user, Password: x.password, TLS: isTLS,
	})
	return nil
}

func (x *session) Reset() {
	x.from, x.to = "", nil
}

func (x *session) Logout() error { return nil }
