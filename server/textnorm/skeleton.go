package textnorm

import (
	"strings"
	"unicode"
)

// skeletonOnly maps characters that imitate a Latin letter but are not
// letters, or are letters of scripts whose words Fold should leave alone,
// and folds the Latin letters that only differ by details fonts blur.
// Because the skeleton ignores case, capital I and small i are one letter,
// so imitating l with I forces i into the l class as well.
var skeletonOnly = map[rune]rune{
	'0': 'o', '1': 'l', 'i': 'l', '|': 'l',
	'\u00d7': 'x', // MULTIPLICATION SIGN
	'\u2223': 'l', // DIVIDES
	'\u05d5': 'l', // HEBREW LETTER VAV
	'\u0627': 'l', // ARABIC LETTER ALEF
	'\u0661': 'l', // ARABIC-INDIC DIGIT ONE
	'\u06f1': 'l', // EXTENDED ARABIC-INDIC DIGIT ONE
	'\u101d': 'o', // MYANMAR LETTER WA
	// Indic, Thai, Lao and Myanmar zeros are round.
	'\u0966': 'o', '\u09e6': 'o', '\u0a66': 'o', '\u0ae6': 'o', '\u0b66': 'o', '\u0be6': 'o',
	'\u0c66': 'o', '\u0ce6': 'o', '\u0d66': 'o', '\u0e50': 'o', '\u0ed0': 'o', '\u1040': 'o',
}

// skeletonPairs merges letter pairs that pass for one letter at small sizes.
// "cl" for "d" is left out: with case folded it would also merge "Cl" with
// "D", which look nothing alike.
var skeletonPairs = strings.NewReplacer("rn", "m", "vv", "w")

// Skeleton returns a key that two strings share when a reader could take one
// for the other, in the spirit of the skeleton of Unicode TS #39 but
// ignoring case and throwing more away: compatibility forms are decomposed
// (full-width, math alphanumerics, ligatures), case is folded, combining
// marks, invisible characters, spaces, punctuation and symbols are dropped,
// lookalike letters of other scripts become the Latin letters they imitate,
// 0 becomes o, 1, I, i and | become l, and rn and vv become m and w. Only
// the Greek capitals Β, Ζ, Η, Μ, Ν, Υ (and Armenian Տ) are taken by their
// own shape rather than folded first, so they need not match their small
// forms. The key is for comparing, not for display.
func Skeleton(s string) string {
	var b strings.Builder
	for _, r := range latinize(s, true) {
		if l, ok := skeletonOnly[r]; ok {
			r = l
		}
		if dropFromSkeleton(r) {
			continue
		}
		b.WriteRune(r)
	}
	return skeletonPairs.Replace(b.String())
}

// dropFromSkeleton reports whether r carries no shape worth comparing. The
// spacing modifier letters that survive NFKD (ʼ, ʻ, ˈ...) pass for
// apostrophes and accents; the Arabic tatweel only stretches a joint.
func dropFromSkeleton(r rune) bool {
	return unicode.In(r, unicode.M, unicode.Z, unicode.P, unicode.S) ||
		isInvisible(r) || unicode.IsSpace(r) ||
		(r >= 0x02b9 && r <= 0x02ff) || r == '\u0640'
}

// Confusable reports whether a reader could take a for b: their skeletons
// are equal and not empty. Use it to keep readers from posting under a name
// that passes for the blog owner's or a moderator's.
func Confusable(a, b string) bool {
	sa := Skeleton(a)
	return sa != "" && sa == Skeleton(b)
}
