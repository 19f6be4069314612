package textnorm

import (
	"testing"
	"unicode"
)

// TestDefaultIgnorableTable checks our table against the derivation in
// DerivedCoreProperties.txt, built from the standard library's tables:
// Other_Default_Ignorable_Code_Point + Cf + Variation_Selector, minus
// White_Space, the interlinear annotation characters, the Egyptian
// hieroglyph format controls and Prepended_Concatenation_Mark.
func TestDefaultIgnorableTable(t *testing.T) {
	derived := func(r rune) bool {
		if !unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector) {
			return false
		}
		return !unicode.In(r, unicode.White_Space, unicode.Prepended_Concatenation_Mark) &&
			!(r >= 0xfff9 && r <= 0xfffb) && !(r >= 0x13430 && r <= 0x1343f)
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := unicode.Is(defaultIgnorable, r), derived(r); got != want {
			t.Errorf("%U: in table %v, derived %v", r, got, want)
		}
	}
}
