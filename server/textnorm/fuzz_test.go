package textnorm

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", " ", "Elena Marsh", "  Elena   Marsh  ", "José Núñez", "Đặng Thị Ngọc Hà",
	"Đa\u0323\u0306ng", "अनुराग", "क्\u200dष", "حسن\u200cزاده", "שָּׁלוֹם", "สมชาย", "山田太郎",
	"김민준", "Sam 🍞", "I ❤\ufe0f Go", "👨\u200d👩\u200d👧", "O'Brien-Smith (PhD)", "l·l",
	"Ele\u200bna", "\u202eanelE", "Elena\U000e0041", "ca\u00adsino", "c\u0430sino",
	"ｃａｓｉｎｏ", "𝐜𝐚𝐬𝐢𝐧𝐨", "e\u0301\u0301\u0301\u0301", "ᾳ\u0345", "İstanbul", "ΣΑΣ ς",
	"\u13a0\uab70", "ﷺ", "¨a ´b", "a\u00ad\u0301", "\u0f73\u0f75", "\xff\xfe", "ﬀ ǅ ŉ",
}

// FuzzName checks that Name never panics and that what it accepts is valid
// UTF-8, stable under a second Name, trimmed, and free of controls and of
// invisible characters other than joiners the profile allowed.
func FuzzName(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Name(in)
		if err != nil {
			if !errors.Is(err, ErrInvisible) && !errors.Is(err, ErrTooManyMarks) && !errors.Is(err, ErrDisallowed) {
				t.Fatalf("Name(%q): unexpected error %v", in, err)
			}
			return
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Name(%q) = %q, invalid UTF-8", in, out)
		}
		if again, err := Name(out); again != out || err != nil {
			t.Fatalf("Name(%q) = %q, but Name(%q) = %q, %v", in, out, out, again, err)
		}
		if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
			t.Fatalf("Name(%q) = %q, spaces not trimmed or collapsed", in, out)
		}
		for _, r := range out {
			if r == zwj || r == zwnj {
				continue
			}
			if isInvisible(r) || unicode.Is(defaultIgnorable, r) || unicode.IsControl(r) {
				t.Fatalf("Name(%q) = %q, contains %U", in, out, r)
			}
		}
	})
}

// FuzzFold checks that Fold is idempotent and gives valid UTF-8, and that
// every space-separated word of the input is found in its folded text.
func FuzzFold(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Fold(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Fold(%q) = %q, invalid UTF-8", in, out)
		}
		if again := Fold(out); again != out {
			t.Fatalf("Fold(%q) = %q, but Fold(%q) = %q", in, out, out, again)
		}
		for _, w := range strings.Fields(in) {
			if Fold(w) != "" && !ContainsWord(out, w) {
				t.Fatalf("ContainsWord(Fold(%q), %q) = false; Fold(word) = %q, Fold(text) = %q", in, w, Fold(w), out)
			}
		}
	})
}

// FuzzContainsWord checks ContainsWord against a search of every position.
func FuzzContainsWord(f *testing.F) {
	f.Add("buy casino chips", "casino")
	f.Add("casinos megacasino casino", "casino")
	f.Add(strings.Repeat("-ab", 50), "-ab-ab-a")
	f.Add("我喜欢赌场", "赌场")
	f.Fuzz(func(t *testing.T, text, word string) {
		text = Fold(text)
		if got, want := ContainsWord(text, word), naiveContainsWord(text, Fold(word)); got != want {
			t.Fatalf("ContainsWord(%q, %q) = %v; naive search says %v", text, word, got, want)
		}
	})
}

// FuzzSkeleton checks that Skeleton never panics and gives valid UTF-8
// with nothing that it promises to drop.
func FuzzSkeleton(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Skeleton(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Skeleton(%q) = %q, invalid UTF-8", in, out)
		}
		for _, r := range out {
			if dropFromSkeleton(r) {
				t.Fatalf("Skeleton(%q) = %q, contains %U", in, out, r)
			}
		}
	})
}
