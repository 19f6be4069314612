package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/parley-dev/parley/storage/badgerstore"
)

// defaultData is the data directory without --data or PARLEY_DATA.
const defaultData = "./parley-data"

// dataInUseError is the answer of every command that opens a data
// directory which a running parley holds: Badger lets one process open it.
type dataInUseError struct{ dir string }

func (e *dataInUseError) Error() string {
	return fmt.Sprintf("the data directory %s is in use by a running parley "+
		"(stop it first, or use parley backup/import/export, which go through it)", e.dir)
}

// badgerLocked says whether err is Badger's refusal of a directory that
// another process (or another open in this one) has locked. Badger formats
// the flock error into its text rather than wrapping it, so its words are
// what there is to match; TestDataInUse pins them.
func badgerLocked(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Another process is using this Badger database")
}

// openStore opens the data directory, creating it when needed, and is the
// one place its errors become messages: a directory in use by a running
// parley gets the same answer from every command.
func openStore(data string, opts badgerstore.Options) (*badgerstore.Store, error) {
	store, err := badgerstore.Open(data, opts)
	if badgerLocked(err) {
		return nil, &dataInUseError{data}
	}
	if err != nil {
		return nil, fmt.Errorf("open data directory %s: %w", data, err)
	}
	return store, nil
}

// hasData says whether data holds a Parley database (Badger's MANIFEST).
func hasData(data string) bool {
	_, err := os.Stat(filepath.Join(data, "MANIFEST"))
	return err == nil
}

// errNoData is the refusal of a directory that holds no Parley data.
func errNoData(data string) error {
	return fmt.Errorf("%s holds no Parley data: start parley once with --data %s, or check the path", data, data)
}

// openExistingStore opens a data directory that holds Parley data,
// refusing to create one.
func openExistingStore(data string, opts badgerstore.Options) (*badgerstore.Store, error) {
	if !hasData(data) {
		return nil, errNoData(data)
	}
	return openStore(data, opts)
}

// openNewOrExistingStore opens a data directory that holds Parley data, or
// creates one in a directory that is missing or empty (a fresh instance,
// as for parley user add before the first start), but refuses a directory
// with other files in it: most likely a wrong path.
func openNewOrExistingStore(data string, opts badgerstore.Options) (*badgerstore.Store, error) {
	if !hasData(data) {
		entries, err := os.ReadDir(data)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open data directory %s: %w", data, err)
		}
		if len(entries) > 0 {
			return nil, errNoData(data)
		}
	}
	return openStore(data, opts)
}
