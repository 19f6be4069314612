package render

import "testing"

func TestText(t *testing.T) {
	r := New()
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs and breaks", "one\ntwo\n\nthree", "one\ntwo\n\nthree"},
		{"inline markup", "a *b* **c** `d` ~~e~~", "a b c d e"},
		{"entities decoded", "a < b & \"c\"", "a < b & \"c\""},
		{"raw html as typed", "<b>x</b>", "<b>x</b>"},
		{"list", "intro\n\n- a\n- b\n\nend", "intro\n\na\nb\n\nend"},
		{"heading and quote", "# Title\n\n> said", "Title\n\nsaid"},
		{"link text only", "[site](https://e.com) ok", "site ok"},
		{"image alt", "![a cat](https://e.com/c.png)", "a cat"},
		{"code block lines", "```\nx\ny\n```", "x\ny"},
		{"spaces collapse", "a   b", "a b"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := r.Render(tt.in, allOpts)
			if got := Text(body); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", body, got, tt.want)
			}
		})
	}
}
