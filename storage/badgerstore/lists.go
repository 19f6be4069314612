package badgerstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// PageComments returns every comment of a page, any status, oldest first:
// one prefix scan, as comment ids are UUIDv7 and sort by time. A page with
// no comments yields an empty slice and no error.
func (s *Store) PageComments(ctx context.Context, siteID, pageKey string) ([]storage.Comment, error) {
	if err := checkParts(siteID, pageKey); err != nil {
		return nil, err
	}
	return scanAll(ctx, s, prefixComments(siteID, pageKey), decodeComment)
}

// ReaderComments returns a reader's comments on a site, oldest first.
func (s *Store) ReaderComments(ctx context.Context, siteID, readerHash string) ([]storage.Comment, error) {
	if err := checkParts(siteID, readerHash); err != nil {
		return nil, err
	}
	return s.indexed(ctx, siteID, prefixReader(siteID, readerHash), indexScan{})
}

// FingerprintComments returns the newest comments of a site with one
// fingerprint created at or after since, newest first, at most limit: the
// fingerprint index is keyed by comment id, a UUIDv7 whose leading hex
// digits are its creation time, so a reverse scan from the end stops at
// since. Most texts are unique, so the scan usually finds nothing at once.
func (s *Store) FingerprintComments(ctx context.Context, siteID, fingerprint string, since time.Time, limit int) ([]storage.Comment, error) {
	if err := checkParts(siteID, fingerprint); err != nil {
		return nil, err
	}
	prefix := prefixFingerprint(siteID, fingerprint)
	return s.indexed(ctx, siteID, prefix, indexScan{newest: true, floor: append(slices.Clip(prefix), idPrefix(since)...), limit: limit})
}

// idPrefix is the start of every UUIDv7 string made at or after t (in
// milliseconds): 48 bits of Unix time as "xxxxxxxx-xxxx".
func idPrefix(t time.Time) string {
	ms := max(t.UnixMilli(), 0)
	h := fmt.Sprintf("%012x", ms)
	return h[:8] + "-" + h[8:12]
}

// CommentsByStatus returns a site's comments of one status, oldest first.
// ErrInvalid for an unknown status.
func (s *Store) CommentsByStatus(ctx context.Context, siteID string, status storage.Status) ([]storage.Comment, error) {
	if !status.Valid() {
		return nil, fmt.Errorf("badgerstore: status %q: %w", status, storage.ErrInvalid)
	}
	if err := checkParts(siteID); err != nil {
		return nil, err
	}
	return s.indexed(ctx, siteID, prefixStatus(siteID, status), indexScan{})
}

// RecentComments returns a site's newest comments of one status, newest
// first, at most limit (<= 0: all): the status index scanned backwards,
// as its keys end in UUIDv7 ids. ErrInvalid for an unknown status.
func (s *Store) RecentComments(ctx context.Context, siteID string, status storage.Status, limit int) ([]storage.Comment, error) {
	if !status.Valid() {
		return nil, fmt.Errorf("badgerstore: status %q: %w", status, storage.ErrInvalid)
	}
	if err := checkParts(siteID); err != nil {
		return nil, err
	}
	return s.indexed(ctx, siteID, prefixStatus(siteID, status), indexScan{newest: true, limit: limit})
}

// indexScan says which entries of an index indexed reads: all oldest
// first, or with newest the newest first down to the first key below
// floor; at most limit (<= 0: all).
type indexScan struct {
	newest bool
	floor  []byte
	limit  int
}

// indexed scans an index whose keys end in a comment id and whose values
// are page keys, and reads each comment it names, all in one snapshot so
// the index and the records agree.
func (s *Store) indexed(ctx context.Context, siteID string, prefix []byte, q indexScan) ([]storage.Comment, error) {
	out := []storage.Comment{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, Reverse: q.newest})
		defer it.Close()
		start := prefix
		if q.newest {
			start = append(slices.Clip(prefix), 0xff) // one past every key with the prefix
		}
		for it.Seek(start); it.Valid() && (q.limit <= 0 || len(out) < q.limit); it.Next() {
			item := it.Item()
			if q.floor != nil && bytes.Compare(item.Key(), q.floor) < 0 {
				break
			}
			c, err := indexedComment(txn, siteID, item, prefix)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// indexedComment reads the comment an index entry under prefix names.
func indexedComment(txn *badger.Txn, siteID string, item *badger.Item, prefix []byte) (storage.Comment, error) {
	var c storage.Comment
	id := string(item.Key()[len(prefix):])
	var page string
	if err := item.Value(func(b []byte) error { page = string(b); return nil }); err != nil {
		return c, err
	}
	if err := getComment(txn, keyComment(siteID, page, id), &c); err != nil {
		return c, fmt.Errorf("badgerstore: index entry %q without its comment: %w", item.Key(), err)
	}
	return c, nil
}
