package live

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// wire is an in-process Transport shared by several nodes: what any node
// sends, every listener gets, in order.
type wire struct {
	mu        sync.Mutex
	listeners []func([]byte)
	gaps      []func()
	sent      [][]byte
}

type node struct{ w *wire }

func (n node) Send(_ context.Context, b []byte) error {
	n.w.mu.Lock()
	defer n.w.mu.Unlock()
	n.w.sent = append(n.w.sent, b)
	for _, l := range n.w.listeners {
		l(b)
	}
	return nil
}

func (n node) Listen(ctx context.Context, deliver func([]byte), gap func()) error {
	n.w.mu.Lock()
	n.w.listeners = append(n.w.listeners, deliver)
	n.w.gaps = append(n.w.gaps, gap)
	n.w.mu.Unlock()
	<-ctx.Done()
	return ctx.Err()
}

// dropConnection makes every node notice a lost connection.
func (w *wire) dropConnection() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, g := range w.gaps {
		g()
	}
}

func (w *wire) listening(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		w.mu.Lock()
		got := len(w.listeners)
		w.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d nodes listening", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSharedBusReachesEveryNode(t *testing.T) {
	ctx := context.Background()
	store := openStore(t) // the database both nodes share
	w := &wire{}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, b := NewShared(node{w}, store, quiet), NewShared(node{w}, store, quiet)
	defer a.Close()
	defer b.Close()
	w.listening(t, 2)
	subA, subB := a.Subscribe(8), b.Subscribe(8)
	defer subA.Close()
	defer subB.Close()

	writesOnA := Watch(store, a)
	c := comment("p1", storage.StatusApproved)
	c.HTML = "<p>" + strings.Repeat("a comment far larger than a note would carry ", 20) + "</p>"
	if err := writesOnA.CreateComment(ctx, c, storage.Page{SiteID: "blog", Key: "p1"}); err != nil {
		t.Fatal(err)
	}
	onA, onB := next(t, subA.C), next(t, subB.C)
	if onA.Kind != Created || onA.Comment.ID != c.ID {
		t.Errorf("node A got %+v", onA)
	}
	if onB.Kind != Created || onB.Comment.ID != c.ID || onB.Comment.HTML != c.HTML || onB.Version != onA.Version || onB.Version == 0 {
		t.Errorf("node B got %+v, want the comment read from the store at A's version %d", onB, onA.Version)
	}
	select {
	case e := <-subA.C:
		t.Errorf("node A got its own event twice: %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
	w.mu.Lock()
	sent := w.sent[0]
	w.mu.Unlock()
	if len(sent) > 200 {
		t.Errorf("the note is %d bytes: it should carry a reference, not the comment", len(sent))
	}

	if _, err := writesOnA.ImportComments(ctx, storage.Page{SiteID: "blog", Key: "p2"}, []storage.Comment{comment("p2", storage.StatusApproved)}, nil); err != nil {
		t.Fatal(err)
	}
	next(t, subA.C)
	if e := next(t, subB.C); e.Kind != Reloaded || e.Comment.PageKey != "p2" {
		t.Errorf("node B got %+v for an import, want Reloaded", e)
	}

	// A lost connection: node B's readers must reload, since notes sent
	// meanwhile are gone.
	hub := NewHub(b, HubOptions{})
	defer hub.Close()
	st, _, _ := hub.Open("blog", "p1", 0)
	w.dropConnection()
	select {
	case e, ok := <-st.C:
		if !ok || e.Kind != Missed {
			t.Errorf("stream on B after a lost connection: %+v %v, want a Missed event", e, ok)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no event on B's stream after a lost connection")
	}
}

func TestHubForgetsItsHistoryWhenEventsWereMissed(t *testing.T) {
	bus := NewMemory()
	h := NewHub(bus, HubOptions{})
	defer h.Close()
	bus.Publish(event("p", 1))
	bus.Publish(event("p", 2))
	deadline := time.Now().Add(2 * time.Second)
	for {
		st, replay, ok := h.Open("blog", "p", 1)
		st.Close()
		if ok && len(replay) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the hub did not keep the page's events")
		}
		time.Sleep(5 * time.Millisecond)
	}
	bus.Publish(Event{Kind: Missed})
	for {
		st, _, ok := h.Open("blog", "p", 1)
		st.Close()
		if !ok {
			return // it no longer claims to know what happened since 1
		}
		if time.Now().After(deadline) {
			t.Fatal("after missed events the hub still replays its history")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
