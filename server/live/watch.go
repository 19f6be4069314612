package live

import (
	"context"

	"github.com/parley-dev/parley/storage"
)

// watched is a Store that publishes every successful comment write.
type watched struct {
	storage.Store
	bus Bus
}

// Watch returns store with its comment writes (CreateComment,
// UpdateComment, SetVote) published on bus once they are stored. Every
// handler writes through the returned Store, so no change goes unreported.
// The event is published after the write is durable; a process that dies
// in between loses the event, not the write (streams then catch up by
// page version).
func Watch(store storage.Store, bus Bus) storage.Store { return &watched{Store: store, bus: bus} }

func (w *watched) CreateComment(ctx context.Context, c storage.Comment, page storage.Page) error {
	if err := w.Store.CreateComment(ctx, c, page); err != nil {
		return err
	}
	w.publish(ctx, Event{Kind: Created, Comment: c})
	return nil
}

func (w *watched) UpdateComment(ctx context.Context, siteID, id string, fn func(*storage.Comment) error) (storage.Comment, error) {
	var before storage.Comment
	after, err := w.Store.UpdateComment(ctx, siteID, id, func(c *storage.Comment) error {
		before = *c
		return fn(c)
	})
	if err != nil {
		return after, err
	}
	w.publish(ctx, Event{Kind: Changed, Before: before.Status, BodyEdited: before.HTML != after.HTML, Comment: after})
	return after, nil
}

func (w *watched) SetVote(ctx context.Context, v storage.Vote) (storage.Comment, error) {
	c, err := w.Store.SetVote(ctx, v)
	if err != nil {
		return c, err
	}
	w.publish(ctx, Event{Kind: Scored, Comment: c})
	return c, nil
}

// publish stamps e with the page's version after the write. If the page
// cannot be read the event still goes out, with version 0, which makes
// every stream that replays it reload instead.
func (w *watched) publish(ctx context.Context, e Event) {
	if p, err := w.Store.Page(ctx, e.Comment.SiteID, e.Comment.PageKey); err == nil {
		e.Version = p.Version
	}
	w.bus.Publish(e)
}
