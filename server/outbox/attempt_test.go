package outbox

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	if got := clip("dial tcp:\n  connection refused "); got != "dial tcp: connection refused" {
		t.Errorf("clip = %q", got)
	}
	long := strings.Repeat("é", MaxErrorLen)
	got := clip(long)
	if len(got) > MaxErrorLen || !strings.HasSuffix(got, "...") || !strings.HasPrefix(got, "éé") {
		t.Errorf("clip(long) = %q (%d bytes)", got, len(got))
	}
	if !utf8.ValidString(got) {
		t.Errorf("clip cut a character: %q", got)
	}
}
