package render

import (
	"html"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// headingShift is how many levels a Markdown heading is pushed down; a
// comment's "# Title" becomes an h4 so it ranks below the host page's own
// headings and its comments section.
const headingShift = 3

// newMarkdown builds the goldmark converter. Tables, task lists and footnotes
// stay off: they add elements (and, for footnotes, ids) a comment does not
// need. html.WithUnsafe is deliberately absent, and rawHTMLAsText replaces
// goldmark's "raw HTML omitted" placeholder with the escaped source.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			extension.Strikethrough,
			// Only web URLs become links; ftp:// and the like stay text
			// rather than turning into links the sanitizer then strips.
			extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
		),
		goldmark.WithParserOptions(
			parser.WithASTTransformers(
				util.Prioritized(shiftHeadings{}, 100),
				util.Prioritized(limitNesting{}, 200),
			),
		),
		goldmark.WithRendererOptions(
			// A single line break is a <br>: readers are not writing
			// CommonMark, they are typing into a comment box.
			ghtml.WithHardWraps(),
			// Lower numbers win in goldmark; the default HTML renderer
			// registers at 1000.
			renderer.WithNodeRenderers(util.Prioritized(rawHTMLAsText{}, 100)),
		),
	)
}

// shiftHeadings pushes every heading down by headingShift levels, stopping
// at h6.
type shiftHeadings struct{}

// Transform implements parser.ASTTransformer.
func (shiftHeadings) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+headingShift, 6)
		}
		return ast.WalkContinue, nil
	})
}

// maxNesting is how many quotes, lists, list items, emphases, links and
// images may enclose one another. Real comments stay far below it; a body of
// ten thousand ">" does not, and the HTML parser the serializer uses spends
// time quadratic in nesting depth. The bounding stage caps quotes and lists
// at the same depth, counted the same way, before goldmark parses them
// (goldmark too is quadratic in that depth); limitNesting then only has
// emphasis and links to cut, and both put deep words at the same level.
const maxNesting = 20

// limitNesting unwraps nodes nested deeper than maxNesting, keeping their
// content: a quote 30 levels deep shows its words at level 20.
type limitNesting struct{}

// Transform implements parser.ASTTransformer.
func (limitNesting) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	flatten(doc, 0)
}

// flatten walks n's children; depth counts n and its nesting ancestors.
// Each unwrap moves a node's children up once, and moved children are looked
// at again in their new place, so the whole pass is linear in the tree size.
func flatten(n ast.Node, depth int) {
	for c := n.FirstChild(); c != nil; {
		if !nests(c) {
			flatten(c, depth)
			c = c.NextSibling()
			continue
		}
		if depth < maxNesting {
			flatten(c, depth+1)
			c = c.NextSibling()
			continue
		}
		first, next := c.FirstChild(), c.NextSibling()
		for gc := c.FirstChild(); gc != nil; gc = c.FirstChild() {
			n.InsertBefore(n, c, gc)
		}
		n.RemoveChild(n, c)
		if first != nil {
			next = first
		}
		c = next
	}
}

func nests(n ast.Node) bool {
	switch n.Kind() {
	case ast.KindBlockquote, ast.KindList, ast.KindListItem, ast.KindEmphasis,
		ast.KindLink, ast.KindImage, east.KindStrikethrough:
		return true
	}
	return false
}

// rawHTMLAsText renders raw HTML as the text the reader typed. Someone
// writing "use <div> here" on a programming blog should see their words, not
// a silent hole; and escaped text can never become live markup.
type rawHTMLAsText struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (rawHTMLAsText) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
}

func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	segs := node.(*ast.RawHTML).Segments
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		_, _ = w.WriteString(html.EscapeString(string(seg.Value(source))))
	}
	return ast.WalkSkipChildren, nil
}

// renderHTMLBlock writes an HTML block as a paragraph whose lines are
// separated by <br>, the same shape a plain-text paragraph gets with hard
// wraps.
func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	var lines []string
	for i := 0; i < n.Lines().Len(); i++ {
		lines = append(lines, lineText(n.Lines().At(i), source))
	}
	if n.HasClosure() {
		lines = append(lines, lineText(n.ClosureLine, source))
	}
	_, _ = w.WriteString("<p>")
	for i, l := range lines {
		if i > 0 {
			_, _ = w.WriteString("<br>\n")
		}
		_, _ = w.WriteString(html.EscapeString(l))
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkContinue, nil
}

// lineText returns one source line without its line ending.
func lineText(seg text.Segment, source []byte) string {
	return string(util.TrimRightSpace(seg.Value(source)))
}
