package textnorm

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func TestConfusableWithOwnerName(t *testing.T) {
	const owner = "Elena Marsh"
	for _, tc := range []struct{ name, in string }{
		{"itself", "Elena Marsh"},
		{"Cyrillic capital Ie", "\u0415lena Marsh"},
		{"capitals", "ELENA MARSH"},
		{"double space", "Elena  Marsh"},
		{"dot instead of space", "elena.marsh"},
		{"no space", "ElenaMarsh"},
		{"Greek Epsilon and Cyrillic a", "\u0395len\u0430 M\u0430rsh"},
		{"zero width space inside", "Ele\u200bna Marsh"},
		{"soft hyphen and bidi mark", "Ele\u00adna Marsh\u200f"},
		{"full-width", "Ｅｌｅｎａ Ｍａｒｓｈ"},
		{"accent", "Eléna Marsh"},
		{"stacked marks", "E\u0301\u0302l\u0303ena Marsh"},
		{"math bold", "𝐄𝐥𝐞𝐧𝐚 𝐌𝐚𝐫𝐬𝐡"},
		{"math sans-serif italic", "𝘌𝘭𝘦𝘯𝘢 𝘔𝘢𝘳𝘴𝘩"},
		{"circled", "Ⓔⓛⓔⓝⓐ Ⓜⓐⓡⓢⓗ"},
		{"digit one for l", "E1ena Marsh"},
		{"capital I for l", "EIena Marsh"},
		{"vertical bar for l", "E|ena Marsh"},
		{"Cyrillic palochka for l", "E\u04cfena Marsh"},
		{"Cyrillic dze and shha", "Elena Mar\u0455\u04bb"},
		{"Greek capitals", "\u0395LE\u039d\u0391 \u039c\u0391RS\u0397"},
		{"rn for m", "Elena rnarsh"},
		{"Cherokee", "\u13acLENA \u13b7ARS\u13bb"},
		{"Lisu", "\ua4f0LENA \ua4df\ua4eeRSH"},
		{"Armenian ho", "Elena Mars\u0570"},
		{"Latin small capitals", "ᴇʟᴇɴᴀ ᴍᴀʀꜱʜ"},
		{"apostrophe", "Elena Mar'sh"},
		{"modifier letter apostrophe", "Elena Mar\u02bcsh"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !Confusable(tc.in, owner) {
				t.Errorf("Confusable(%q, %q) = false; skeletons %q and %q", tc.in, owner, Skeleton(tc.in), Skeleton(owner))
			}
		})
	}
}

func TestConfusableKeepsDifferentNamesApart(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"Elena March", "Elena Marsh"},
		{"Helena Marsh", "Elena Marsh"},
		{"Elena Marshall", "Elena Marsh"},
		{"Elena Marsh 2", "Elena Marsh"},
		{"Ivan", "Iwan"},
		{"Иван", "Ivan"},
		{"", ""},
		{"!!!", "???"},
		{"🍞", "🥐"},
		{"\u200b", ""},
	} {
		t.Run(tc.a+" vs "+tc.b, func(t *testing.T) {
			if Confusable(tc.a, tc.b) {
				t.Errorf("Confusable(%q, %q) = true; skeleton %q", tc.a, tc.b, Skeleton(tc.a))
			}
		})
	}
}

func TestSkeleton(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "Elena Marsh", "elenamarsh"},
		{"digits other than 0 and 1 stay", "R2D2 and C-3PO", "r2d2andc3po"},
		{"zero and one", "B0b 1", "bobl"},
		{"i, I, l and 1 share a class", "iIl1|ı", "llllll"},
		{"rn and vv", "rnvv", "mw"},
		{"sharp s folds to ss", "Straße", "strasse"},
		{"Greek capitals and small letters imitate different letters", "Ηη Νν Μμ", "hnnvmu"},
		{"Cyrillic", "Сергей", "cepreи"},
		{"Han is kept", "王小明", "王小明"},
		{"Devanagari keeps letters, drops vowel signs", "अनुराग", "अनरग"},
		{"tatweel", "محــمد", "محمد"},
		{"ligatures", "Æsir œuvre", "aeslroeuvre"},
		{"lunate sigma", "ϹϲΗ", "cch"},
		{"Indic zero", "B\u0966b", "bob"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Skeleton(tc.in); got != tc.want {
				t.Errorf("Skeleton(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

// The table is looked up with folded, decomposed letters: an entry that
// folding or NFKD would change could never be found.
func TestLookalikeTable(t *testing.T) {
	if n := len(lookalike); n < 200 {
		t.Errorf("lookalike has %d entries; the doc promises a few hundred", n)
	}
	for r, latin := range lookalike {
		s := string(r)
		switch {
		case r < unicode.MaxASCII:
			t.Errorf("lookalike key %q is ASCII", s)
		case !unicode.IsLetter(r):
			t.Errorf("lookalike key %U is not a letter", r)
		case norm.NFKD.String(s) != s:
			t.Errorf("lookalike key %U changes under NFKD to %q", r, norm.NFKD.String(s))
		case foldCase(s) != s:
			t.Errorf("lookalike key %U changes under case folding to %q", r, foldCase(s))
		}
		if !isLowerASCII(latin) {
			t.Errorf("lookalike %U maps to %q, not small Latin letters", r, latin)
		}
	}
	for r, l := range capitalLookalikes {
		if !unicode.IsUpper(r) || !isLowerASCII(string(unicode.ToLower(l))) {
			t.Errorf("capitalLookalikes %U -> %q: want a capital mapped to a Latin capital", r, l)
		}
	}
	for r, l := range skeletonOnly {
		if !isLowerASCII(string(l)) {
			t.Errorf("skeletonOnly %U maps to %q", r, l)
		}
	}
}

func isLowerASCII(s string) bool {
	for _, c := range []byte(s) {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

func TestFoldCaseIsIdempotentForCherokee(t *testing.T) {
	for _, s := range []string{"\u13a0\uab70", "\u13f0\u13f8", "\u13f5\u13fd"} {
		once := foldCase(s)
		if twice := foldCase(once); twice != once {
			t.Errorf("foldCase(%q) = %q, again %q", s, once, twice)
		}
		if once != strings.ToUpper(s) {
			t.Errorf("foldCase(%q) = %q; want the capitals %q", s, once, strings.ToUpper(s))
		}
	}
}
