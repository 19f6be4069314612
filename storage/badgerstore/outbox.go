package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// The outbox keeps each message once (ob/<id>) and lists it in up to three
// ordered indexes: pending messages by due time (od/), finished ones by the
// time they were done (ox/, for pruning) and every message in its site's
// delivery log by creation time (ol/). A claim moves a message's od/ entry
// to the end of its lease, so the queue's head is always what may be sent
// next, and a crashed worker's messages come back once their lease ends.
// oq/<id> remembers where the entry is, so a claim rewrites three small
// keys and never the message with its payload.

// maxClaim caps the messages one ClaimMessages call takes, keeping its
// transaction far below Badger's size limit.
const maxClaim = 1000

// Enqueue stores m as a pending message, due at m.Due, or at m.Created
// when Due is zero, or now when both are. ErrConflict if the id exists in
// any state; ErrInvalid without an id, site or recipient, or for an
// unknown kind.
func (s *Store) Enqueue(ctx context.Context, m storage.Message) error {
	if m.ID == "" || m.SiteID == "" || m.To == "" || !m.Kind.Valid() {
		return fmt.Errorf("badgerstore: message needs an id, a site, a recipient and a known kind: %w", storage.ErrInvalid)
	}
	if err := checkParts(m.ID, m.SiteID); err != nil {
		return err
	}
	m.State, m.Done = storage.MessagePending, time.Time{}
	if m.Due.IsZero() {
		m.Due = m.Created
	}
	if m.Due.IsZero() {
		m.Due = time.Now().UTC()
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		ok, err := exists(txn, keyMessage(m.ID))
		if err != nil {
			return err
		}
		if ok {
			return fmt.Errorf("badgerstore: message %q: %w", m.ID, storage.ErrConflict)
		}
		if err := setJSON(txn, keyMessage(m.ID), m); err != nil {
			return err
		}
		if err := txn.Set(keyMessageLog(m.SiteID, m.Kind, stampOf(m.Created), m.ID), nil); err != nil {
			return err
		}
		return queue(txn, m.ID, stampOf(m.Due))
	})
}

// queue puts a message's od/ entry at stamp at and records where it is.
func queue(txn *badger.Txn, id string, at int64) error {
	if err := txn.Set(keyDue(at, id), nil); err != nil {
		return err
	}
	return txn.Set(keyQueued(id), []byte(stamp(at)))
}

