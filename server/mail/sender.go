package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// sendTimeout bounds one delivery (connect, TLS, AUTH, the message) when
// the context has no sooner deadline.
const sendTimeout = 30 * time.Second

// Sender sends Messages through the configured SMTP server, one
// connection per message. It is safe for concurrent use.
type Sender struct {
	cfg    Config
	from   *netmail.Address
	domain string
}

// NewSender checks cfg (see Config.Validate) and returns a Sender for it.
// A Config that is not Enabled is an error.
func NewSender(cfg Config) (*Sender, error) {
	if !cfg.Enabled() {
		return nil, errors.New("mail: not configured: host and from are required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: from address: %w", err)
	}
	domain := strings.ToLower(from.Address[strings.LastIndexByte(from.Address, '@')+1:])
	return &Sender{cfg: cfg, from: from, domain: domain}, nil
}

// Send delivers m. The error, if any, is permanent (IsPermanent) when
// retrying cannot help: m is invalid (a bad To address, no body, a bad
// unsubscribe URL), or the server answered 5xx for the recipient or the
// message. Everything else (the server cannot be reached, a 4xx answer,
// a TLS or AUTH failure, which an operator can fix) is temporary.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return &sendError{err: err, permanent: true}
	}
	client, err := s.client(ctx)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return &sendError{err: fmt.Errorf("mail: %w", err), permanent: permanentSMTP(err)}
	}
	return nil
}

// build turns m into a go-mail message, cleaning every header value.
func (s *Sender) build(m Message) (*gomail.Msg, error) {
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	if m.Text == "" && m.HTML == "" {
		return nil, errors.New("mail: message has no body")
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	if err := msg.To(to.Address); err != nil {
		return nil, fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	msg.Subject(truncate(oneLine(m.Subject), maxSubject))
	msg.SetMessageIDWithValue(messageID(m.ID, s.domain))
	msg.SetDate()
	// RFC 3834: no vacation replies or other auto-answers to these.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	if lang := langTag(m.Lang); lang != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, lang)
	}
	if m.ListUnsubscribe != "" {
		if err := setUnsubscribe(msg, m.ListUnsubscribe); err != nil {
			return nil, err
		}
	}
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// setUnsubscribe adds List-Unsubscribe, and for https the RFC 8058
// one-click List-Unsubscribe-Post. url.Parse refuses control characters,
// and the header gets the URL as re-serialized, so it cannot carry a
// line break or a second URI.
func setUnsubscribe(msg *gomail.Msg, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http" || len(raw) > 900 {
		return fmt.Errorf("mail: unsubscribe URL %q is not an http(s) URL", raw)
	}
	value := "<" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20").Replace(u.String()) + ">"
	msg.SetGenHeaderPreformatted(gomail.HeaderListUnsubscribe, value)
	if u.Scheme == "https" {
		msg.SetListUnsubscribePost()
	}
	return nil
}

// client builds a go-mail client for one delivery.
func (s *Sender) client(ctx context.Context) (*gomail.Client, error) {
	timeout := sendTimeout
	if d, ok := ctx.Deadline(); ok && time.Until(d) < timeout {
		timeout = max(time.Until(d), time.Millisecond)
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.port()), gomail.WithTimeout(timeout)}
	if s.cfg.TLSConfig != nil {
		tc := s.cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = s.cfg.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	auth := gomail.SMTPAuthAutoDiscover
	switch s.cfg.Mode() {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
		// Validate allows credentials without TLS only to a loopback host.
		auth = gomail.SMTPAuthPlainNoEnc
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" || s.cfg.Password != "" {
		opts = append(opts, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}
