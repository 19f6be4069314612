package badgerstore

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// Pages lists a site's pages ordered by key, at most limit (<= 0: all)
// after the key after: one prefix scan from there.
func (s *Store) Pages(ctx context.Context, siteID, after string, limit int) ([]storage.Page, error) {
	if err := checkParts(siteID, after); err != nil {
		return nil, err
	}
	prefix := prefixSite("p/", siteID)
	out := []storage.Page{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		it.Seek(prefix)
		if after != "" {
			// The first key after "after" is after\0: no key holds a NUL.
			it.Seek(append(keyPage(siteID, after), 0))
		}
		for ; it.Valid() && (limit <= 0 || len(out) < limit); it.Next() {
			var p storage.Page
			if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &p) }); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteSite removes a site and everything under it (its verified readers
// and pending verifications too), including every user's role on it and
// its place in their notification list. A site can hold more
// records than one transaction takes, so its records go in batches, and the
// site record itself last: an interrupted delete leaves the site in place,
// to be deleted again, rather than orphans that a new site of the same id
// would inherit.
func (s *Store) DeleteSite(ctx context.Context, id string) error {
	if err := checkParts(id); err != nil {
		return err
	}
	if _, err := s.Site(ctx, id); err != nil {
		return err
	}
	defer s.sites.drop(id)
	defer s.pages.clear()
	if err := s.deleteSiteMessages(ctx, id); err != nil {
		return err
	}
	for _, kind := range slices.Concat(siteKinds, readerKinds) {
		if err := s.deletePrefix(ctx, prefixSite(kind, id)); err != nil {
			return err
		}
	}
	users, err := s.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if _, ok := u.Roles[id]; !ok && !slices.Contains(u.NotifySites, id) {
			continue
		}
		_, err := s.UpdateUser(ctx, u.Name, func(u *storage.User) error {
			delete(u.Roles, id)
			u.NotifySites = slices.DeleteFunc(u.NotifySites, func(site string) bool { return site == id })
			return nil
		})
		if err != nil {
			return err
		}
	}
	return s.update(ctx, func(txn *badger.Txn) error { return txn.Delete(keySite(id)) })
}

// deleteBatch is how many keys one delete transaction removes: far below
// Badger's transaction size limit.
const deleteBatch = 1000

// deletePrefix deletes every key under prefix, deleteBatch keys per
// transaction.
func (s *Store) deletePrefix(ctx context.Context, prefix []byte) error {
	return s.deleteScanned(ctx, prefix, deleteBatch, nil, nil)
}

// deleteScanned deletes the keys under prefix in key order, batch of them
// per transaction. A scan stops at the first key for which stop reports
// true (nil: none). then, when set, runs in the transaction that deletes a
// key, for what goes with it.
func (s *Store) deleteScanned(ctx context.Context, prefix []byte, batch int,
	stop func(key []byte) (bool, error), then func(txn *badger.Txn, key []byte) error) error {
	for {
		var keys [][]byte
		err := s.view(ctx, func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
			defer it.Close()
			for it.Rewind(); it.Valid() && len(keys) < batch; it.Next() {
				if stop != nil {
					if done, err := stop(it.Item().Key()); err != nil || done {
						return err
					}
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
				if err := txn.Delete(k); err != nil {
					return err
				}
				if then != nil {
					if err := then(txn, k); err != nil {
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
