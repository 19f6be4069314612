package badgerstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// CreateComment stores c in one transaction: the comment, its locator and
// index entries, and the page record (created with page's URL and title on
// the first comment, its count raised when c is approved).
//
// ErrInvalid if c has no id, site or page key, or an unknown status, or if
// page names another site or page than c; ErrNotFound if the site does not
// exist; ErrConflict if the site already has a comment with c's id;
// ErrParentNotFound if c.ParentID is set but is not a comment of the same
// page.
func (s *Store) CreateComment(ctx context.Context, c storage.Comment, page storage.Page) error {
	if err := checkNewComment(c, page); err != nil {
		return err
	}
	return s.updatePage(ctx, c.SiteID, c.PageKey, func(txn *badger.Txn) error {
		if _, err := txn.Get(keySite(c.SiteID)); err != nil {
			return notFound(err, "site %q", c.SiteID)
		}
		// Ids are unique per site. Page writes run one after the other,
		// so of two creates of one id the second sees the first's
		// locator.
		taken, err := exists(txn, keyLocator(c.SiteID, c.ID))
		if err != nil {
			return err
		}
		if taken {
			return fmt.Errorf("badgerstore: comment %q: %w", c.ID, storage.ErrConflict)
		}
		if c.ParentID != "" {
			parentPage, err := getString(txn, keyLocator(c.SiteID, c.ParentID))
			if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			if err != nil || parentPage != c.PageKey {
				return fmt.Errorf("badgerstore: comment %q: parent %q: %w", c.ID, c.ParentID, storage.ErrParentNotFound)
			}
		}
		var p storage.Page
		err = getJSON(txn, keyPage(c.SiteID, c.PageKey), &p)
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
			p = storage.Page{SiteID: c.SiteID, Key: c.PageKey, URL: page.URL, Title: page.Title, Created: c.Created}
		case err != nil:
			return err
		}
		if c.Status == storage.StatusApproved {
			p.Count++
		}
		p.Version++
		if err := setJSON(txn, keyPage(c.SiteID, c.PageKey), p); err != nil {
			return err
		}
		if err := setComment(txn, keyComment(c.SiteID, c.PageKey, c.ID), c); err != nil {
			return err
		}
		return setIndexes(txn, c)
	})
}

// checkNewComment applies the data-model rules a new comment must meet
// before any transaction starts.
func checkNewComment(c storage.Comment, page storage.Page) error {
	switch {
	case c.ID == "" || c.SiteID == "" || c.PageKey == "":
		return fmt.Errorf("badgerstore: comment needs an id, a site and a page key: %w", storage.ErrInvalid)
	case !c.Status.Valid():
		return fmt.Errorf("badgerstore: comment %q: status %q: %w", c.ID, c.Status, storage.ErrInvalid)
	case page.SiteID != "" && page.SiteID != c.SiteID, page.Key != "" && page.Key != c.PageKey:
		return fmt.Errorf("badgerstore: comment %q: page %q/%q is not the comment's: %w",
			c.ID, page.SiteID, page.Key, storage.ErrInvalid)
	}
	return checkParts(c.ID, c.SiteID, c.PageKey, c.ParentID, c.ReaderHash, c.Fingerprint)
}

// setIndexes writes the locator and the status, fingerprint, awaiting
// and reader index entries of c. Each index value is the comment's page key, which with the id in the
// index key locates the comment record.
func setIndexes(txn *badger.Txn, c storage.Comment) error {
	page := []byte(c.PageKey)
	if err := txn.Set(keyLocator(c.SiteID, c.ID), page); err != nil {
		return err
	}
	if err := txn.Set(keyStatus(c.SiteID, c.Status, c.ID), page); err != nil {
		return err
	}
	if c.Fingerprint != "" {
		if err := txn.Set(keyFingerprint(c.SiteID, c.Fingerprint, c.ID), page); err != nil {
			return err
		}
	}
	if c.AwaitsReply() {
		if err := txn.Set(keyAwaiting(c.SiteID, c.ID), page); err != nil {
			return err
		}
	}
	if c.ReaderHash == "" {
		return nil
	}
	return txn.Set(keyReader(c.SiteID, c.ReaderHash, c.ID), page)
}

// Comment returns one comment. ErrNotFound if the site has none with id;
// a comment of another site is not found either.
func (s *Store) Comment(ctx context.Context, siteID, id string) (storage.Comment, error) {
	if err := checkParts(siteID, id); err != nil {
		return storage.Comment{}, err
	}
	var c storage.Comment
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		c, err = readComment(txn, siteID, id)
		return err
	})
	return c, err
}

// readComment follows the locator of id to its record.
func readComment(txn *badger.Txn, siteID, id string) (storage.Comment, error) {
	var c storage.Comment
	page, err := getString(txn, keyLocator(siteID, id))
	if err != nil {
		return c, notFound(err, "comment %q of site %q", id, siteID)
	}
	err = getComment(txn, keyComment(siteID, page, id), &c)
	return c, notFound(err, "comment %q of site %q", id, siteID)
}

// locate returns the page key of a comment, which never changes once the
// comment exists. Writers need it to name the comment's record and the page
// they write.
func (s *Store) locate(ctx context.Context, siteID, id string) (string, error) {
	var page string
	err := s.view(ctx, func(txn *badger.Txn) error {
		var err error
		page, err = getString(txn, keyLocator(siteID, id))
		return notFound(err, "comment %q of site %q", id, siteID)
	})
	return page, err
}
