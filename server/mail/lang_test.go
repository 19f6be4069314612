package mail

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// TestCatalogsComplete fails when a language lacks a key English has, has
// one English lacks, leaves a string empty, or uses other placeholders.
func TestCatalogsComplete(t *testing.T) {
	if !slices.Equal(slices.Sorted(maps.Keys(catalogs)), slices.Sorted(slices.Values(Languages))) {
		t.Fatalf("catalogs %v, Languages %v", slices.Sorted(maps.Keys(catalogs)), Languages)
	}
	en := catalogs["en"]
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			cat := catalogs[lang]
			for key, want := range en {
				got, ok := cat[key]
				if !ok {
					t.Errorf("missing key %q", key)
					continue
				}
				if strings.TrimSpace(got) == "" {
					t.Errorf("%q is empty", key)
				}
				wantPH := slices.Sorted(slices.Values(placeholder.FindAllString(want, -1)))
				gotPH := slices.Sorted(slices.Values(placeholder.FindAllString(got, -1)))
				if !slices.Equal(gotPH, wantPH) {
					t.Errorf("%q has placeholders %v, English %v", key, gotPH, wantPH)
				}
			}
			for key := range cat {
				if _, ok := en[key]; !ok {
					t.Errorf("key %q is not in English", key)
				}
			}
		})
	}
}

func TestPageKeys(t *testing.T) {
	for _, key := range pageKeys {
		if _, ok := stringsEN[key]; !ok {
			t.Errorf("page key %q is not in the catalog", key)
		}
		for _, lang := range Languages {
			s := Text(lang, key)
			if placeholder.MatchString(s) {
				t.Errorf("Text(%q, %q) = %q has a placeholder", lang, key, s)
			}
			if lang != "en" && s == Text("en", key) && key != "done" {
				t.Errorf("Text(%q, %q) = %q, the same as English", lang, key, s)
			}
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ lang, key, want string }{
		{"en", "unsubscribe_button", "Unsubscribe"},
		{"de-AT", "unsubscribe_button", "Abbestellen"},
		{"xx", "link_invalid", "This link is invalid or has expired."},
		{"fr", "no_such_key", "no_such_key"},
	}
	for _, tt := range tests {
		if got := Text(tt.lang, tt.key); got != tt.want {
			t.Errorf("Text(%q, %q) = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
}

func TestLang(t *testing.T) {
	tests := map[string]string{
		"": "en", "en": "en", "de": "de", "de-AT": "de", "DE_at": "de", " fr-CA ": "fr",
		"zh-Hant-TW": "zh", "pt-BR": "pt", "ja": "ja", "ru-RU": "ru", "es-419": "es",
		"it": "en", "x": "en", "ru-RU,ru;q=0.9,en;q=0.8": "ru", "english": "en",
	}
	for tag, want := range tests {
		if got := Lang(tag); got != want {
			t.Errorf("Lang(%q) = %q, want %q", tag, got, want)
		}
	}
}

// TestEveryLanguageRendersEveryMessage renders each message, in each of
// its shapes, in each language, and fails on any string taken from the
// English fallback or any placeholder left unfilled.
func TestEveryLanguageRendersEveryMessage(t *testing.T) {
	render := map[string]func(l *loc) Message{
		"confirm": func(l *loc) Message {
			return confirm(l, ConfirmData{To: "r@example.com", SiteName: "Site", PageTitle: "Page",
				PageURL: "https://blog.example/p", ConfirmURL: "https://c.example/confirm?t=1"})
		},
		"verify": func(l *loc) Message {
			return verify(l, VerifyData{To: "r@example.com", SiteName: "Site", PageURL: "https://blog.example/p",
				Link: "https://blog.example/p#parley-verify=abc"})
		},
		"reply": func(l *loc) Message {
			return reply(l, ReplyData{To: "r@example.com", SiteName: "Site", PageTitle: "Page",
				PageURL: "https://blog.example/p#c2", ReplierName: "Ann", ReplierAffiliation: "ACME",
				ReplyHTML: "<p>Hi</p>", ReplyText: "Hi", YourText: "Mine",
				UnsubscribeURL: "https://c.example/unsubscribe?t=1"})
		},
		"reply anonymous": func(l *loc) Message {
			return reply(l, ReplyData{To: "r@example.com", SiteName: "Site", PageURL: "https://blog.example/p",
				ReplyText: "Hi"})
		},
		"staff": func(l *loc) Message {
			return staff(l, StaffData{To: "o@example.com", SiteName: "Site", PageTitle: "Page",
				PageURL: "https://blog.example/p", AuthorName: "Ann", CommentHTML: "<p>Hi</p>", CommentText: "Hi",
				RemoveURL: "https://c.example/r", ReplyURL: "https://c.example/re", SettingsURL: "https://c.example/s"})
		},
		"staff held": func(l *loc) Message {
			return staff(l, StaffData{To: "o@example.com", SiteName: "Site", PageTitle: "Page",
				PageURL: "https://blog.example/p", AuthorName: "Ann", AuthorAffiliation: "ACME",
				CommentHTML: "<p>Hi</p>", CommentText: "Hi", Held: true, HoldReasons: []string{"Too many links"},
				ApproveURL: "https://c.example/a", RemoveURL: "https://c.example/r", SettingsURL: "https://c.example/s"})
		},
	}
	for _, lang := range Languages {
		for name, fn := range render {
			t.Run(lang+"/"+name, func(t *testing.T) {
				l := &loc{lang: lang}
				m := fn(l)
				if len(l.missing) > 0 {
					t.Errorf("fell back to English for %v", l.missing)
				}
				for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
					if s == "" {
						t.Errorf("%s is empty", part)
					}
					if ph := placeholder.FindString(s); ph != "" {
						t.Errorf("%s has unfilled %s:\n%s", part, ph, s)
					}
				}
				if !strings.Contains(m.HTML, `<html lang="`+lang+`">`) {
					t.Errorf("HTML does not declare lang %q", lang)
				}
				if m.Lang != lang {
					t.Errorf("Lang = %q", m.Lang)
				}
			})
		}
	}
}

func TestLocFallsBackAndRecords(t *testing.T) {
	saved := stringsDE["reply_view"]
	delete(stringsDE, "reply_view")
	defer func() { stringsDE["reply_view"] = saved }()
	l := &loc{lang: "de"}
	if got := l.t("reply_view"); got != stringsEN["reply_view"] {
		t.Errorf("fallback = %q, want the English %q", got, stringsEN["reply_view"])
	}
	if !slices.Equal(l.missing, []string{"de:reply_view"}) {
		t.Errorf("missing = %v", l.missing)
	}
}

func TestPlaceholdersReplacedOnce(t *testing.T) {
	l := &loc{lang: "en"}
	got := l.t("reply_subject", "name", "{page}", "page", "Title")
	if want := "{page} replied to your comment on “Title”"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
