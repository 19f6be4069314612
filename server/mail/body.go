package mail

import (
	htemplate "html/template"
	"strings"

	"golang.org/x/net/html"
)

// bodyOrText is the body for the HTML part: bodyHTML(h), or, when the
// caller has only the plain text t, t escaped with its line breaks kept.
func bodyOrText(h, t string) htemplate.HTML {
	if strings.TrimSpace(h) != "" {
		return bodyHTML(h)
	}
	lines := strings.Split(multiLine(t), "\n")
	for i, line := range lines {
		lines[i] = html.EscapeString(line)
	}
	return htemplate.HTML(strings.Join(lines, "<br>\n"))
}

// bodyHTML prepares a comment body, already sanitized by the renderer,
// for an e-mail: every image becomes its alt text. An image would load
// from the commenter's choice of server when the e-mail is opened and
// tell that server who read it, and when; a comment cannot plant a
// tracking pixel in someone's inbox. The rest passes unchanged.
func bodyHTML(s string) htemplate.HTML {
	if !strings.Contains(strings.ToLower(s), "<img") {
		return htemplate.HTML(s)
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return htemplate.HTML(b.String())
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			if string(name) == "img" {
				for hasAttr && tt != html.EndTagToken {
					var key, val []byte
					key, val, hasAttr = z.TagAttr()
					if string(key) == "alt" {
						b.WriteString(html.EscapeString(string(val)))
					}
				}
				continue
			}
		}
		b.Write(z.Raw())
	}
}
