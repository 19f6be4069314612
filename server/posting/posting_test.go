package posting

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

func TestCommentIDCarriesCreationTime(t *testing.T) {
	past := time.Date(2019, 3, 4, 5, 6, 7, 8_000_000, time.UTC)
	a, err := CommentID(past)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CommentID(past.Add(time.Millisecond))
	id := uuid.MustParse(a)
	sec, nsec := id.Time().UnixTime()
	if id.Version() != 7 || id.Variant() != uuid.RFC4122 || !time.Unix(sec, nsec).Equal(past) {
		t.Errorf("id %s: version %d, time %v", a, id.Version(), time.Unix(sec, nsec).UTC())
	}
	if a >= b {
		t.Errorf("ids not in time order: %s >= %s", a, b)
	}
}

func TestOnlyRenderedBodiesAreStored(t *testing.T) {
	p := New(nil, nil) // the store is never reached
	site := storage.Site{ID: "s", Settings: storage.DefaultSiteSettings()}
	if _, err := p.Add(context.Background(), site, Draft{Page: storage.Page{Key: "p"}}); !errors.Is(err, errNoBody) {
		t.Errorf("Add of a body not made by Render: %v, want errNoBody", err)
	}
	if _, err := p.Edit(context.Background(), site, "id", Body{}, nil); !errors.Is(err, errNoBody) {
		t.Errorf("Edit with a body not made by Render: %v, want errNoBody", err)
	}
	b := p.Render(site, "<b>hi</b> *there*")
	if b.Markdown() != "<b>hi</b> *there*" || b.HTML() != "<p>&lt;b&gt;hi&lt;/b&gt; <em>there</em></p>\n" {
		t.Errorf("Render = %q, %q", b.Markdown(), b.HTML())
	}
}
