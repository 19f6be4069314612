package badgerstore

import (
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
	return s.indexed(ctx, siteID, prefixReader(siteID, readerHash))
}

// AddressComments returns the comments posted on a site from one address
// at or after since, oldest first: the address index is keyed by comment
// id, a UUIDv7 whose leading hex digits are its creation time, so the scan
// starts at since. Comments written before the index existed are not in it.
func (s *Store) AddressComments(ctx context.Context, siteID, ipHash string, since time.Time) ([]storage.Comment, error) {
	if err := checkParts(siteID, ipHash); err != nil {
		return nil, err
	}
	prefix := prefixAddress(siteID, ipHash)
	return s.indexedFrom(ctx, siteID, prefix, append(slices.Clip(prefix), idPrefix(since)...))
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
	return s.indexed(ctx, siteID, prefixStatus(siteID, status))
}

// indexed scans an index whose keys end in a comment id and whose values
// are page keys, and reads each comment it names, all in one snapshot so
// the index and the records agree.
func (s *Store) indexed(ctx context.Context, siteID string, prefix []byte) ([]storage.Comment, error) {
	return s.indexedFrom(ctx, siteID, prefix, prefix)
}

// indexedFrom is indexed from the first key at or after start.
func (s *Store) indexedFrom(ctx context.Context, siteID string, prefix, start []byte) ([]storage.Comment, error) {
	out := []storage.Comment{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Seek(start); it.Valid(); it.Next() {
			item := it.Item()
			id := string(item.Key()[len(prefix):])
			var page string
			if err := item.Value(func(b []byte) error { page = string(b); return nil }); err != nil {
				return err
			}
			var c storage.Comment
			if err := getComment(txn, keyComment(siteID, page, id), &c); err != nil {
				return fmt.Errorf("badgerstore: index entry %q without its comment: %w", item.Key(), err)
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
