package badgerstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// normalEmail is the form a subscriber's address is keyed and stored in.
func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// PutSubscriber stores s under its lower-cased address, replacing the
// site's record of it. ErrInvalid without a site or e-mail.
func (s *Store) PutSubscriber(ctx context.Context, sub storage.Subscriber) error {
	sub.Email = normalEmail(sub.Email)
	if sub.SiteID == "" || sub.Email == "" {
		return fmt.Errorf("badgerstore: subscriber needs a site and an e-mail: %w", storage.ErrInvalid)
	}
	if err := checkParts(sub.SiteID, sub.Email); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		return setJSON(txn, keySubscriber(sub.SiteID, sub.Email), sub)
	})
}

// Subscriber returns a site's record of an address, matched in lower
// case. ErrNotFound if there is none.
func (s *Store) Subscriber(ctx context.Context, siteID, email string) (storage.Subscriber, error) {
	email = normalEmail(email)
	if err := checkParts(siteID, email); err != nil {
		return storage.Subscriber{}, err
	}
	var sub storage.Subscriber
	err := s.view(ctx, func(txn *badger.Txn) error {
		return notFound(getJSON(txn, keySubscriber(siteID, email), &sub), "subscriber %q of site %q", email, siteID)
	})
	return sub, err
}

// DeleteSubscriber removes a site's record of an address; removing a
// missing one is no error.
func (s *Store) DeleteSubscriber(ctx context.Context, siteID, email string) error {
	email = normalEmail(email)
	if err := checkParts(siteID, email); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error { return txn.Delete(keySubscriber(siteID, email)) })
}
