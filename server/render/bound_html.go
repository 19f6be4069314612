package render

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/util"
)

// htmlKind is the CommonMark type (1 to 7) of an HTML block; the bound
// must know them because their lines are literal text.
type htmlKind uint8

const (
	html1 htmlKind = iota + 1 // <script>, <pre>, <style>, <textarea>
	html2                     // <!-- comment
	html3                     // <? processing instruction
	html4                     // <!DECLARATION
	html5                     // <![CDATA[
	html6                     // a block-level tag
	html7                     // any other complete tag alone on its line
)

// closedBy reports whether line ends an HTML block of kind k (for types 1
// to 5; 6 and 7 end at a blank line).
func (k htmlKind) closedBy(line []byte) bool {
	switch k {
	case html1:
		l := bytes.ToLower(line)
		for _, end := range []string{"</script>", "</pre>", "</style>", "</textarea>"} {
			if bytes.Contains(l, []byte(end)) {
				return true
			}
		}
		return false
	case html2:
		return bytes.Contains(line, []byte("-->"))
	case html3:
		return bytes.Contains(line, []byte("?>"))
	case html4:
		return bytes.IndexByte(line, '>') >= 0
	case html5:
		return bytes.Contains(line, []byte("]]>"))
	}
	return false
}

// blockTags are the tag names that start an HTML block of type 6.
var blockTags = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`address article aside base basefont
		blockquote body caption center col colgroup dd details dialog dir div
		dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3
		h4 h5 h6 head header hr html iframe legend li link main menu menuitem
		meta nav noframes ol optgroup option p param search section summary
		table tbody td tfoot th thead title tr track ul`) {
		blockTags[t] = true
	}
}

// htmlBlockStart reports the kind of HTML block line starts, or 0; a type 7
// block cannot interrupt a paragraph.
func htmlBlockStart(line []byte, afterParagraph bool) htmlKind {
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i > 3 || i == len(line) || line[i] != '<' {
		return 0
	}
	s := line[i:]
	switch {
	case bytes.HasPrefix(s, []byte("<!--")):
		return html2
	case bytes.HasPrefix(s, []byte("<?")):
		return html3
	case bytes.HasPrefix(s, []byte("<![CDATA[")):
		return html5
	case len(s) > 2 && s[1] == '!' && s[2] >= 'A' && s[2] <= 'Z':
		return html4
	}
	name, after, closing := tagName(s)
	if name == "" {
		return 0
	}
	lower := strings.ToLower(name)
	endsName := after == len(s) || s[after] == '>' || s[after] == '\n' ||
		bytes.HasPrefix(s[after:], []byte("/>")) || bytes.HasPrefix(s[after:], []byte("\r\n"))
	if !closing && (lower == "script" || lower == "pre" || lower == "style" || lower == "textarea") &&
		(endsName || util.IsSpace(s[after])) {
		return html1
	}
	if complete, attrs := completeTag(s, after); complete {
		if blockTags[lower] {
			return html6
		}
		if !afterParagraph && lower != "script" && lower != "style" && lower != "pre" && !(closing && attrs) {
			return html7
		}
	}
	if blockTags[lower] && (endsName || s[after] == ' ') {
		return html6
	}
	return 0
}

// tagName reads "<name" or "</ name" at the start of s.
func tagName(s []byte) (name string, after int, closing bool) {
	i := 1
	if i < len(s) && s[i] == '/' {
		closing = true
		i++
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	start := i
	if i >= len(s) || !isLetter(s[i]) {
		return "", 0, false
	}
	for i < len(s) && (isLetter(s[i]) || s[i] >= '0' && s[i] <= '9' || s[i] == '-') {
		i++
	}
	return string(s[start:i]), i, closing
}

// completeTag reports whether s[i:] finishes the tag whose name ends at i,
// with attributes, "/>" or ">", and then only spaces to the end of the
// line; and whether it had attributes.
func completeTag(s []byte, i int) (complete, attrs bool) {
	for {
		j := i
		for j < len(s) && isTagSpace(s[j]) {
			j++
		}
		if j == i || j == len(s) || !(isLetter(s[j]) || s[j] == '_' || s[j] == ':') {
			break
		}
		for j < len(s) && (isLetter(s[j]) || s[j] >= '0' && s[j] <= '9' || strings.IndexByte("_.:-", s[j]) >= 0) {
			j++
		}
		i, attrs = attrValue(s, j), true
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '>':
		i++
	case i+1 < len(s) && s[i] == '/' && s[i+1] == '>':
		i += 2
	default:
		return false, attrs
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	rest := s[i:]
	return len(rest) == 0 || string(rest) == "\n" || string(rest) == "\r\n", attrs
}

// attrValue skips an optional "= value" after an attribute name ending at i.
func attrValue(s []byte, i int) int {
	j := i
	for j < len(s) && isTagSpace(s[j]) {
		j++
	}
	if j == len(s) || s[j] != '=' {
		return i
	}
	j++
	for j < len(s) && isTagSpace(s[j]) {
		j++
	}
	if j == len(s) {
		return i
	}
	switch q := s[j]; q {
	case '"', '\'':
		if end := bytes.IndexByte(s[j+1:], q); end >= 0 {
			return j + end + 2
		}
		return i
	}
	k := j
	for k < len(s) && s[k] > ' ' && strings.IndexByte("\"'=<>`", s[k]) < 0 {
		k++
	}
	if k == j {
		return i
	}
	return k
}

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isTagSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}
