package render

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
)

// inlineBlock is the text of one paragraph or heading: the source span of
// each of its lines, leading white space already dropped.
type inlineBlock struct {
	lines []span
}

// span is a range of source offsets.
type span struct{ start, end int }

func (b *inlineBlock) add(start, end int) {
	b.lines = append(b.lines, span{start, end})
}

func (b *inlineBlock) reset() { b.lines = b.lines[:0] }

// inlineScanner walks the inline syntax of one block at a time, as
// goldmark's inline parser will, and counts the work each kind of syntax
// will cost it. A count over the block's budget gets the syntax that causes
// it escaped. Its buffers are reused from block to block.
type inlineScanner struct {
	edits *edits
	seen  func(*inlineBlock) // for tests: receives every block scanned

	text    []byte // the block's lines joined by '\n'
	starts  []int  // index in text of each line
	srcAt   []int  // source offset of each line
	prev    []rune // the character goldmark sees before each line
	limit   int    // the work budget of this block
	trigger int    // from here on, something may hide syntax from the scan
	exact   bool   // nothing in the block can hide syntax from the scan

	ticks  []tickRun
	last   map[int]int // findTicks' scratch
	delims []delim
	links  linkState
	html   htmlState
	spans  int // work of code span openers that find no closer
	tildes int // work of long runs of '~'
	urls   urlState
}

func (s *inlineScanner) scan(src []byte, b *inlineBlock, definitions bool) {
	if s.seen != nil {
		s.seen(b)
	}
	s.load(src, b)
	s.limit = budget(len(s.text))
	s.trigger = firstTrigger(s.text)
	s.exact = !definitions && s.trigger == len(s.text)
	s.findTicks()
	s.delims = s.delims[:0]
	s.links.reset(definitions)
	s.html.reset()
	s.spans, s.tildes = 0, 0
	s.urls.reset()
	s.walk()
	s.emphasis()
}

// load joins the block's lines into s.text.
func (s *inlineScanner) load(src []byte, b *inlineBlock) {
	s.text, s.starts, s.srcAt, s.prev = s.text[:0], s.starts[:0], s.srcAt[:0], s.prev[:0]
	for i, l := range b.lines {
		end := l.end
		if i == len(b.lines)-1 {
			end -= util.TrimRightSpaceLength(src[l.start:end])
		}
		if i > 0 {
			s.text = append(s.text, '\n')
		}
		prev := '\n'
		if i > 0 && l.start > 0 {
			prev, _ = utf8.DecodeLastRune(src[:l.start])
		}
		s.starts = append(s.starts, len(s.text))
		s.srcAt = append(s.srcAt, l.start)
		s.prev = append(s.prev, prev)
		s.text = append(s.text, src[l.start:end]...)
	}
}

// src is the source offset of text index i.
func (s *inlineScanner) src(i int) int {
	l := sort.SearchInts(s.starts, i+1) - 1
	return s.srcAt[l] + i - s.starts[l]
}

func (s *inlineScanner) escape(i int) { s.edits.escape(s.src(i)) }

// lineOf is the index of the line holding text index i, searching forward
// from line l.
func (s *inlineScanner) lineOf(i, l int) int {
	for l+1 < len(s.starts) && s.starts[l+1] <= i {
		l++
	}
	return l
}

// before is the character goldmark's PrecendingCharacter reports for text
// index i on line l.
func (s *inlineScanner) before(i, l int) rune {
	if i == s.starts[l] {
		return s.prev[l]
	}
	r, _ := utf8.DecodeLastRune(s.text[:i])
	return r
}

// after is the character after text index i, as goldmark's delimiter
// scanner sees it: a space at the end of the block.
func (s *inlineScanner) after(i int) rune {
	if i >= len(s.text) {
		return ' '
	}
	r, _ := utf8.DecodeRune(s.text[i:])
	return r
}

// special marks the bytes walk has to look at; the rest is plain text.
var special = func() (t [256]bool) {
	for _, c := range []byte("\\`*_~![]<hw") {
		t[c] = true
	}
	return t
}()

// walk is the single pass over the block's text. It follows goldmark's
// inline parser closely enough to see every construct it would see.
func (s *inlineScanner) walk() {
	t := s.text
	line := 0
	hidden := 0 // up to here, something may hide syntax from goldmark
	tick := 0   // next backtick run
	defs := 0   // lines starting with '[' seen
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !special[c] {
			continue
		}
		line = s.lineOf(i, line)
		switch c {
		case '\\':
			if i+1 < len(t) && util.IsPunct(t[i+1]) {
				i++
			}
		case '`':
			for tick < len(s.ticks) && s.ticks[tick].end <= i {
				tick++
			}
			next, hid := s.codeSpan(i, tick, i < s.trigger)
			hidden = max(hidden, hid)
			i = next - 1
		case '*', '_':
			i = s.delimiter(i, line) - 1
		case '~':
			i = s.tilde(i, line) - 1
		case '!':
			if i+1 < len(t) && t[i+1] == '[' {
				s.links.open(s, i, i+1, line)
				i++
			}
		case '[':
			// goldmark takes link reference definitions off the start
			// of a paragraph one by one, each in time proportional to
			// the lines left; escaping the "[" of the first one too
			// many ends the run.
			if i == s.starts[line] && s.links.definitions && t[0] == '[' {
				if defs++; defs == maxDefinitions+1 {
					s.escape(i)
					continue
				}
			}
			s.links.open(s, i, i, line)
		case ']':
			hidden = max(hidden, s.links.close(s, i, i < hidden))
		case '<':
			if i+1 < len(t) && !util.IsSpace(t[i+1]) {
				hidden = max(hidden, s.html.tag(s, i))
			}
		case 'h', 'w':
			if end := s.urls.at(s, i); end > i {
				hidden = max(hidden, end)
			}
		}
	}
}

// firstTrigger is the first index from which something may hide syntax
// from goldmark's view of it (a code span's opening backtick, a bracket, a
// delimiter): a possible tag or autolink, link destination or reference,
// URL or e-mail address. Code spans before it are certain; later ones may
// not be spans at all.
func firstTrigger(t []byte) int {
	first := len(t)
	if k := bytes.IndexByte(t, '@'); k >= 0 {
		for k > 0 && !util.IsSpace(t[k-1]) {
			k--
		}
		first = k
	}
	for k := 0; k < first; k++ {
		j := bytes.IndexByte(t[k:first], '<')
		if j < 0 {
			break
		}
		if k += j; k+1 < len(t) && !util.IsSpace(t[k+1]) {
			first = k
		}
	}
	for k := 0; k < first; k++ {
		j := bytes.IndexByte(t[k:first], ']')
		if j < 0 {
			break
		}
		if k += j; k+1 < len(t) && (t[k+1] == '(' || t[k+1] == '[' || t[k+1] == ':') {
			first = k
		}
	}
	if k := bytes.Index(t[:first], []byte("://")); k >= 0 {
		for k > 0 && !util.IsSpace(t[k-1]) {
			k--
		}
		first = k
	}
	if k := bytes.Index(t[:first], []byte("www.")); k >= 0 {
		first = k
	}
	return first
}
