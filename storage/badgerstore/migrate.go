package badgerstore

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// ErrSchemaTooNew is returned by Open when the database was written by a
// newer Parley whose schema this binary does not know. Opening it anyway
// could corrupt data, so the operator must run the newer binary (or restore
// a backup).
var ErrSchemaTooNew = errors.New("badgerstore: database schema is newer than this binary supports")

// migration moves the database from one schema version to the next. It runs
// in the same transaction as the version bump, so a crash leaves the
// database at the old or the new version, never in between. A step must
// fit in one transaction (about 600 KB of writes with our memtable size);
// a step that rewrites many records has to be split into several steps.
type migration func(txn *badger.Txn) error

// migrations is the ordered schema history; the schema version is the
// number of steps applied, so the current version is len(migrations).
// Append new steps; never edit or reorder old ones.
var migrations = []migration{
	// 1: the initial key layout described in doc.go. Nothing to convert;
	// recording the version is enough.
	func(*badger.Txn) error { return nil },
}

// migrate applies the steps the database has not seen, one transaction per
// step. It reads only the schema key: no scans at open.
func migrate(db *badger.DB, steps []migration) error {
	for {
		done := false
		err := db.Update(func(txn *badger.Txn) error {
			v, err := schemaVersion(txn)
			if err != nil {
				return err
			}
			switch {
			case v > len(steps):
				return fmt.Errorf("%w: database is at version %d, this binary knows up to %d",
					ErrSchemaTooNew, v, len(steps))
			case v == len(steps):
				done = true
				return nil
			}
			if err := steps[v](txn); err != nil {
				return fmt.Errorf("badgerstore: migration to version %d: %w", v+1, err)
			}
			return setJSON(txn, keySchema, v+1)
		})
		if err != nil || done {
			return err
		}
	}
}

// schemaVersion reads the stored version; a fresh database is version 0.
func schemaVersion(txn *badger.Txn) (int, error) {
	var v int
	err := getJSON(txn, keySchema, &v)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("badgerstore: read schema version: %w", err)
	}
	return v, nil
}
