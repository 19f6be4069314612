package textnorm

import (
	"errors"
	"strings"
	"testing"
)

func TestNameKeepsInternationalNames(t *testing.T) {
	for _, name := range []string{
		"José Núñez",
		"Zoë",
		"Đặng Thị Ngọc Hà",
		"Nguyễn Thị Ánh Tuyết",
		"Yorùbá Ọ̀ṣun", // dot below and grave on one vowel
		"अनुराग",
		"क़ुँवर", // nukta, vowel sign and candrabindu: three marks
		"محمد",
		"حسن\u200cزاده", // Persian non-joiner between Arabic letters
		"יִשְׂרָאֵל",
		"שָּׁלוֹם", // shin with dagesh, shin dot and qamats: three marks
		"สมชาย",
		"นี้",
		"山田太郎",
		"王小明",
		"김민준",
		"Ελένη",
		"Сергей",
		"Sam 🍞",
		"👩🏽💻",
		"O'Brien-Smith (PhD)",
		"l·l", // Catalan middle dot, allowed between two l
	} {
		t.Run(name, func(t *testing.T) {
			got, err := Name(name)
			if err != nil || got != name {
				t.Errorf("Name(%q) = %q, %v; want it unchanged", name, got, err)
			}
		})
	}
}

func TestNameNormalizes(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"trims and collapses spaces", "  Elena   Marsh  ", "Elena Marsh"},
		{"maps non-ASCII spaces", "Elena\u00a0Marsh\u3000", "Elena Marsh"},
		{"full-width letters", "Ｅｌｅｎａ", "Elena"},
		{"ligature", "ﬁona", "fiona"},
		{"decomposed accents are composed", "Zoe\u0308 Nu\u0301n\u0303ez", "Zoë Núñez"},
		{"decomposed Vietnamese", "Đa\u0323\u0306ng", "Đặng"},
		{"emoji presentation selector", "I ❤\ufe0f Go", "I ❤ Go"},
		{"text presentation selector", "☺\ufe0e", "☺"},
		{"joiners inside an emoji sequence", "👨\u200d👩\u200d👧", "👨👩👧"},
		{"joiner after a skin tone", "👩🏽\u200d💻", "👩🏽💻"},
		{"flag with selector and joiner", "🏳\ufe0f\u200d🌈", "🏳🌈"},
		{"ligature that expands to a phrase", "\ufdfa", "صلى الله عليه وسلم"},
		{"empty", "", ""},
		{"only spaces", " \u00a0 ", ""},
		{"only a selector", "\ufe0f", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Name(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("Name(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestNameRefuses(t *testing.T) {
	zalgo := "Z\u0351\u0358\u0363a\u036b\u0302\u0313\u035bl\u0310\u0352g\u0304\u0346\u036bo"
	for _, tc := range []struct {
		name, in string
		want     error
	}{
		{"zero width space", "Ele\u200bna", ErrInvisible},
		{"zero width joiner between letters", "Ele\u200dna", ErrInvisible},
		{"zero width non-joiner between Latin letters", "Ele\u200cna", ErrInvisible},
		{"word joiner", "Ele\u2060na", ErrInvisible},
		{"byte order mark", "\ufeffElena", ErrInvisible},
		{"soft hyphen", "Ele\u00adna", ErrInvisible},
		{"left-to-right mark", "Elena\u200e", ErrInvisible},
		{"right-to-left override", "\u202eanelE", ErrInvisible},
		{"first strong isolate", "\u2068Elena\u2069", ErrInvisible},
		{"Arabic letter mark", "\u061cمحمد", ErrInvisible},
		{"tag characters", "Elena\U000e0041\U000e0042", ErrInvisible},
		{"combining grapheme joiner", "Ele\u034fna", ErrInvisible},
		{"Mongolian vowel separator", "Ele\u180ena", ErrInvisible},
		{"Hangul filler", "\u3164", ErrInvisible},
		{"halfwidth Hangul filler", "Elena\uffa0", ErrInvisible},
		{"braille blank", "\u2800\u2800", ErrInvisible},
		{"tab", "Elena\tMarsh", ErrInvisible},
		{"newline", "Elena\nMarsh", ErrInvisible},
		{"line separator", "Elena\u2028Marsh", ErrInvisible},
		{"null", "Elena\x00", ErrInvisible},
		{"four marks on one letter", "e\u0301\u0301\u0301\u0301", ErrTooManyMarks},
		{"four marks on a composed letter", "ệ\u0301\u0301", ErrTooManyMarks},
		{"marks on a space", "a \u0300\u0301\u0302\u0303", ErrTooManyMarks},
		{"marks across a joiner", "\u0915\u0941\u0902\u094d\u200d\u0941", ErrTooManyMarks},
		{"enclosing marks count", "a\u20dd\u20dd\u20dd\u20dd", ErrTooManyMarks},
		{"zalgo", zalgo + "\u0351\u0358", ErrTooManyMarks},
		{"private use", "Elena\ue000", ErrDisallowed},
		{"unassigned", "Elena\u0378", ErrDisallowed},
		{"noncharacter", "Elena\uffff", ErrDisallowed},
		{"old Hangul jamo", "\u1100\u119e", ErrDisallowed},
		{"middle dot between other letters", "a·b", ErrDisallowed},
		{"invalid UTF-8", "Elena\xff", ErrDisallowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Name(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Name(%q) = %q, %v; want %v", tc.in, got, err, tc.want)
			}
			for _, other := range []error{ErrInvisible, ErrTooManyMarks, ErrDisallowed} {
				if other != tc.want && errors.Is(err, other) {
					t.Errorf("Name(%q) error %v also matches %v", tc.in, err, other)
				}
			}
			if got != "" {
				t.Errorf("Name(%q) returned %q with its error", tc.in, got)
			}
		})
	}
}

func TestNameAcceptsMaxMarks(t *testing.T) {
	in := "a" + strings.Repeat("\u0301", MaxMarks)
	if _, err := Name(in); err != nil {
		t.Errorf("Name with %d marks on one letter: %v", MaxMarks, err)
	}
	// Marks on different letters do not add up.
	in = strings.Repeat("a\u0301\u0302\u0303", 5)
	if _, err := Name(in); err != nil {
		t.Errorf("Name(%q): %v", in, err)
	}
}

func TestNameErrorNamesTheCodePoint(t *testing.T) {
	_, err := Name("Ele\u200bna")
	if err == nil || !strings.Contains(err.Error(), "U+200B") {
		t.Errorf("error %v does not name U+200B", err)
	}
}