// unqueue removes a message's od/ entry, if it has one.
func unqueue(txn *badger.Txn, id string) error {
	v, err := getString(txn, keyQueued(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	at, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("badgerstore: message %q: malformed queue stamp %q", id, v)
	}
	if err := txn.Delete(keyDue(at, id)); err != nil {
		return err
	}
	return txn.Delete(keyQueued(id))
}

// ClaimMessages returns at most limit (and at most maxClaim) pending
// messages due at now, the earliest first, and moves each one's queue
// entry to now+lease: a scan from the start of od/ that stops at the first
// entry due later. The scan and the moves share one transaction, so if
// another claim took one of them first the commit conflicts and the claim
// starts over. ErrInvalid for a lease that is not positive (the messages
// would be claimable again at once). limit <= 0 claims nothing.
func (s *Store) ClaimMessages(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]storage.Message, error) {
	if lease <= 0 {
		return nil, fmt.Errorf("badgerstore: claim lease %v: %w", lease, storage.ErrInvalid)
	}
	limit = min(limit, maxClaim)
	if limit <= 0 {
		return []storage.Message{}, nil
	}
	s.claims.Lock()
	defer s.claims.Unlock()
	due, until := stampOf(now), stampOf(now.Add(lease))
	var out []storage.Message
	err := s.update(ctx, func(txn *badger.Txn) error {
		ids, err := dueIDs(txn, due, limit)
		if err != nil {
			return err
		}
		claimed := make([]storage.Message, 0, len(ids))
		for _, id := range ids {
			var m storage.Message
			if err := getJSON(txn, keyMessage(id), &m); err != nil {
				return fmt.Errorf("badgerstore: queued message %q without its record: %w", id, err)
			}
			if err := unqueue(txn, id); err != nil {
				return err
			}
			if err := queue(txn, id, until); err != nil {
				return err
			}
			claimed = append(claimed, m)
		}
		out = claimed
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// dueIDs returns the ids of at most limit queue entries stamped at or
// before due, in queue order. Iterating registers every key it reads in
// txn, which is what makes two claims of one message conflict.
func dueIDs(txn *badger.Txn, due int64, limit int) ([]string, error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixDue})
	defer it.Close()
	var ids []string
	for it.Rewind(); it.Valid() && len(ids) < limit; it.Next() {
		at, id, err := splitStamped(it.Item().Key()[len(prefixDue):])
		if err != nil {
			return nil, err
		}
		if at > due {
			break
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// FinishAttempt stores the outcome of an attempt and releases the claim:
// a pending message is queued again at m.Due (now when zero); a sent or
// failed one leaves the queue and is listed for pruning at m.Done (now
// when zero). ErrNotFound for an unknown id, ErrInvalid for an unknown
// state.
func (s *Store) FinishAttempt(ctx context.Context, m storage.Message) error {
	switch m.State {
	case storage.MessagePending, storage.MessageSent, storage.MessageFailed:
	default:
		return fmt.Errorf("badgerstore: message state %q: %w", m.State, storage.ErrInvalid)
	}
	if err := checkParts(m.ID); err != nil {
		return err
	}
	at := time.Now().UTC()
	return s.update(ctx, func(txn *badger.Txn) error {
		var old storage.Message
		if err := getJSON(txn, keyMessage(m.ID), &old); err != nil {
			return notFound(err, "message %q", m.ID)
		}
		if err := unqueue(txn, m.ID); err != nil {
			return err
		}
		if finished(old.State) {
			if err := txn.Delete(keyDone(stampOf(old.Done), m.ID)); err != nil {
				return err
			}
		}
		next := old
		next.State, next.Attempts, next.LastError, next.Due, next.Done = m.State, m.Attempts, m.LastError, m.Due, m.Done
		if next.State == storage.MessagePending {
			next.Done = time.Time{}
			if next.Due.IsZero() {
				next.Due = at
			}
			if err := queue(txn, m.ID, stampOf(next.Due)); err != nil {
				return err
			}
		} else {
			if next.Done.IsZero() {
				next.Done = at
			}
			if err := txn.Set(keyDone(stampOf(next.Done), m.ID), nil); err != nil {
				return err
			}
		}
		return setJSON(txn, keyMessage(m.ID), next)
	})
}

// finished reports whether a message in state st is out of the queue.
func finished(st storage.MessageState) bool {
	return st == storage.MessageSent || st == storage.MessageFailed
}

// Message returns one message. ErrNotFound if there is none.
func (s *Store) Message(ctx context.Context, id string) (storage.Message, error) {
	if err := checkParts(id); err != nil {
		return storage.Message{}, err
	}
	var m storage.Message
	err := s.view(ctx, func(txn *badger.Txn) error {
		return notFound(getJSON(txn, keyMessage(id), &m), "message %q", id)
	})
	return m, err
}

// SiteMessages returns a site's messages of one kind, newest first, at
// most limit (<= 0: all): a reverse scan of the site's log, which is
// ordered by creation time (then id). ErrInvalid for an unknown kind.
func (s *Store) SiteMessages(ctx context.Context, siteID string, kind storage.MessageKind, limit int) ([]storage.Message, error) {
	if !kind.Valid() {
		return nil, fmt.Errorf("badgerstore: message kind %q: %w", kind, storage.ErrInvalid)
	}
	if err := checkParts(siteID); err != nil {
		return nil, err
	}
	prefix := prefixMessageLog(siteID, kind)
	out := []storage.Message{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, Reverse: true})
		defer it.Close()
		for it.Seek(append(bytes.Clone(prefix), 0xff)); it.Valid() && (limit <= 0 || len(out) < limit); it.Next() {
			_, id, err := splitStamped(it.Item().Key()[len(prefix):])
			if err != nil {
				return err
			}
			var m storage.Message
			if err := getJSON(txn, keyMessage(id), &m); err != nil {
				return fmt.Errorf("badgerstore: logged message %q without its record: %w", id, err)
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
