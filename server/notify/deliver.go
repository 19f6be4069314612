package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parley-dev/parley/server/mail"
	"github.com/parley-dev/parley/server/outbox"
	"github.com/parley-dev/parley/storage"
)

// Subscribers is what MailDeliverer checks before a reply mail goes out.
type Subscribers interface {
	Subscriber(ctx context.Context, siteID, email string) (storage.Subscriber, error)
}

// MailDeliverer sends the outbox's e-mails.
type MailDeliverer struct {
	Sender *mail.Sender
	Store  Subscribers
}

// Deliver implements outbox.Deliverer. A reply mail to an address that
// unsubscribed after it was queued is dropped (a permanent failure, so
// the delivery log says so).
func (d MailDeliverer) Deliver(ctx context.Context, m storage.Message) error {
	var msg mail.Message
	if err := json.Unmarshal(m.Payload, &msg); err != nil {
		return outbox.Permanent(fmt.Errorf("unreadable message: %w", err))
	}
	if m.Topic == "reply" {
		sub, err := d.Store.Subscriber(ctx, m.SiteID, m.To)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && sub.Confirmed.IsZero()) {
			return outbox.Permanent(errors.New("unsubscribed"))
		} else if err != nil {
			return err
		}
	}
	err := d.Sender.Send(ctx, msg)
	if err != nil && mail.IsPermanent(err) {
		return outbox.Permanent(err)
	}
	return err
}
