package widget

import (
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/parley-dev/parley/widget/internal/bundle"
)

// The API's error codes (notes/api-contract.md) and fields: a locale may
// translate any of them as e_<code> or e_<code>_<field>.
var (
	errorCodes = []string{"not_found", "invalid_json", "invalid_utf8", "invalid", "required", "too_long",
		"unsupported_media_type", "forbidden_origin", "unauthorized", "forbidden", "edit_window_closed",
		"locked", "rate_limited", "payload_too_large", "internal", "network",
		"banned", "impersonation", "duplicate", "blocked_word", "rejected", "already_voted",
		"verification_required", "sign_in_required"}
	errorFields = []string{"body", "name", "email", "website", "affiliation", "parent", "page", "value"}
)

var (
	entryLine   = regexp.MustCompile(`^  (\w+)(?:: (.*?))?,$`)
	placeholder = regexp.MustCompile(`\{\w+\}`)
)

// localeEntries reads a locale file's top-level keys and their raw values
// (one entry per line, as the files are written).
func localeEntries(t *testing.T, lang string) map[string]string {
	t.Helper()
	data, err := fs.ReadFile(sources, "locales/"+lang+".js")
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if m := entryLine.FindStringSubmatch(line); m != nil {
			if _, dup := entries[m[1]]; dup {
				t.Errorf("%s.js: %s twice", lang, m[1])
			}
			entries[m[1]] = m[2]
		}
	}
	return entries
}

func TestLocalesExist(t *testing.T) {
	got, err := bundle.LocaleNames(sources)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range languages {
		if !slices.Contains(got, lang) {
			t.Errorf("no locale %s (have %v)", lang, got)
		}
	}
}

func TestLocalesTranslateEveryString(t *testing.T) {
	en := localeEntries(t, "en")
	if len(en) < 50 {
		t.Fatalf("read only %d English entries; has the layout of en.js changed?", len(en))
	}
	en["comments"] = "{n}" // exported separately, written as a shorthand property
	allowed := map[string]bool{}
	for _, code := range errorCodes {
		allowed["e_"+code] = true
		for _, field := range errorFields {
			allowed["e_"+code+"_"+field] = true
		}
	}
	for _, lang := range languages {
		entries := localeEntries(t, lang)
		for _, key := range slices.Sorted(maps.Keys(en)) {
			value, ok := entries[key]
			if !ok {
				t.Errorf("%s.js: no %s", lang, key)
				continue
			}
			want := slices.Sorted(slices.Values(placeholder.FindAllString(en[key], -1)))
			got := slices.Compact(slices.Sorted(slices.Values(placeholder.FindAllString(value, -1))))
			if !slices.Equal(slices.Compact(want), got) {
				t.Errorf("%s.js: %s has placeholders %v, English %v", lang, key, got, want)
			}
			if strings.HasPrefix(value, "{") && !strings.Contains(value, "other:") {
				t.Errorf("%s.js: plural %s has no 'other' form", lang, key)
			}
		}
		for key := range entries {
			if _, ok := en[key]; !ok && !allowed[key] {
				t.Errorf("%s.js: %s is neither an English key nor an API error", lang, key)
			}
		}
	}
}
