package badgerstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// AwaitingReply returns a site's comments that await a staff reply, oldest
// first, at most limit (<= 0: none), and how many there are in all; see
// storage.Store.
//
// The list is the head of the w/<site>\0 index (keys end in UUIDv7 ids, so
// oldest first), each entry naming its record like the status index. The
// total counts that index's keys with a key-only iteration, in the same
// snapshot: keys sit in the LSM tree, so counting a few thousand costs
// about a millisecond, and the count can never drift from the list as a
// separately kept counter could.
func (s *Store) AwaitingReply(ctx context.Context, siteID string, limit int) ([]storage.Comment, int, error) {
	if err := checkParts(siteID); err != nil {
		return nil, 0, err
	}
	prefix := prefixAwaiting(siteID)
	out := []storage.Comment{}
	total := 0
	err := s.view(ctx, func(txn *badger.Txn) error {
		out, total = out[:0], 0
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Seek(prefix); it.Valid() && len(out) < limit; it.Next() {
			c, err := indexedComment(txn, siteID, it.Item(), prefix)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		keys := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
		defer keys.Close()
		for keys.Seek(prefix); keys.Valid(); keys.Next() {
			total++
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// keyAwaitingCursor holds the last comment key the awaiting migration
// (migrateAwaiting) has done, while it runs.
var keyAwaitingCursor = []byte("meta/migrate/awaiting")

// awaitingBatchBytes bounds the writes of one transaction of the awaiting
// migration, far below Badger's transaction limit (about 600 KB here).
var awaitingBatchBytes = 200 << 10

// errMoreBatches is what a migration step returns when it has committed
// one batch of its work and must run again; migrate commits the batch
// without moving the version on.
var errMoreBatches = errors.New("badgerstore: migration step has more batches")

// migrateAwaiting builds the awaiting index (w/) of a database written
// before it existed. It walks every comment once, in key order, a batch
// per transaction, and resumes after the last key done (kept at
// keyAwaitingCursor in the batch's transaction). On the way it marks as
// Answered every reader's comment that already has an approved staff
// reply, so an upgraded blog does not list what its staff have answered.
// Each change is idempotent, so a batch that is run twice does no harm.
func migrateAwaiting(txn *badger.Txn) error {
	var cursor []byte
	if item, err := txn.Get(keyAwaitingCursor); err == nil {
		if cursor, err = item.ValueCopy(nil); err != nil {
			return err
		}
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return err
	}
	prefix := []byte("c/")
	// Key-only iteration; each record is read with Get, which sees this
	// transaction's own writes (a parent marked earlier in the batch).
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
	defer it.Close()
	if cursor != nil {
		it.Seek(append(cursor, 0)) // the first key after the cursor
	} else {
		it.Seek(prefix)
	}
	written := 0
	for ; it.Valid(); it.Next() {
		if written >= awaitingBatchBytes {
			// Commit this batch; the next starts after the last key done.
			if err := txn.Set(keyAwaitingCursor, cursor); err != nil {
				return err
			}
			return errMoreBatches
		}
		key := it.Item().KeyCopy(nil)
		n, err := migrateAwaitingComment(txn, key)
		if err != nil {
			return fmt.Errorf("comment %q: %w", key, err)
		}
		written += n
		cursor = key
	}
	return txn.Delete(keyAwaitingCursor)
}

// migrateAwaitingComment indexes the comment at key if it awaits a reply,
// and marks its parent answered if it is a staff reply. It returns about
// how many bytes it staged.
func migrateAwaitingComment(txn *badger.Txn, key []byte) (int, error) {
	var c storage.Comment
	if err := getComment(txn, key, &c); err != nil {
		return 0, err
	}
	n := 0
	if c.AwaitsReply() {
		wk := keyAwaiting(c.SiteID, c.ID)
		if err := txn.Set(wk, []byte(c.PageKey)); err != nil {
			return 0, err
		}
		n += len(wk) + len(c.PageKey)
	}
	if c.Author.Badge == storage.BadgeNone || c.ParentID == "" || c.Status != storage.StatusApproved {
		return n, nil
	}
	pk := keyComment(c.SiteID, c.PageKey, c.ParentID)
	var parent storage.Comment
	err := getComment(txn, pk, &parent)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return n, nil // purged
	}
	if err != nil {
		return 0, err
	}
	if parent.Answered || parent.Author.Badge != storage.BadgeNone {
		return n, nil
	}
	parent.Answered = true
	rec := encodeComment(parent)
	if err := txn.Set(pk, rec); err != nil {
		return 0, err
	}
	wk := keyAwaiting(parent.SiteID, parent.ID)
	if err := txn.Delete(wk); err != nil {
		return 0, err
	}
	return n + len(pk) + len(rec) + len(wk), nil
}
