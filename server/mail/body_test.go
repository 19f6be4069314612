package mail

import (
	"strings"
	"testing"
)

func TestBodyHTMLDropsImages(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p>no images</p>`, `<p>no images</p>`},
		{`<p>a <img src="https://t.example/p.gif" alt="cat &amp; dog"> b</p>`, `<p>a cat &amp; dog b</p>`},
		{`<p><a href="https://e.example/"><IMG SRC="https://t.example/x.png" alt="<x>"/></a></p>`,
			`<p><a href="https://e.example/">&lt;x&gt;</a></p>`},
		{`<p><img src="https://t.example/1x1.gif"></p>`, `<p></p>`},
	}
	for _, tt := range tests {
		got := string(bodyHTML(tt.in))
		if got != tt.want {
			t.Errorf("bodyHTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(strings.ToLower(got), "t.example") {
			t.Errorf("an image URL survived: %q", got)
		}
	}
}

func TestBodyOrTextEscapesPlainText(t *testing.T) {
	got := string(bodyOrText("", "a <b>\nline two"))
	if want := "a &lt;b&gt;<br>\nline two"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
