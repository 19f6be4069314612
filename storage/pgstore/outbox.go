package pgstore

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
)

// maxClaim caps the messages one ClaimMessages call takes.
const maxClaim = 1000

const messageColumns = `id, kind, site_id, topic, recipient, payload, state,
	attempts, last_error, created, due, done`

// scanMessage reads a row that starts with messageColumns; extra receive
// the columns after them.
func scanMessage(row pgx.Row, extra ...any) (storage.Message, error) {
	var m storage.Message
	err := row.Scan(append([]any{&m.ID, &m.Kind, &m.SiteID, &m.Topic, &m.To, &m.Payload, &m.State,
		&m.Attempts, &m.LastError, at(&m.Created), at(&m.Due), at(&m.Done)}, extra...)...)
	return m, err
}

// Enqueue stores m as a pending message, due at m.Due, or at m.Created
// when Due is zero, or now when both are. ErrConflict if the id exists in
// any state (the primary key); ErrInvalid without an id, site or
// recipient, or for an unknown kind.
func (s *Store) Enqueue(ctx context.Context, m storage.Message) error {
	if m.ID == "" || m.SiteID == "" || m.To == "" || !m.Kind.Valid() {
		return errorf(storage.ErrInvalid, "message needs an id, a site, a recipient and a known kind")
	}
	if m.Due.IsZero() {
		m.Due = m.Created
	}
	if m.Due.IsZero() {
		m.Due = time.Now().UTC()
	}
	if m.Payload == nil {
		m.Payload = []byte{}
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO messages (id, kind, site_id, topic, recipient, payload, state,
			attempts, last_error, created, due, done, ready)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, NULL, $10)`,
		m.ID, string(m.Kind), m.SiteID, m.Topic, m.To, m.Payload, m.Attempts, m.LastError, ts(m.Created), m.Due)
	return wrap(err, "message %q", m.ID)
}

// ClaimMessages returns at most limit (and at most maxClaim) pending
// messages ready at now, the earliest first, and moves their ready time to
// the end of the lease. The messages are picked FOR UPDATE SKIP LOCKED, so
// concurrent claims (of this or another node) pass over each other's picks
// instead of waiting for them; a message a concurrent claim committed
// meanwhile is checked again with its new ready time and left out.
// ErrInvalid for a lease <= 0; limit <= 0 claims nothing.
func (s *Store) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]storage.Message, error) {
	if lease <= 0 {
		return nil, errorf(storage.ErrInvalid, "claim lease %v", lease)
	}
	limit = min(limit, maxClaim)
	if limit <= 0 {
		return []storage.Message{}, ctx.Err()
	}
	rows, _ := s.pool.Query(ctx, `
		WITH picked AS (
			SELECT id AS picked_id, ready AS was_ready FROM messages
			WHERE state = 'pending' AND ready <= $1
			ORDER BY ready, id
			LIMIT $3
			FOR UPDATE SKIP LOCKED
		)
		UPDATE messages SET ready = $2
		FROM picked WHERE id = picked_id
		RETURNING `+messageColumns+`, was_ready`,
		now, now.Add(lease), limit)
	type claimed struct {
		m     storage.Message
		ready time.Time
	}
	out, err := collect(rows, func(r pgx.Row) (claimed, error) {
		var c claimed
		var err error
		c.m, err = scanMessage(r, at(&c.ready))
		return c, err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b claimed) int {
		return cmp.Or(a.ready.Compare(b.ready), strings.Compare(a.m.ID, b.m.ID))
	})
	ms := make([]storage.Message, len(out))
	for i, c := range out {
		ms[i] = c.m
	}
	return ms, nil
}

// FinishAttempt stores the outcome of an attempt and releases the claim: a
// pending message is ready again at m.Due (now when zero); a sent or
// failed one is done at m.Done (now when zero). Only the outcome changes,
// never the content. ErrNotFound for an unknown id, ErrInvalid for an
// unknown state.
func (s *Store) FinishAttempt(ctx context.Context, m storage.Message) error {
	now := time.Now().UTC()
	switch m.State {
	case storage.MessagePending:
		m.Done = time.Time{}
		if m.Due.IsZero() {
			m.Due = now
		}
	case storage.MessageSent, storage.MessageFailed:
		if m.Done.IsZero() {
			m.Done = now
		}
	default:
		return errorf(storage.ErrInvalid, "message state %q", m.State)
	}
	tag, err := s.pool.Exec(ctx, `
		UPDATE messages SET state = $2, attempts = $3, last_error = $4, done = $6,
			due = coalesce($5, due), ready = coalesce($5, due)
		WHERE id = $1`,
		m.ID, string(m.State), m.Attempts, m.LastError, ts(m.Due), ts(m.Done))
	if err != nil {
		return wrap(err, "message %q", m.ID)
	}
	if tag.RowsAffected() == 0 {
		return errorf(storage.ErrNotFound, "message %q", m.ID)
	}
	return nil
}

// Message returns one message. ErrNotFound if there is none.
func (s *Store) Message(ctx context.Context, id string) (storage.Message, error) {
	m, err := scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id))
	return m, noRows(err, "message %q", id)
}

// SiteMessages returns a site's messages of one kind, newest first, at
// most limit (<= 0: all). ErrInvalid for an unknown kind.
func (s *Store) SiteMessages(ctx context.Context, siteID string, kind storage.MessageKind, limit int) ([]storage.Message, error) {
	if !kind.Valid() {
		return nil, errorf(storage.ErrInvalid, "message kind %q", kind)
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE site_id = $1 AND kind = $2
		ORDER BY created DESC, id DESC LIMIT $3`, siteID, string(kind), limitOrAll(limit))
	return collect(rows, func(r pgx.Row) (storage.Message, error) { return scanMessage(r) })
}

