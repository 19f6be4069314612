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
// UpdateComment, SetVote; ImportComments and PurgeComments as Reloaded)
// published on bus once they are stored. Every
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

func (w *watched) ImportComments(ctx context.Context, page storage.Page, comments []storage.Comment, votes []storage.Vote) (int, error) {
	n, err := w.Store.ImportComments(ctx, page, comments, votes)
	if err != nil {
		return n, err
	}
	w.reloaded(ctx, page.SiteID, page.Key)
	return n, nil
}

func (w *watched) PurgeComments(ctx context.Context, siteID, pageKey string, ids []string) error {
	if err := w.Store.PurgeComments(ctx, siteID, pageKey, ids); err != nil {
		return err
	}
	w.reloaded(ctx, siteID, pageKey)
	return nil
}

// reloaded publishes that a page changed as a whole.
func (w *watched) reloaded(ctx context.Context, siteID, pageKey string) {
	w.publish(ctx, Event{Kind: Reloaded, Comment: storage.Comment{SiteID: siteID, PageKey: pageKey}})
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
