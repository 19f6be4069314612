package server

import (
	"errors"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/mail"
	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/notify"
	"github.com/parley-dev/parley/storage"
)

// The pages behind the links of reader e-mails. A GET only shows a page
// with a button (mail scanners open every link); the button's POST makes
// the change. The unsubscribe URL also takes RFC 8058's one-click POST
// ("List-Unsubscribe=One-Click") straight from a mail client.
//
//	GET/POST /mail/confirm?t=TOKEN       confirm reply notifications
//	GET/POST /mail/unsubscribe?t=TOKEN   stop them

var mailPage = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2328;background:#fff}
@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}}
button{font:inherit;padding:.5rem 1.2rem;border-radius:6px;border:1px solid #1f6feb;background:#1f6feb;color:#fff;cursor:pointer}
p.site{color:#656d76}</style></head>
<body><main><h1>{{.Title}}</h1>{{if .Site}}<p class="site">{{.Site}}{{if .Email}} · {{.Email}}{{end}}</p>{{end}}
{{if .Message}}<p role="status">{{.Message}}</p>{{else}}<form method="post"><input type="hidden" name="t" value="{{.Token}}">
<button type="submit">{{.Button}}</button></form>{{end}}</main></body></html>`))

type mailPageData struct {
	Lang, Title, Site, Email, Token, Button, Message string
}

// mailHeaders are the security headers of the pages: no script at all.
func mailHeaders(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

func (s *Server) confirmPage(c *fiber.Ctx) error {
	return s.mailLink(c, notify.PurposeConfirm, "confirm_title", "confirm_button", "confirmed",
		func(cl notify.Claims) error {
			sub, err := s.store.Subscriber(c.UserContext(), cl.Site, cl.Email)
			if errors.Is(err, storage.ErrNotFound) {
				sub = storage.Subscriber{SiteID: cl.Site, Email: cl.Email, Requested: s.cfg.Now()}
			} else if err != nil {
				return err
			}
			if sub.Confirmed.IsZero() {
				sub.Confirmed = s.cfg.Now()
			}
			sub.Lang = cl.Lang
			return s.store.PutSubscriber(c.UserContext(), sub)
		})
}

func (s *Server) unsubscribePage(c *fiber.Ctx) error {
	return s.mailLink(c, notify.PurposeUnsubscribe, "unsubscribe_title", "unsubscribe_button", "unsubscribed",
		func(cl notify.Claims) error { return s.store.DeleteSubscriber(c.UserContext(), cl.Site, cl.Email) })
}

// mailLink shows the page of a signed link (GET) or makes its change
// (POST), in the language of the link.
func (s *Server) mailLink(c *fiber.Ctx, purpose, title, button, done string, change func(notify.Claims) error) error {
	token := c.Query("t")
	if c.Method() == fiber.MethodPost && token == "" {
		token = c.FormValue("t")
	}
	token = strings.Clone(token)
	cl, err := s.tokens.Verify(purpose, token)
	var site storage.Site
	if err == nil {
		site, err = s.store.Site(c.UserContext(), cl.Site)
	}
	if err != nil {
		if !errors.Is(err, notify.ErrBadToken) && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		lang := mail.Lang(c.Query("lang", "en"))
		return s.showMailPage(c.Status(fiber.StatusBadRequest), mailPageData{Lang: lang,
			Title: mail.Text(lang, "link_invalid"), Message: mail.Text(lang, "link_invalid")})
	}
	lang := mail.Lang(cl.Lang)
	d := mailPageData{Lang: lang, Title: mail.Text(lang, title), Site: site.Name, Email: cl.Email, Token: token,
		Button: mail.Text(lang, button)}
	if c.Method() != fiber.MethodPost {
		return s.showMailPage(c, d)
	}
	if err := s.pipeline.Throttle(c.UserContext(), moderation.Links, site, s.ipHash(c), ""); err != nil {
		return err
	}
	if err := change(cl); err != nil {
		return err
	}
	d.Message = mail.Text(lang, done)
	return s.showMailPage(c, d)
}

func (s *Server) showMailPage(c *fiber.Ctx, d mailPageData) error {
	var b strings.Builder
	if err := mailPage.Execute(&b, d); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(b.String())
}
