package badgerstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// DefaultGCInterval is how often value-log garbage collection runs when
// Options.GCInterval is zero.
const DefaultGCInterval = 10 * time.Minute

// pageCacheBytes bounds the page cache (readcache.go): a few tens of
// thousands of typical pages.
const pageCacheBytes = 8 << 20

// Options configure Open.
type Options struct {
	// InMemory keeps everything in RAM and ignores dir. Only for quick
	// tests: nothing survives Close.
	InMemory bool
	// Logger receives Badger's warnings and errors; its info and debug
	// chatter is dropped. Nil discards everything.
	Logger *slog.Logger
	// GCInterval is the value-log GC schedule: zero means
	// DefaultGCInterval, a negative value turns the schedule off.
	GCInterval time.Duration
}

// Store is the Badger implementation of storage.Store. It is safe for
// concurrent use.
type Store struct {
	db  *badger.DB
	log *slog.Logger

	// sites and pages cache decoded records (see readCache); a page's
	// entry is dropped after every commit that wrote to the page.
	sites *readCache[string, storage.Site]
	pages *readCache[pageID, storage.Page]

	// pageWrites runs every write that touches a page (see updatePage).
	pageWrites *groupCommitter

	// claims runs ClaimMessages one at a time: concurrent claims would
	// read the same head of the queue and all but one abort (Badger's
	// conflict check would still keep them from sharing a message).
	claims sync.Mutex

	dir string // the data directory ("" in memory)
	// inFlight is held (shared) by every read and write transaction, and
	// by Close alone: Close waits for those under way, and closed makes
	// later ones fail, so no transaction meets a closed database (Badger
	// panics on an iterator of one).
	inFlight  sync.RWMutex
	closed    bool
	closeOnce sync.Once
	closeErr  error
	stopGC    chan struct{}
	gcDone    chan struct{}
}

var _ storage.Store = (*Store)(nil)

// Open opens (creating if needed) the database in dir, brings its schema up
// to date and starts value-log GC. Only one process may open a directory.
func Open(dir string, opts Options) (*Store, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	bopts := badgerOptions(dir, opts)
	db, err := badger.Open(bopts)
	if err != nil {
		return nil, fmt.Errorf("badgerstore: open %s: %w", dir, err)
	}
	if err := migrate(db, migrations); err != nil {
		db.Close()
		return nil, err
	}
	s := &Store{
		db:     db,
		dir:    dir,
		log:    logger,
		sites:  &readCache[string, storage.Site]{budget: 10000, clone: storage.Site.Clone},
		pages:  &readCache[pageID, storage.Page]{budget: pageCacheBytes, cost: pageCost},
		stopGC: make(chan struct{}),
		gcDone: make(chan struct{}),
	}
	s.pageWrites = newGroupCommitter(db, s.pages.drop)
	interval := opts.GCInterval
	if interval == 0 {
		interval = DefaultGCInterval
	}
	if opts.InMemory || interval < 0 {
		close(s.gcDone) // Badger refuses GC in memory; nothing to wait for.
	} else {
		go s.gcLoop(interval)
	}
	return s, nil
}

// The memory Badger holds: memtables (each an arena of about 1.3 times its
// size, allocated when it opens) and the two caches. See badgerOptions.
const (
	memTableSize   = 4 << 20
	numMemtables   = 2
	blockCacheSize = 16 << 20
	indexCacheSize = 16 << 20
	// valueThreshold must stay under Badger's largest batch, 15% of a
	// memtable: larger values go to the value log.
	valueThreshold = 256 << 10
)

// memTableFor is the memtable size to open dir with: memTableSize, or more
// when dir holds the write-ahead log of a bigger memtable (a release with
// larger memtables that stopped without flushing it): Badger replays a log
// into a memtable of the size it is opened with, and exits when it does
// not fit. Badger makes each log file twice its memtable's size.
func memTableFor(dir string) int64 {
	size := int64(memTableSize)
	logs, _ := filepath.Glob(filepath.Join(dir, "*.mem"))
	for _, l := range logs {
		if fi, err := os.Stat(l); err == nil && fi.Size()/2 > size {
			size = fi.Size() / 2
		}
	}
	return size
}

// MemoryBudget is about how much memory the store's memtables and caches
// hold at most, in bytes: what a memory limit must leave room for.
func MemoryBudget() int64 {
	return numMemtables*memTableSize*13/10 + blockCacheSize + indexCacheSize
}

