package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold prepares text for blocked-word matching with ContainsWord: NFKC,
// full case folding, invisible characters removed (soft hyphen, zero-width
// characters, bidi marks, variation selectors, tags, controls other than
// white space, the Arabic tatweel), lookalike letters of other scripts
// replaced by the Latin letters their small forms imitate, and every run of
// white space turned into one ASCII space, with none at either end. Unlike
// Skeleton it keeps digits, accents, punctuation and symbols, so words stay
// words: "cásino" is not "casino". Invalid UTF-8 becomes U+FFFD.
func Fold(s string) string {
	s = strings.ToValidUTF8(s, "\ufffd")
	// Removing a character can bring a mark next to a letter it composes
	// with, and composing can make a letter the table maps; repeat until
	// nothing changes, which in practice is the second pass.
	for range 4 {
		t := foldOnce(s)
		if t == s {
			break
		}
		s = t
	}
	return s
}

func foldOnce(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range latinize(s, false) {
		switch {
		case unicode.IsSpace(r) || r == '\u2800': // braille blank: drawn as a gap
			space = b.Len() > 0
		case isInvisible(r) || r == '\u0640':
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return norm.NFKC.String(b.String())
}

// ContainsWord reports whether the phrase word, folded here with Fold,
// occurs in foldedText, which must come from Fold, as whole words: the
// characters around the match must not continue a word. A word character
// is a letter, a combining mark (it belongs to the letter before it), a
// number or a connector such as "_". Scripts written without spaces between
// words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) have no word edges
// to find, so there a match may start or end anywhere. Words in a phrase
// match across the single spaces Fold leaves.
//
// The time is linear in len(foldedText)+len(word): strings.Index finds the
// candidates, and if too many of them fail the edge test, one
// Knuth-Morris-Pratt pass takes over.
func ContainsWord(foldedText, word string) bool {
	w := Fold(word)
	if w == "" || len(w) > len(foldedText) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(w)
	budget := len(foldedText) // bytes compared on failed candidates
	for from := 0; from <= len(foldedText)-len(w); {
		i := strings.Index(foldedText[from:], w)
		if i < 0 {
			return false
		}
		i += from
		if wholeWord(foldedText, w, i) {
			return true
		}
		if budget -= len(w); budget < 0 {
			return kmpWholeWord(foldedText, w, i+1)
		}
		from = nextStart(foldedText, i, first)
	}
	return false
}

// nextStart is where to look after a failed match at i. If the word starts
// with a word character, a match can only start after a non-word one, so
// the rest of the text word at i is skipped.
func nextStart(text string, i int, first rune) int {
	_, size := utf8.DecodeRuneInString(text[i:])
	i += size
	if !isWordRune(first) {
		return i
	}
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			break
		}
		i += size
	}
	return i
}

// wholeWord reports whether the match of w at i in text has word edges.
func wholeWord(text, w string, i int) bool {
	if i > 0 {
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		first, _ := utf8.DecodeRuneInString(w)
		if isWordRune(before) && isWordRune(first) {
			return false
		}
	}
	if end := i + len(w); end < len(text) {
		after, _ := utf8.DecodeRuneInString(text[end:])
		last, _ := utf8.DecodeLastRuneInString(w)
		if isWordRune(last) && isWordRune(after) {
			return false
		}
	}
	return true
}

// kmpWholeWord checks every occurrence of w in text at or after from, in
// one pass that never looks back.
func kmpWholeWord(text, w string, from int) bool {
	fail := make([]int, len(w)) // fail[j]: longest proper border of w[:j+1]
	for j, k := 1, 0; j < len(w); j++ {
		for k > 0 && w[j] != w[k] {
			k = fail[k-1]
		}
		if w[j] == w[k] {
			k++
		}
		fail[j] = k
	}
	for i, k := from, 0; i < len(text); i++ {
		for k > 0 && text[i] != w[k] {
			k = fail[k-1]
		}
		if text[i] == w[k] {
			k++
		}
		if k == len(w) {
			if wholeWord(text, w, i+1-len(w)) {
				return true
			}
			k = fail[k-1]
		}
	}
	return false
}

// isWordRune reports whether r continues a word: a letter, mark, number or
// connector punctuation of a script that separates its words with spaces.
func isWordRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.Pc) &&
		!unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana,
			unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}
