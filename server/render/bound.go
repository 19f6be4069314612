package render

import (
	"slices"
)

// The bounding stage runs before goldmark. goldmark's parser is fast on
// ordinary text, but some shapes make it spend time that grows with the
// square of their length: ten thousand ">" open ten thousand quotes and the
// parser measures every line from its start at every level; "[a](" repeated
// rescans the rest of the line for each link destination; unmatched emphasis
// delimiters are searched for again by every closer. The preview endpoint
// renders anyone's input, so the bound has to come before the parser.
//
// bound walks the body the way goldmark will: line by line through the
// container blocks (quotes and list items), then through each paragraph's
// inline syntax, keeping a count of the work goldmark will do. Where a count
// exceeds its limit it rewrites the body as little as it can:
//
//   - quotes and lists nested deeper than maxNesting lose their extra
//     markers, so the text shows at the deepest level, as limitNesting
//     would have shown it;
//   - everything else is escaped with a backslash (a backtick becomes
//     "&#96;"), so it renders as the same characters, only as text: excess
//     "[" beyond maxNesting open brackets, "(" of link destinations that
//     would be scanned again, emphasis delimiters that can never match,
//     code span openers that have no closer, long "~" runs, "<" that would
//     be tried as HTML once too often, punctuation in a "domain" Linkify
//     would read in vain, and link reference definitions past
//     maxDefinitions in a row.
//
// Work limits are per paragraph and proportional to its length, so text a
// person wrote is left byte for byte alone; only bodies built to be slow
// are changed. Code blocks and HTML blocks are never touched, and neither
// are code spans unless something earlier in the paragraph could hide their
// opening backtick from goldmark.

// Limits of the bounding stage.
const (
	// maxDefinitions is how many link reference definitions may start one
	// paragraph; goldmark removes each from the paragraph in time
	// proportional to the paragraph's remaining lines.
	maxDefinitions = 32
	// workPerByte and workSlack give a paragraph of n bytes a budget of
	// workPerByte*n + workSlack steps for each kind of work the parser
	// may repeat: about the cost of parsing that many bytes of prose.
	workPerByte = 8
	workSlack   = 256
)

// bound returns src rewritten so that goldmark parses it in time close to
// linear in its length, or src itself when it needs no change.
func bound(src []byte) []byte {
	// Escapes can change what goldmark makes of the syntax around them
	// (an escaped "<" no longer opens a link destination in angle
	// brackets), so a body that needed edits is bounded once more, as
	// goldmark will see it.
	for range 2 {
		m := newModel(src)
		m.run()
		if len(m.edits) == 0 {
			break
		}
		src = m.edits.apply(src)
	}
	return src
}

// budget is the work allowed for n bytes of one paragraph.
func budget(n int) int {
	return workPerByte*n + workSlack
}

// An edit deletes del bytes at source offset at, or inserts before it.
type edit struct {
	at, del int
	ins     insertion
}

// insertion is what an edit puts in: nothing, a backslash, or a backtick
// as a character reference (which, unlike an escaped backtick, can never
// become part of a run that closes a code span).
type insertion uint8

const (
	insertNothing insertion = iota
	insertBackslash
	insertBacktick
)

// edits collects the rewrites of one body. They are recorded nearly in
// order (a bracket is escaped when a later one shows it must be) and
// sorted once.
type edits []edit

func (e *edits) remove(at, n int) {
	if k := len(*e) - 1; k >= 0 {
		if last := &(*e)[k]; last.ins == insertNothing && last.at+last.del == at {
			last.del += n
			return
		}
	}
	*e = append(*e, edit{at: at, del: n})
}

// escape makes the punctuation at offset at literal.
func (e *edits) escape(at int) {
	*e = append(*e, edit{at: at, ins: insertBackslash})
}

// backtick replaces the backtick at offset at with "&#96;".
func (e *edits) backtick(at int) {
	*e = append(*e, edit{at: at, del: 1, ins: insertBacktick})
}

// apply returns src with the edits made, or src itself if there are none.
func (e edits) apply(src []byte) []byte {
	if len(e) == 0 {
		return src
	}
	byOffset := func(a, b edit) int { return a.at - b.at }
	if !slices.IsSortedFunc(e, byOffset) {
		slices.SortStableFunc(e, byOffset)
	}
	out := make([]byte, 0, len(src)+len(e)*2)
	last := 0
	for i, ed := range e {
		at := ed.at
		if at < last || i > 0 && ed == e[i-1] {
			continue // already covered by an earlier edit
		}
		out = append(out, src[last:at]...)
		switch ed.ins {
		case insertBackslash:
			out = append(out, '\\')
		case insertBacktick:
			out = append(out, "&#96;"...)
		}
		last = at + ed.del
	}
	return append(out, src[last:]...)
}
