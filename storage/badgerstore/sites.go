package badgerstore

import (
	"context"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// CreateSite stores a new site. A zero Created is set to now.
// ErrInvalid if the id is empty, ErrConflict if it is taken.
func (s *Store) CreateSite(ctx context.Context, site storage.Site) error {
	if site.ID == "" {
		return fmt.Errorf("badgerstore: create site: empty id: %w", storage.ErrInvalid)
	}
	if err := checkParts(site.ID); err != nil {
		return err
	}
	if site.Created.IsZero() {
		site.Created = time.Now().UTC()
	}
	defer s.sites.drop(site.ID)
	return s.update(ctx, func(txn *badger.Txn) error {
		ok, err := exists(txn, keySite(site.ID))
		if err != nil {
			return err
		}
		if ok {
			return fmt.Errorf("badgerstore: site %q: %w", site.ID, storage.ErrConflict)
		}
		return setJSON(txn, keySite(site.ID), site)
	})
}

// Site returns a site. ErrNotFound if there is none.
func (s *Store) Site(ctx context.Context, id string) (storage.Site, error) {
	if err := checkParts(id); err != nil {
		return storage.Site{}, err
	}
	if site, ok := s.sites.get(id); ok {
		return site, ctx.Err()
	}
	gen := s.sites.generation()
	var site storage.Site
	err := s.view(ctx, func(txn *badger.Txn) error {
		return notFound(getJSON(txn, keySite(id), &site), "site %q", id)
	})
	if err == nil {
		s.sites.put(site.ID, site, gen) // site.ID was decoded: id may be the caller's transient buffer
	}
	return site, err
}

// UpdateSite replaces a site's name, origins and settings; its owner and
// creation time stay. ErrNotFound if it does not exist.
func (s *Store) UpdateSite(ctx context.Context, site storage.Site) error {
	if err := checkParts(site.ID); err != nil {
		return err
	}
	defer s.sites.drop(site.ID)
	return s.update(ctx, func(txn *badger.Txn) error {
		var cur storage.Site
		if err := getJSON(txn, keySite(site.ID), &cur); err != nil {
			return notFound(err, "site %q", site.ID)
		}
		cur.Name = site.Name
		cur.Origins = site.Origins
		cur.Settings = site.Settings
		return setJSON(txn, keySite(site.ID), cur)
	})
}

// Sites lists all sites ordered by id (their key order).
func (s *Store) Sites(ctx context.Context) ([]storage.Site, error) {
	return scanJSON[storage.Site](ctx, s, prefixSites)
}
