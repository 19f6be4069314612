package badgerstore

import (
	"context"
	"encoding/json"
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
		item, err := txn.Get(keySite(id))
		if err != nil {
			return notFound(err, "site %q", id)
		}
		return item.Value(func(b []byte) error { return decodeSite(b, &site) })
	})
	if err == nil {
		s.sites.put(site.ID, site, gen) // site.ID was decoded: id may be the caller's transient buffer
	}
	return site, err
}

// UpdateSite replaces a site's name, origins, settings and signing secret;
// its owner and creation time stay. ErrNotFound if it does not exist.
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
		cur.SigningSecret = site.SigningSecret
		return setJSON(txn, keySite(site.ID), cur)
	})
}

// Sites lists all sites ordered by id (their key order).
func (s *Store) Sites(ctx context.Context) ([]storage.Site, error) {
	return scanAll(ctx, s, prefixSites, decodeSite)
}

// decodeSite reads a stored site. Sites stored before the moderation
// pipeline's settings existed (no "max_links") get those settings'
// defaults, and their blocked words, which used to hold a comment, become
// suspect words, which still do; sites stored before staff notification
// modes existed (no "notify_mode") notify of every comment, as they did.
// The record is rewritten on its next UpdateSite.
func decodeSite(b []byte, site *storage.Site) error {
	if err := json.Unmarshal(b, site); err != nil {
		return err
	}
	var raw struct {
		Settings map[string]json.RawMessage `json:"settings"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	set, def := &site.Settings, storage.DefaultSiteSettings()
	if _, ok := raw.Settings["notify_mode"]; !ok {
		set.NotifyMode = def.NotifyMode
	}
	if _, ok := raw.Settings["max_links"]; ok {
		return nil
	}
	set.MaxLinks, set.MinSubmitTime, set.DuplicateWindow = def.MaxLinks, def.MinSubmitTime, def.DuplicateWindow
	set.SuspectWords, set.BlockedWords = set.BlockedWords, nil
	return nil
}
