package moderation

import "strings"

// holdLabels name the moderation pipeline's hold reasons for moderators.
var holdLabels = map[string]string{
	"links":             "Many links",
	"suspect_word":      "Suspect word",
	"duplicate":         "Same text posted elsewhere",
	"honeypot":          "Hidden form field filled in (a robot)",
	"too_fast":          "Sent too fast for a person",
	"no_form_token":     "Not sent from the comment form",
	"check_hold":        "Held by your spam check",
	"check_unavailable": "Your spam check gave no answer",
	"first_comment":     "The reader's first comment",
	"moderation":        "The site reviews every comment",
}

// HoldText is a stored hold reason ("code" or "code: detail", as
// Comment.HoldReasons keeps them) in words for moderators. A detail that
// only says the label again, as the moderation modes' do, is left out.
func HoldText(r string) string {
	code, detail, _ := strings.Cut(r, ": ")
	label, ok := holdLabels[code]
	if !ok {
		label = code
	}
	if detail != "" && !strings.HasPrefix(strings.ToLower(detail), strings.ToLower(label)) {
		return label + " (" + detail + ")"
	}
	return label
}
