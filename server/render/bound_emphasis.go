package render

import "math"

// goldmark matches emphasis delimiters the way CommonMark describes, but
// without CommonMark's "openers bottom": every closer searches all the way
// back through the delimiters before it, so closers that find nothing
// (after "*a_*a_*a_...", every "_" closes nothing) cost time quadratic in
// their number.
//
// When goldmark sees exactly the delimiters the scan does (nothing in the
// block can hide any), its work is simulated step for step, up to the
// budget. Otherwise the work is bounded from above: no closer can search
// past the delimiters before it. Over the budget, the runs that match
// nothing (found in linear time, with CommonMark's openers bottom) are
// escaped, which renders them as the same text they would have been; if
// that is not enough, every run in the block is.

// emphasis bounds the delimiter runs collected by walk.
func (s *inlineScanner) emphasis() {
	d := s.delims
	if len(d) < 2 || s.cost(d) <= s.limit {
		return
	}
	var matched delimList
	matched.load(d)
	matched.process(math.MaxInt, true)
	kept := d[:0:0]
	for k, run := range d {
		if matched.used[k] {
			kept = append(kept, run)
		} else {
			s.escapeRun(run)
		}
	}
	if s.cost(kept) <= s.limit {
		return
	}
	for _, run := range kept {
		s.escapeRun(run)
	}
}

// cost is the work goldmark spends on the runs d, or more.
func (s *inlineScanner) cost(d []delim) int {
	if s.exact {
		var l delimList
		l.load(d)
		if steps, done := l.process(s.limit+1, false); done {
			return steps
		}
		return s.limit + 1
	}
	work := len(d)
	for k, run := range d {
		if run.canClose {
			work += k
		}
	}
	return work
}

func (s *inlineScanner) escapeRun(run delim) {
	for k := run.start; k < run.end; k++ {
		s.escape(k)
	}
}

// delimList is goldmark's delimiter list over an array.
type delimList struct {
	d          []delim
	prev, next []int
	length     []int
	used       []bool // the run matched at least once
}

func (l *delimList) load(d []delim) {
	n := len(d)
	l.d = d
	l.prev, l.next, l.length, l.used = make([]int, n), make([]int, n), make([]int, n), make([]bool, n)
	for k := range d {
		l.prev[k], l.next[k], l.length[k] = k-1, k+1, d[k].end-d[k].start
	}
	if n > 0 {
		l.next[n-1] = -1
	}
}

func (l *delimList) remove(k int) {
	if p := l.prev[k]; p >= 0 {
		l.next[p] = l.next[k]
	}
	if n := l.next[k]; n >= 0 {
		l.prev[n] = l.prev[k]
	}
}

// consumption is goldmark's CalcComsumption: how many characters an opener
// and a closer give to one emphasis, 0 when the "rule of three" forbids it.
func (l *delimList) consumption(o, c int) int {
	od, cd := l.d[o], l.d[c]
	ol, cl := od.end-od.start, cd.end-cd.start
	if (od.canClose || cd.canOpen) && (ol+cl)%3 == 0 && cl%3 != 0 {
		return 0
	}
	if l.length[o] >= 2 && l.length[c] >= 2 {
		return 2
	}
	return 1
}

// process runs goldmark's ProcessDelimiters over the list, counting the
// delimiters visited; it gives up after limit steps. With bottoms, failed
// searches are not repeated (CommonMark's openers bottom): the matches are
// the same, in linear time, but the count is no longer goldmark's.
func (l *delimList) process(limit int, bottoms bool) (steps int, done bool) {
	// bottom[char][closer can open][closer length % 3]
	var bottom [3][2][3]int
	for c := range bottom {
		for o := range bottom[c] {
			bottom[c][o] = [3]int{-1, -1, -1}
		}
	}
	closer := 0
	if len(l.d) == 0 {
		closer = -1
	}
	for closer >= 0 {
		cd := l.d[closer]
		if !cd.canClose {
			closer = l.next[closer]
			continue
		}
		b := &bottom[delimIndex(cd.char)][boolIndex(cd.canOpen)][(cd.end-cd.start)%3]
		floor := -1
		if bottoms {
			floor = *b
		}
		opener, consume, maybe := -1, 0, false
		for o := l.prev[closer]; o > floor; o = l.prev[o] {
			if steps++; steps > limit {
				return steps, false
			}
			if od := l.d[o]; od.canOpen && od.char == cd.char {
				maybe = true
				if consume = l.consumption(o, closer); consume > 0 {
					opener = o
					break
				}
			}
		}
		if opener < 0 {
			*b = l.prev[closer]
			next := l.next[closer]
			if !maybe && !cd.canOpen {
				l.remove(closer)
			}
			closer = next
			continue
		}
		l.length[opener] -= consume
		l.length[closer] -= consume
		l.used[opener], l.used[closer] = true, true
		for k := l.next[opener]; k != closer; k = l.next[k] {
			steps++
			l.remove(k)
		}
		if l.length[opener] == 0 {
			l.remove(opener)
		}
		if l.length[closer] == 0 {
			next := l.next[closer]
			l.remove(closer)
			closer = next
		}
	}
	return steps, true
}

func delimIndex(c byte) int {
	switch c {
	case '*':
		return 0
	case '_':
		return 1
	}
	return 2
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}
