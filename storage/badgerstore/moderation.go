package badgerstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

// PutBan stores a ban, replacing one of the same kind and value. Bans are
// not given a Badger TTL: whether one is active is decided with the
// caller's clock, and an expired ban stays listed nowhere but costs little.
func (s *Store) PutBan(ctx context.Context, b storage.Ban) error {
	b.Value = storage.NormalizeBanValue(b.Kind, b.Value)
	if !b.Kind.Valid() || b.Value == "" || b.SiteID == "" {
		return fmt.Errorf("badgerstore: ban needs a site, a kind and a value: %w", storage.ErrInvalid)
	}
	if err := checkParts(b.SiteID, b.Value); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get(keySite(b.SiteID)); err != nil {
			return notFound(err, "site %q", b.SiteID)
		}
		return setJSON(txn, keyBan(b.SiteID, b.Kind, b.Value), b)
	})
}

// Bans lists a site's bans active at now, ordered by kind and value.
func (s *Store) Bans(ctx context.Context, siteID string, now time.Time) ([]storage.Ban, error) {
	if err := checkParts(siteID); err != nil {
		return nil, err
	}
	bans, err := scanJSON[storage.Ban](ctx, s, prefixSite("b/", siteID))
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(bans, func(b storage.Ban) bool { return !b.Active(now) }), nil
}

// DeleteBan lifts a ban; a missing one is no error.
func (s *Store) DeleteBan(ctx context.Context, siteID string, key storage.BanKey) error {
	v := storage.NormalizeBanValue(key.Kind, key.Value)
	if err := checkParts(siteID, v); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error { return txn.Delete(keyBan(siteID, key.Kind, v)) })
}

// MatchBan returns the first active ban matching one of keys: one point
// read per key.
func (s *Store) MatchBan(ctx context.Context, siteID string, now time.Time, keys ...storage.BanKey) (storage.Ban, error) {
	if err := checkParts(siteID); err != nil {
		return storage.Ban{}, err
	}
	var found storage.Ban
	err := s.view(ctx, func(txn *badger.Txn) error {
		for _, k := range keys {
			v := storage.NormalizeBanValue(k.Kind, k.Value)
			if v == "" || !k.Kind.Valid() || checkParts(v) != nil {
				continue
			}
			var b storage.Ban
			err := getJSON(txn, keyBan(siteID, k.Kind, v), &b)
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if b.Active(now) {
				found = b
				return nil
			}
		}
		return fmt.Errorf("badgerstore: no ban: %w", storage.ErrNotFound)
	})
	return found, err
}

// AddFlag records one reader's flag on a comment. The reads of the flag
// key and of the comment's other flags make two concurrent flags by one
// reader or one address conflict, so the second sees the first and gets
// ErrConflict. A comment has few flags, so the address check scans them.
func (s *Store) AddFlag(ctx context.Context, f storage.Flag) error {
	if f.ReaderHash == "" || f.SiteID == "" || f.CommentID == "" {
		return fmt.Errorf("badgerstore: flag needs a site, a comment and a reader: %w", storage.ErrInvalid)
	}
	if err := checkParts(f.SiteID, f.CommentID, f.ReaderHash); err != nil {
		return err
	}
	taken := fmt.Errorf("badgerstore: flag on %q: %w", f.CommentID, storage.ErrConflict)
	return s.update(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get(keyLocator(f.SiteID, f.CommentID)); err != nil {
			return notFound(err, "comment %q of site %q", f.CommentID, f.SiteID)
		}
		k := keyFlag(f.SiteID, f.CommentID, f.ReaderHash)
		if ok, err := exists(txn, k); err != nil || ok {
			return cmp.Or(err, taken)
		}
		if ok, err := addressFlagged(txn, f); err != nil || ok {
			return cmp.Or(err, taken)
		}
		return setJSON(txn, k, f)
	})
}

// addressFlagged reports whether another flag of f's comment came from
// f's address.
func addressFlagged(txn *badger.Txn, f storage.Flag) (bool, error) {
	if f.IPHash == "" {
		return false, nil
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixFlags(f.SiteID, f.CommentID)})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var other storage.Flag
		if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &other) }); err != nil {
			return false, err
		}
		if other.IPHash == f.IPHash {
			return true, nil
		}
	}
	return false, nil
}

// FlaggedComments groups a site's flags by comment. Flag keys start with
// the comment id, so one prefix scan yields them grouped, oldest comment
// first.
func (s *Store) FlaggedComments(ctx context.Context, siteID string) ([]storage.FlagSummary, error) {
	if err := checkParts(siteID); err != nil {
		return nil, err
	}
	out := []storage.FlagSummary{}
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefixSite("f/", siteID)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var f storage.Flag
			if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &f) }); err != nil {
				return err
			}
			if n := len(out); n > 0 && out[n-1].Comment.ID == f.CommentID {
				out[n-1].Flags = append(out[n-1].Flags, f)
				continue
			}
			c, err := readComment(txn, siteID, f.CommentID)
			if err != nil {
				return err
			}
			out = append(out, storage.FlagSummary{Comment: c, Flags: []storage.Flag{f}})
		}
		return nil
	})
	return out, err
}

// ClearFlags removes every flag of a comment.
func (s *Store) ClearFlags(ctx context.Context, siteID, commentID string) error {
	if err := checkParts(siteID, commentID); err != nil {
		return err
	}
	return s.deletePrefix(ctx, prefixFlags(siteID, commentID))
}

// AddAudit appends an entry to a site's audit log. Its UUIDv7 id makes key
// order time order.
func (s *Store) AddAudit(ctx context.Context, e storage.AuditEntry) error {
	if e.SiteID == "" || e.Action == "" {
		return fmt.Errorf("badgerstore: audit entry needs a site and an action: %w", storage.ErrInvalid)
	}
	if e.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return err
		}
		e.ID = id.String()
	}
	if err := checkParts(e.SiteID, e.ID); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error { return setJSON(txn, keyAudit(e.SiteID, e.ID), e) })
}

// Audit returns a site's newest audit entries first: a reverse prefix scan.
func (s *Store) Audit(ctx context.Context, siteID string, limit int) ([]storage.AuditEntry, error) {
	if err := checkParts(siteID); err != nil {
		return nil, err
	}
	out := []storage.AuditEntry{}
	prefix := prefixSite("a/", siteID)
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, Reverse: true})
		defer it.Close()
		// A reverse scan starts at the last key <= the seek key: one past
		// every key with the prefix.
		for it.Seek(append(append([]byte{}, prefix...), 0xff)); it.Valid(); it.Next() {
			if limit > 0 && len(out) == limit {
				break
			}
			var e storage.AuditEntry
			if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &e) }); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}
