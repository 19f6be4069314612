package render

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

const rel = ` rel="nofollow ugc noopener noreferrer"`

var (
	noOpts  = Options{}
	links   = Options{AllowLinks: true}
	allOpts = Options{AllowLinks: true, AllowImages: true}
)

func TestRenderFormatting(t *testing.T) {
	r := New()
	tests := []struct {
		name string
		in   string
		opts Options
		want string
	}{
		{"plain paragraph", "hello world", noOpts, "<p>hello world</p>\n"},
		{"single line break", "line one\nline two", noOpts, "<p>line one<br/>\nline two</p>\n"},
		{"blank line", "first\n\nsecond", noOpts, "<p>first</p>\n<p>second</p>\n"},
		{"several blank lines", "first\n\n\n\nsecond", noOpts, "<p>first</p>\n<p>second</p>\n"},
		{"windows line endings", "one\r\ntwo\r\n\r\nthree", noOpts, "<p>one<br/>\ntwo</p>\n<p>three</p>\n"},
		{"emphasis", "*em* _em_ **strong** ~~gone~~", noOpts,
			"<p><em>em</em> <em>em</em> <strong>strong</strong> <del>gone</del></p>\n"},
		{"inline code escapes", "`a < b && <i>`", noOpts, "<p><code>a &lt; b &amp;&amp; &lt;i&gt;</code></p>\n"},
		{"fenced code loses class", "```go\nx := 1\n```", noOpts, "<pre><code>x := 1\n</code></pre>\n"},
		{"indented code", "    x\n    y", noOpts, "<pre><code>x\ny\n</code></pre>\n"},
		{"unordered list", "- a\n- b", noOpts, "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"},
		{"ordered list keeps start", "3. a\n4. b", noOpts, "<ol start=\"3\">\n<li>a</li>\n<li>b</li>\n</ol>\n"},
		{"quote", "> quoted\n> more", noOpts, "<blockquote>\n<p>quoted<br/>\nmore</p>\n</blockquote>\n"},
		{"rule", "a\n\n---\n\nb", noOpts, "<p>a</p>\n<hr/>\n<p>b</p>\n"},
		{"headings shift down", "# one\n## two\n### three\n###### six", noOpts,
			"<h4>one</h4>\n<h5>two</h5>\n<h6>three</h6>\n<h6>six</h6>\n"},
		{"setext heading", "Title\n=====", noOpts, "<h4>Title</h4>\n"},
		{"table syntax stays text", "| a |\n| - |", noOpts, "<p>| a |<br/>\n| - |</p>\n"},
		{"raw html is shown as text", "say <b>hi</b>", noOpts, "<p>say &lt;b&gt;hi&lt;/b&gt;</p>\n"},
		{"html block is shown as text", "<div>\nhi\n</div>", noOpts,
			"<p>&lt;div&gt;<br/>\nhi<br/>\n&lt;/div&gt;</p>\n"},
		{"html comment is shown as text", "a <!-- b --> c", noOpts, "<p>a &lt;!-- b --&gt; c</p>\n"},
		{"entities stay text", "&lt;b&gt; &amp; &copy;", noOpts, "<p>&lt;b&gt; &amp; ©</p>\n"},
		{"link", "[site](https://example.com/a?b=1&c=2)", links,
			`<p><a href="https://example.com/a?b=1&amp;c=2"` + rel + ">site</a></p>\n"},
		{"link title dropped", `[x](https://e.com "t")`, links, `<p><a href="https://e.com"` + rel + ">x</a></p>\n"},
		{"mailto link", "[me](mailto:me@example.com)", links,
			`<p><a href="mailto:me@example.com"` + rel + ">me</a></p>\n"},
		{"angle autolink", "<https://e.com/x>", links, `<p><a href="https://e.com/x"` + rel + ">https://e.com/x</a></p>\n"},
		{"bare autolink", "see https://e.com/x.", links, `<p>see <a href="https://e.com/x"` + rel + ">https://e.com/x</a>.</p>\n"},
		{"www autolink", "www.e.com", links, `<p><a href="http://www.e.com"` + rel + ">www.e.com</a></p>\n"},
		{"email autolink", "me@e.com", links, `<p><a href="mailto:me@e.com"` + rel + ">me@e.com</a></p>\n"},
		{"ftp is not linkified", "ftp://e.com/x", links, "<p>ftp://e.com/x</p>\n"},
		{"links off keeps text", "[site](https://e.com) and https://e.org", noOpts, "<p>site and https://e.org</p>\n"},
		{"images off by default", "![a cat](https://e.com/cat.png)", noOpts, "<p>a cat</p>\n"},
		{"images on", `![a cat](https://e.com/cat.png "Tom")`, allOpts,
			`<p><img src="https://e.com/cat.png" alt="a cat" title="Tom"/></p>` + "\n"},
		{"linked image", "[![c](https://e.com/c.png)](https://e.com)", allOpts,
			`<p><a href="https://e.com"` + rel + `><img src="https://e.com/c.png" alt="c"/></a></p>` + "\n"},
		{"linked image, images off", "[![c](https://e.com/c.png)](https://e.com)", links,
			`<p><a href="https://e.com"` + rel + ">c</a></p>\n"},
		{"empty", "", noOpts, ""},
		{"only spaces", "   \n  ", noOpts, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Render(tt.in, tt.opts)
			if got != tt.want {
				t.Errorf("Render(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if v := violations(got, tt.opts); len(v) > 0 {
				t.Errorf("Render(%q) = %q breaks rules: %v", tt.in, got, v)
			}
		})
	}
}

