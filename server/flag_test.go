package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-dev/parley/storage"
)

func TestFlag(t *testing.T) {
	e := newEnv(t)
	author := e.post("", comment("p", "flag me"))
	path := "/api/v1/sites/blog/comments/" + author.Comment.ID + "/flag"
	flagger := e.post("", comment("p", "I flag")).ReaderToken

	r := e.do(req{method: "POST", path: path, body: map[string]any{"reason": "spam", "note": "buy now links"}, token: flagger, origin: testOrigin})
	if r.status != http.StatusAccepted {
		t.Fatalf("flag: %d %s", r.status, r.body)
	}
	if r.header.Get("Access-Control-Allow-Origin") != testOrigin {
		t.Errorf("CORS header = %q", r.header.Get("Access-Control-Allow-Origin"))
	}
	r = e.do(req{method: "POST", path: path, body: map[string]any{"reason": "abuse"}, token: flagger, origin: testOrigin})
	if r.status != http.StatusConflict || r.apiErr(t).Code != "already_flagged" {
		t.Errorf("second flag: %d %s", r.status, r.body)
	}
	// A reader without a token, elsewhere, gets one with their flag.
	r = e.do(req{method: "POST", path: path, body: map[string]any{"reason": "off-topic"}, origin: testOrigin, from: "198.51.100.7"})
	var a flagAnswer
	r.decode(t, &a)
	if r.status != http.StatusAccepted || a.ReaderToken == "" {
		t.Errorf("anonymous flag: %d %s", r.status, r.body)
	}
	flagged, err := e.store.FlaggedComments(context.Background(), "blog")
	if err != nil || len(flagged) != 1 || len(flagged[0].Flags) != 2 || flagged[0].Flags[0].Note+flagged[0].Flags[1].Note != "buy now links" {
		t.Errorf("FlaggedComments = %+v, %v", flagged, err)
	}

	for name, tc := range map[string]struct {
		path   string
		body   map[string]any
		origin string
		status int
		code   string
	}{
		"bad reason":    {path, map[string]any{"reason": "boring"}, testOrigin, 422, "invalid"},
		"long note":     {path, map[string]any{"reason": "other", "note": strings.Repeat("x", 501)}, testOrigin, 422, "too_long"},
		"control chars": {path, map[string]any{"reason": "other", "note": "a\x07b"}, testOrigin, 422, "invalid"},
		"unknown field": {path, map[string]any{"reason": "other", "status": "spam"}, testOrigin, 400, "unknown_field"},
		"no comment":    {"/api/v1/sites/blog/comments/01a2b3c4-0000-7000-8000-000000000000/flag", map[string]any{"reason": "spam"}, testOrigin, 404, "not_found"},
		"other origin":  {path, map[string]any{"reason": "spam"}, "https://evil.example", 403, "forbidden_origin"},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do(req{method: "POST", path: tc.path, body: tc.body, origin: tc.origin})
			if r.status != tc.status || r.apiErr(t).Code != tc.code {
				t.Errorf("%d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
		})
	}
}

// A pending comment cannot be flagged by others: it is not visible to them.
func TestFlagHiddenComment(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.Moderation = storage.ModerateAll })
	held := e.post("", comment("p", "held"))
	r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments/" + held.Comment.ID + "/flag", body: map[string]any{"reason": "spam"}, origin: testOrigin})
	if r.status != http.StatusNotFound {
		t.Errorf("flag of a pending comment: %d %s", r.status, r.body)
	}
}
