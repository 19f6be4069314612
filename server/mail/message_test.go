package mail

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestOneLine(t *testing.T) {
	tests := map[string]string{
		"plain":                        "plain",
		"  a \t b  ":                   "a b",
		"T\r\nBcc: evil@example.com":   "T Bcc: evil@example.com",
		"a\nb\rc\x00d\x1be\u0085f":     "a b c d e f",
		"a\u2028b\u2029c":              "a b c",
		"gnp.exe\u202eevil":            "gnp.exeevil",
		"\u2066x\u2069":                "x",
		"no\u00a0break and 全角\u3000空白": "no\u00a0break and 全角\u3000空白",
		"bad \xff byte":                "bad byte",
	}
	for in, want := range tests {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMultiLine(t *testing.T) {
	if got, want := multiLine(" a\r\nb\rc\x07\td\u202e "), "a\nb\nc\td"; got != want {
		t.Errorf("multiLine = %q, want %q", got, want)
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("short", 10); got != "short" {
		t.Errorf("got %q", got)
	}
	if got := truncate("日本語のタイトルです", 5); got != "日本語の…" {
		t.Errorf("got %q", got)
	}
}

func TestMessageID(t *testing.T) {
	if got := messageID("reply.c1-r2_x+y=z", "example.com"); got != "reply.c1-r2_x+y=z@example.com" {
		t.Errorf("safe id changed: %q", got)
	}
	a := messageID("reply:c1/r2 <x>\r\nBcc: y", "example.com")
	if a != messageID("reply:c1/r2 <x>\r\nBcc: y", "example.com") {
		t.Error("hashed id is not stable")
	}
	if strings.ContainsAny(strings.TrimSuffix(a, "@example.com"), ":/<> \r\n@") || !strings.HasSuffix(a, "@example.com") {
		t.Errorf("unsafe id kept: %q", a)
	}
	if a == messageID("reply:c1/r3", "example.com") {
		t.Error("different ids share a Message-ID")
	}
	for _, id := range []string{".a", "a.", "a..b", strings.Repeat("x", 101)} {
		if got := messageID(id, "d"); strings.HasPrefix(got, id+"@") {
			t.Errorf("messageID(%q) kept it: %q", id, got)
		}
	}
	if r1, r2 := messageID("", "d"), messageID("", "d"); r1 == r2 || !strings.HasSuffix(r1, "@d") {
		t.Errorf("random ids %q, %q", r1, r2)
	}
}

func TestMessageJSONRoundTrip(t *testing.T) {
	m := Reply("de", ReplyData{To: "r@example.com", SiteName: "S", PageTitle: "P",
		PageURL: "https://b.example/p", ReplierName: "A", ReplyText: "hi",
		UnsubscribeURL: "https://c.example/u", ID: "x1"})
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Message
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back != m {
		t.Errorf("round trip changed the message:\n%+v\n%+v", m, back)
	}
	for _, key := range []string{`"to"`, `"subject"`, `"text"`, `"html"`, `"list_unsubscribe"`, `"id"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s: %s", key, b)
		}
	}
}
