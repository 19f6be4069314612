package textnorm

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// benchRaw is about 100,000 characters of prose-like text with some
// accents, Cyrillic and punctuation, and words that contain blocked words
// (class, passage, Scunthorpe) so that many candidates fail the edge test.
func benchRaw() string {
	vocab := strings.Fields("the a of and to in is that it was for on are with as his they be at one have " +
		"this from or had by word but what some we can out other were all there when up use your how said " +
		"class passage assistant Scunthorpe classic grass café naïve Привет мир über straße fiancée " +
		"comment reply thread moderation blog post reader writer, editor. (note) casinos megacasino")
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < 100000 {
		for range 1000 {
			b.WriteString(vocab[rng.IntN(len(vocab))])
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func benchText() string { return Fold(benchRaw()) }

// benchWords is 200 blocked words: a handful occur in the text, most do
// not, and many are substrings of the text's words.
func benchWords() []string {
	words := []string{"ass", "cunt", "casino", "pass", "sin", "the", "thread", "мир", "straße", "café"}
	for i := len(words); i < 200; i++ {
		words = append(words, fmt.Sprintf("blocked%dword", i))
	}
	return words
}

func BenchmarkContainsWord(b *testing.B) {
	text, words := benchText(), benchWords()
	b.SetBytes(int64(len(text) * len(words)))
	b.ResetTimer()
	for b.Loop() {
		for _, w := range words {
			ContainsWord(text, w)
		}
	}
}

// BenchmarkContainsWordRepetitive measures the worst case: every candidate
// fails the edge test, so ContainsWord falls back to its KMP pass.
func BenchmarkContainsWordRepetitive(b *testing.B) {
	text := strings.Repeat("-ab", 33333)
	word := strings.Repeat("-ab", 300) + "-a"
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		ContainsWord(text, word)
	}
}

func BenchmarkFold(b *testing.B) {
	text := benchRaw()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Fold(text)
	}
}

func BenchmarkName(b *testing.B) {
	for b.Loop() {
		Name("Đặng Thị Ngọc Hà")
	}
}

func BenchmarkSkeleton(b *testing.B) {
	for b.Loop() {
		Skeleton("Εlenа Mаrsh")
	}
}
