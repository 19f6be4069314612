package render

import (
	"bytes"

	"github.com/yuin/goldmark/util"
)

type blockKind uint8

const (
	kindQuote blockKind = iota + 1
	kindList
	kindItem
	kindParagraph
	kindHeading // ATX or setext; the next line closes it
	kindBreak
	kindFence
	kindCode
	kindHTML
)

// A block is one entry of the model's stack of open blocks, which mirrors
// goldmark's: the containers from the document down, then at most one leaf.
type block struct {
	kind     blockKind
	id       int // tells a block from the one that replaced it
	children int // child blocks opened so far (items)

	// kindList: the marker, and the offset and child count of its last item
	marker       byte
	ordered      bool
	lastOffset   int
	lastChildren int

	// kindItem: the columns its content is indented by
	offset int

	// kindFence
	fence    byte
	fenceLen int

	// kindParagraph: its lines so far
	text *inlineBlock

	// kindHTML
	html      htmlKind
	htmlLines int
	htmlEnded bool // the first line already closed it
}

func (b *block) container() bool {
	return b.kind == kindQuote || b.kind == kindList || b.kind == kindItem
}

// model follows goldmark's block parser through the source. Each line goes
// through the open containers, then opens new blocks; the model records the
// marker deletions that keep nesting within maxNesting, and hands every
// paragraph and heading to the inline pass when it closes.
type model struct {
	src   []byte
	edits edits
	open  []block
	cur   cursor
	head  inlineBlock    // text of an ATX heading
	spare []*inlineBlock // paragraph buffers to reuse
	inl   inlineScanner
	ids   int

	// goldmark keeps these two as parser-wide flags
	emptyItemBlank bool
	skipList       bool
	anyDefinition  bool // the body contains "]:", so references may resolve
}

func newModel(src []byte) *model {
	m := &model{src: src}
	m.cur.edits = &m.edits
	m.inl.edits = &m.edits
	m.anyDefinition = bytes.Contains(src, []byte("]:"))
	return m
}

func (m *model) run() {
	for at := 0; at < len(m.src); {
		end := bytes.IndexByte(m.src[at:], '\n')
		if end < 0 {
			end = len(m.src)
		} else {
			end += at + 1
		}
		m.cur.reset(m.src[at:end], at)
		m.line()
		at = end
	}
	m.closeFrom(0)
}

// line processes one line the way goldmark's parseBlocks does: each open
// block in turn must accept the line; the first that does not (or the
// paragraph at the end) gets the rest of the line offered to new blocks, and
// unless that continued the paragraph lazily, the blocks from it down close.
func (m *model) line() {
	if len(m.open) == 0 {
		if !util.IsBlank(m.cur.line) {
			m.openBlocks(0)
		}
		return
	}
	last := len(m.open) - 1
	for i := 0; i <= last; i++ {
		if m.open[i].kind != kindParagraph {
			cont, children := m.continueBlock(i)
			if cont {
				if children && i == last {
					m.openBlocks(i + 1)
					return
				}
				continue
			}
		}
		id := m.open[last].id
		if m.openBlocks(i) != paragraphContinuation {
			if m.open[last].id != id {
				last-- // the paragraph became a setext heading
			}
			m.closeRange(i, last)
		}
		return
	}
}

// closeRange closes open blocks from..to (inclusive), keeping any opened
// after them.
func (m *model) closeRange(from, to int) {
	if from > to {
		return
	}
	for i := to; i >= from; i-- {
		m.closing(&m.open[i])
	}
	m.open = append(m.open[:from], m.open[to+1:]...)
}

func (m *model) closeFrom(from int) {
	m.closeRange(from, len(m.open)-1)
}

func (m *model) closing(b *block) {
	if b.kind == kindParagraph {
		m.flush(b)
	}
}

// flush hands a paragraph's text to the inline pass.
func (m *model) flush(b *block) {
	if b.text == nil {
		return
	}
	if len(b.text.lines) > 0 {
		m.inl.scan(m.src, b.text, m.anyDefinition)
	}
	b.text.reset()
	m.spare = append(m.spare, b.text)
	b.text = nil
}

// newText is an empty buffer for a paragraph's lines.
func (m *model) newText() *inlineBlock {
	if n := len(m.spare); n > 0 {
		t := m.spare[n-1]
		m.spare = m.spare[:n-1]
		return t
	}
	return &inlineBlock{}
}

// depth is the nesting limitNesting would count for open[:n]: one for
// every quote, list and list item.
func (m *model) depth(n int) int {
	d := 0
	for i := range n {
		if m.open[i].container() {
			d++
		}
	}
	return d
}

// push opens b as a child of open[parent] (the document when parent is -1);
// list is the index of the parent's list when the parent is an item.
func (m *model) push(parent, list int, b block) {
	m.ids++
	b.id = m.ids
	if parent >= 0 {
		switch p := &m.open[parent]; p.kind {
		case kindItem:
			p.children++
			m.open[list].lastChildren++
		case kindList:
			p.lastOffset, p.lastChildren = b.offset, 0
		}
	}
	m.open = append(m.open, b)
}