// TestRenderStable checks that the same input always gives the same bytes and
// that the stored body is a fixed point of the sanitizer: running it through
// the sanitizing stages again changes nothing.
func TestRenderStable(t *testing.T) {
	r := New()
	for _, in := range []string{
		typicalComment,
		"[a](https://e.com/?q=a%20b&r=<x>) ![i](https://e.com/i.png?a=1&b=2 \"t\")",
		"* a\n\n  * b\n\n> q\n>> qq",
		"x <b>y",
	} {
		first := r.Render(in, allOpts)
		if again := r.Render(in, allOpts); again != first {
			t.Errorf("Render(%q) not deterministic:\n%q\n%q", in, first, again)
		}
		if cleaned := r.clean([]byte(first), allOpts); cleaned != first {
			t.Errorf("clean(Render(%q)) changed it:\n%q\n%q", in, first, cleaned)
		}
	}
}

// TestRenderConcurrent shares one Renderer across goroutines; run with -race.
func TestRenderConcurrent(t *testing.T) {
	r := New()
	want := r.Render(typicalComment, allOpts)
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opts := Options{AllowLinks: i%2 == 0, AllowImages: i%3 == 0}
			for range 20 {
				got := r.Render(typicalComment, opts)
				if opts == allOpts && got != want {
					errs <- fmt.Sprintf("goroutine %d got %q", i, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestOptionsSelectPolicy makes sure each of the four policies is the one
// asked for, not a neighbour.
func TestOptionsSelectPolicy(t *testing.T) {
	r := New()
	in := "[l](https://e.com) ![i](https://e.com/i.png)"
	for _, opts := range []Options{{}, {AllowLinks: true}, {AllowImages: true}, allOpts} {
		got := r.Render(in, opts)
		if hasLink := strings.Contains(got, "<a "); hasLink != opts.AllowLinks {
			t.Errorf("%+v: link present = %v in %q", opts, hasLink, got)
		}
		if hasImg := strings.Contains(got, "<img "); hasImg != opts.AllowImages {
			t.Errorf("%+v: image present = %v in %q", opts, hasImg, got)
		}
	}
}

func TestText(t *testing.T) {
	r := New()
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs and breaks", "one\ntwo\n\nthree", "one\ntwo\n\nthree"},
		{"inline markup", "a *b* **c** `d` ~~e~~", "a b c d e"},
		{"entities decoded", "a < b & \"c\"", "a < b & \"c\""},
		{"raw html as typed", "<b>x</b>", "<b>x</b>"},
		{"list", "intro\n\n- a\n- b\n\nend", "intro\n\na\nb\n\nend"},
		{"heading and quote", "# Title\n\n> said", "Title\n\nsaid"},
		{"link text only", "[site](https://e.com) ok", "site ok"},
		{"image alt", "![a cat](https://e.com/c.png)", "a cat"},
		{"code block lines", "```\nx\ny\n```", "x\ny"},
		{"spaces collapse", "a   b", "a b"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := r.Render(tt.in, allOpts)
			if got := Text(body); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", body, got, tt.want)
			}
		})
	}
}
