package moderation

import "testing"

func TestHoldTextSaysEachThingOnce(t *testing.T) {
	for reason, want := range map[string]string{
		"links: 3 links (more than 2)":                          "Many links (3 links (more than 2))",
		"moderation: the site reviews every comment and edit":   "The site reviews every comment",
		"first_comment: the reader's first comment on the site": "The reader's first comment",
		"suspect_word":  "Suspect word",
		"a_new_code: x": "a_new_code (x)",
	} {
		if got := HoldText(reason); got != want {
			t.Errorf("HoldText(%q) = %q, want %q", reason, got, want)
		}
	}
}
