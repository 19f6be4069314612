package render

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Elements that separate text: paragraph-like blocks by a blank line, list
// items by a line break.
var (
	paragraphs = map[atom.Atom]bool{
		atom.P: true, atom.Pre: true, atom.Blockquote: true, atom.Ul: true,
		atom.Ol: true, atom.Hr: true, atom.H1: true, atom.H2: true,
		atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	}
	lineBreaks = map[atom.Atom]bool{atom.Li: true, atom.Br: true}
)

// Text returns the plain text of a body produced by [Renderer.Render], for
// excerpts, notification e-mails and feeds. Paragraphs are separated by a
// blank line, line breaks and list items by a newline, other whitespace
// collapses as a browser would show it, images become their alt text and
// entities are decoded. Indentation, even in code blocks, is not kept. The
// result is text, not HTML: put it where text belongs (an e-mail body,
// textContent), never into markup unescaped.
func Text(body string) string {
	nodes, err := html.ParseFragment(strings.NewReader(body), fragmentContext)
	if err != nil {
		return ""
	}
	var w textWriter
	for _, n := range nodes {
		w.node(n, false)
	}
	return tidyLines(w.b.String())
}

// textWriter collects text, collapsing whitespace outside <pre> the way a
// browser displays it.
type textWriter struct {
	b strings.Builder
	// space is true when the last thing written was whitespace, so the
	// next run of whitespace adds nothing.
	space bool
}

func (w *textWriter) write(s string, pre bool) {
	if pre {
		w.b.WriteString(s)
		w.space = strings.HasSuffix(s, "\n")
		return
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !w.space {
				w.b.WriteByte(' ')
				w.space = true
			}
			continue
		}
		w.b.WriteRune(r)
		w.space = false
	}
}

func (w *textWriter) newline(s string) {
	if s != "" {
		w.b.WriteString(s)
		w.space = true
	}
}

func (w *textWriter) node(n *html.Node, inPre bool) {
	switch {
	case n.Type == html.TextNode:
		w.write(n.Data, inPre)
		return
	case n.Type == html.ElementNode && n.DataAtom == atom.Img:
		for _, a := range n.Attr {
			if a.Key == "alt" {
				w.write(a.Val, false)
			}
		}
		return
	}
	sep := ""
	if n.Type == html.ElementNode && paragraphs[n.DataAtom] {
		sep = "\n\n"
	} else if n.Type == html.ElementNode && lineBreaks[n.DataAtom] {
		sep = "\n"
	}
	w.newline(sep)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, inPre || n.DataAtom == atom.Pre)
	}
	// A line break or list item starts a line; only blocks end one too.
	if !lineBreaks[n.DataAtom] {
		w.newline(sep)
	}
}

// tidyLines trims every line, keeps at most one blank line between blocks,
// and trims the whole.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
