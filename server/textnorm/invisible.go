package textnorm

import "unicode"

// defaultIgnorable is Unicode's Default_Ignorable_Code_Point property
// (DerivedCoreProperties.txt): code points that render as nothing when a
// font has no glyph for them. The standard library has no table for it; the
// test checks this one against its derivation from the tables it does have
// (Other_Default_Ignorable_Code_Point, Cf, Variation_Selector and the
// exclusions).
var defaultIgnorable = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x00ad, 0x00ad, 1}, // soft hyphen
		{0x034f, 0x034f, 1}, // combining grapheme joiner
		{0x061c, 0x061c, 1}, // Arabic letter mark
		{0x115f, 0x1160, 1}, // Hangul fillers
		{0x17b4, 0x17b5, 1}, // Khmer inherent vowels
		{0x180b, 0x180f, 1}, // Mongolian variation selectors, vowel separator
		{0x200b, 0x200f, 1}, // zero width space, (non-)joiner, LRM, RLM
		{0x202a, 0x202e, 1}, // bidi embeddings and overrides
		{0x2060, 0x206f, 1}, // word joiner, invisible operators, bidi isolates
		{0x3164, 0x3164, 1}, // Hangul filler
		{0xfe00, 0xfe0f, 1}, // variation selectors
		{0xfeff, 0xfeff, 1}, // zero width no-break space (BOM)
		{0xffa0, 0xffa0, 1}, // halfwidth Hangul filler
		{0xfff0, 0xfff8, 1}, // unassigned, reserved as ignorable
	},
	R32: []unicode.Range32{
		{0x1bca0, 0x1bca3, 1}, // shorthand format controls
		{0x1d173, 0x1d17a, 1}, // musical symbol formatting
		{0xe0000, 0xe0fff, 1}, // tags, variation selectors supplement
	},
}

const (
	zwnj = '\u200c' // zero width non-joiner
	zwj  = '\u200d' // zero width joiner
)

// isInvisible reports whether r draws nothing, or steers how other
// characters are drawn, without being a plain space: default-ignorable code
// points, format characters (Cf: bidi controls, soft hyphen, tags...),
// controls (Cc, which includes tab and newline), line and paragraph
// separators, and the braille blank, which fonts draw as an empty cell.
func isInvisible(r rune) bool {
	if r < 0x80 {
		return r < 0x20 || r == 0x7f
	}
	return unicode.In(r, defaultIgnorable, unicode.Cf, unicode.Cc, unicode.Zl, unicode.Zp) ||
		r == '\u2800'
}
