package badgerstore

import (
	"context"
	"errors"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// Page returns a page. ErrNotFound if no comment was ever posted on it.
func (s *Store) Page(ctx context.Context, siteID, key string) (storage.Page, error) {
	if err := checkParts(siteID, key); err != nil {
		return storage.Page{}, err
	}
	id := pageID{siteID, key}
	if p, ok := s.pages.get(id); ok {
		return p, ctx.Err()
	}
	gen := s.pages.generation()
	var p storage.Page
	err := s.view(ctx, func(txn *badger.Txn) error {
		return notFound(getJSON(txn, keyPage(siteID, key), &p), "page %q of site %q", key, siteID)
	})
	if err == nil {
		// The key is built from the decoded record, not from siteID and
		// key, which may alias a caller's reused buffer (fiber's).
		s.pages.put(pageID{p.SiteID, p.Key}, p, gen)
	}
	return p, err
}

// UpdatePage replaces a page's URL, title and locked flag; its count and
// creation time stay. ErrNotFound if it does not exist.
func (s *Store) UpdatePage(ctx context.Context, p storage.Page) error {
	if err := checkParts(p.SiteID, p.Key); err != nil {
		return err
	}
	// The page record also holds the count that comment writers keep, so
	// this goes through the same committer as they do rather than race them.
	return s.updatePage(ctx, p.SiteID, p.Key, func(txn *badger.Txn) error {
		var cur storage.Page
		if err := getJSON(txn, keyPage(p.SiteID, p.Key), &cur); err != nil {
			return notFound(err, "page %q of site %q", p.Key, p.SiteID)
		}
		cur.URL, cur.Title, cur.Locked = p.URL, p.Title, p.Locked
		cur.Version++
		return setJSON(txn, keyPage(p.SiteID, p.Key), cur)
	})
}

// Counts returns the approved-comment count of each given page key that
// exists; missing pages are absent from the map. Pages in the page cache
// are not read again; the others are read in one transaction (a listing
// page asks mostly for posts without comments, which are never cached)
// and cached.
func (s *Store) Counts(ctx context.Context, siteID string, keys []string) (map[string]int, error) {
	if err := checkParts(siteID); err != nil {
		return nil, err
	}
	if err := checkParts(keys...); err != nil {
		return nil, err
	}
	counts := make(map[string]int, len(keys))
	var missing []string
	for _, k := range keys {
		if p, ok := s.pages.get(pageID{siteID, k}); ok {
			counts[k] = p.Count
		} else {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return counts, ctx.Err()
	}
	gen := s.pages.generation()
	var read []storage.Page
	err := s.view(ctx, func(txn *badger.Txn) error {
		for _, k := range missing {
			var p storage.Page
			err := getJSON(txn, keyPage(siteID, k), &p)
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			read = append(read, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range read {
		s.pages.put(pageID{p.SiteID, p.Key}, p, gen)
		counts[p.Key] = p.Count
	}
	return counts, nil
}
