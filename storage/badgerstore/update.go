package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// callerError carries the error of an UpdateComment callback through the
// transaction, so it is returned as is and never mistaken for (and retried
// as) a Badger conflict.
type callerError struct{ err error }

func (e *callerError) Error() string { return e.err.Error() }

// UpdateComment reads a comment, lets fn change it and stores the result in
// one transaction, moving its status and reader index entries and adjusting
// the page count when the status changes.
//
// fn gets a copy; if it returns an error nothing is written and that error
// is returned unchanged. fn may be called again if the transaction has to be
// retried, so it should only change the comment. ErrInvalid if fn changes
// ID, SiteID, PageKey or ParentID or sets an unknown status; ErrNotFound if
// the site has no such comment.
func (s *Store) UpdateComment(ctx context.Context, siteID, id string, fn func(*storage.Comment) error) (storage.Comment, error) {
	if err := checkParts(siteID, id); err != nil {
		return storage.Comment{}, err
	}
	pageKey, err := s.locate(ctx, siteID, id)
	if err != nil {
		return storage.Comment{}, err
	}
	var out storage.Comment
	err = s.updatePage(ctx, siteID, pageKey, func(txn *badger.Txn) error {
		var old storage.Comment
		if err := getComment(txn, keyComment(siteID, pageKey, id), &old); err != nil {
			return notFound(err, "comment %q of site %q", id, siteID)
		}
		c := old
		c.HoldReasons = slices.Clone(old.HoldReasons) // the only slice in a Comment
		if err := fn(&c); err != nil {
			return &callerError{err}
		}
		if err := checkChange(old, c); err != nil {
			return err
		}
		if err := setComment(txn, keyComment(siteID, pageKey, id), c); err != nil {
			return err
		}
		if err := moveIndexes(txn, old, c); err != nil {
			return err
		}
		out = c
		return nil
	})
	if ce := (*callerError)(nil); errors.As(err, &ce) {
		return storage.Comment{}, ce.err
	}
	if err != nil {
		return storage.Comment{}, err
	}
	return out, nil
}

// checkChange refuses an update that would move the comment to another key
// or break the data model.
func checkChange(old, c storage.Comment) error {
	if c.ID != old.ID || c.SiteID != old.SiteID || c.PageKey != old.PageKey || c.ParentID != old.ParentID {
		return fmt.Errorf("badgerstore: comment %q: id, site, page and parent cannot change: %w", old.ID, storage.ErrInvalid)
	}
	if !c.Status.Valid() {
		return fmt.Errorf("badgerstore: comment %q: status %q: %w", old.ID, c.Status, storage.ErrInvalid)
	}
	return checkParts(c.ReaderHash, c.Fingerprint)
}

// moveIndexes updates the status, awaiting, fingerprint and reader index
// entries and the page count after a comment changed from old to c.
func moveIndexes(txn *badger.Txn, old, c storage.Comment) error {
	page := []byte(c.PageKey)
	if c.Status != old.Status {
		if err := txn.Delete(keyStatus(c.SiteID, old.Status, c.ID)); err != nil {
			return err
		}
		if err := txn.Set(keyStatus(c.SiteID, c.Status, c.ID), page); err != nil {
			return err
		}
	}
	if err := touchPage(txn, c.SiteID, c.PageKey, approved(c.Status)-approved(old.Status)); err != nil {
		return err
	}
	// A status change, a staff answer or a dismissal moves the comment
	// on or off the staff's awaiting list.
	if was, is := old.AwaitsReply(), c.AwaitsReply(); was != is {
		var err error
		if is {
			err = txn.Set(keyAwaiting(c.SiteID, c.ID), page)
		} else {
			err = txn.Delete(keyAwaiting(c.SiteID, c.ID))
		}
		if err != nil {
			return err
		}
	}
	// An edit changes the fingerprint; a reader's data deletion may
	// anonymise a comment by clearing its reader hash: the indexes follow.
	if c.Fingerprint != old.Fingerprint {
		if old.Fingerprint != "" {
			if err := txn.Delete(keyFingerprint(c.SiteID, old.Fingerprint, c.ID)); err != nil {
				return err
			}
		}
		if c.Fingerprint != "" {
			if err := txn.Set(keyFingerprint(c.SiteID, c.Fingerprint, c.ID), page); err != nil {
				return err
			}
		}
	}
	if c.ReaderHash != old.ReaderHash {
		if old.ReaderHash != "" {
			if err := txn.Delete(keyReader(c.SiteID, old.ReaderHash, c.ID)); err != nil {
				return err
			}
		}
		if c.ReaderHash != "" {
			return txn.Set(keyReader(c.SiteID, c.ReaderHash, c.ID), page)
		}
	}
	return nil
}

// approved is 1 for a status that counts towards a page's count, else 0.
func approved(st storage.Status) int {
	if st == storage.StatusApproved {
		return 1
	}
	return 0
}

// touchPage records a change to a page's comments: it adds delta to the
// approved-comment count and bumps the page version that thread caches
// check. Callers run in updatePage.
func touchPage(txn *badger.Txn, siteID, pageKey string, delta int) error {
	var p storage.Page
	if err := getJSON(txn, keyPage(siteID, pageKey), &p); err != nil {
		return fmt.Errorf("badgerstore: page %q of comment: %w", pageKey, err)
	}
	p.Count += delta
	p.Version++
	return setJSON(txn, keyPage(siteID, pageKey), p)
}
