package importer

import (
	"fmt"
	"strings"
)

// Rule rewrites the start of an imported page's URL: a blog that moved
// from From (an old domain or path prefix, "https://old.example/blog/")
// to To ("https://new.example/posts/") keeps its threads on the new
// pages. A From of "/" turns the bare paths some exports keep (Isso's)
// into full URLs.
type Rule struct {
	From, To string
}

// ParseRule reads a rule written OLD=NEW.
func ParseRule(s string) (Rule, error) {
	from, to, ok := strings.Cut(s, "=")
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if !ok || from == "" || to == "" {
		return Rule{}, fmt.Errorf("URL rule %q: write it OLD=NEW, e.g. https://old.example/=https://new.example/", s)
	}
	return Rule{From: from, To: to}, nil
}

// remap applies the first rule whose From starts u.
func remap(rules []Rule, u string) string {
	for _, r := range rules {
		if strings.HasPrefix(u, r.From) {
			return r.To + u[len(r.From):]
		}
	}
	return u
}