// badgerOptions sizes Badger for a small server. Badger's defaults assume a
// big machine (64 MB memtables x5, a 256 MB block cache, 1 GB value-log
// files); a comment service writes a few comments a minute and reads mostly
// the same hot pages, so:
//
//   - MemTableSize 4 MB, NumMemtables 2: a memtable's arena is about 1.3x
//     its size, allocated when it opens, and flushing one builds a table of
//     the same size, so these two bound most of Badger's write memory. The
//     arena of the open memtable is most of an idle server's heap: 10.6 MB
//     with 8 MB memtables, 5.3 MB with 4 MB. Measured on 24,000 comments
//     posted as fast as possible: a burst peak of ~140 MB with 8 MB against
//     ~210 MB with 16 MB. A transaction may be up to 15% of a memtable
//     (600 KB), far above the largest comment; values over 256 KB
//     (ValueThreshold, which must stay under that) would go to the value
//     log.
//   - NumLevelZeroTables 2 (stall at 8): few overlapping L0 tables keep point
//     reads and page scans cheap; compaction work per flush stays tiny.
//   - NumCompactors 2: the minimum that compacts at all (Badger refuses 1).
//   - BlockCacheSize 16 MB: holds the decompressed blocks of the hot pages;
//     required because blocks are Snappy-compressed (comment text compresses
//     well, and an uncompressed table store saved little memory in the same
//     measurement).
//   - IndexCacheSize 16 MB: caps the table indexes and bloom filters held in
//     memory, which are otherwise all resident and grow with the database.
//   - ValueThreshold 256 KB: comments are at most tens of KB, so values
//     live in the LSM tree next to their keys and a page read is one
//     sequential scan with no value-log lookups.
//   - ValueLogFileSize 64 MB: value-log files stay small so GC can reclaim
//     space in small steps instead of rewriting 1 GB files.
//   - TableSizeMultiplier 1 and BaseTableSize 1 MB: every table below L0
//     is 1 MB. Compaction runs up to 13 table builders at once, each
//     holding buffers of about twice its table's size. With Badger's
//     default multiplier of 2, deep levels of a large database get
//     32-64 MB tables: on 1,000,000 comments under a write load, peak RSS
//     was 1.39 GB with 2 and 1.09 GB with 1 (anonymous memory 888 MB ->
//     432 MB), reads unchanged. Halving Badger's default 2 MB tables then
//     took peak anonymous memory under the same load from 421-478 MB to
//     293-346 MB at the same throughput (cmd/parley-load against the
//     binary, A/B on copies of one store).
//   - SyncWrites: a nil error means the write is on disk (DESIGN.md).
func badgerOptions(dir string, opts Options) badger.Options {
	o := badger.DefaultOptions(dir)
	if opts.InMemory {
		o = badger.DefaultOptions("").WithInMemory(true)
	}
	o = o.WithSyncWrites(true).
		WithMemTableSize(memTableFor(dir)).
		WithNumMemtables(numMemtables).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(8).
		WithNumCompactors(2).
		WithBlockCacheSize(blockCacheSize).
		WithIndexCacheSize(indexCacheSize).
		WithValueLogFileSize(64 << 20).
		WithValueThreshold(valueThreshold).
		WithBaseTableSize(1 << 20).
		WithLogger(nil)
	o.TableSizeMultiplier = 1 // no With method in Badger v4
	if opts.Logger != nil {
		o = o.WithLogger(badgerLogger{opts.Logger})
	}
	return o
}

// Close stops value-log GC and closes the database, flushing what is in
// memory. Calling it again returns the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.inFlight.Lock()
		s.closed = true
		s.inFlight.Unlock()
		close(s.stopGC)
		<-s.gcDone
		s.pageWrites.close()
		s.closeErr = s.db.Close()
	})
	return s.closeErr
}

// gcLoop runs value-log GC every interval until Close.
func (s *Store) gcLoop(interval time.Duration) {
	defer close(s.gcDone)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stopGC:
			return
		case <-t.C:
			s.runGC()
		}
	}
}

// runGC rewrites value-log files while at least half of one is garbage.
// Each RunValueLogGC call handles at most one file, hence the loop; it ends
// with ErrNoRewrite once nothing is worth rewriting.
func (s *Store) runGC() {
	for {
		select {
		case <-s.stopGC:
			return
		default:
		}
		err := s.db.RunValueLogGC(0.5)
		switch {
		case err == nil:
			continue
		case errors.Is(err, badger.ErrNoRewrite), errors.Is(err, badger.ErrRejected):
		default:
			s.log.Warn("value-log GC failed", slog.String("component", "badger"), slog.Any("err", err))
		}
		return
	}
}

// updatePage runs fn, a write that touches the records of one page (its
// count, its comments, their votes), in a transaction shared with the other
// page writes waiting at the same time, and returns once that transaction
// is on disk; see groupCommitter. Such writes all rewrite the page record
// or a comment's score, so running them on one goroutine also keeps them
// from aborting each other under Badger's optimistic transactions. fn may
// run more than once: it must derive everything from txn and set its
// results only on its last run.
func (s *Store) updatePage(ctx context.Context, siteID, pageKey string, fn func(txn *badger.Txn) error) error {
	return s.pageWrites.do(ctx, pageID{siteID, pageKey}, fn)
}

// errClosed is the error of a read or write after Close: a background
// worker that outlives the store gets an error, not Badger's panic.
var errClosed = fmt.Errorf("badgerstore: %w", badger.ErrDBClosed)

// guarded runs a transaction unless the store is closed (see inFlight).
func (s *Store) guarded(txn func() error) error {
	s.inFlight.RLock()
	defer s.inFlight.RUnlock()
	if s.closed {
		return errClosed
	}
	return txn()
}

// maxAttempts bounds the retries of a conflicting transaction.
const maxAttempts = 20

// update runs fn in a read-write transaction and commits it, retrying when
// Badger reports a conflict with a concurrent commit. fn may therefore run
// more than once; it must derive everything from txn and set its results
// only on its last step.
func (s *Store) update(ctx context.Context, fn func(txn *badger.Txn) error) error {
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := s.guarded(func() error { return s.db.Update(fn) })
		if !errors.Is(err, badger.ErrConflict) {
			return err
		}
		if attempt == maxAttempts {
			return fmt.Errorf("badgerstore: %d conflicting attempts: %w", attempt, err)
		}
		backoff(attempt)
	}
}

// view runs fn in a read-only transaction.
func (s *Store) view(ctx context.Context, fn func(txn *badger.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.guarded(func() error { return s.db.View(fn) })
}

// Sizes returns the bytes the database takes on disk, measured now: the
// LSM tree's tables, and the rest (value log, write-ahead logs, manifest).
// Badger preallocates its log files, so what counts is the space their
// blocks take, not their length.
func (s *Store) Sizes() (lsm, vlog int64) {
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if n := diskUsage(fi); strings.HasSuffix(e.Name(), ".sst") {
			lsm += n
		} else {
			vlog += n
		}
	}
	return lsm, vlog
}
