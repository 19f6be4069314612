package webhook

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/parley-dev/parley/storage"
)

// Event types.
const (
	TypeCreated  = "comment.created"
	TypeApproved = "comment.approved"
	TypeEdited   = "comment.edited"
	TypeDeleted  = "comment.deleted"
)

// validType reports whether typ is one of the event types.
func validType(typ string) bool {
	switch typ {
	case TypeCreated, TypeApproved, TypeEdited, TypeDeleted:
		return true
	}
	return false
}

// Event is the JSON body of a webhook call.
type Event struct {
	ID      string    `json:"id"`
	Type    string    `json:"type"`
	Created time.Time `json:"created"` // when the event happened, UTC
	Site    string    `json:"site"`
	Page    Page      `json:"page"`
	Comment Comment   `json:"comment"`
}

// Page is the page of an event's comment.
type Page struct {
	Key   string `json:"key"`
	URL   string `json:"url"`
	Title string `json:"title"`
}

// Comment is an event's comment, as the public thread shows it.
type Comment struct {
	ID       string         `json:"id"`
	Parent   string         `json:"parent"` // "" for a top-level comment
	Author   Author         `json:"author"`
	HTML     string         `json:"html"`
	Markdown string         `json:"markdown"`
	Status   storage.Status `json:"status"`
	Created  time.Time      `json:"created"`
	Edited   time.Time      `json:"edited,omitzero"`
	Score    int            `json:"score"`
}

// Author is who wrote an event's comment: the public fields only, no
// e-mail address.
type Author struct {
	Name        string        `json:"name"`
	Affiliation string        `json:"affiliation"`
	Website     string        `json:"website"`
	Badge       storage.Badge `json:"badge"`
}

// Body returns the JSON body of the event typ (one of the Type constants)
// with id eventID that happened at at, about comment c on page of site.
// The id should be unique per event and stable, so that a receiver can drop
// a repeat. The comment is taken as given: for TypeDeleted pass what the
// receiver should see.
func Body(typ string, eventID string, at time.Time, site storage.Site, page storage.Page, c storage.Comment) ([]byte, error) {
	if !validType(typ) {
		return nil, fmt.Errorf("webhook: unknown event type %q", typ)
	}
	if eventID == "" {
		return nil, fmt.Errorf("webhook: event without an id")
	}
	e := Event{
		ID: eventID, Type: typ, Created: at.UTC(), Site: site.ID,
		Page: Page{Key: page.Key, URL: page.URL, Title: page.Title},
		Comment: Comment{
			ID: c.ID, Parent: c.ParentID,
			Author: Author{Name: c.Author.Name, Affiliation: c.Author.Affiliation,
				Website: c.Author.Website, Badge: c.Author.Badge},
			HTML: c.HTML, Markdown: c.Markdown, Status: c.Status,
			Created: c.Created.UTC(), Edited: c.Edited.UTC(), Score: c.Score,
		},
	}
	return json.Marshal(e)
}
