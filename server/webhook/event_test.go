package webhook

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// keys returns the sorted keys of a JSON object.
func keys(t *testing.T, v any) []string {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%v is not a JSON object", v)
	}
	return slices.Sorted(maps.Keys(obj))
}

func TestBodyShape(t *testing.T) {
	body, err := Body(TypeCreated, "evt-1", testNow, storage.Site{ID: "blog", SigningSecret: testSecret}, testPage, testComment())
	if err != nil {
		t.Fatalf("Body: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	comment := doc["comment"].(map[string]any)
	for _, tt := range []struct {
		name string
		obj  any
		want []string
	}{
		{"event", doc, []string{"comment", "created", "id", "page", "site", "type"}},
		{"page", doc["page"], []string{"key", "title", "url"}},
		{"comment", comment, []string{"author", "created", "html", "id", "markdown", "parent", "score", "status"}},
		{"author", comment["author"], []string{"affiliation", "badge", "name", "website"}},
	} {
		if got := keys(t, tt.obj); !slices.Equal(got, tt.want) {
			t.Errorf("%s keys = %v, want %v", tt.name, got, tt.want)
		}
	}

	var e Event
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatal(err)
	}
	c := testComment()
	want := Event{ID: "evt-1", Type: TypeCreated, Created: testNow, Site: "blog",
		Page: Page{Key: testPage.Key, URL: testPage.URL, Title: testPage.Title},
		Comment: Comment{ID: c.ID, Parent: "c1", Author: Author{Name: "Alice", Affiliation: "ACME", Website: "https://alice.example", Badge: storage.BadgeModerator},
			HTML: c.HTML, Markdown: c.Markdown, Status: storage.StatusApproved, Created: c.Created, Score: 3}}
	if !e.Created.Equal(want.Created) || !e.Comment.Created.Equal(want.Comment.Created) {
		t.Errorf("times = %v, %v", e.Created, e.Comment.Created)
	}
	e.Created, e.Comment.Created = want.Created, want.Comment.Created
	if e != want {
		t.Errorf("event = %+v\nwant    %+v", e, want)
	}
	if got := doc["created"]; got != "2025-03-04T05:06:07Z" {
		t.Errorf("created = %v, want RFC 3339 in UTC", got)
	}
}

func TestBodyLeavesOutPrivateFields(t *testing.T) {
	body, err := Body(TypeEdited, "evt-2", testNow, storage.Site{ID: "blog", SigningSecret: testSecret}, testPage, testComment())
	if err != nil {
		t.Fatalf("Body: %v", err)
	}
	for _, private := range []string{testEmail, "alice.author", testReader, testIP, testSecret, "fp-1"} {
		if strings.Contains(string(body), private) {
			t.Errorf("body holds %q: %s", private, body)
		}
	}
}

func TestBodyEdited(t *testing.T) {
	c := testComment()
	c.Edited = time.Date(2025, 3, 4, 6, 0, 0, 0, time.FixedZone("CET", 3600))
	body, err := Body(TypeEdited, "evt-3", testNow, storage.Site{ID: "blog"}, testPage, c)
	if err != nil {
		t.Fatalf("Body: %v", err)
	}
	if !strings.Contains(string(body), `"edited":"2025-03-04T05:00:00Z"`) {
		t.Errorf("body lacks the edit time in UTC: %s", body)
	}
}

func TestBodyRefuses(t *testing.T) {
	for _, tt := range []struct{ name, typ, id string }{
		{"unknown type", "comment.voted", "evt-1"},
		{"empty type", "", "evt-1"},
		{"no id", TypeDeleted, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Body(tt.typ, tt.id, testNow, storage.Site{ID: "blog"}, testPage, testComment()); err == nil {
				t.Error("Body succeeded, want an error")
			}
		})
	}
	for _, typ := range []string{TypeCreated, TypeApproved, TypeEdited, TypeDeleted} {
		if _, err := Body(typ, "evt-1", testNow, storage.Site{ID: "blog"}, testPage, testComment()); err != nil {
			t.Errorf("Body(%s): %v", typ, err)
		}
	}
}
