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

// CreateUser stores a new user. ErrInvalid for an empty name, ErrConflict if
// the name is taken.
func (s *Store) CreateUser(ctx context.Context, u storage.User) error {
	if u.Name == "" {
		return fmt.Errorf("badgerstore: user without a name: %w", storage.ErrInvalid)
	}
	if err := checkParts(u.Name); err != nil {
		return err
	}
	if u.Created.IsZero() {
		u.Created = time.Now().UTC()
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		ok, err := exists(txn, keyUser(u.Name))
		if err != nil {
			return err
		}
		if ok {
			return fmt.Errorf("badgerstore: user %q: %w", u.Name, storage.ErrConflict)
		}
		return setJSON(txn, keyUser(u.Name), u)
	})
}

// User returns a user by name. ErrNotFound if there is none.
func (s *Store) User(ctx context.Context, name string) (storage.User, error) {
	if err := checkParts(name); err != nil {
		return storage.User{}, err
	}
	var u storage.User
	err := s.view(ctx, func(txn *badger.Txn) error {
		return notFound(getJSON(txn, keyUser(name), &u), "user %q", name)
	})
	return u, err
}

// UpdateUser changes a user in one transaction (see storage.AccountStore).
func (s *Store) UpdateUser(ctx context.Context, name string, fn func(*storage.User) error) (storage.User, error) {
	if err := checkParts(name); err != nil {
		return storage.User{}, err
	}
	var out storage.User
	err := s.update(ctx, func(txn *badger.Txn) error {
		var u storage.User
		if err := getJSON(txn, keyUser(name), &u); err != nil {
			return notFound(err, "user %q", name)
		}
		if err := fn(&u); err != nil {
			return &callerError{err}
		}
		if u.Name != name {
			return fmt.Errorf("badgerstore: user %q: the name cannot change: %w", name, storage.ErrInvalid)
		}
		out = u
		return setJSON(txn, keyUser(name), u)
	})
	if ce := (*callerError)(nil); errors.As(err, &ce) {
		return storage.User{}, ce.err
	}
	return out, err
}

// Users lists every user ordered by name.
func (s *Store) Users(ctx context.Context) ([]storage.User, error) {
	return scanJSON[storage.User](ctx, s, prefixUsers)
}

// CreateSession stores a session. Badger expires the record by itself (a
// TTL at Expires, by the wall clock), and Session checks Expires against
// the caller's clock too.
func (s *Store) CreateSession(ctx context.Context, sess storage.Session) error {
	if sess.TokenHash == "" || sess.Expires.IsZero() {
		return fmt.Errorf("badgerstore: session needs a token hash and an expiry: %w", storage.ErrInvalid)
	}
	if err := checkParts(sess.TokenHash); err != nil {
		return err
	}
	b, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	e := badger.NewEntry(keySession(sess.TokenHash), b)
	if ttl := time.Until(sess.Expires); ttl > time.Minute {
		e = e.WithTTL(ttl)
	}
	return s.update(ctx, func(txn *badger.Txn) error { return txn.SetEntry(e) })
}

// Session returns a live session. ErrNotFound if there is none or it has
// expired at now.
func (s *Store) Session(ctx context.Context, tokenHash string, now time.Time) (storage.Session, error) {
	if err := checkParts(tokenHash); err != nil {
		return storage.Session{}, err
	}
	var sess storage.Session
	err := s.view(ctx, func(txn *badger.Txn) error {
		return notFound(getJSON(txn, keySession(tokenHash), &sess), "session")
	})
	if err == nil && !now.Before(sess.Expires) {
		return storage.Session{}, fmt.Errorf("badgerstore: session expired: %w", storage.ErrNotFound)
	}
	return sess, err
}

// DeleteSession removes a session; a missing one is no error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if err := checkParts(tokenHash); err != nil {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error { return txn.Delete(keySession(tokenHash)) })
}

// DeleteUserSessions removes every session of a user. Sessions are keyed by
// token hash, so this scans them all; there are few, and they expire.
func (s *Store) DeleteUserSessions(ctx context.Context, userName string) error {
	var keys [][]byte
	err := s.scan(ctx, []byte("sess/"), func(k, v []byte) error {
		var sess storage.Session
		if err := json.Unmarshal(v, &sess); err != nil {
			return err
		}
		if sess.UserName == userName {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil || len(keys) == 0 {
		return err
	}
	return s.update(ctx, func(txn *badger.Txn) error {
		for _, k := range keys {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}
