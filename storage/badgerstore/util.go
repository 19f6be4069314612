package badgerstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// getJSON decodes the value at key into v. It decodes inside the
// transaction, so nothing keeps pointing at Badger's buffers (json copies
// every string it produces). It returns badger.ErrKeyNotFound unwrapped.
func getJSON(txn *badger.Txn, key []byte, v any) error {
	item, err := txn.Get(key)
	if err != nil {
		return err
	}
	return item.Value(func(b []byte) error { return json.Unmarshal(b, v) })
}

// setJSON encodes v and stages it at key.
func setJSON(txn *badger.Txn, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return txn.Set(key, b)
}

// getString returns the value at key as a string (a copy).
func getString(txn *badger.Txn, key []byte) (string, error) {
	item, err := txn.Get(key)
	if err != nil {
		return "", err
	}
	var s string
	err = item.Value(func(b []byte) error { s = string(b); return nil })
	return s, err
}

// exists reports whether key is present.
func exists(txn *badger.Txn, key []byte) (bool, error) {
	_, err := txn.Get(key)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, badger.ErrKeyNotFound):
		return false, nil
	}
	return false, err
}

// notFound wraps storage.ErrNotFound when err is Badger's missing-key error
// and passes any other error through.
func notFound(err error, what string, args ...any) error {
	if errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("badgerstore: %s: %w", fmt.Sprintf(what, args...), storage.ErrNotFound)
	}
	return err
}

// backoff sleeps a little longer after each conflicting attempt, with
// jitter, so transactions that collided do not collide again in lock step.
func backoff(attempt int) {
	d := time.Duration(attempt) * 500 * time.Microsecond
	time.Sleep(d/2 + rand.N(d))
}

// badgerLogger adapts Badger's printf-style logger to slog. Info and debug
// messages are dropped: Badger reports every compaction and flush at info,
// which is noise for an operator.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, args ...any) {
	b.l.Error(strings.TrimSpace(fmt.Sprintf(f, args...)), slog.String("component", "badger"))
}

func (b badgerLogger) Warningf(f string, args ...any) {
	b.l.Warn(strings.TrimSpace(fmt.Sprintf(f, args...)), slog.String("component", "badger"))
}

func (badgerLogger) Infof(string, ...any)  {}
func (badgerLogger) Debugf(string, ...any) {}

// scan calls fn with each key and value under prefix, in key order, in one
// snapshot. The slices are valid only during the call.
//
// No iterator here prefetches values: values live in the LSM tree next to
// their keys (see badgerOptions), so prefetching only copied each one into
// a fresh buffer; without it, reading a 1,000-comment page took 0.9 ms
// instead of 1.6 ms and 2,000 allocations instead of 3,500
// (BenchmarkPageComments1000).
func (s *Store) scan(ctx context.Context, prefix []byte, fn func(k, v []byte) error) error {
	return s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			if err := item.Value(func(v []byte) error { return fn(item.Key(), v) }); err != nil {
				return err
			}
		}
		return nil
	})
}

// scanAll decodes every value under prefix with decode, in key order, in
// one snapshot.
func scanAll[T any](ctx context.Context, s *Store, prefix []byte, decode func([]byte, *T) error) ([]T, error) {
	out := []T{}
	err := s.scan(ctx, prefix, func(_, v []byte) error {
		var x T
		if err := decode(v, &x); err != nil {
			return err
		}
		out = append(out, x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanJSON decodes every value under prefix as a JSON T, in key order, in
// one snapshot.
func scanJSON[T any](ctx context.Context, s *Store, prefix []byte) ([]T, error) {
	return scanAll(ctx, s, prefix, func(b []byte, x *T) error { return json.Unmarshal(b, x) })
}
