package render

import (
	"bytes"
	"slices"

	"github.com/yuin/goldmark/util"
)

// cursor is a position in one line, kept the way goldmark's text reader
// keeps it, so that indentation and tab stops come out the same: a byte
// index, the columns of a partly consumed tab still owed to the content
// (padding), and the column reached.
type cursor struct {
	line    []byte // the line, with its '\n' if it has one
	at      int    // source offset of line[0]
	pos     int
	padding int
	col     int // column of line[pos] in the rewritten line
	edits   *edits
	scratch []byte
	breaks  []bool // for each byte, whether a thematic break starts there
	ready   bool   // breaks is computed for this line
}

func (c *cursor) reset(line []byte, at int) {
	c.line, c.at, c.pos, c.padding, c.col, c.ready = line, at, 0, 0, 0, false
}

// thematicBreak is isThematicBreak(peek, c.offset()), from a table built
// once per line: a line of ten thousand dropped markers asks at each one.
func (c *cursor) thematicBreak(peek []byte) bool {
	w, pos := c.indent(peek)
	if w > 3 || pos >= len(peek) {
		return false
	}
	if !c.ready {
		c.breaks = slices.Grow(c.breaks[:0], len(c.line))[:len(c.line)]
		clear(c.breaks)
		var mark byte
		count, mixed := 0, false
		for k := len(c.line) - 1; k >= 0; k-- {
			switch ch := c.line[k]; {
			case util.IsSpace(ch):
				continue
			case mark == 0:
				mark, count = ch, 1
			case ch == mark:
				count++
			default:
				mixed = true
			}
			c.breaks[k] = !mixed && count > 2 && (mark == '-' || mark == '*' || mark == '_')
		}
		c.ready = true
	}
	return c.breaks[c.pos+pos-c.padding]
}

// offset is goldmark's LineOffset: the column content starts at.
func (c *cursor) offset() int { return c.col - c.padding }

// peek is goldmark's PeekLine: the rest of the line, with owed padding
// written out as spaces.
func (c *cursor) peek() []byte {
	if c.padding == 0 {
		return c.line[c.pos:]
	}
	c.scratch = append(c.scratch[:0], bytes.Repeat([]byte{' '}, c.padding)...)
	c.scratch = append(c.scratch, c.line[c.pos:]...)
	return c.scratch
}

// advance moves n characters of peek forward.
func (c *cursor) advance(n int) {
	for ; n > 0 && c.pos < len(c.line); n-- {
		if c.padding > 0 {
			c.padding--
			continue
		}
		if c.line[c.pos] == '\n' {
			return
		}
		if c.line[c.pos] == '\t' {
			c.col += util.TabWidth(c.col)
		} else {
			c.col++
		}
		c.pos++
	}
}

func (c *cursor) advancePadded(n, padding int) {
	c.advance(n)
	if padding > c.padding {
		c.padding = padding
	}
}

func (c *cursor) toEOL() {
	c.pos, c.padding = len(c.line), 0
	if n := len(c.line); n > 0 && c.line[n-1] == '\n' {
		c.pos = n - 1
	}
}

// remove deletes n bytes at the cursor from the output; the column stays,
// since the rewritten line no longer has them.
func (c *cursor) remove(n int) {
	c.edits.remove(c.at+c.pos, n)
	c.pos += n
}

// indent is the width and peek index of the leading white space.
func (c *cursor) indent(peek []byte) (width, pos int) {
	return util.IndentWidth(peek, c.offset())
}

// listItem is the shape of a list item line, as goldmark's parseListItem
// reports it: end of the indentation, end of the marker, and where the
// content starts (-1 when the item is empty).
type listItem struct {
	indent, marker, content int
	ordered                 bool
	number                  int
}

func parseListItem(line []byte) (listItem, bool) {
	var it listItem
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i > 3 || i == len(line) {
		return it, false
	}
	it.indent = i
	switch line[i] {
	case '-', '*', '+':
		i++
	default:
		j := i
		for i < len(line) && util.IsNumeric(line[i]) {
			it.number = it.number*10 + int(line[i]-'0')
			i++
		}
		if i == j || i-j > 9 || i == len(line) || line[i] != '.' && line[i] != ')' {
			return it, false
		}
		it.ordered = true
		i++
	}
	it.marker = i
	if i < len(line) && line[i] != '\n' {
		if w, _ := util.IndentWidth(line[i:], 0); w == 0 {
			return it, false
		}
	}
	it.content = -1
	if i < len(line) {
		it.content = i
	}
	return it, true
}

// empty reports whether the item has no content on its first line.
func (it listItem) empty(line []byte) bool {
	return it.content < 0 || util.IsBlank(line[it.content:])
}

// contentOffset is goldmark's calcListOffset: the columns between the
// marker and the content, 1 when the content is blank or indented code.
func (it listItem) contentOffset(line []byte) int {
	if it.empty(line) {
		return 1
	}
	w, _ := util.IndentWidth(line[it.content:], it.content)
	if w > 4 {
		return 1
	}
	return w
}

func isThematicBreak(line []byte, offset int) bool {
	w, pos := util.IndentWidth(line, offset)
	if w > 3 {
		return false
	}
	var mark byte
	count := 0
	for _, c := range line[pos:] {
		if util.IsSpace(c) {
			continue
		}
		if mark == 0 {
			if c != '*' && c != '-' && c != '_' {
				return false
			}
			mark = c
		} else if c != mark {
			return false
		}
		count++
	}
	return count > 2
}

// setextBar reports whether line underlines a heading, and with which
// character.
func setextBar(line []byte) (byte, bool) {
	start := 0
	for start < len(line) && line[start] == ' ' {
		start++
	}
	if start > 3 || start == len(line) {
		return 0, false
	}
	c := line[start]
	if c != '=' && c != '-' {
		return 0, false
	}
	end := start
	for end < len(line) && line[end] == c {
		end++
	}
	if !util.IsBlank(line[end:]) {
		return 0, false
	}
	return c, true
}

// fenceOpen reports the character and length of an opening code fence at
// pos of line.
func fenceOpen(line []byte, pos int) (byte, int, bool) {
	if pos < 0 || pos >= len(line) || line[pos] != '`' && line[pos] != '~' {
		return 0, 0, false
	}
	c := line[pos]
	i := pos
	for i < len(line) && line[i] == c {
		i++
	}
	if i-pos < 3 {
		return 0, 0, false
	}
	if c == '`' && bytes.IndexByte(line[i:], '`') >= 0 {
		return 0, 0, false
	}
	return c, i - pos, true
}
