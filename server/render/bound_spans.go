package render

import (
	"github.com/yuin/goldmark/util"
)

// A tickRun is a run of backticks in the block's text, with the index of
// the next run of the same length and of the next one a backtick shorter
// (what an opener whose first backtick is escaped looks for); -1 for none.
type tickRun struct {
	start, end        int
	nextSame, nextOne int
}

// findTicks lists the block's backtick runs. goldmark looks for a code
// span's closer run by run and without regard to escapes, so this is all it
// takes to know, for every opener, where its span ends.
func (s *inlineScanner) findTicks() {
	s.ticks = s.ticks[:0]
	t := s.text
	for i := 0; i < len(t); i++ {
		if t[i] != '`' {
			continue
		}
		j := i
		for j < len(t) && t[j] == '`' {
			j++
		}
		s.ticks = append(s.ticks, tickRun{start: i, end: j})
		i = j - 1
	}
	if len(s.ticks) == 0 {
		return
	}
	if s.last == nil {
		s.last = map[int]int{}
	}
	clear(s.last)
	last := s.last
	for r := len(s.ticks) - 1; r >= 0; r-- {
		run := &s.ticks[r]
		n := run.end - run.start
		run.nextSame, run.nextOne = -1, -1
		if k, ok := last[n]; ok {
			run.nextSame = k
		}
		if k, ok := last[n-1]; ok {
			run.nextOne = k
		}
		last[n] = r
	}
}

// codeSpan handles a code span opener at text index i, in backtick run r.
// A span goldmark certainly sees is skipped whole (next is past it). One
// that something earlier may hide is read through, and hidden reports its
// end. An opener with no closer costs goldmark a scan to the end of the
// block; past the budget, such openers become "&#96;", which renders the
// same backtick but opens nothing.
func (s *inlineScanner) codeSpan(i, r int, certain bool) (next, hidden int) {
	run := s.ticks[r]
	closer := run.nextSame
	if i > run.start {
		closer = run.nextOne // the first backtick is escaped
	}
	if closer < 0 {
		s.spans += len(s.text) - i
		if s.spans > s.limit {
			for k := i; k < run.end; k++ {
				s.edits.backtick(s.src(k))
			}
		}
		return run.end, 0
	}
	end := s.ticks[closer].end
	if certain {
		return end, 0
	}
	return run.end, end
}

// A delim is a run of emphasis or strikethrough delimiters, with what
// goldmark's delimiter scanner decides about it.
type delim struct {
	start, end        int
	char              byte
	canOpen, canClose bool
}

// delimiter records the run of '*' or '_' at text index i and returns its
// end.
func (s *inlineScanner) delimiter(i, line int) int {
	end := i
	for end < len(s.text) && s.text[end] == s.text[i] {
		end++
	}
	s.addDelim(i, end, line)
	return end
}

// tilde records the run of '~' at text index i, which is a strikethrough
// delimiter only if one or two long. A longer run is text, but goldmark
// scans the rest of the run again at each of its characters; past the
// budget all but its last character are escaped.
func (s *inlineScanner) tilde(i, line int) int {
	end := i
	for end < len(s.text) && s.text[end] == '~' {
		end++
	}
	if n := end - i; n <= 2 && s.before(i, line) != '~' {
		s.addDelim(i, end, line)
	} else if n > 2 {
		s.tildes += n * (n + 1) / 2
		if s.tildes > s.limit {
			for k := i; k < end-1; k++ {
				s.escape(k)
			}
		}
	}
	return end
}

func (s *inlineScanner) addDelim(start, end, line int) {
	c := s.text[start]
	before, after := s.before(start, line), s.after(end)
	bp, bs := util.IsPunctRune(before), util.IsSpaceRune(before)
	ap, as := util.IsPunctRune(after), util.IsSpaceRune(after)
	left := !as && (!ap || bs || bp)
	right := !bs && (!bp || as || ap)
	d := delim{start: start, end: end, char: c, canOpen: left, canClose: right}
	if c == '_' {
		d.canOpen = left && (!right || bp)
		d.canClose = right && (!left || ap)
	}
	s.delims = append(s.delims, d)
}
