package notify

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// plainText is the text of sanitized comment HTML, for a message's plain
// part: paragraphs and line breaks kept as line breaks, at most max runes.
func plainText(src string, max int) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(src))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return cut(strings.TrimSpace(b.String()), max)
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "br":
				b.WriteByte('\n')
			case "p", "li", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6":
				if s := b.String(); s != "" && !strings.HasSuffix(s, "\n\n") {
					b.WriteString("\n\n")
				}
			}
		}
	}
}

// cut shortens s to max runes with an ellipsis.
func cut(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}
