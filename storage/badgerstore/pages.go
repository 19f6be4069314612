package badgerstore

import (
	"context"
	"errors"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// Page returns a page. ErrNotFound if no comment was ever posted on it.
func (s *Store) Page(ctx context.Context, siteID, key string) (storage.Page, error) {
	if err := checkParts(siteID, key); err != nil {
		return storage.Page{}, err
	}
	if p, ok := s.pages.get(pageID{siteID, key}); ok {
		if p.SiteID == "" {
			return storage.Page{}, noPage(siteID, key)
		}
		return p, ctx.Err()
	}
	gen := s.pages.generation()
	var p storage.Page
	err := s.view(ctx, func(txn *badger.Txn) error {
		return getJSON(txn, keyPage(siteID, key), &p)
	})
	switch {
	case err == nil:
		s.cachePage(p, gen)
	case errors.Is(err, badger.ErrKeyNotFound):
		s.cacheNoPage(siteID, key, gen)
		return storage.Page{}, noPage(siteID, key)
	}
	return p, err
}

// noPage is the error for a page that does not exist.
func noPage(siteID, key string) error {
	return notFound(badger.ErrKeyNotFound, "page %q of site %q", key, siteID)
}

// cachePage caches a page read at generation gen. The key is built from
// the decoded record, not from the caller's ids, which may alias a reused
// buffer (fiber's).
func (s *Store) cachePage(p storage.Page, gen uint64) {
	s.pages.put(pageID{p.SiteID, p.Key}, p, gen)
}

// cacheNoPage caches that a page did not exist at generation gen, as a
// zero Page (a stored page always has its site id): the widget of a post
// without comments, and the counts of a listing, ask for such pages on
// every view. The page's first comment drops the entry like any write.
func (s *Store) cacheNoPage(siteID, key string, gen uint64) {
	s.pages.put(pageID{strings.Clone(siteID), strings.Clone(key)}, storage.Page{}, gen)
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
// (missing ones too) are not read again; the others are read in one
// transaction and cached.
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
		switch p, ok := s.pages.get(pageID{siteID, k}); {
		case !ok:
			missing = append(missing, k)
		case p.SiteID != "":
			counts[k] = p.Count
		}
	}
	if len(missing) == 0 {
		return counts, ctx.Err()
	}
	gen := s.pages.generation()
	read := make([]storage.Page, len(missing)) // zero where there is none
	err := s.view(ctx, func(txn *badger.Txn) error {
		for i, k := range missing {
			err := getJSON(txn, keyPage(siteID, k), &read[i])
			if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, p := range read {
		if p.SiteID == "" {
			s.cacheNoPage(siteID, missing[i], gen)
			continue
		}
		s.cachePage(p, gen)
		counts[p.Key] = p.Count
	}
	return counts, nil
}
