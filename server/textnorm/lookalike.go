package textnorm

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// lookalikeRows is our table of letters that readers mistake for Latin ones.
// Each row covers one script; each space-separated group is a Latin target
// (one or two ASCII letters) followed by the letters that imitate it. The
// letters are looked up after NFKD and case folding, so a row lists base
// letters without accents, in either case (buildLookalike keys them by their
// folded form), and capitals need no entry of their own. Letters whose
// capital and small forms imitate different Latin letters are listed by
// their small form here and again in capitalLookalikes.
//
// The entries were chosen by eye, shape against shape, in common sans-serif
// and serif fonts; they are not taken from Unicode's confusables data. Only
// letters are listed, and only Latin letters are targets, so Fold can use
// the table without merging digits, spaces or punctuation.
var lookalikeRows = []struct {
	blocks string // where the letters come from, for the reader
	groups string
}{
	{"Latin-1 Supplement, Latin Extended-A and -B (U+0080–U+024F)",
		"ae\u00e6 b\u0180\u0185\u0253 c\u0188\u023c d\u0111\u00f0\u018c\u0221 e\u0247 f\u0192 g\u01e5 h\u0127 " +
			"i\u0131\u0268 j\u0237\u0249 k\u0199\u0138 l\u0142\u019a\u0234\u01c0 n\u019e\u0235\u014b " +
			"o\u00f8 oe\u0153 p\u01a5 q\u024b r\u024d s\u023f t\u0167\u01ad\u0236 y\u024f\u01b4 " +
			"z\u01b6\u0225\u0240"},
	{"IPA Extensions (U+0250–U+02AF)",
		"a\u0251 b\u0299 c\u0255 d\u0256\u0257 e\u025b g\u0261\u0260\u0262 h\u0266\u029c i\u0269\u026a " +
			"j\u029d l\u026b\u026c\u026d\u029f m\u0271 n\u0272\u0273\u0274 o\u0275 oe\u0276 q\u02a0 " +
			"r\u027d\u027e\u0280 s\u0282 t\u0288 u\u0289\u028b y\u028f z\u0290\u0291"},
	{"Phonetic Extensions (U+1D00–U+1D7F) and Latin Extended-D (U+A720–U+A7FF) small capitals",
		"a\u1d00 ae\u1d01 c\u1d04 d\u1d05 e\u1d07 j\u1d0a k\u1d0b m\u1d0d o\u1d0f p\u1d18 t\u1d1b " +
			"u\u1d1c v\u1d20 w\u1d21 z\u1d22 s\ua731"},
	{"Greek and Coptic (U+0370–U+03FF)",
		"a\u03b1 e\u03b5 f\u03dd i\u03b9 j\u03f3 k\u03ba n\u03b7 o\u03bf p\u03c1 t\u03c4 u\u03bc\u03c5 " +
			"v\u03bd w\u03c9 x\u03c7"},
	{"Cyrillic and Cyrillic Supplement (U+0400–U+052F)",
		"a\u0430 ae\u04d5 b\u0432\u044c c\u0441\u04ab d\u0501 e\u0435\u0454\u04bd g\u050d h\u043d\u04bb " +
			"i\u0456 j\u0458 k\u043a\u049b\u049f l\u04cf m\u043c n\u043f o\u043e p\u0440\u048f q\u051b " +
			"r\u0433 s\u0455 t\u0442\u04ad v\u0475 w\u051d\u0461 x\u0445\u04b3 y\u0443\u04af\u04b1"},
	{"Armenian (U+0530–U+058F)",
		"g\u0581 h\u0570 l\u056c n\u0578\u057c o\u0585 p\u0584 q\u0566 u\u057d"},
	{"Cherokee (U+13A0–U+13FF; small letters fold to these capitals)",
		"a\u13aa b\u13f4 c\u13df d\u13a0 e\u13ac g\u13c0 h\u13bb\u13c2 i\u13a5 j\u13ab k\u13e6 l\u13de " +
			"m\u13b7 p\u13e2 r\u13a1\u13d2 s\u13da t\u13a2 v\u13d9 w\u13b3\u13d4 y\u13a9 z\u13c3"},
	{"Coptic (U+2C80–U+2CFF)",
		"c\u2ca5 e\u2c89 h\u2c8f i\u2c93 k\u2c95 n\u2c9b o\u2c9f p\u2ca3 t\u2ca7 x\u2cad y\u2ca9"},
	{"Lisu (U+A4D0–U+A4FF)",
		"a\ua4ee b\ua4d0 c\ua4da d\ua4d3 e\ua4f0 f\ua4dd g\ua4d6 h\ua4e7 i\ua4f2 j\ua4d9 k\ua4d7 " +
			"l\ua4e1 m\ua4df n\ua4e0 o\ua4f3 p\ua4d1 r\ua4e3 s\ua4e2 t\ua4d4 u\ua4f4 v\ua4e6 w\ua4ea " +
			"x\ua4eb y\ua4ec z\ua4dc"},
	{"Unified Canadian Aboriginal Syllabics (U+1400–U+167F), as used by \"fancy text\" generators",
		"a\u15e9 b\u15f7 c\u1455 d\u15ea e\u15f4 h\u157c j\u148d l\u14aa m\u15f0 n\u144e p\u146d " +
			"q\u146b r\u1587 s\u1515 u\u144c v\u142f w\u15ef"},
}

