package render

import (
	"github.com/yuin/goldmark/util"
)

// continueBlock reports whether open[i] goes on in this line, consuming
// its part of the line, and whether it takes child blocks: the mirror of
// goldmark's Continue methods.
func (m *model) continueBlock(i int) (cont, children bool) {
	c := &m.cur
	b := &m.open[i]
	line := c.peek()
	switch b.kind {
	case kindQuote:
		return quoteMarker(c), true
	case kindList:
		return m.continueList(b, line), true
	case kindItem:
		return m.continueItem(b, line), true
	case kindFence:
		if w, pos := c.indent(line); w < 4 {
			end := pos
			for end < len(line) && line[end] == b.fence {
				end++
			}
			if end-pos >= b.fenceLen && util.IsBlank(line[end:]) {
				c.toEOL()
				return false, false
			}
		}
		c.toEOL()
		return true, false
	case kindCode:
		if w, _ := c.indent(line); w < 4 && !util.IsBlank(line) {
			return false, false
		}
		c.toEOL()
		return true, false
	case kindHTML:
		return m.continueHTML(b, line), false
	}
	return false, false // headings and breaks are one line long
}

func (m *model) continueList(list *block, line []byte) bool {
	c := &m.cur
	lastEmpty := list.lastChildren == 0
	if util.IsBlank(line) {
		if lastEmpty {
			m.emptyItemBlank = true
		}
		return true
	}
	offset := list.lastOffset
	indent, _ := c.indent(line)
	if indent < offset || lastEmpty {
		if indent < 4 {
			if it, ok := parseListItem(line); ok && it.indent-offset < 4 {
				marker := line[it.marker-1]
				if marker != list.marker || it.ordered != list.ordered {
					return false
				}
				// A thematic break ends the list, unless it underlines a
				// heading.
				if rest := line[it.marker-1:]; isThematicBreak(rest, 0) {
					last := &m.open[len(m.open)-1]
					bar, ok := setextBar(rest)
					if last.kind != kindParagraph || !ok || bar != '-' {
						return false
					}
				}
				return true
			}
		}
		if !lastEmpty {
			return false
		}
	}
	if lastEmpty && indent < offset {
		return false
	}
	return !m.emptyItemBlank
}

func (m *model) continueItem(item *block, line []byte) bool {
	c := &m.cur
	if util.IsBlank(line) {
		c.toEOL()
		return true
	}
	empty := item.children == 0 && m.emptyItemBlank
	indent, _ := c.indent(line)
	if (empty || indent < item.offset) && indent < 4 {
		if _, ok := parseListItem(line); ok {
			m.skipList = true
			return false
		}
		if !empty {
			return false
		}
	}
	if pos, padding := util.IndentPosition(line, c.offset(), item.offset); pos >= 0 {
		c.advancePadded(pos, padding)
	}
	return true
}

func (m *model) continueHTML(b *block, line []byte) bool {
	switch b.html {
	case html6, html7:
		if util.IsBlank(line) {
			return false
		}
	default:
		if b.htmlLines == 1 && b.htmlEnded {
			return false
		}
		if b.html.closedBy(line) {
			m.cur.toEOL()
			return false
		}
	}
	b.htmlLines++
	m.cur.toEOL()
	return true
}

// atxHeading opens an ATX heading at pos of line, handing its text to the
// inline pass, as goldmark's ATX heading parser does.
func (m *model) atxHeading(o opener, line []byte, pos int) bool {
	c := &m.cur
	if pos < 0 {
		return false
	}
	i := pos
	for i < len(line) && line[i] == '#' {
		i++
	}
	if level := i - pos; level == 0 || level > 6 {
		return false
	}
	if i < len(line) {
		l := util.TrimLeftSpaceLength(line[i:])
		if l == 0 {
			return false
		}
		start := min(i+l, len(line)-1)
		text := line[start:]
		text = text[:len(text)-util.TrimRightSpaceLength(text)]
		stop := len(text)
		if stop > 0 {
			k := stop - 1
			for text[k] == '#' && k > 0 {
				k--
			}
			switch {
			case k == 0 && text[0] == '#':
				stop = 0
			case k != stop-1 && util.IsSpace(text[k]):
				stop = k - util.TrimRightSpaceLength(text[:k])
			}
		}
		if stop > 0 {
			at := c.at + c.pos + start - c.padding
			m.head.reset()
			m.head.add(at, at+stop)
			m.inl.scan(m.src, &m.head, m.anyDefinition)
		}
	}
	m.push(o.parent, o.list, block{kind: kindHeading})
	c.toEOL()
	return true
}
