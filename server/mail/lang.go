package mail

import (
	"strings"
)

// Languages are the languages Parley's e-mails and landing pages speak,
// the widget's languages; the first is the fallback.
var Languages = []string{"en", "de", "es", "fr", "ja", "pt", "ru", "zh"}

// catalogs holds every language's strings, one file per language
// (strings_en.go, ...). A key missing from a language falls back to
// English; TestCatalogsComplete fails when one is missing.
var catalogs = map[string]map[string]string{
	"en": stringsEN,
	"de": stringsDE,
	"es": stringsES,
	"fr": stringsFR,
	"ja": stringsJA,
	"pt": stringsPT,
	"ru": stringsRU,
	"zh": stringsZH,
}

// Lang returns the language Parley speaks for a language tag: its primary
// subtag if that is one of Languages ("de-AT" and "de_at" give "de",
// "zh-Hant-TW" gives "zh"), else "en". A whole Accept-Language value is
// read up to its first comma or semicolon.
func Lang(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, ",;"); i >= 0 {
		tag = tag[:i]
	}
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	tag = strings.ToLower(strings.TrimSpace(tag))
	if _, ok := catalogs[tag]; ok {
		return tag
	}
	return "en"
}

// Text returns a short string for the server's landing pages in the
// language for lang (see Lang), falling back to English, and to the key
// itself for an unknown key. Keys: confirm_title, confirm_button,
// confirmed, unsubscribe_title, unsubscribe_button, unsubscribed,
// link_invalid, approve_title, remove_title, approve_button,
// remove_button, done. The strings are plain text, to be HTML-escaped
// where they are put.
func Text(lang, key string) string {
	l := loc{lang: Lang(lang)}
	return l.t(key)
}

// pageKeys are the keys Text serves.
var pageKeys = []string{
	"confirm_title", "confirm_button", "confirmed",
	"unsubscribe_title", "unsubscribe_button", "unsubscribed",
	"link_invalid",
	"approve_title", "remove_title", "approve_button", "remove_button", "done",
}

// loc looks strings up in one language and notes the keys it had to take
// from English, so that a test can insist there are none.
type loc struct {
	lang    string
	missing []string
}

// t returns the string for key with its {placeholders} replaced: args
// are pairs of placeholder name and value. The replacement is one pass,
// so a value that contains "{site}" stays as it is.
func (l *loc) t(key string, args ...string) string {
	s, ok := catalogs[l.lang][key]
	if !ok {
		l.missing = append(l.missing, l.lang+":"+key)
		if s, ok = catalogs["en"][key]; !ok {
			s = key
		}
	}
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}
