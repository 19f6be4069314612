package badgerstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// verificationGrace is how long past its expiry a verification is kept
// (its Badger TTL ends then): TakeVerification returns an expired one, so
// the server can tell an expired link from an unknown one for a while.
const verificationGrace = time.Hour

// AddVerification stores a pending verification with a Badger TTL at
// Expires plus verificationGrace (at least a minute from now), after which
// Badger drops it by itself. ErrInvalid if a field is empty; ErrNotFound
// if the site does not exist.
func (s *Store) AddVerification(ctx context.Context, v storage.Verification) error {
	if v.SiteID == "" || v.CodeHash == "" || v.Email == "" || v.Expires.IsZero() {
		return fmt.Errorf("badgerstore: verification needs a site, a code hash, an e-mail and an expiry: %w", storage.ErrInvalid)
	}
	if err := checkParts(v.SiteID, v.CodeHash); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ttl := max(time.Until(v.Expires.Add(verificationGrace)), time.Minute)
	return s.update(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get(keySite(v.SiteID)); err != nil {
			return notFound(err, "site %q", v.SiteID)
		}
		return txn.SetEntry(badger.NewEntry(keyVerification(v.SiteID, v.CodeHash), b).WithTTL(ttl))
	})
}

// TakeVerification reads and deletes a pending verification in one
// transaction: of two concurrent takes, the later commit conflicts, runs
// again and finds none.
func (s *Store) TakeVerification(ctx context.Context, siteID, codeHash string) (storage.Verification, error) {
	if err := checkParts(siteID, codeHash); err != nil {
		return storage.Verification{}, err
	}
	var out storage.Verification
	err := s.update(ctx, func(txn *badger.Txn) error {
		key := keyVerification(siteID, codeHash)
		var v storage.Verification
		if err := getJSON(txn, key, &v); err != nil {
			return notFound(err, "verification of site %q", siteID)
		}
		out = v
		return txn.Delete(key)
	})
	if err != nil {
		return storage.Verification{}, err
	}
	return out, nil
}

// SaveReader stores r and its index entries in one transaction: it
// refuses (ErrConflict, nothing written) an address or name key whose
// entry names another hash, removes the entries of what the reader it
// replaces held, and writes r's.
func (s *Store) SaveReader(ctx context.Context, r storage.Reader) error {
	if r.SiteID == "" || r.Hash == "" {
		return fmt.Errorf("badgerstore: reader needs a site and a hash: %w", storage.ErrInvalid)
	}
	if err := checkParts(r.SiteID, r.Hash, r.Email, r.NameKey); err != nil {
		return err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get(keySite(r.SiteID)); err != nil {
			return notFound(err, "site %q", r.SiteID)
		}
		var index []readerIndex
		if r.Email != "" {
			index = append(index, readerIndex{keyReaderEmail(r.SiteID, r.Email), "e-mail address"})
		}
		if r.NameKey != "" {
			index = append(index, readerIndex{keyReaderName(r.SiteID, r.NameKey), "name"})
		}
		for _, ix := range index {
			holder, err := getString(txn, ix.key)
			switch {
			case errors.Is(err, badger.ErrKeyNotFound):
			case err != nil:
				return err
			case holder != r.Hash:
				return fmt.Errorf("badgerstore: site %q: the %s is another reader's: %w", r.SiteID, ix.what, storage.ErrConflict)
			}
		}
		var old storage.Reader
		switch err := getJSON(txn, keyReaderRecord(r.SiteID, r.Hash), &old); {
		case errors.Is(err, badger.ErrKeyNotFound):
		case err != nil:
			return err
		default:
			if err := deleteReaderIndex(txn, old); err != nil {
				return err
			}
		}
		for _, ix := range index {
			if err := txn.Set(ix.key, []byte(r.Hash)); err != nil {
				return err
			}
		}
		return txn.Set(keyReaderRecord(r.SiteID, r.Hash), b)
	})
}

// readerIndex is an index entry a reader holds: its key and, for errors,
// what it indexes.
type readerIndex struct {
	key  []byte
	what string
}

// deleteReaderIndex removes the index entries of what r holds.
func deleteReaderIndex(txn *badger.Txn, r storage.Reader) error {
	if r.Email != "" {
		if err := txn.Delete(keyReaderEmail(r.SiteID, r.Email)); err != nil {
			return err
		}
	}
	if r.NameKey != "" {
		return txn.Delete(keyReaderName(r.SiteID, r.NameKey))
	}
	return nil
}

// Reader returns the site's verified reader with the hash: one point read.
func (s *Store) Reader(ctx context.Context, siteID, hash string) (storage.Reader, error) {
	if err := checkParts(siteID, hash); err != nil {
		return storage.Reader{}, err
	}
	var r storage.Reader
	err := s.view(ctx, func(txn *badger.Txn) error {
		return notFound(getJSON(txn, keyReaderRecord(siteID, hash), &r), "reader of site %q", siteID)
	})
	if err != nil {
		return storage.Reader{}, err
	}
	return r, nil
}

// ReaderByEmail returns the site's reader holding the address: its index
// entry, then the record, in one snapshot.
func (s *Store) ReaderByEmail(ctx context.Context, siteID, email string) (storage.Reader, error) {
	return s.readerBy(ctx, siteID, email, keyReaderEmail, "e-mail address")
}

// ReaderByName returns the site's reader holding the name key, as
// ReaderByEmail does.
func (s *Store) ReaderByName(ctx context.Context, siteID, nameKey string) (storage.Reader, error) {
	return s.readerBy(ctx, siteID, nameKey, keyReaderName, "name")
}

// readerBy reads the reader whose hash the index entry key(siteID, value)
// holds. ErrNotFound for an empty value, which no reader holds.
func (s *Store) readerBy(ctx context.Context, siteID, value string, key func(site, value string) []byte, what string) (storage.Reader, error) {
	if err := checkParts(siteID, value); err != nil {
		return storage.Reader{}, err
	}
	if value == "" {
		return storage.Reader{}, fmt.Errorf("badgerstore: reader of site %q by an empty %s: %w", siteID, what, storage.ErrNotFound)
	}
	var r storage.Reader
	err := s.view(ctx, func(txn *badger.Txn) error {
		hash, err := getString(txn, key(siteID, value))
		if err != nil {
			return notFound(err, "reader of site %q by %s", siteID, what)
		}
		return notFound(getJSON(txn, keyReaderRecord(siteID, hash), &r), "reader of site %q by %s", siteID, what)
	})
	if err != nil {
		return storage.Reader{}, err
	}
	return r, nil
}

// DeleteReader removes the site's reader with the hash and its index
// entries in one transaction; a missing reader is no error.
func (s *Store) DeleteReader(ctx context.Context, siteID, hash string) error {
	if err := checkParts(siteID, hash); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		key := keyReaderRecord(siteID, hash)
		var r storage.Reader
		switch err := getJSON(txn, key, &r); {
		case errors.Is(err, badger.ErrKeyNotFound):
			return nil
		case err != nil:
			return err
		}
		if err := deleteReaderIndex(txn, r); err != nil {
			return err
		}
		return txn.Delete(key)
	})
}
