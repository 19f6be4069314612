package pagekey

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Page ids.
		{"page id", "post-42", "post-42"},
		{"page id trimmed", "  post-42\n", "post-42"},
		{"page id keeps case", "Post-42", "Post-42"},
		{"page id keeps slashes", "/blog/post/", "/blog/post/"},
		{"page id with spaces inside", "my post", "my post"},
		{"page id unicode", "статья-1", "статья-1"},
		{"other scheme is an id", "ftp://example.com/a", "ftp://example.com/a"},
		{"mailto is an id", "mailto:a@example.com", "mailto:a@example.com"},
		{"host-less http is an id", "http:/post", "http:/post"},
		{"opaque https is an id", "https:example.com", "https:example.com"},
		{"protocol-relative is an id", "//example.com/post", "//example.com/post"},
		{"unparseable URL is an id", "http://example.com/%zz", "http://example.com/%zz"},
		{"empty host is an id", "http://:80/post", "http://:80/post"},

		// Scheme and host.
		{"lower-case scheme and host", "HTTPS://Example.COM/Post", "https://example.com/Post"},
		{"http and https stay apart", "http://example.com/a", "http://example.com/a"},
		{"www kept", "https://www.example.com/a", "https://www.example.com/a"},
		{"trimmed URL", "\t https://example.com/a \n", "https://example.com/a"},
		{"non-ASCII host escaped", "https://BÜcher.example/", "https://b%C3%9Ccher.example/"},
		{"escaped host same as literal", "https://b%C3%9Ccher.example/", "https://b%C3%9Ccher.example/"},
		{"ipv6 host", "http://[2001:DB8::1]:80/a", "http://[2001:db8::1]/a"},
		{"ipv6 host with port", "http://[::1]:8080/a", "http://[::1]:8080/a"},

		// Ports.
		{"drop :80 on http", "http://example.com:80/a", "http://example.com/a"},
		{"drop :443 on https", "https://example.com:443/a", "https://example.com/a"},
		{"keep :443 on http", "http://example.com:443/a", "http://example.com:443/a"},
		{"keep :80 on https", "https://example.com:80/a", "https://example.com:80/a"},
		{"keep other port", "https://example.com:8443/a", "https://example.com:8443/a"},
		{"drop empty port", "https://example.com:/a", "https://example.com/a"},
		{"leading zeros", "https://example.com:0443/a", "https://example.com/a"},
		{"port zero", "https://example.com:000/a", "https://example.com:0/a"},

		// Userinfo and fragment.
		{"drop userinfo", "https://user:pass@example.com/a", "https://example.com/a"},
		{"drop fragment", "https://example.com/a#comments", "https://example.com/a"},
		{"drop empty fragment", "https://example.com/a#", "https://example.com/a"},

		// Path.
		{"empty path", "https://example.com", "https://example.com/"},
		{"root path", "https://example.com/", "https://example.com/"},
		{"strip trailing slash", "https://example.com/post/", "https://example.com/post"},
		{"strip several trailing slashes", "https://example.com/post///", "https://example.com/post"},
		{"collapse slashes", "https://example.com//blog//post", "https://example.com/blog/post"},
		{"only slashes", "https://example.com///", "https://example.com/"},
		{"dot segments", "https://example.com/a/./b/../c", "https://example.com/a/c"},
		{"dot-dot above root", "https://example.com/../a", "https://example.com/a"},
		{"escaped dots", "https://example.com/a/%2e%2E/b", "https://example.com/b"},
		{"path case kept", "https://example.com/Post", "https://example.com/Post"},

		// Percent-encoding.
		{"upper-case hex", "https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"},
		{"decode unreserved", "https://example.com/%7Euser/%41", "https://example.com/~user/A"},
		{"escaped slash stays", "https://example.com/a%2fb", "https://example.com/a%2Fb"},
		{"raw unicode escaped", "https://example.com/café", "https://example.com/caf%C3%A9"},
		{"space escaped", "https://example.com/a b", "https://example.com/a%20b"},
		{"sub-delims kept", "https://example.com/a,b;c=d@e:f", "https://example.com/a,b;c=d@e:f"},

		// Query.
		{"sort params", "https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"},
		{"repeated names keep order", "https://example.com/a?x=2&a=1&x=1", "https://example.com/a?a=1&x=2&x=1"},
		{"drop utm", "https://example.com/a?utm_source=tw&UTM_Medium=x&id=3", "https://example.com/a?id=3"},
		{"drop click ids", "https://example.com/a?fbclid=1&gclid=2&dclid=3&msclkid=4&igshid=5&p=1", "https://example.com/a?p=1"},
		{"drop mailchimp and ga", "https://example.com/a?mc_cid=1&mc_eid=2&_ga=3&_gl=4", "https://example.com/a"},
		{"drop ref", "https://example.com/a?ref=news&page=2", "https://example.com/a?page=2"},
		{"tracking name escaped", "https://example.com/a?utm%5Fsource=x&p=1", "https://example.com/a?p=1"},
		{"tracking-like names kept", "https://example.com/a?utm=1&reference=2", "https://example.com/a?reference=2&utm=1"},
		{"drop empty query", "https://example.com/a?", "https://example.com/a"},
		{"drop empty params", "https://example.com/a?&&b=1&&", "https://example.com/a?b=1"},
		{"value without =", "https://example.com/a?print&b=", "https://example.com/a?b=&print"},
		{"space forms agree", "https://example.com/a?q=a%20b&r=a+b", "https://example.com/a?q=a+b&r=a+b"},
		{"plus sign escaped", "https://example.com/a?q=1%2b1", "https://example.com/a?q=1%2B1"},
		{"escape canonical", "https://example.com/a?q=%7e%2F&s=é", "https://example.com/a?q=~%2F&s=%C3%A9"},
		{"stray percent", "https://example.com/a?q=100%", "https://example.com/a?q=100%25"},
		{"semicolon is data", "https://example.com/a?a=1;b=2", "https://example.com/a?a=1%3Bb%3D2"},
		{"query and fragment", "https://example.com/a/?b=1#c", "https://example.com/a?b=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if err != nil {
				t.Fatalf("Normalize(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again, err := Normalize(got); err != nil || again != got {
				t.Errorf("Normalize(%q) = %q, %v; not idempotent", got, again, err)
			}
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrEmpty},
		{"only spaces", " \t\n ", ErrEmpty},
		{"too long id", strings.Repeat("a", MaxLen+1), ErrTooLong},
		{"too long URL", "https://example.com/" + strings.Repeat("a", MaxLen), ErrTooLong},
		{"too long once escaped", "https://example.com/" + strings.Repeat("é", 700), ErrTooLong},
		{"invalid UTF-8", "post-\xff", ErrInvalidKey},
		{"NUL", "post\x00-42", ErrInvalidKey},
		{"NUL in URL", "https://example.com/a\x00b", ErrInvalidKey},
		{"tab inside", "post\t42", ErrInvalidKey},
		{"newline inside", "https://example.com/a\nb", ErrInvalidKey},
		{"DEL", "post\x7f", ErrInvalidKey},
		{"C1 control", "post\u0085x", ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if !errors.Is(err, tt.want) {
				t.Errorf("Normalize(%q) = %q, %v; want error %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestNormalizeLimits checks the length limit is on bytes and inclusive.
func TestNormalizeLimits(t *testing.T) {
	exact := strings.Repeat("a", MaxLen)
	if got, err := Normalize(" " + exact + " "); err != nil || got != exact {
		t.Errorf("a %d-byte id: %v", MaxLen, err)
	}
	if _, err := Normalize(strings.Repeat("é", MaxLen/2+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("%d bytes of 2-byte runes: err = %v, want ErrTooLong", MaxLen+2, err)
	}
}

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
