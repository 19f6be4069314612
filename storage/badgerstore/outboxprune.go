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
	stop := func(k []byte) (bool, error) {
		at, _, err := splitStamped(k[len(prefixDone):])
		return err == nil && at >= cut, err
	}
	// The scanned entry goes whatever the record says, so the scan always
	// progresses; the record only if it is still finished before the cut
	// (a retry may have queued it again).
	return s.deleteScanned(ctx, prefixDone, pruneBatch, stop, func(txn *badger.Txn, k []byte) error {
		_, id, err := splitStamped(k[len(prefixDone):])
		if err != nil {
			return err
		}
		m, err := messageOf(txn, id)
		if err != nil || m == nil || !finished(m.State) || stampOf(m.Done) >= cut {
			return err
		}
		return deleteMessage(txn, *m)
	})
}

// messageOf reads a message record; nil if there is none.
func messageOf(txn *badger.Txn, id string) (*storage.Message, error) {
	var m storage.Message
	err := getJSON(txn, keyMessage(id), &m)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &m, nil
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
	return s.deleteScanned(ctx, prefixSite("ol/", siteID), pruneBatch, nil, func(txn *badger.Txn, k []byte) error {
		m, err := messageOf(txn, string(k[bytes.LastIndexByte(k, sep[0])+1:]))
		if err != nil || m == nil {
			return err
		}
		return deleteMessage(txn, *m)
	})
}
