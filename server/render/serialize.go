package render

import (
	"bytes"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// fragmentContext is where comment bodies end up: inside a block element of
// the widget. Parsing in that context gives the tree a browser would build.
var fragmentContext = &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}

// keptAttrs lists, per element, the only attributes the serializer writes. It
// repeats the sanitizer's allowlist on purpose: the invariant "no id, class,
// style or event handler" then holds by construction of the output, not only
// by the sanitizer's configuration.
var keptAttrs = map[atom.Atom][]string{
	atom.A:   {"href"},
	atom.Img: {"src", "alt", "title"},
	atom.Ol:  {"start"},
}

// serialize parses sanitized HTML as a fragment and writes it out again.
// html.Render closes every element it opened, so stray or unclosed tags end
// inside this body instead of leaking into the next comment.
func serialize(sanitized []byte, opts Options) string {
	nodes, err := html.ParseFragment(bytes.NewReader(sanitized), fragmentContext)
	if err != nil {
		// A bytes.Reader never fails; fail closed all the same.
		return ""
	}
	// The fragment's roots come back without a parent; hang them under a
	// holder so that a top-level link or image can be unwrapped or dropped
	// the same way as a nested one.
	holder := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		holder.AppendChild(n)
	}
	tidy(holder, opts)

	var b strings.Builder
	b.Grow(len(sanitized) + len(sanitized)/8)
	for c := holder.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return ""
		}
	}
	return b.String()
}

// tidy fixes the attributes of n's descendants, depth first, replacing
// elements that lost their reason to exist.
func tidy(n *html.Node, opts Options) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		tidy(c, opts)
		fixElement(c, opts)
		c = next
	}
}

// fixElement trims n's attributes to keptAttrs and sets rel on links. A link
// without a target becomes its text and an image without a source becomes its
// alt text, as does any link or image that opts do not allow: the sanitizer
// already enforces opts, and checking again here costs nothing. n must have a
// parent.
func fixElement(n *html.Node, opts Options) {
	if n.Type != html.ElementNode {
		return
	}
	allowed := keptAttrs[n.DataAtom]
	kept := n.Attr[:0]
	for _, a := range n.Attr {
		if a.Namespace == "" && slices.Contains(allowed, a.Key) {
			kept = append(kept, a)
		}
	}
	n.Attr = kept

	switch n.DataAtom {
	case atom.A:
		if !opts.AllowLinks || !hasAttr(n, "href") {
			unwrap(n)
			return
		}
		n.Attr = append(n.Attr, html.Attribute{Key: "rel", Val: relValue})
	case atom.Img:
		if !opts.AllowImages || !hasAttr(n, "src") {
			replaceWithAlt(n)
		}
	}
}

// unwrap replaces n with its children.
func unwrap(n *html.Node) {
	for c := n.FirstChild; c != nil; c = n.FirstChild {
		n.RemoveChild(c)
		n.Parent.InsertBefore(c, n)
	}
	n.Parent.RemoveChild(n)
}

// replaceWithAlt replaces an image with its alt text, so "![chart](...)"
// still says "chart" where the image cannot be shown.
func replaceWithAlt(n *html.Node) {
	for _, a := range n.Attr {
		if a.Key == "alt" && a.Val != "" {
			n.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: a.Val}, n)
			break
		}
	}
	n.Parent.RemoveChild(n)
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key && a.Val != "" {
			return true
		}
	}
	return false
}
