package render

import (
	"github.com/yuin/goldmark/util"
)

type openResult int

const (
	noBlocksOpened openResult = iota
	newBlocksOpened
	paragraphContinuation
)

// openBlocks offers the rest of the line to the block starts goldmark
// tries, in goldmark's order, as children of open[n-1]; it mirrors
// goldmark's openBlocks. A quote or list that would nest deeper than
// maxNesting loses its marker, and the rest of the line is offered again
// at the same level.
func (m *model) openBlocks(n int) openResult {
	c := &m.cur
	o := opener{parent: n - 1, list: -1, depth: m.depth(n)}
	if o.parent > 0 && m.open[o.parent].kind == kindItem {
		o.list = o.parent - 1
	}
	paraAt := len(m.open) - 1
	continuable := paraAt >= 0 && m.open[paraAt].kind == kindParagraph
	result := noBlocksOpened
	for {
		line := c.peek()
		if len(line) == 0 || line[0] == '\n' {
			break
		}
		w, pos := c.indent(line)
		blockOffset := pos
		if w >= len(line) {
			blockOffset = -1
		}
		var ch byte
		if pos < len(line) {
			ch = line[pos]
		}
		// While the line may still continue the paragraph, only starts
		// that interrupt one are tried; an indented line starts code or
		// nothing.
		interrupting := continuable && result == noBlocksOpened
		indented := w > 3
		lastIsPara := len(m.open) > 0 && m.open[len(m.open)-1].kind == kindParagraph
		o.paraChild = lastIsPara && paraAt == n && result == noBlocksOpened

		if indented {
			if interrupting || util.IsBlank(line) {
				break
			}
			m.push(o.parent, o.list, block{kind: kindCode})
			c.toEOL()
			return newBlocksOpened
		}
		if (ch == '-' || ch == '=') && o.paraChild {
			if _, ok := setextBar(line); ok {
				m.setext(o.parent, o.list)
				return newBlocksOpened
			}
		}
		if (ch == '-' || ch == '*' || ch == '_') && c.thematicBreak(line) {
			m.push(o.parent, o.list, block{kind: kindBreak})
			c.toEOL()
			return newBlocksOpened
		}
		switch ch {
		case '-', '*', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			switch m.openList(&o, line) {
			case listOpened:
				result = newBlocksOpened
				continue
			case listEmpty:
				return newBlocksOpened
			case listDropped:
				continue
			}
		case '#':
			if m.atxHeading(o, line, blockOffset) {
				return newBlocksOpened
			}
		case '`', '~':
			if fc, fl, ok := fenceOpen(line, blockOffset); ok {
				m.push(o.parent, o.list, block{kind: kindFence, fence: fc, fenceLen: fl})
				c.toEOL()
				return newBlocksOpened
			}
		case '>':
			if o.depth >= maxNesting {
				m.dropThrough(pos + 1)
				continue
			}
			quoteMarker(c)
			m.push(o.parent, o.list, block{kind: kindQuote})
			o.parent, o.list = len(m.open)-1, -1
			o.depth++
			result = newBlocksOpened
			continue
		case '<':
			if kind := htmlBlockStart(line, lastIsPara); kind != 0 {
				m.push(o.parent, o.list, block{kind: kindHTML, html: kind, htmlLines: 1,
					htmlEnded: kind.closedBy(line)})
				c.toEOL()
				return newBlocksOpened
			}
		}
		if interrupting || util.IsBlank(line) {
			break
		}
		m.push(o.parent, o.list, block{kind: kindParagraph, text: m.newText()})
		m.addParagraphLine()
		return newBlocksOpened
	}
	// goldmark's lazy continuation: a line that opened nothing continues
	// the paragraph at the bottom of the stack, if there is one.
	if result != noBlocksOpened || !continuable {
		return result
	}
	if util.IsBlank(c.peek()) {
		return noBlocksOpened
	}
	m.addParagraphLine()
	return paragraphContinuation
}

