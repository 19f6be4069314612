package outbound

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		name         string
		url          string
		allowPrivate bool
		want         error // nil, ErrInvalidURL or ErrForbiddenAddress
	}{
		{"https host", "https://spam.example.com/check", false, nil},
		{"http host", "http://spam.example.com", false, nil},
		{"upper-case scheme", "HTTPS://spam.example.com/", false, nil},
		{"port", "https://spam.example.com:8443/check", false, nil},
		{"empty port", "https://spam.example.com:/check", false, nil},
		{"query", "https://spam.example.com/check?site=1", false, nil},
		{"public IPv4", "http://8.8.8.8/", false, nil},
		{"public IPv6", "http://[2606:4700::1111]:8080/", false, nil},
		{"host name with digits", "https://123.example.com/", false, nil},
		{"name resolving to loopback passes until dialled", "https://localtest.me/", false, nil},

		{"empty", "", false, ErrInvalidURL},
		{"relative", "/check", false, ErrInvalidURL},
		{"no scheme", "spam.example.com/check", false, ErrInvalidURL},
		{"protocol relative", "//spam.example.com/check", false, ErrInvalidURL},
		{"ftp", "ftp://spam.example.com/", false, ErrInvalidURL},
		{"file", "file:///etc/passwd", false, ErrInvalidURL},
		{"gopher", "gopher://127.0.0.1:6379/_", false, ErrInvalidURL},
		{"javascript", "javascript:alert(1)", false, ErrInvalidURL},
		{"opaque", "https:spam.example.com", false, ErrInvalidURL},
		{"no host", "https:///check", false, ErrInvalidURL},
		{"port only", "https://:443/check", false, ErrInvalidURL},
		{"user info", "https://user:pass@spam.example.com/", false, ErrInvalidURL},
		{"user only", "https://user@spam.example.com/", false, ErrInvalidURL},
		{"user info allowed private", "https://user@127.0.0.1/", true, ErrInvalidURL},
		{"port zero", "https://spam.example.com:0/", false, ErrInvalidURL},
		{"port too big", "https://spam.example.com:65536/", false, ErrInvalidURL},
		{"port not a number", "https://spam.example.com:https/", false, ErrInvalidURL},
		{"control character", "https://spam.example.com/\n", false, ErrInvalidURL},
		{"too long", "https://spam.example.com/" + strings.Repeat("a", MaxURLLen), false, ErrInvalidURL},
		{"decimal IPv4", "http://2130706433/", false, ErrInvalidURL},
		{"short IPv4", "http://127.1/", false, ErrInvalidURL},
		{"hex IPv4", "http://0x7f000001/", false, ErrInvalidURL},
		{"octal IPv4", "http://0177.0.0.1/", false, ErrInvalidURL},
		{"leading zero IPv4", "http://127.000.000.001/", false, ErrInvalidURL},
		{"numeric last label", "http://example.123/", false, ErrInvalidURL},
		{"numeric host allowed private", "http://127.1/", true, ErrInvalidURL},

		{"loopback", "http://127.0.0.1:8080/", false, ErrForbiddenAddress},
		{"metadata", "http://169.254.169.254/latest/meta-data/", false, ErrForbiddenAddress},
		{"private", "https://10.1.2.3/", false, ErrForbiddenAddress},
		{"unspecified", "http://0.0.0.0:8080/", false, ErrForbiddenAddress},
		{"IPv6 loopback", "http://[::1]/", false, ErrForbiddenAddress},
		{"IPv6 mapped", "http://[::ffff:127.0.0.1]/", false, ErrForbiddenAddress},
		{"IPv6 zone", "http://[fe80::1%25eth0]/", false, ErrForbiddenAddress},
		{"ULA", "http://[fd00::1]/", false, ErrForbiddenAddress},
		{"localhost", "http://localhost:8080/", false, ErrForbiddenAddress},
		{"localhost upper case", "http://LocalHost/", false, ErrForbiddenAddress},
		{"localhost trailing dot", "http://localhost./", false, ErrForbiddenAddress},
		{"under localhost", "http://app.localhost/", false, ErrForbiddenAddress},

		{"loopback allowed private", "http://127.0.0.1:8080/", true, nil},
		{"localhost allowed private", "http://localhost:8080/", true, nil},
		{"IPv6 loopback allowed private", "http://[::1]:8080/", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckURL(tt.url, tt.allowPrivate)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("CheckURL(%q) = %v, want nil", tt.url, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("CheckURL(%q) = %v, want %v", tt.url, err, tt.want)
			}
		})
	}
}
