package storage

import (
	"context"
	"time"
)

// MessageKind is what an outbox message is.
type MessageKind string

// Message kinds.
const (
	MessageMail    MessageKind = "mail"    // an e-mail; Payload is the rendered message
	MessageWebhook MessageKind = "webhook" // a webhook delivery; Payload is the JSON body
)

// Valid reports whether k is a known kind.
func (k MessageKind) Valid() bool { return k == MessageMail || k == MessageWebhook }

// MessageState is where a message is in its life.
type MessageState string

// Message states.
const (
	MessagePending MessageState = "pending" // waiting for its first or next attempt
	MessageSent    MessageState = "sent"    // delivered
	MessageFailed  MessageState = "failed"  // given up after too many attempts
)

// Message is one outgoing e-mail or webhook delivery in the outbox. Every
// message is queued here first and sent by a worker, so an outage of the
// mail server or the receiver loses nothing.
type Message struct {
	// ID is chosen by the caller from what the message is about (the event
	// and the recipient), so that enqueuing the same message twice, from
	// two nodes that saw the same event, stores it once.
	ID     string      `json:"id"`
	Kind   MessageKind `json:"kind"`
	SiteID string      `json:"site_id"`
	// Topic says what the message is about, for the delivery log
	// ("comment.created", "reply", "confirm").
	Topic   string       `json:"topic"`
	To      string       `json:"to"` // e-mail address or webhook URL: private
	Payload []byte       `json:"payload"`
	State   MessageState `json:"state"`
	// Attempts counts delivery attempts so far; LastError is the latest
	// failure ("" after a success).
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	Created   time.Time `json:"created"`
	// Due is when the next attempt may start (pending messages only).
	Due time.Time `json:"due"`
	// Done is when the message was sent or given up.
	Done time.Time `json:"done,omitzero"`
}

// Subscriber is one e-mail address's reply notifications on one site,
// confirmed by double opt-in.
type Subscriber struct {
	SiteID string `json:"site_id"`
	Email  string `json:"email"` // lower case
	Lang   string `json:"lang,omitempty"`
	// Requested is when the latest confirmation mail was queued.
	Requested time.Time `json:"requested"`
	// Confirmed is when the address owner confirmed; zero: not yet, and
	// nothing but the confirmation mail may be sent.
	Confirmed time.Time `json:"confirmed,omitzero"`
}

// OutboxStore is the part of Store behind outgoing messages: the outbox
// its workers drain, and the subscribers of reply notifications.
type OutboxStore interface {
	// Enqueue stores m as a pending message, due at m.Due (zero: at once).
	// ErrConflict if a message with m.ID exists (the caller's dedupe);
	// ErrInvalid without an id, site or recipient, or for an unknown kind.
	Enqueue(ctx context.Context, m Message) error
	// ClaimMessages returns at most limit pending messages due at now,
	// the earliest due first, and holds them for lease: until now+lease
	// another claim skips them, so several workers (or nodes) never
	// deliver the same message twice at once. A message whose lease ran out
	// is claimable again (delivery is at least once). ErrInvalid for a
	// lease <= 0.
	ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Message, error)
	// FinishAttempt stores the outcome of a claimed message's attempt: its
	// State, Attempts, LastError, Due (for a retry) and Done. It releases
	// the claim. ErrNotFound if there is no such message; ErrInvalid for an
	// unknown state.
	FinishAttempt(ctx context.Context, m Message) error
	// Message returns one message, of any site (callers check SiteID).
	// ErrNotFound if there is none.
	Message(ctx context.Context, id string) (Message, error)
	// SiteMessages returns a site's newest messages of one kind, newest
	// first, at most limit.
	SiteMessages(ctx context.Context, siteID string, kind MessageKind, limit int) ([]Message, error)
	// PruneMessages removes sent and failed messages done before before.
	PruneMessages(ctx context.Context, before time.Time) error

	// PutSubscriber stores s, replacing the site's record of that address.
	// ErrInvalid without a site or e-mail.
	PutSubscriber(ctx context.Context, s Subscriber) error
	// Subscriber returns a site's record of an address (matched in lower
	// case). ErrNotFound if there is none.
	Subscriber(ctx context.Context, siteID, email string) (Subscriber, error)
	// DeleteSubscriber removes it; removing a missing one is no error.
	DeleteSubscriber(ctx context.Context, siteID, email string) error
}
