package pagekey

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzNormalize checks that a key normalizes to itself, that keys never hold
// what Normalize would reject, and that URL keys parse back as URLs.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"post-42", " HTTPS://User@Example.COM:443//a/./b/../c/?utm_source=x&b=2&a=1#frag ",
		"http://[fe80::1%25en0]:80/", "https://b%C3%BCcher.example/%7e/%2f?q=%zz&r=a+b",
		"https://example.com/a?x=1;y=2&&", "http://example.com:0080", "https://e.com/%E2%82%AC/é",
		"https://e.com/a%2e%2E/%2F..", "https://e.com/?=&=x&a", "http://a]b/", "https://e.com:/", "HTTP://:#0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		key, err := Normalize(in)
		if err != nil {
			return
		}
		again, err := Normalize(key)
		if err != nil || again != key {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q, %v", in, key, key, again, err)
		}
		if key == "" || len(key) > MaxLen || !utf8.ValidString(key) || strings.TrimSpace(key) != key {
			t.Fatalf("Normalize(%q) = %q is not a valid key", in, key)
		}
		for _, r := range key {
			if unicode.IsControl(r) {
				t.Fatalf("Normalize(%q) = %q holds a control character", in, key)
			}
		}
		u, err := url.Parse(key)
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != "" && u.Opaque == "" {
			if u.User != nil || u.Fragment != "" || u.ForceQuery || strings.ContainsFunc(u.Hostname(), isASCIIUpper) {
				t.Fatalf("Normalize(%q) = %q is not canonical", in, key)
			}
		}
	})
}

func isASCIIUpper(r rune) bool { return 'A' <= r && r <= 'Z' }
