package render

import (
	"fmt"
	"slices"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// plainParser is goldmark with our extensions but none of our AST
// transformers, so tests can see the tree the source really makes.
var plainParser = goldmark.New(goldmark.WithExtensions(extension.Strikethrough, extension.Linkify)).Parser()

// modelBlocks returns the first byte of every line of every paragraph and
// heading the bounding model found in src, in document order.
func modelBlocks(src []byte) [][]int {
	m := newModel(src)
	var out [][]int
	m.inl.seen = func(b *inlineBlock) {
		var starts []int
		for _, l := range b.lines {
			starts = append(starts, l.start)
		}
		out = append(out, starts)
	}
	m.run()
	slices.SortFunc(out, func(a, b []int) int { return a[0] - b[0] })
	return out
}

// goldmarkBlocks is the same for goldmark's own parse; ok is false when
// the tree has link reference definitions, which goldmark takes out of
// paragraphs and the model leaves in.
func goldmarkBlocks(src []byte) (out [][]int, ok bool) {
	doc := plainParser.Parse(text.NewReader(src))
	ok = true
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindLinkReferenceDefinition:
			ok = false
		case ast.KindParagraph, ast.KindTextBlock, ast.KindHeading:
			var starts []int
			for i := 0; i < n.Lines().Len(); i++ {
				starts = append(starts, n.Lines().At(i).Start)
			}
			if len(starts) > 0 {
				out = append(out, starts)
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return out, ok
}

// modelDisagrees returns a description of where the model's paragraphs
// differ from goldmark's for src, or "".
func modelDisagrees(src []byte) string {
	want, ok := goldmarkBlocks(src)
	if !ok {
		return ""
	}
	got := modelBlocks(src)
	if !slices.EqualFunc(got, want, slices.Equal) {
		return fmt.Sprintf("model blocks %v, goldmark %v", got, want)
	}
	return ""
}

func TestModelFindsGoldmarksParagraphs(t *testing.T) {
	for _, in := range modelCases {
		if d := modelDisagrees([]byte(in)); d != "" {
			t.Errorf("%q: %s", in, d)
		}
	}
}

var modelCases = []string{
	"plain", "a\nb\n\nc", "# h\npara", "para\n# h", "a\n===\nb", "a\n---\n",
	"> q\n> r\nlazy\n\nout", "- a\n- b\n  c\n\n  d\n- e", "1. a\n2. b\n10. c",
	"- a\n  - b\n    - c\n      d", "* a\n+ b\n- c", "- - - x", "- \n  a", "-\n\n  a",
	"```\ncode\n```\nafter", "~~~ x\n```\n~~~\n", "    code\n    more\npara", "para\n    not code",
	"<div>\nhtml\n</div>\n\npara", "<!-- c\nstill -->\npara", "<x-y a=\"b\">\ntext\n\npara",
	"para\n<x-y>\nmore", "> - a\n>   b\n> c", "- > a\n  > b\nc", "***\n---\n___",
	"a\n\n- b\n\n\n- c", "1) a\n1. b", " - a\n   - b\n     - c", "\t- a\n\t\tb", "-\ta\n\tb",
	">\ta\n>\t\tb", "- a\n\n      code\n- b", "# h #\n## ##\n###", "a  \nb\\\nc",
	"| a |\n| - |", "<script>\nx\n</script>\ny", "<pre>\n\n</pre>", "2. a\n\n3. b",
	"a\n1. b\n2) c", "a\n- \n- b", "> > > deep\n> > back\n> out", "* * *\n- - -\n_ _ _",
	"- a\n- - -\n- b", "a\n- - -", "text\n  - item\n    more", "  ```\n  code\n ```\n x",
}

// containerDepthOf is the deepest nesting of quotes, lists and list items
// in goldmark's tree for src, counted as limitNesting counts it.
func containerDepthOf(src []byte) int {
	doc := plainParser.Parse(text.NewReader(src))
	deepest, depth := 0, 0
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n.Kind() {
		case ast.KindBlockquote, ast.KindList, ast.KindListItem:
			if entering {
				depth++
				deepest = max(deepest, depth)
			} else {
				depth--
			}
		}
		return ast.WalkContinue, nil
	})
	return deepest
}
