package server

import (
	"testing"

	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/storage"
)

func TestHasBlockedWord(t *testing.T) {
	words := []string{"casino", "Cheap Pills", "  ", "ß"}
	tests := []struct {
		body, name string
		want       bool
	}{
		{"Visit my CASINO today", "", true},
		{"cheap pills here", "", true},
		{"casinos are different words", "", false},
		{"occasino", "", false},
		{"nothing to see", "casino_fan", false},
		{"nothing to see", "the casino guy", true},
		{"straße", "", false},
		{"ß.", "", true},
		{"", "", false},
	}
	for _, tt := range tests {
		d := posting.Draft{Markdown: tt.body, Author: storage.Author{Name: tt.name}}
		if got := hasBlockedWord(words, d); got != tt.want {
			t.Errorf("body %q name %q: %v, want %v", tt.body, tt.name, got, tt.want)
		}
	}
	if hasBlockedWord(nil, posting.Draft{Markdown: "casino"}) {
		t.Error("no list blocks nothing")
	}
}

func TestBlockedWordHoldsForModeration(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.BlockedWords = []string{"casino"} })
	held := e.post("", comment("p", "Best casino bonus"))
	if held.Comment.Status != storage.StatusPending {
		t.Errorf("status = %q, want pending", held.Comment.Status)
	}
	if ok := e.post("", comment("p", "A fine comment")); ok.Comment.Status != storage.StatusApproved {
		t.Errorf("clean comment status = %q", ok.Comment.Status)
	}
	if th := e.list("", "page=p"); th.Total != 1 {
		t.Errorf("%d visible, want only the clean one", th.Total)
	}
}
