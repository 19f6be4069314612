package render

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseBody parses a rendered body the way the widget's host page would.
func parseBody(t testing.TB, body string) []*html.Node {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(body), fragmentContext)
	if err != nil {
		t.Fatalf("parse %q: %v", body, err)
	}
	return nodes
}

// elements returns every element in the parsed body, depth first.
func elements(nodes []*html.Node) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return out
}

// testAttrs is the test's own statement of what may appear; it is written out
// again rather than taken from keptAttrs so a loosened allowlist fails here.
var testAttrs = map[string][]string{
	"p": nil, "br": nil, "strong": nil, "em": nil, "del": nil, "code": nil,
	"pre": nil, "blockquote": nil, "ul": nil, "ol": {"start"}, "li": nil,
	"h4": nil, "h5": nil, "h6": nil, "hr": nil,
	"a": {"href", "rel"}, "img": {"src", "alt", "title"},
}

// violations lists every way body breaks the renderer's promises under opts:
// only allowed elements and attributes, only absolute http(s)/mailto URLs,
// the full rel on links, and well-formed markup that ends where it ends.
func violations(body string, opts Options) []string {
	var out []string
	nodes, err := html.ParseFragment(strings.NewReader(body), fragmentContext)
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	for _, n := range elements(nodes) {
		allowed, ok := testAttrs[n.Data]
		switch {
		case !ok:
			out = append(out, "element <"+n.Data+">")
		case n.DataAtom == atom.A && !opts.AllowLinks:
			out = append(out, "link while links are off")
		case n.DataAtom == atom.Img && !opts.AllowImages:
			out = append(out, "image while images are off")
		}
		for _, a := range n.Attr {
			if !slices.Contains(allowed, a.Key) || a.Namespace != "" {
				out = append(out, fmt.Sprintf("attribute %s on <%s>", a.Key, n.Data))
			}
			switch {
			case a.Key == "href" && !goodURL(a.Val, true):
				out = append(out, "href "+a.Val)
			case a.Key == "src" && !goodURL(a.Val, false):
				out = append(out, "src "+a.Val)
			case a.Key == "rel" && a.Val != "nofollow ugc noopener noreferrer":
				out = append(out, "rel "+a.Val)
			}
		}
		if n.DataAtom == atom.A && attr(n, "rel") == "" {
			out = append(out, "link without rel")
		}
	}
	// A following comment must stay a sibling, not become a child of
	// something this body left open.
	next := parseBodyNoT(body + "<p>next</p>")
	if len(next) == 0 || next[len(next)-1].DataAtom != atom.P || textOf(next[len(next)-1]) != "next" {
		out = append(out, "swallows the markup after it")
	}
	// Serializing the parsed body must give the body back: it is already
	// in the form a parser and serializer agree on.
	var b strings.Builder
	for _, n := range nodes {
		_ = html.Render(&b, n)
	}
	if b.String() != body {
		out = append(out, fmt.Sprintf("does not round-trip: %q", b.String()))
	}
	return out
}

// goodURL reports whether raw is an absolute URL the renderer may emit.
func goodURL(raw string, link bool) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != "" && u.Opaque == ""
	case "mailto":
		return link && u.Opaque != ""
	}
	return false
}

func parseBodyNoT(body string) []*html.Node {
	nodes, _ := html.ParseFragment(strings.NewReader(body), fragmentContext)
	return nodes
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// TestViolationsDetects keeps the checker honest: each body breaks one
// promise and must be reported, or every security test passes vacuously.
func TestViolationsDetects(t *testing.T) {
	all := Options{AllowLinks: true, AllowImages: true}
	rel := ` rel="nofollow ugc noopener noreferrer"`
	for _, body := range []string{
		`<script>alert(1)</script>`,
		`<p id="x">a</p>`,
		`<p class="x">a</p>`,
		`<img src="x" onerror="alert(1)"/>`,
		`<a href="javascript:alert(1)"` + rel + `>x</a>`,
		`<a href="/admin"` + rel + `>x</a>`,
		`<a href="https://e.com">x</a>`,
		`<img src="//e.com/x.png"/>`,
		`<img src="mailto:a@b.c"/>`,
		`<p><b>open`,
		`<iframe></iframe>`,
	} {
		if len(violations(body, all)) == 0 {
			t.Errorf("violations(%q) found nothing", body)
		}
	}
	if v := violations(`<a href="https://e.com"`+rel+`>x</a>`, Options{}); len(v) == 0 {
		t.Error("a link with links off was not reported")
	}
	if v := violations(`<p>fine <a href="https://e.com"`+rel+`>x</a></p>`, all); len(v) != 0 {
		t.Errorf("a clean body was reported: %v", v)
	}
}
