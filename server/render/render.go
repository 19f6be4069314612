// Package render turns a reader's Markdown into the HTML Parley stores and
// serves. Every write path (create, edit, moderator edit, import) and the
// preview endpoint go through [Renderer.Render], so what a reader previews is
// byte for byte what gets stored.
//
// The pipeline runs in four stages, each with one job:
//
//  1. bound rewrites the Markdown so that parsing it takes time close to
//     linear in its length. goldmark is quadratic on some shapes (ten
//     thousand ">" took ninety times as long as ten thousand letters), and
//     the preview endpoint parses anyone's input, so the limit has to come
//     before the parser. The bound follows goldmark's own parse, counting
//     the work each paragraph will cost: quotes and lists nested more than
//     20 deep lose their extra markers, and syntax goldmark would search
//     through again and again (unclosed brackets and link destinations,
//     emphasis that cannot match, backticks without a closer) is escaped
//     once a paragraph's work passes a budget proportional to its length,
//     so it renders as the same characters, as text. Ordinary comments stay
//     far inside the budget and pass byte for byte; code and HTML blocks
//     are never touched.
//  2. goldmark parses CommonMark with the Strikethrough and Linkify
//     extensions and hard wraps, so text typed with single line breaks and
//     blank lines keeps its shape. Raw HTML is never passed through: it is
//     shown as escaped text, exactly as typed. Headings are shifted down by
//     three levels (# becomes h4, ## h5, the rest h6) because a comment sits
//     below the host page's own headings and must not compete with its
//     title or break its outline. Quotes, lists, emphasis and links nested
//     more than 20 deep are flattened, keeping their words, so hostile
//     nesting cannot make stage 4 quadratic.
//  3. bluemonday sanitizes against an allowlist built once in [New]: p, br,
//     strong, em, del, code, pre, blockquote, ul, ol (start), li, h4-h6, hr,
//     a (href) and img (src, alt, title). A link the site does not allow
//     becomes its text, an image it does not allow becomes its alt text.
//     No id, class or style attribute ever survives: comments are injected
//     into someone else's page and must not clobber its DOM. URLs must be
//     absolute with a host; links may use http, https and mailto, images
//     http and https only. A relative or host-less URL could otherwise fire
//     a same-origin request at the admin page when a moderator views it.
//  4. The sanitized HTML is parsed as a fragment with golang.org/x/net/html
//     and serialized again, so every element is closed inside the comment
//     and one comment can never swallow the markup that follows it. On the
//     way every link gets rel="nofollow ugc noopener noreferrer".
//
// Links get no target attribute: whether a link opens a new tab is the
// reader's choice (and the widget's, which may add it when displaying);
// noopener and noreferrer are set regardless, so a stored body stays safe
// wherever it is shown.
//
// [Text] turns a stored body back into plain text for excerpts and
// notifications.
package render

import (
	"bytes"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
)

// Options are the per-site switches that change what a body may contain. The
// zero value is the strictest: no links and no images.
type Options struct {
	AllowLinks  bool // when false, links are reduced to their text
	AllowImages bool // when false, images are reduced to their alt text
}

// Renderer converts Markdown to sanitized HTML. It is safe for concurrent use;
// build it once with [New] and share it, since building the Markdown parser
// and the four sanitizer policies is far more expensive than one render.
type Renderer struct {
	md goldmark.Markdown
	// policies is indexed by policyIndex(opts) so a call picks its policy
	// without locking or allocating.
	policies [4]*bluemonday.Policy
}

// New builds a Renderer with its Markdown parser and one sanitizer policy for
// each combination of [Options].
func New() *Renderer {
	r := &Renderer{md: newMarkdown()}
	for _, links := range []bool{false, true} {
		for _, images := range []bool{false, true} {
			opts := Options{AllowLinks: links, AllowImages: images}
			r.policies[policyIndex(opts)] = newPolicy(opts)
		}
	}
	return r
}

// Render converts Markdown to sanitized, well-formed HTML under opts. It never
// fails: input that is not valid UTF-8 has its bad bytes replaced with U+FFFD
// first, and anything the pipeline cannot make safe is dropped.
func (r *Renderer) Render(markdown string, opts Options) string {
	// The server rejects invalid UTF-8 before it gets here, but import paths
	// and future callers might not; replacing keeps the output valid text.
	src := []byte(strings.ToValidUTF8(markdown, "\uFFFD"))
	return r.convert(bound(src), opts)
}

// convert runs the stages after the bound. Tests call it directly to show
// that a bounded body renders as the unbounded one did.
func (r *Renderer) convert(src []byte, opts Options) string {
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/2)
	if err := r.md.Convert(src, &buf); err != nil {
		// Only a failing writer or node renderer can error, and neither of
		// ours does; fail closed rather than store half a body.
		return ""
	}
	return r.clean(buf.Bytes(), opts)
}

// CleanHTML sanitizes HTML from elsewhere (an imported comment) with the
// same allowlist and serializer as a rendered body (stages 3 and 4).
func (r *Renderer) CleanHTML(html string, opts Options) string {
	return r.clean([]byte(strings.ToValidUTF8(html, "\uFFFD")), opts)
}

// clean runs the sanitizer and the re-serializer over HTML. It is separate
// from Render so tests can feed it hostile HTML directly: the sanitizer must
// hold even if the Markdown stage someday lets markup through.
func (r *Renderer) clean(html []byte, opts Options) string {
	sanitized := r.policies[policyIndex(opts)].SanitizeBytes(html)
	return serialize(sanitized, opts)
}

func policyIndex(opts Options) int {
	i := 0
	if opts.AllowLinks {
		i |= 1
	}
	if opts.AllowImages {
		i |= 2
	}
	return i
}