// PruneMessages removes sent and failed messages done before before.
func (s *Store) PruneMessages(ctx context.Context, before time.Time) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM messages WHERE state <> 'pending' AND done < $1`, before)
	return err
}

// normalEmail is the form a subscriber's address is stored in.
func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// PutSubscriber stores s under its lower-cased address, replacing the
// site's record of it. ErrInvalid without a site or e-mail.
func (s *Store) PutSubscriber(ctx context.Context, sub storage.Subscriber) error {
	sub.Email = normalEmail(sub.Email)
	if sub.SiteID == "" || sub.Email == "" {
		return errorf(storage.ErrInvalid, "subscriber needs a site and an e-mail")
	}
	_, err := s.pool.Exec(ctx, `
		INSERT INTO subscribers (site_id, email, lang, requested, confirmed) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (site_id, email) DO UPDATE
		SET lang = excluded.lang, requested = excluded.requested, confirmed = excluded.confirmed`,
		sub.SiteID, sub.Email, sub.Lang, ts(sub.Requested), ts(sub.Confirmed))
	return wrap(err, "subscriber of site %q", sub.SiteID)
}

// Subscriber returns a site's record of an address, matched in lower case.
// ErrNotFound if there is none.
func (s *Store) Subscriber(ctx context.Context, siteID, email string) (storage.Subscriber, error) {
	var sub storage.Subscriber
	err := s.pool.QueryRow(ctx, `SELECT site_id, email, lang, requested, confirmed FROM subscribers
		WHERE site_id = $1 AND email = $2`, siteID, normalEmail(email)).
		Scan(&sub.SiteID, &sub.Email, &sub.Lang, at(&sub.Requested), at(&sub.Confirmed))
	return sub, noRows(err, "subscriber of site %q", siteID)
}

// DeleteSubscriber removes a site's record of an address; removing a
// missing one is no error.
func (s *Store) DeleteSubscriber(ctx context.Context, siteID, email string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM subscribers WHERE site_id = $1 AND email = $2`, siteID, normalEmail(email))
	return wrap(err, "subscriber of site %q", siteID)
}
