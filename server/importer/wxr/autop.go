package wxr

import (
	"regexp"
	"strings"
)

var (
	// blankLines separates paragraphs.
	blankLines = regexp.MustCompile(`\n(?:[ \t]*\n)+`)
	// blockStart matches a paragraph that already is a block element.
	blockStart = regexp.MustCompile(`^(?i)<(?:p|div|blockquote|pre|ul|ol|table|h[1-6])[\s/>]`)
)

// paragraphs turns a WordPress comment's text into the HTML WordPress shows
// for it, much as its wpautop does but far smaller: text separated by blank
// lines becomes <p>…</p> paragraphs, and a single line break within one
// becomes <br>. Markup is kept as it is (the importer sanitizes it), and a
// paragraph that already starts with a block element (<p>, <div>,
// <blockquote>, <pre>, a list, a table, a heading) is left unwrapped.
func paragraphs(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var out []string
	for _, para := range blankLines.Split(s, -1) {
		para = strings.TrimSpace(para)
		switch {
		case para == "":
		case blockStart.MatchString(para):
			out = append(out, para)
		default:
			out = append(out, "<p>"+strings.ReplaceAll(para, "\n", "<br>\n")+"</p>")
		}
	}
	return strings.Join(out, "\n")
}
