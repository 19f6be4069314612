package live

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

func openStore(t *testing.T) storage.Store {
	t.Helper()
	s, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.CreateSite(context.Background(), storage.Site{ID: "blog", Settings: storage.DefaultSiteSettings()}); err != nil {
		t.Fatal(err)
	}
	return s
}

func comment(page string, st storage.Status) storage.Comment {
	return storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: "blog", PageKey: page, Status: st,
		Markdown: "hi", HTML: "<p>hi</p>", Created: time.Now()}
}

func next(t *testing.T, c <-chan *Event) Event {
	t.Helper()
	select {
	case e, ok := <-c:
		if !ok {
			t.Fatal("channel closed")
		}
		return *e
	case <-time.After(2 * time.Second):
		t.Fatal("no event")
	}
	return Event{}
}

func TestWatchPublishesEveryCommentWrite(t *testing.T) {
	ctx := context.Background()
	bus := NewMemory()
	sub := bus.Subscribe(16)
	defer sub.Close()
	store := Watch(openStore(t), bus)

	c := comment("p1", storage.StatusPending)
	if err := store.CreateComment(ctx, c, storage.Page{SiteID: "blog", Key: "p1"}); err != nil {
		t.Fatal(err)
	}
	e := next(t, sub.C)
	if e.Kind != Created || e.Comment.ID != c.ID || e.Version == 0 || e.Public() {
		t.Fatalf("create: %+v", e)
	}
	first := e.Version

	if _, err := store.UpdateComment(ctx, "blog", c.ID, func(cm *storage.Comment) error {
		cm.Status, cm.HTML = storage.StatusApproved, "<p>edited</p>"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	e = next(t, sub.C)
	if e.Kind != Changed || e.Before != storage.StatusPending || !e.BodyEdited || !e.Public() || e.Version <= first {
		t.Fatalf("update: %+v", e)
	}

	if _, err := store.SetVote(ctx, storage.Vote{SiteID: "blog", CommentID: c.ID, VoterHash: "v1", Value: 1}); err != nil {
		t.Fatal(err)
	}
	if e = next(t, sub.C); e.Kind != Scored || e.Comment.Score != 1 {
		t.Fatalf("vote: %+v", e)
	}

	// A failed write publishes nothing.
	if err := store.CreateComment(ctx, c, storage.Page{SiteID: "blog", Key: "p1"}); err == nil {
		t.Fatal("duplicate id accepted")
	}
	select {
	case e := <-sub.C:
		t.Fatalf("event for a failed write: %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestWatchPublishesImportsAsReloaded(t *testing.T) {
	ctx := context.Background()
	bus := NewMemory()
	sub := bus.Subscribe(16)
	defer sub.Close()
	store := Watch(openStore(t), bus)
	page := storage.Page{SiteID: "blog", Key: "p1"}
	a, b := comment("p1", storage.StatusApproved), comment("p1", storage.StatusApproved)
	if _, err := store.ImportComments(ctx, page, []storage.Comment{a, b}, nil); err != nil {
		t.Fatal(err)
	}
	e := next(t, sub.C)
	if e.Kind != Reloaded || e.Comment.PageKey != "p1" || e.Comment.ID != "" || e.Version == 0 {
		t.Fatalf("import: %+v, want one Reloaded event for the page", e)
	}
	if err := store.PurgeComments(ctx, "blog", "p1", []string{a.ID}); err != nil {
		t.Fatal(err)
	}
	if e = next(t, sub.C); e.Kind != Reloaded || e.Version <= 1 {
		t.Fatalf("purge: %+v", e)
	}
	select {
	case e := <-sub.C:
		t.Fatalf("an import published more than one event per page: %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
}

func event(page string, v int64) Event {
	c := comment(page, storage.StatusApproved)
	return Event{Kind: Created, Version: v, Comment: c}
}

func TestHubRoutesByPageAndSite(t *testing.T) {
	bus := NewMemory()
	h := NewHub(bus, HubOptions{})
	defer h.Close()
	p1, _, _ := h.Open("blog", "p1", 0)
	site, _, _ := h.Open("blog", "", 0)
	other, _, _ := h.Open("other", "p1", 0)

	bus.Publish(event("p2", 1))
	bus.Publish(event("p1", 1))
	if e := next(t, p1.C); e.Comment.PageKey != "p1" {
		t.Fatalf("page stream got %q", e.Comment.PageKey)
	}
	if a, b := next(t, site.C), next(t, site.C); a.Comment.PageKey != "p2" || b.Comment.PageKey != "p1" {
		t.Fatalf("site stream got %q, %q", a.Comment.PageKey, b.Comment.PageKey)
	}
	select {
	case e := <-other.C:
		t.Fatalf("another site's stream got %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
	if h.Streams() != 3 {
		t.Fatalf("%d streams", h.Streams())
	}
	p1.Close()
	if h.Streams() != 2 {
		t.Fatalf("%d streams after a close", h.Streams())
	}
}

// waitHistory waits until the hub has taken in n events of page.
func waitHistory(t *testing.T, h *Hub, page string, n int) {
	t.Helper()
	for i := 0; i < 200; i++ {
		h.mu.Lock()
		hist := h.pages[pageID{"blog", page}]
		got := hist != nil && len(hist.events) >= n
		h.mu.Unlock()
		if got {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("history of %s never reached %d events", page, n)
}

func TestHubReplaysWhatAReconnectMissed(t *testing.T) {
	bus := NewMemory()
	h := NewHub(bus, HubOptions{Keep: 3})
	defer h.Close()
	for v := int64(10); v <= 14; v++ {
		bus.Publish(event("p1", v))
	}
	waitHistory(t, h, "p1", 3)

	_, replay, ok := h.Open("blog", "p1", 12)
	if !ok || len(replay) != 2 || replay[0].Version != 13 || replay[1].Version != 14 {
		t.Fatalf("since 12: ok=%v %d events", ok, len(replay))
	}
	if _, replay, ok := h.Open("blog", "p1", 14); !ok || len(replay) != 0 {
		t.Fatalf("up to date: ok=%v %d events", ok, len(replay))
	}
	// Versions 10 and 11 fell out of the history: the hub cannot say what
	// came after 10.
	if _, _, ok := h.Open("blog", "p1", 10); ok {
		t.Fatal("replay claimed from beyond the history")
	}
	if _, _, ok := h.Open("blog", "unknown", 3); ok {
		t.Fatal("replay claimed for a page without history")
	}
	// An event without a version forgets the page's history.
	bus.Publish(event("p1", 0))
	for i := 0; ; i++ {
		if _, _, ok := h.Open("blog", "p1", 14); !ok {
			break
		}
		if i > 200 {
			t.Fatal("history kept after an event without version")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHubEndsSlowAndClosedStreams(t *testing.T) {
	bus := NewMemory()
	h := NewHub(bus, HubOptions{Buffer: 2})
	slow, _, _ := h.Open("blog", "p1", 0)
	for v := int64(1); v <= 5; v++ {
		bus.Publish(event("p1", v))
	}
	for i := 0; !slow.Lagged(); i++ {
		if i > 200 {
			t.Fatal("a stream that reads nothing was never ended")
		}
		time.Sleep(5 * time.Millisecond)
	}
	n := 0
	for range slow.C {
		n++
	}
	if n != 2 {
		t.Fatalf("slow stream: lagged=%v after %d events", slow.Lagged(), n)
	}

	s, _, _ := h.Open("blog", "p1", 0)
	h.Close()
	if _, open := <-s.C; open || s.Lagged() {
		t.Fatal("stream still open after Hub.Close")
	}
	if s, _, _ := h.Open("blog", "p1", 0); s != nil {
		t.Fatal("Open after Close")
	}
}
