package badgerstore

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dgraph-io/badger/v4"
)

// A backup file is backupHeader, Badger's backup stream, and a trailer
// giving the stream's length and SHA-256: the stream has no end marker of
// its own, so without the trailer a file cut between two records would
// restore without an error, missing its tail.
const (
	backupHeader  = "PARLEY-BACKUP 1\n"
	trailerFormat = "\nPARLEY-END %016x %064x\n"
	trailerLen    = 1 + 11 + 16 + 1 + 64 + 1
)

// ErrBadBackup is returned by Restore for a file that is not a whole
// backup: another kind of file, cut short, or changed.
var ErrBadBackup = errors.New("badgerstore: not a whole Parley backup")

// Backup writes a full backup of the database to w: Badger's backup
// stream of every key at one read timestamp, so a consistent snapshot
// while writes go on, framed so that Restore can tell a whole file. ctx
// ends it early only through w (Badger's stream does not take a
// context), so a caller that must stop should make w fail.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := io.WriteString(ctxWriter{ctx, w}, backupHeader); err != nil {
		return fmt.Errorf("badgerstore: backup: %w", err)
	}
	sum := sha256.New()
	n := &countWriter{}
	if _, err := s.db.Backup(io.MultiWriter(ctxWriter{ctx, w}, sum, n), 0); err != nil {
		return fmt.Errorf("badgerstore: backup: %w", err)
	}
	if _, err := fmt.Fprintf(ctxWriter{ctx, w}, trailerFormat, n.n, sum.Sum(nil)); err != nil {
		return fmt.Errorf("badgerstore: backup: %w", err)
	}
	return nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// checkBackup reads r through and returns the length of its stream, which
// starts right after the header, when the trailer vouches for it.
func checkBackup(r io.ReadSeeker) (int64, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	n := size - int64(len(backupHeader)) - trailerLen
	if n < 0 {
		return 0, ErrBadBackup
	}
	head := make([]byte, len(backupHeader))
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	if _, err := io.ReadFull(r, head); err != nil || string(head) != backupHeader {
		return 0, ErrBadBackup
	}
	sum := sha256.New()
	if _, err := io.CopyN(sum, r, n); err != nil {
		return 0, err
	}
	tail := make([]byte, trailerLen)
	if _, err := io.ReadFull(r, tail); err != nil {
		return 0, err
	}
	if string(tail) != fmt.Sprintf(trailerFormat, n, sum.Sum(nil)) {
		return 0, ErrBadBackup
	}
	_, err = r.Seek(int64(len(backupHeader)), io.SeekStart)
	return n, err
}

// ctxWriter fails its writes once ctx ends, which stops a backup stream.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// ErrNotEmpty is returned by Restore for a directory that holds files.
var ErrNotEmpty = errors.New("badgerstore: restore needs an empty or new directory")

// Restore creates a database in dir from a backup written by Backup,
// checked whole first (ErrBadBackup otherwise). dir must not exist or be
// empty; on any failure Restore removes what it created, so a bad backup
// leaves nothing behind.
func Restore(dir string, r io.ReadSeeker) (err error) {
	exists := true
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		exists = false
	case err != nil:
		return fmt.Errorf("badgerstore: restore: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("%w: %s is not empty", ErrNotEmpty, dir)
	}
	n, err := checkBackup(r)
	if err != nil {
		return fmt.Errorf("badgerstore: restore: %w", err)
	}
	created := false
	if !exists {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("badgerstore: restore: %w", err)
		}
		created = true
	}
	defer func() {
		if err == nil {
			return
		}
		if created {
			os.RemoveAll(dir)
			return
		}
		// dir was there and empty: empty it again.
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			os.RemoveAll(dir + string(os.PathSeparator) + e.Name())
		}
	}()
	db, err := badger.Open(badgerOptions(dir, Options{}))
	if err != nil {
		return fmt.Errorf("badgerstore: restore: open %s: %w", dir, err)
	}
	if err := db.Load(io.LimitReader(r, n), 256); err != nil {
		db.Close()
		return fmt.Errorf("badgerstore: restore: load: %w", err)
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("badgerstore: restore: close: %w", err)
	}
	return nil
}
