package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/parley-dev/parley/storage"
)

// Transport carries small notes between the nodes that share one
// database; storage/pgstore implements it with LISTEN/NOTIFY.
type Transport interface {
	// Send sends payload (at most MaxNote bytes) to every listening node,
	// this one included.
	Send(ctx context.Context, payload []byte) error
	// Listen calls deliver with every payload sent by any node, in the
	// order sent, until ctx ends. It calls gap whenever it (re)connects
	// after losing its connection: payloads sent meanwhile are lost.
	Listen(ctx context.Context, deliver func([]byte), gap func()) error
}

// MaxNote is the largest payload a Transport must carry (PostgreSQL's
// NOTIFY takes up to 8,000 bytes).
const MaxNote = 7900

// Comments is what a Shared bus reads of the store.
type Comments interface {
	Comment(ctx context.Context, siteID, id string) (storage.Comment, error)
}

// Shared is the Bus of several nodes over one database: what one node
// publishes reaches the subscribers of every node. It sends only a note
// of each event (kind, version, site, page, comment id); the other nodes
// read the comment from the shared store, so notes stay small whatever
// the comment's size. A node that lost notes (its connection dropped)
// publishes a Missed event to its own subscribers.
type Shared struct {
	*Memory
	node   string
	t      Transport
	store  Comments
	log    *slog.Logger
	out    chan []byte
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// note is what travels between nodes.
type note struct {
	Node       string         `json:"n"`
	Kind       Kind           `json:"k"`
	Version    int64          `json:"v"`
	Site       string         `json:"s"`
	Page       string         `json:"p"`
	ID         string         `json:"i,omitempty"`
	Before     storage.Status `json:"b,omitempty"`
	BodyEdited bool           `json:"e,omitempty"`
}

// noteOf is the note of e sent by node; false when it does not fit.
func noteOf(node string, e Event) ([]byte, bool) {
	b, err := json.Marshal(note{Node: node, Kind: e.Kind, Version: e.Version, Site: e.Comment.SiteID,
		Page: e.Comment.PageKey, ID: e.Comment.ID, Before: e.Before, BodyEdited: e.BodyEdited})
	return b, err == nil && len(b) <= MaxNote
}

// Announcer is the Bus of a process that writes but serves no readers
// (parley import on a shared database): Publish sends each event's note
// to the nodes before it returns. Nothing subscribes to it in practice;
// Subscribe works as on Memory.
type Announcer struct {
	*Memory
	t   Transport
	log *slog.Logger
}

// NewAnnouncer returns an Announcer over t.
func NewAnnouncer(t Transport, log *slog.Logger) *Announcer {
	return &Announcer{Memory: NewMemory(), t: t, log: log}
}

// Publish implements Bus: e goes to the nodes at once.
func (a *Announcer) Publish(e Event) {
	a.Memory.Publish(e)
	b, ok := noteOf("", e)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.t.Send(ctx, b); err != nil {
		a.log.Warn("live: the running nodes were not told of a change; their readers catch up on reload", slog.Any("err", err))
	}
}

// NewShared starts a Shared bus over t, reading comments from store.
// Close stops it.
func NewShared(t Transport, store Comments, log *slog.Logger) *Shared {
	var id [8]byte
	rand.Read(id[:])
	ctx, cancel := context.WithCancel(context.Background())
	s := &Shared{Memory: NewMemory(), node: hex.EncodeToString(id[:]), t: t, store: store, log: log,
		out: make(chan []byte, 1024), cancel: cancel}
	s.wg.Add(2)
	go s.send(ctx)
	go s.listen(ctx)
	return s
}

// Publish delivers e to this node's subscribers at once and queues its
// note for the others. It never blocks: when the queue is full the note
// is dropped and logged, and the other nodes' readers catch up by page
// version.
func (s *Shared) Publish(e Event) {
	s.Memory.Publish(e)
	if e.Kind == Missed {
		return // this node's own loss: nothing to tell the others
	}
	b, ok := noteOf(s.node, e)
	if !ok {
		s.log.Warn("live: event too large for the other nodes", slog.String("site", e.Comment.SiteID))
		return
	}
	select {
	case s.out <- b:
	default:
		s.log.Warn("live: the other nodes fall behind; an event is not sent to them", slog.String("site", e.Comment.SiteID))
	}
}

// Close stops sending and listening.
func (s *Shared) Close() {
	s.cancel()
	s.wg.Wait()
}

func (s *Shared) send(ctx context.Context) {
	defer s.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-s.out:
			sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			if err := s.t.Send(sctx, b); err != nil && ctx.Err() == nil {
				s.log.Warn("live: an event could not be sent to the other nodes", slog.Any("err", err))
			}
			cancel()
		}
	}
}

func (s *Shared) listen(ctx context.Context) {
	defer s.wg.Done()
	gap := func() { s.Memory.Publish(Event{Kind: Missed}) }
	for ctx.Err() == nil {
		err := s.t.Listen(ctx, func(b []byte) { s.receive(ctx, b) }, gap)
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("live: lost the other nodes; listening again", slog.Any("err", err))
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// receive publishes another node's event to this node's subscribers.
func (s *Shared) receive(ctx context.Context, b []byte) {
	var n note
	if err := json.Unmarshal(b, &n); err != nil || n.Node == s.node {
		return
	}
	e := Event{Kind: n.Kind, Version: n.Version, Before: n.Before, BodyEdited: n.BodyEdited,
		Comment: storage.Comment{SiteID: n.Site, PageKey: n.Page}}
	if n.Kind != Reloaded {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		c, err := s.store.Comment(rctx, n.Site, n.ID)
		cancel()
		if errors.Is(err, storage.ErrNotFound) {
			return // gone since
		}
		if err != nil {
			s.log.Warn("live: cannot read another node's comment; its readers reload", slog.Any("err", err))
			e = Event{Kind: Reloaded, Comment: e.Comment}
		} else {
			e.Comment = c
		}
	}
	s.Memory.Publish(e)
}
