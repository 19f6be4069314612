package render

import (
	"bytes"

	"github.com/yuin/goldmark/util"
)

// htmlState follows goldmark's autolink and raw HTML parsers through one
// block. What they match is consumed whole, so it may hide brackets from
// the link parser; what they try and fail costs a read of the text, which a
// long quoted attribute can make long. Once that work passes the budget,
// "<" is escaped: an escaped "<" renders exactly as the raw HTML would,
// since raw HTML is shown as text.
type htmlState struct {
	work int
	// closers found (or not) for comments, processing instructions,
	// declarations and CDATA; goldmark remembers a failed search too.
	found [4]closerSearch
}

type closerSearch struct {
	from, at int // a search from "from" found the closer at "at", or -1
}

var (
	htmlOpeners = [4]string{"<!--", "<?", "<!", "<![CDATA["}
	htmlClosers = [4]string{"-->", "?>", ">", "]]>"}
)

func (h *htmlState) reset() {
	*h = htmlState{}
	for k := range h.found {
		h.found[k] = closerSearch{from: -1}
	}
}

// htmlAttempt is what one raw HTML attempt costs goldmark beyond the bytes
// it reads: the pattern runs on a rune reader, with its setup each time.
const htmlAttempt = 64

// tag handles a "<" at text index i and returns the end of the autolink or
// raw HTML it starts, or 0.
func (h *htmlState) tag(s *inlineScanner, i int) int {
	t := s.text
	rest := t[i+1:]
	stop := util.FindEmailIndex(rest)
	if stop < 0 {
		stop = util.FindURLIndex(rest)
	}
	if stop >= 0 && stop < len(rest) && rest[stop] == '>' {
		return i + stop + 2
	}
	if h.work > s.limit {
		s.escape(i)
		// An escaped "<" no longer starts a link destination in angle
		// brackets, and goldmark would read the rest of the line for
		// one; the link goes too.
		j := i - 1
		for j > 0 && util.IsSpace(t[j]) {
			j--
		}
		if j > 0 && t[j] == '(' && t[j-1] == ']' {
			s.escape(j)
		}
		return 0
	}
	h.work += htmlAttempt
	for k := len(htmlOpeners) - 1; k >= 0; k-- {
		if !bytes.HasPrefix(t[i:], []byte(htmlOpeners[k])) {
			continue
		}
		if k == 2 && (i+2 >= len(t) || t[i+2] < 'A' || t[i+2] > 'Z') {
			continue
		}
		return h.until(t, i, k)
	}
	end, ok := rawTag(t, i)
	h.work += 8 * (end - i)
	if ok {
		return end
	}
	return 0
}

// until finds the closer of a comment, processing instruction, declaration
// or CDATA section (kind k) starting at i, reusing the last search.
func (h *htmlState) until(t []byte, i, k int) int {
	from := i + len(htmlOpeners[k])
	if k == 0 && (bytes.HasPrefix(t[i:], []byte("<!-->")) || bytes.HasPrefix(t[i:], []byte("<!--->"))) {
		return i + 5 + bytes.Count(t[i+4:i+5], []byte("-"))
	}
	f := &h.found[k]
	if f.from < 0 || from < f.from || f.at >= 0 && from > f.at {
		f.from, f.at = from, -1
		if j := bytes.Index(t[from:], []byte(htmlClosers[k])); j >= 0 {
			f.at = from + j
			h.work += j
		} else {
			h.work += len(t) - from
		}
	}
	if f.at < 0 {
		return 0
	}
	return f.at + len(htmlClosers[k])
}

// rawTag matches an open or closing tag at text index i the way goldmark's
// raw HTML patterns do, across lines, and returns where the match (or the
// attempt) ended.
func rawTag(t []byte, i int) (int, bool) {
	j := i + 1
	closing := j < len(t) && t[j] == '/'
	if closing {
		j++
	}
	if j >= len(t) || !isLetter(t[j]) {
		return j, false
	}
	for j < len(t) && (isLetter(t[j]) || t[j] >= '0' && t[j] <= '9' || t[j] == '-') {
		j++
	}
	for !closing {
		k := j
		for k < len(t) && isTagSpace(t[k]) {
			k++
		}
		if k == j || k == len(t) || !(isLetter(t[k]) || t[k] == '_' || t[k] == ':') {
			break
		}
		for k < len(t) && (isLetter(t[k]) || t[k] >= '0' && t[k] <= '9' || bytes.IndexByte([]byte("_.:-"), t[k]) >= 0) {
			k++
		}
		j = attrValue(t, k)
	}
	for j < len(t) && isTagSpace(t[j]) {
		j++
	}
	switch {
	case j < len(t) && t[j] == '>':
		return j + 1, true
	case !closing && j+1 < len(t) && t[j] == '/' && t[j+1] == '>':
		return j + 2, true
	}
	return j, false
}