// capitalLookalikes maps capitals that imitate a different Latin letter
// than their small form does (Greek Η looks like H, η like n). Skeleton
// replaces them before case folding would merge the two, by a Latin capital
// that folding then lowers; the price is that a Greek name in capitals and
// in small letters may get different skeletons. Fold does not use them, so
// that it stays exactly case-insensitive: there Η becomes n, like η.
var capitalLookalikes = map[rune]rune{
	'\u0392': 'B', // GREEK CAPITAL LETTER BETA (β looks like ß)
	'\u0396': 'Z', // GREEK CAPITAL LETTER ZETA (ζ looks like no Latin letter)
	'\u0397': 'H', // GREEK CAPITAL LETTER ETA (η looks like n)
	'\u039c': 'M', // GREEK CAPITAL LETTER MU (μ looks like u)
	'\u039d': 'N', // GREEK CAPITAL LETTER NU (ν looks like v)
	'\u03a5': 'Y', // GREEK CAPITAL LETTER UPSILON (υ looks like u)
	'\u054f': 'S', // ARMENIAN CAPITAL LETTER TIWN (տ looks like no Latin letter)
}

// lunateSigma maps the lunate sigmas, which look like c, before NFKD turns
// them into σ, which does not.
func lunateSigma(r rune) rune {
	switch r {
	case '\u03f2', '\u03f9': // GREEK (CAPITAL) LUNATE SIGMA SYMBOL
		return 'c'
	}
	return r
}

// lookalike maps a folded, decomposed letter to the Latin letters it imitates.
var lookalike = buildLookalike()

func buildLookalike() map[rune]string {
	m := make(map[rune]string, 400)
	for _, row := range lookalikeRows {
		for _, g := range strings.Fields(row.groups) {
			n := 0
			for n < len(g) && g[n] < utf8.RuneSelf {
				n++
			}
			latin := g[:n]
			for _, r := range g[n:] {
				f := foldCase(string(r))
				k, size := utf8.DecodeRuneInString(f)
				if _, dup := m[k]; dup || size != len(f) {
					panic("textnorm: bad lookalike entry " + string(r))
				}
				m[k] = latin
			}
		}
	}
	return m
}

func capitalLookalike(r rune) rune {
	if r >= 0x80 {
		if l, ok := capitalLookalikes[r]; ok {
			return l
		}
	}
	return r
}

// latinize decomposes s with NFKD, case-folds it and replaces the letters
// of lookalikeRows, and if capitals is set those of capitalLookalikes, with
// the Latin letters they imitate. It keeps everything else (marks, spaces,
// punctuation, digits), so Skeleton and Fold can each decide what to drop.
// The result is folded but not normalized.
func latinize(s string, capitals bool) string {
	s = norm.NFKD.String(strings.Map(lunateSigma, s))
	if capitals {
		s = strings.Map(capitalLookalike, s)
	}
	s = foldCase(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 0x80 {
			if l, ok := lookalike[r]; ok {
				b.WriteString(l)
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldCase is full case folding. Unicode folds Cherokee small letters to the
// capitals, but x/text folds each case to the other, so folding twice gives
// back the input (golang/go#46101); fold Cherokee ourselves, to the capitals.
func foldCase(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xab70 && r <= 0xabbf: // Cherokee Supplement
			return r - 0xab70 + 0x13a0
		case r >= 0x13f8 && r <= 0x13fd:
			return r - 8
		}
		return r
	}, cases.Fold().String(s))
}
