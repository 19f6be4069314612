package render

import (
	"github.com/yuin/goldmark/util"
)

// A label is an open "[" or "![" of a possible link or image.
type label struct {
	start, open, line int // where it starts, where its "[" is, its line
}

// linkState follows goldmark's link parser through one block. goldmark
// keeps a stack of open labels; at every "]" it closes the top one, and the
// cost of that grows with the label's length and with the lines left in the
// block; at "](" it reads a destination and title, and reads them again for
// every "](" inside them if the link fails.
//
// The scan cannot always tell whether goldmark sees a "]" (raw HTML, a URL
// or a link destination may hide it), so it pops only at a "]" it is sure
// of: its stack then holds every label goldmark's does, and capping it caps
// goldmark's.
type linkState struct {
	definitions bool // references may resolve
	stack       []label
	base        int  // stack[:base] were escaped to keep the depth
	off         bool // over budget: every label is escaped
	closes      int  // work of closing labels
	dests       int  // work of destination scans
	scanned     int  // destination scans have read up to here
	unsure      int  // "]" goldmark may have closed a label at and the scan did not
	lastUnsure  int
}

func (l *linkState) reset(definitions bool) {
	*l = linkState{definitions: definitions, stack: l.stack[:0], lastUnsure: -1}
}

// open records a label starting at start with its "[" at open. Past
// maxNesting open labels the oldest is escaped: long runs of "[" keep
// their characters as text.
func (l *linkState) open(s *inlineScanner, start, open, line int) {
	if l.off {
		s.escape(open)
		return
	}
	if len(l.stack)-l.base >= maxNesting {
		s.escape(l.stack[l.base].open)
		l.base++
	}
	l.stack = append(l.stack, label{start, open, line})
}

// close handles a "]" at text index i, unsure when something before may
// hide it from goldmark. It returns the end of what goldmark may consume
// after it (a link's destination or a reference), or 0.
func (l *linkState) close(s *inlineScanner, i int, unsure bool) int {
	live := len(l.stack) - l.base
	if live == 0 {
		return 0
	}
	// goldmark closes its top label, which is the scan's top unless an
	// unsure "]" closed some before it.
	top := l.stack[len(l.stack)-1]
	closed := top
	if top.open < l.lastUnsure {
		closed = l.stack[len(l.stack)-1-min(l.unsure, live-1)]
	}
	l.closes += len(s.starts) - closed.line + i - closed.start
	if l.closes > s.limit {
		for _, lb := range l.stack[l.base:] {
			s.escape(lb.open)
		}
		l.stack, l.base, l.off = l.stack[:0], 0, true
		return 0
	}
	if unsure {
		l.unsure++
		l.lastUnsure = i
	} else if l.stack = l.stack[:len(l.stack)-1]; len(l.stack) == l.base {
		l.stack, l.base = l.stack[:0], 0
	}
	t := s.text
	switch {
	case i+1 < len(t) && t[i+1] == '(':
		return l.destination(s, i+1)
	case i+1 < len(t) && t[i+1] == '[' && l.definitions:
		if end, ok := closure(t, i+2, '[', ']'); ok {
			return end
		}
	}
	return 0
}

// destination handles the "(" at text index p after a "]". Once the
// budget is spent, a "(" inside text an earlier scan read is escaped, so
// goldmark reads every byte for destinations at most once more.
func (l *linkState) destination(s *inlineScanner, p int) int {
	if p < l.scanned && l.dests > s.limit {
		s.escape(p)
		return 0
	}
	end, ok := linkTail(s.text, p)
	l.dests += end - p
	l.scanned = max(l.scanned, end)
	if ok {
		return end
	}
	return 0
}

// linkTail reads "(destination "title")" at text index p as goldmark's
// parseLink does, returning where the reading stopped and whether it found
// a link.
func linkTail(t []byte, p int) (int, bool) {
	i := skipSpace(t, p+1)
	if i < len(t) && t[i] == ')' {
		return i + 1, true
	}
	if i < len(t) && t[i] == '<' {
		j := i + 1
		for ; j < len(t) && t[j] != '>'; j++ {
			if t[j] == '\n' {
				return j + 1, false // goldmark looks no further than the line
			}
			if t[j] == '\\' && j+1 < len(t) && util.IsPunct(t[j+1]) {
				j++
			}
		}
		if j == len(t) {
			return j, false
		}
		i = j + 1
	} else {
		j, depth := i, 0
		for ; j < len(t); j++ {
			c := t[j]
			if c == '\\' && j+1 < len(t) && util.IsPunct(t[j+1]) {
				j++
				continue
			}
			if c == '(' {
				depth++
			} else if c == ')' {
				if depth--; depth < 0 {
					break
				}
			} else if util.IsSpace(c) {
				break
			}
		}
		if j == i {
			return j, false
		}
		i = j
	}
	i = skipSpace(t, i)
	if i < len(t) && t[i] == ')' {
		return i + 1, true
	}
	if i == len(t) || t[i] != '"' && t[i] != '\'' && t[i] != '(' {
		return i, false
	}
	closer := t[i]
	if closer == '(' {
		closer = ')'
	}
	end, ok := closure(t, i+1, t[i], closer)
	if !ok {
		return end, false
	}
	i = skipSpace(t, end)
	if i < len(t) && t[i] == ')' {
		return i + 1, true
	}
	return i, false
}

// closure finds closer from index i on, across lines and past escapes,
// failing at another opener: goldmark's FindClosure without nesting. It
// returns the index after the closer, or where it stopped.
func closure(t []byte, i int, opener, closer byte) (int, bool) {
	for ; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '\\' && i+1 < len(t) && t[i+1] != '\n' && util.IsPunct(t[i+1]):
			i++
		case c == closer:
			return i + 1, true
		case c == opener:
			return i, false
		}
	}
	return i, false
}

func skipSpace(t []byte, i int) int {
	for i < len(t) && util.IsSpace(t[i]) {
		i++
	}
	return i
}
