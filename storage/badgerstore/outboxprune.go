package badgerstore

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// pruneBatch is how many messages one prune or site-delete transaction
// removes (about four keys each).
const pruneBatch = 250

// PruneMessages removes sent and failed messages done before before, with
// their log entries: a scan of ox/ from its start that stops at before,
// pruneBatch messages per transaction.
func (s *Store) PruneMessages(ctx context.Context, before time.Time) error {
	cut := stampOf(before)
	for {
		var keys [][]byte
		err := s.view(ctx, func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixDone})
			defer it.Close()
			for it.Rewind(); it.Valid() && len(keys) < pruneBatch; it.Next() {
				at, _, err := splitStamped(it.Item().Key()[len(prefixDone):])
				if err != nil {
					return err
				}
				if at >= cut {
					break
				}
				keys = append(keys, it.Item().KeyCopy(nil))
			}
			return nil
		})
		if err != nil || len(keys) == 0 {
			return err
		}
		err = s.update(ctx, func(txn *badger.Txn) error {
			for _, k := range keys {
				_, id, err := splitStamped(k[len(prefixDone):])
				if err != nil {
					return err
				}
				// The scanned entry goes whatever the record says, so the
				// loop always progresses; the record only if it is still
				// finished before the cut (a retry may have queued it again).
				if err := txn.Delete(k); err != nil {
					return err
				}
				var m storage.Message
				err = getJSON(txn, keyMessage(id), &m)
				if errors.Is(err, badger.ErrKeyNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if finished(m.State) && stampOf(m.Done) < cut {
					if err := deleteMessage(txn, m); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// deleteMessage removes a message's record and every index entry of it.
func deleteMessage(txn *badger.Txn, m storage.Message) error {
	if err := unqueue(txn, m.ID); err != nil {
		return err
	}
	for _, k := range [][]byte{
		keyMessage(m.ID),
		keyDone(stampOf(m.Done), m.ID),
		keyMessageLog(m.SiteID, m.Kind, stampOf(m.Created), m.ID),
	} {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// deleteSiteMessages removes every message of a site, found through its
// log, pruneBatch per transaction (DeleteSite).
func (s *Store) deleteSiteMessages(ctx context.Context, siteID string) error {
	prefix := prefixSite("ol/", siteID)
	for {
		var keys [][]byte
		err := s.view(ctx, func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
			defer it.Close()
			for it.Rewind(); it.Valid() && len(keys) < pruneBatch; it.Next() {
				keys = append(keys, it.Item().KeyCopy(nil))
			}
			return nil
		})
		if err != nil || len(keys) == 0 {
			return err
		}
		err = s.update(ctx, func(txn *badger.Txn) error {
			for _, k := range keys {
				if err := txn.Delete(k); err != nil {
					return err
				}
				var m storage.Message
				err := getJSON(txn, keyMessage(string(k[bytes.LastIndexByte(k, sep[0])+1:])), &m)
				if errors.Is(err, badger.ErrKeyNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if err := deleteMessage(txn, m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}
