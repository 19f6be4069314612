package render

import (
	"slices"
	"strings"
	"testing"
)

// The sanitizer and the serializer each enforce the allowlist so that one
// mistake in either does not reach readers. The end-to-end tests cannot see
// a hole in one layer while the other still covers it, so each layer is also
// tested alone here.

var layerAttack = []string{
	`<p id="a" class="b" style="color:red" onclick="x()">p</p>`,
	`<a href="https://e.com" id="a" class="b" target="_blank" onmouseover="x()">a</a>`,
	`<img src="https://e.com/i.png" id="a" class="b" onerror="x()" alt="i">`,
	`<ol start="2" class="b"><li id="c">x</li></ol>`,
	`<script>x()</script><iframe></iframe><svg><g onload="x()"></g></svg>`,
	`<h1 id="h">h</h1><input name="x"><form></form><style>*{}</style>`,
}

// tagsAndAttrs lists every element and attribute in body, as "tag" and
// "tag@attr".
func tagsAndAttrs(t *testing.T, body string) []string {
	var out []string
	for _, n := range elements(parseBody(t, body)) {
		out = append(out, n.Data)
		for _, a := range n.Attr {
			out = append(out, n.Data+"@"+a.Key)
		}
	}
	return out
}

func TestPolicyAlone(t *testing.T) {
	r := New()
	for _, opts := range []Options{{}, {AllowLinks: true}, {AllowImages: true}, allOpts} {
		for _, in := range layerAttack {
			got := r.policies[policyIndex(opts)].Sanitize(in)
			for _, ta := range tagsAndAttrs(t, got) {
				tag, key, isAttr := strings.Cut(ta, "@")
				allowed, ok := testAttrs[tag]
				if !ok || isAttr && !slices.Contains(allowed, key) {
					t.Errorf("policy %+v let %s through: %q", opts, ta, got)
				}
				// An image without src is kept for its alt text,
				// which the serializer puts in its place.
				if tag == "a" && !opts.AllowLinks || ta == "img@src" && !opts.AllowImages {
					t.Errorf("policy %+v kept %s: %q", opts, ta, got)
				}
			}
		}
	}
}

func TestSerializeAlone(t *testing.T) {
	tests := []struct {
		in   string
		opts Options
		want string
	}{
		{`<p id="a" class="b" style="c" onclick="d">p</p>`, allOpts, "<p>p</p>"},
		{`<a href="https://e.com" id="a" rel="opener" target="_top">a</a>`, allOpts, `<a href="https://e.com"` + rel + `>a</a>`},
		{`<a href="https://e.com">a</a>`, Options{}, "a"},
		{`<a id="x">a</a>`, allOpts, "a"},
		{`<a href="">a</a>`, allOpts, "a"},
		{`<img src="https://e.com/i.png" alt="i" id="x" onerror="y">`, allOpts, `<img src="https://e.com/i.png" alt="i"/>`},
		{`<img src="https://e.com/i.png" alt="i">`, Options{AllowLinks: true}, "i"},
		{`<img alt="i">`, allOpts, "i"},
		{`<img>`, allOpts, ""},
		{`<ol start="2" reversed><li value="3">x</li></ol>`, allOpts, `<ol start="2"><li>x</li></ol>`},
		{`<em>open`, allOpts, "<em>open</em>"},
		{`<svg><a xlink:href="https://e.com">x</a></svg>`, allOpts, "<svg>x</svg>"},
	}
	for _, tt := range tests {
		if got := serialize([]byte(tt.in), tt.opts); got != tt.want {
			t.Errorf("serialize(%q, %+v)\n got %q\nwant %q", tt.in, tt.opts, got, tt.want)
		}
	}
}
