package textnorm

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/secure/precis"
	"golang.org/x/text/unicode/norm"
)

// Errors returned by Name, wrapped with the offending code point where
// there is one; test them with errors.Is.
var (
	// ErrInvisible: the text holds a character that draws nothing or
	// changes how its neighbours are drawn: zero-width characters, bidi
	// marks and overrides, soft hyphens, tag characters, tabs, line breaks.
	ErrInvisible = errors.New("textnorm: invisible, bidi or formatting character")
	// ErrTooManyMarks: more than MaxMarks combining marks are stacked on
	// one character ("Zalgo" text).
	ErrTooManyMarks = errors.New("textnorm: too many combining marks on one character")
	// ErrDisallowed: any other character the PRECIS Nickname profile
	// refuses (unassigned or private-use code points, old Hangul jamo,
	// a middle dot outside "l·l", invalid UTF-8...).
	ErrDisallowed = errors.New("textnorm: character not allowed")
)

// MaxMarks is how many nonspacing or enclosing combining marks Name accepts
// on one base character once the text is decomposed (NFD). Vietnamese needs
// two ("ặ" is a, dot below, breve), pointed Hebrew and Devanagari with
// nukta need three ("שָּׁ": shin, dagesh, shin dot, qamats); Zalgo text uses
// dozens. Spacing marks (Mc, such as most Indic vowel signs) take room of
// their own, so they are not counted.
const MaxMarks = 3

// Name normalizes a one-line plain-text field, such as a display name or an
// affiliation, with the PRECIS Nickname profile (RFC 8266): NFKC, every
// non-ASCII space mapped to U+0020, spaces trimmed at both ends and runs of
// them collapsed. It refuses what the profile refuses and, on top of it,
// more than MaxMarks combining marks on one character. Emoji variation
// selectors (the invisible U+FE0F that keyboards add after ❤) and the zero
// width joiners inside emoji sequences (woman, joiner, laptop) are removed
// rather than refused, since readers type them without knowing. Text that
// is empty or all spaces gives "" and no error; whether the field may be
// empty is the caller's business.
func Name(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%w: invalid UTF-8", ErrDisallowed)
	}
	s = dropEmojiControls(s)
	if strings.TrimFunc(s, isSpaceSeparator) == "" {
		return "", nil
	}
	for _, r := range s {
		// The joiners are legitimate after a virama and between Arabic
		// letters (Persian puts a non-joiner before suffixes, as in
		// "حسن\u200cزاده"); the profile judges their context below.
		if r != zwj && r != zwnj && isInvisible(r) {
			return "", fmt.Errorf("%w: %U", ErrInvisible, r)
		}
	}
	out, err := precis.Nickname.String(s)
	if err != nil {
		return "", explain(s)
	}
	if err := checkMarks(out); err != nil {
		return "", err
	}
	return out, nil
}

func isSpaceSeparator(r rune) bool { return unicode.Is(unicode.Zs, r) }

// explain turns a refusal by the profile into one of our errors. The profile
// says only "disallowed" or "contextual rule violated", so look for the
// culprit: a joiner out of place, or a code point outside the class.
func explain(s string) error {
	if strings.ContainsRune(s, zwj) || strings.ContainsRune(s, zwnj) {
		bare := strings.Map(func(r rune) rune {
			if r == zwj || r == zwnj {
				return -1
			}
			return r
		}, s)
		if _, err := precis.Nickname.String(bare); err == nil {
			return fmt.Errorf("%w: joiner out of context", ErrInvisible)
		}
	}
	allowed := precis.Nickname.Allowed()
	for _, r := range norm.NFKC.String(s) {
		if r != zwj && r != zwnj && !allowed.Contains(r) {
			return fmt.Errorf("%w: %U", ErrDisallowed, r)
		}
	}
	return ErrDisallowed
}

// checkMarks refuses more than MaxMarks nonspacing or enclosing marks on
// one base character. It counts on the NFD form so that precomposed letters
// ("ệ") and their decomposed spelling count the same. Spacing marks and the
// joiners belong to the cluster without starting a new one.
func checkMarks(s string) error {
	n := 0
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me):
			n++
			if n > MaxMarks {
				return fmt.Errorf("%w (more than %d)", ErrTooManyMarks, MaxMarks)
			}
		case r == zwj || r == zwnj || unicode.Is(unicode.Mc, r):
		default:
			n = 0
		}
	}
	return nil
}

// dropEmojiControls removes the characters that only shape emoji: every
// variation selector, and a zero width joiner between two pictographs (man,
// joiner, woman, joiner, girl becomes three faces side by side, which still
// reads). Joiners elsewhere are kept for the profile to judge.
func dropEmojiControls(s string) string {
	if !strings.ContainsRune(s, zwj) && strings.IndexFunc(s, isVariationSelector) < 0 {
		return s
	}
	rs := []rune(s)
	out := rs[:0]
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if isVariationSelector(r) {
			continue
		}
		if r == zwj && len(out) > 0 && isPictograph(out[len(out)-1]) {
			if next := nextNonSelector(rs[i+1:]); next >= 0 && isPictograph(next) {
				continue
			}
		}
		out = append(out, r)
	}
	return string(out)
}

func isVariationSelector(r rune) bool { return unicode.Is(unicode.Variation_Selector, r) }

func nextNonSelector(rs []rune) rune {
	for _, r := range rs {
		if !isVariationSelector(r) {
			return r
		}
	}
	return -1
}

// isPictograph approximates Extended_Pictographic, which the standard
// library lacks: other symbols (So, where emoji live) and the skin tone
// modifiers that may end an emoji before a joiner.
func isPictograph(r rune) bool {
	return unicode.Is(unicode.So, r) || (r >= 0x1f3fb && r <= 0x1f3ff)
}
