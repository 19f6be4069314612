package badgerstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// secretSize is the length of a generated secret: 256 bits, the key size of
// HMAC-SHA256.
const secretSize = 32

// Secret returns the named instance secret, creating secretSize random
// bytes on first use. The read and the create are one transaction, so two
// first callers racing each other conflict in Badger; the loser retries,
// finds the winner's secret and returns it. The value is stored raw.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	if name == "" {
		return nil, fmt.Errorf("badgerstore: secret without a name: %w", storage.ErrInvalid)
	}
	var secret []byte
	err := s.update(ctx, func(txn *badger.Txn) error {
		item, err := txn.Get(keySecret(name))
		if err == nil {
			secret, err = item.ValueCopy(nil)
			return err
		}
		if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		fresh := make([]byte, secretSize)
		if _, err := rand.Read(fresh); err != nil {
			return err
		}
		secret = fresh
		return txn.Set(keySecret(name), fresh)
	})
	if err != nil {
		return nil, err
	}
	return secret, nil
}
