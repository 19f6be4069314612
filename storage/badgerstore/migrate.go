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
// a step that rewrites many records returns errMoreBatches after each
// batch it stages: migrate commits that batch without the version bump and
// runs the step again, so the step must resume where the last batch ended
// (it keeps its own cursor in the batch's transaction).
type migration func(txn *badger.Txn) error

// migrations is the ordered schema history; the schema version is the
// number of steps applied, so the current version is len(migrations).
// Append new steps; never edit or reorder old ones.
var migrations = []migration{
	// 1: the initial key layout described in doc.go. Nothing to convert;
	// recording the version is enough.
	func(*badger.Txn) error { return nil },
	// 2: the awaiting-reply index (w/), built for the comments stored
	// before it, whose readers' comments with a staff reply are marked
	// Answered (awaiting.go). It runs in batches (errMoreBatches).
	migrateAwaiting,
}

// migrate applies the steps the database has not seen, one transaction per
// step (or batch). An up-to-date database has only its schema key read:
// a step that scans records runs once, on the first open after upgrading.
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
			err = steps[v](txn)
			if errors.Is(err, errMoreBatches) {
				return nil // commit the batch; the loop runs the step again
			}
			if err != nil {
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
