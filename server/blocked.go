package server

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parley-dev/parley/server/posting"
)

// hasBlockedWord reports whether any of the site's blocked words or phrases
// appears in a new comment's text fields, as whole words, ignoring case. A
// comment that has one is held for a moderator rather than refused: a
// blocked-word list is blunt, and a person should make the call.
func hasBlockedWord(words []string, d posting.Draft) bool {
	if len(words) == 0 {
		return false
	}
	text := strings.ToLower(strings.Join([]string{d.Markdown, d.Author.Name, d.Author.Affiliation, d.Author.Website}, "\n"))
	for _, w := range words {
		w = strings.ToLower(strings.TrimSpace(w))
		if w != "" && containsWord(text, w) {
			return true
		}
	}
	return false
}

// containsWord finds w in text where it is not part of a longer word.
func containsWord(text, w string) bool {
	for start := 0; ; {
		i := strings.Index(text[start:], w)
		if i < 0 {
			return false
		}
		i += start
		end := i + len(w)
		if !wordRuneBefore(text, i) && !wordRuneAfter(text, end) {
			return true
		}
		start = i + 1
	}
}

func wordRuneBefore(s string, i int) bool {
	r, n := utf8.DecodeLastRuneInString(s[:i])
	return n > 0 && isWordRune(r)
}

func wordRuneAfter(s string, i int) bool {
	r, n := utf8.DecodeRuneInString(s[i:])
	return n > 0 && isWordRune(r)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
