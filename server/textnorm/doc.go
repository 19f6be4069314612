// Package textnorm normalizes and compares the short texts readers type, so
// that invisible characters, stacked accents and letters borrowed from
// other scripts can neither disguise a name nor slip a blocked word past
// moderation. It is pure functions: no I/O, no state, safe for concurrent
// use.
//
// # Names
//
// Name is for one-line plain-text fields shown to other readers: display
// names and affiliations. It applies the PRECIS Nickname profile of RFC 8266
// (golang.org/x/text/secure/precis): NFKC, non-ASCII spaces mapped to ASCII
// space, spaces trimmed and collapsed. The profile refuses controls,
// default-ignorable code points (zero-width space, bidi marks and overrides,
// tags, soft hyphen...), unassigned and private-use code points; it lets the
// zero-width joiners through only where scripts need them (after a virama,
// between Arabic letters), and so does Name. On top of the profile Name
// refuses more than MaxMarks (3) nonspacing marks on one character, counted
// after NFD, which is enough for Vietnamese (2), pointed Hebrew and
// Devanagari (3), and stops "Zalgo" text. It removes the variation
// selectors and joiners that only shape emoji, which keyboards insert
// unseen. Each refusal is one of ErrInvisible, ErrTooManyMarks or
// ErrDisallowed, so the caller can tell the reader what to fix.
//
// # Lookalikes
//
// Skeleton and Confusable tell whether one name could pass for another, in
// the spirit of the skeletons of Unicode TS #39: compatibility forms
// decomposed (NFKD: full-width letters, math alphanumerics, ligatures,
// circled and superscript letters), case folded, marks, invisible
// characters, spaces, punctuation and symbols dropped, and lookalike letters
// mapped to Latin. The lookalike table is our own, some 230 letters from
// Latin-1 Supplement, Latin Extended-A/B/D, IPA and Phonetic Extensions
// (ı, ɑ, ø, ł, small capitals), Greek, Cyrillic, Armenian, Cherokee, Coptic,
// Lisu and the Canadian syllabics that "fancy text" generators use. Skeleton
// also maps 0 to o; 1, I, i and | to l (folding case makes I and i one
// letter, so i joins the l class); rn to m and vv to w; and the Greek
// capitals Β, Ζ, Η, Μ, Ν, Υ by their own shape, since their small forms
// imitate other letters.
//
// The skeleton does not cover lookalikes between two non-Latin scripts (a
// Greek name against a Cyrillic one), letter pairs beyond rn and vv (cl for
// d would also merge "Cl" with "D"), digits other than 0 and 1, or the
// accidents of particular fonts. It errs toward a match: a false one costs a
// reader a rename, a missed one lets an impostor pose as the blog's owner.
//
// # Blocked words
//
// Fold prepares a text for ContainsWord: NFKC, full case folding, invisible
// characters removed and the letter-to-letter part of the lookalike table
// applied, but digits, accents, punctuation and word boundaries kept, and
// case folding exact (Greek capitals map like their small letters).
// ContainsWord then finds a blocked word or phrase as whole words in linear
// time. Decoding HTML entities ("c&#97;sino") is the caller's job, before
// Fold.
package textnorm
