package textnorm

import (
	"html"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"case", "CASINO", "casino"},
		{"HTML entity, once the caller decoded it", html.UnescapeString("c&#97;sino"), "casino"},
		{"soft hyphen", "ca\u00adsino", "casino"},
		{"zero width space", "cas\u200bino", "casino"},
		{"zero width joiner and word joiner", "ca\u200dsi\u2060no", "casino"},
		{"bidi marks and isolates", "\u200ecasi\u2066no\u2069", "casino"},
		{"variation selector", "casi\ufe0fno", "casino"},
		{"tag characters", "casi\U000e0020no", "casino"},
		{"control character", "casi\x07no", "casino"},
		{"Cyrillic a", "c\u0430sino", "casino"},
		{"Greek omicron and iota", "cas\u03b9n\u03bf", "casino"},
		{"Greek capitals", "C\u0391S\u0399N\u039f", "casino"},
		{"Greek capitals map like their small letters", "\u0397\u03b7 \u039d\u03bd", "nn vv"},
		{"Latin alpha and dotless i", "c\u0251s\u0131no", "casino"},
		{"full-width", "ｃａｓｉｎｏ", "casino"},
		{"math bold", "𝐜𝐚𝐬𝐢𝐧𝐨", "casino"},
		{"circled", "ⓒⓐⓢⓘⓝⓞ", "casino"},
		{"Cherokee capitals and small letters", "\u13df\uab7a", "ca"},
		{"sharp s", "Straße", "strasse"},
		{"white space runs", "  free \t\n  money \u00a0 ", "free money"},
		{"braille blank is a gap", "free\u2800money", "free money"},
		{"tatweel", "كــازينو", "كازينو"},
		{"accents stay, composed", "ca\u0301sino", "cásino"},
		{"removal lets accents compose", "ca\u00ad\u0301sino", "cásino"},
		{"Cyrillic e with diaeresis becomes Latin", "Zo\u0451", "zoë"},
		{"digits stay", "c4sino", "c4sino"},
		{"punctuation stays", "ca.sino!", "ca.sino!"},
		{"Han stays", "赌场", "赌场"},
		{"invalid UTF-8", "ca\xffsino", "ca\ufffdsino"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Fold(tc.in)
			if got != tc.want {
				t.Errorf("Fold(%q) = %q; want %q", tc.in, got, tc.want)
			}
			if again := Fold(got); again != got {
				t.Errorf("Fold(%q) = %q, not stable under a second Fold", got, again)
			}
		})
	}
}

func TestContainsWord(t *testing.T) {
	for _, tc := range []struct {
		name, text, word string
		want             bool
	}{
		{"whole word", "buy casino chips", "casino", true},
		{"at the start", "casino chips", "casino", true},
		{"at the end", "buy casino", "casino", true},
		{"alone", "casino", "casino", true},
		{"next to punctuation", "(casino), casino.", "casino", true},
		{"word is folded too", "casino", "CASINO", true},
		{"disguised word", "c\u0430\u00adsino", "casino", true},
		{"disguised blocked word", "casino", "c\u0430sino", true},
		{"plural is another word", "casinos", "casino", false},
		{"inside a longer word", "megacasino", "casino", false},
		{"underscore joins words", "casino_royale", "casino", false},
		{"digit joins words", "casino2", "casino", false},
		{"later occurrence counts", "casinos megacasino casino", "casino", true},
		{"accented letter is another letter", "cásino", "casino", false},
		{"phrase", "get free   money now", "free money", true},
		{"phrase across a line break", "get free\nmoney", "free money", true},
		{"phrase must end on a word edge", "free moneys", "free money", false},
		{"phrase with punctuation between", "free, money", "free money", false},
		{"mark continues a word", "अनुराग", "अन", false},
		{"Hindi whole word", "नमस्ते अनुराग", "अनुराग", true},
		{"Cyrillic", "онлайн казино здесь", "казино", true},
		{"Cyrillic inside a word", "казиноман", "казино", false},
		{"Greek in capitals", "ΠΑΙΖΕΤΕ ΣΤΟ ΚΑΖΙΝΟ", "καζίνο", false},
		{"Greek in capitals, accent dropped by the writer", "ΠΑΙΖΕΤΕ ΣΤΟ ΚΑΖΙΝΟ", "καζινο", true},
		{"Greek final sigma", "ΜΗΝΑΣ", "μηνας", true},
		{"Chinese has no word edges", "我喜欢赌场的游戏", "赌场", true},
		{"Japanese", "オンラインカジノで遊ぶ", "カジノ", true},
		{"Thai", "เล่นคาสิโนออนไลน์", "คาสิโน", true},
		{"Latin next to Han", "casino赌场", "casino", true},
		{"word starting with punctuation", "use #promo now", "#promo", true},
		{"word starting with punctuation, inside a word", "use #promos", "#promo", false},
		{"empty word", "casino", "", false},
		{"invisible word", "casino", "\u200b", false},
		{"word longer than text", "cas", "casino", false},
		{"empty text", "", "casino", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ContainsWord(Fold(tc.text), tc.word); got != tc.want {
				t.Errorf("ContainsWord(Fold(%q), %q) = %v; want %v", tc.text, tc.word, got, tc.want)
			}
		})
	}
}

// naiveContainsWord checks every position; the reference for ContainsWord.
func naiveContainsWord(folded, w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i+len(w) <= len(folded); i++ {
		if folded[i:i+len(w)] == w && wholeWord(folded, w, i) {
			return true
		}
	}
	return false
}

func TestContainsWordMatchesNaiveSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "b", "a", "ab", " ", "-", "_", "é", "漢", "a\u0301"}
	gen := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return Fold(b.String())
	}
	for i := range 20000 {
		text, word := gen(rng.IntN(40)), gen(1+rng.IntN(6))
		if got, want := ContainsWord(text, word), naiveContainsWord(text, word); got != want {
			t.Fatalf("case %d: ContainsWord(%q, %q) = %v; naive search says %v", i, text, word, got, want)
		}
	}
}

// Texts where nearly every candidate fails the word-edge test push
// ContainsWord onto its Knuth-Morris-Pratt pass; check that it still finds
// the one real match and the lack of one.
func TestContainsWordOnRepetitiveText(t *testing.T) {
	word := strings.Repeat("-ab", 300) + "-a"
	text := strings.Repeat("-ab", 30000)
	if ContainsWord(text, word) {
		t.Errorf("found %q in text where it always continues a word", word[:10])
	}
	if !ContainsWord(text+"-a", word) {
		t.Errorf("missed %q at the end of the text", word[:10])
	}
	if ContainsWord(strings.Repeat("a", 100000), strings.Repeat("a", 1000)) {
		t.Errorf("found a 1000-letter word inside one long word")
	}
}