// opener is where openBlocks is opening blocks: the parent's index in the
// open stack (-1 for the document), the index of the parent's list when
// the parent is an item, and the nesting depth reached.
type opener struct {
	parent, list, depth int
	paraChild           bool // the open paragraph is a child of parent
}

// setext turns the open paragraph into a heading underlined by this line.
func (m *model) setext(parent, list int) {
	m.flush(&m.open[len(m.open)-1])
	m.open = m.open[:len(m.open)-1]
	m.push(parent, list, block{kind: kindHeading})
	m.cur.toEOL()
}

// dropThrough deletes the rest of peek up to index end, and a space after
// it: the marker of a container that would nest too deep.
func (m *model) dropThrough(end int) {
	c := &m.cur
	skip := min(end, c.padding)
	c.advance(skip)
	end -= skip
	if rest := c.line[c.pos:]; end < len(rest) && rest[end] == ' ' {
		end++
	}
	c.remove(end)
}

// quoteMarker consumes a quote marker and the optional space after it, as
// goldmark's blockquote parser does, and reports whether there was one.
func quoteMarker(c *cursor) bool {
	line := c.peek()
	w, pos := c.indent(line)
	if w > 3 || pos >= len(line) || line[pos] != '>' {
		return false
	}
	pos++
	if pos >= len(line) || line[pos] == '\n' {
		c.advance(pos)
		return true
	}
	c.advance(pos)
	if line[pos] == ' ' || line[pos] == '\t' {
		padding := 0
		if line[pos] == '\t' {
			padding = util.TabWidth(c.offset()) - 1
		}
		c.advancePadded(1, padding)
	}
	return true
}

// addParagraphLine adds the rest of the line to the open paragraph.
func (m *model) addParagraphLine() {
	c := &m.cur
	start := c.pos
	for start < len(c.line) && util.IsSpace(c.line[start]) && c.line[start] != '\n' {
		start++
	}
	end := len(c.line)
	if end > 0 && c.line[end-1] == '\n' {
		end--
	}
	m.open[len(m.open)-1].text.add(c.at+start, c.at+end)
	c.toEOL()
}

type listOutcome int

const (
	listNone    listOutcome = iota // not a list item here
	listOpened                     // an item with content: open its blocks next
	listEmpty                      // an empty item: the line is done
	listDropped                    // too deep: the marker was deleted
)

// openList mirrors goldmark's list and list item parsers: a new list opens
// with its first item, and in a list whose item just ended a sibling opens.
func (m *model) openList(o *opener, line []byte) listOutcome {
	c := &m.cur
	it, ok := parseListItem(line)
	if o.parent < 0 || m.open[o.parent].kind != kindList {
		lastIsList := len(m.open) > 0 && m.open[len(m.open)-1].kind == kindList
		if lastIsList || m.skipList {
			m.skipList = false
			return listNone
		}
		if !ok || o.paraChild && (it.ordered && it.number != 1 || it.empty(line)) {
			return listNone
		}
		if o.depth+2 > maxNesting {
			m.dropThrough(it.marker)
			return listDropped
		}
		m.emptyItemBlank = false
		m.push(o.parent, o.list, block{kind: kindList, marker: line[it.marker-1], ordered: it.ordered})
		o.parent, o.list = len(m.open)-1, -1
		o.depth++
	} else {
		// goldmark's list parser comes first and clears the flag.
		m.skipList = false
		if !ok || it.indent-m.open[o.parent].lastOffset > 3 {
			return listNone
		}
	}
	m.emptyItemBlank = false
	list := o.parent
	width := it.contentOffset(line)
	item := block{kind: kindItem, offset: it.marker + width}
	m.push(list, -1, item)
	if it.empty(line) {
		return listEmpty
	}
	pos, padding := util.IndentPosition(line[it.content:], it.content, width)
	c.advancePadded(it.marker+pos, padding)
	o.parent, o.list = len(m.open)-1, list
	o.depth++
	return listOpened
}
