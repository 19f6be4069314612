package badgerstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// maxGroup bounds how many page writes share one transaction. Badger
// refuses a transaction over about 15% of a memtable (ErrTxnTooBig, handled
// below by splitting); this bound keeps one group's latency modest long
// before that.
const maxGroup = 128

// pageWrite is one write that changes a page's records, waiting for its
// group to commit.
type pageWrite struct {
	ctx  context.Context
	page pageID
	fn   func(txn *badger.Txn) error
	done chan error // buffered: the committer never waits for the writer
}

// groupCommitter runs every write that touches a page (a new comment, a
// comment change, a vote, a page edit) on one goroutine, in shared
// transactions.
//
// Badger syncs its write-ahead log once per committed transaction, even
// when it writes several transactions in one batch, so with SyncWrites on,
// N concurrent commits cost N fsyncs. Here the writes that arrive while a
// transaction is being synced are run one after the other in the next
// transaction, which then costs one fsync for all of them: group commit
// with the durability of SyncWrites intact, since a writer is answered only
// once the transaction holding its write is on disk.
//
// Running them on one goroutine also serialises all page writers, so they
// never abort each other under Badger's optimistic concurrency: each sees
// the writes before it (a Badger transaction reads its own pending writes),
// exactly as if they had committed one by one.
type groupCommitter struct {
	db      *badger.DB
	writes  chan *pageWrite // unbuffered: a write is accepted only by run
	stop    chan struct{}
	stopped chan struct{}
	// committed is called with each page of a transaction after its
	// commit, before any of its writers is answered.
	committed func(pageID)
}

func newGroupCommitter(db *badger.DB, committed func(pageID)) *groupCommitter {
	g := &groupCommitter{
		db:        db,
		writes:    make(chan *pageWrite),
		stop:      make(chan struct{}),
		stopped:   make(chan struct{}),
		committed: committed,
	}
	go g.run()
	return g
}

// do runs fn in a transaction shared with other page writes and returns
// once that transaction is committed (nil) or fn's own error. fn may run
// more than once (when its group is retried), so like Store.update's it
// must derive everything from txn and set its results on its last run. It
// must not call back into the Store's writes.
func (g *groupCommitter) do(ctx context.Context, page pageID, fn func(txn *badger.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w := &pageWrite{ctx: ctx, page: page, fn: fn, done: make(chan error, 1)}
	select {
	case g.writes <- w:
	case <-g.stop:
		return fmt.Errorf("badgerstore: write after Close: %w", badger.ErrDBClosed)
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once accepted, a write is always answered, and it must be waited
	// for even if ctx ends: it may already be committed.
	return <-w.done
}

// close stops accepting writes and waits for the group in progress.
func (g *groupCommitter) close() {
	close(g.stop)
	<-g.stopped
}

// run gathers each group: the first waiting write, then every write already
// queued behind it, up to maxGroup.
func (g *groupCommitter) run() {
	defer close(g.stopped)
	group := make([]*pageWrite, 0, maxGroup)
	for {
		select {
		case <-g.stop:
			return
		case w := <-g.writes:
			group = append(group[:0], w)
		}
	gather:
		for len(group) < maxGroup {
			select {
			case w := <-g.writes:
				group = append(group, w)
			default:
				break gather
			}
		}
		g.commit(group)
		clear(group) // let the finished writes be collected
	}
}

// commit commits group, answering every write in it.
func (g *groupCommitter) commit(group []*pageWrite) {
	live := group[:0:0]
	for _, w := range group {
		if err := w.ctx.Err(); err != nil {
			w.done <- err
			continue
		}
		live = append(live, w)
	}
	attempt := 1
	for len(live) > 0 {
		failed, tooBig, err := g.try(live)
		switch {
		case failed >= 0:
			// One write failed on its own (not found, invalid, a caller's
			// refusal). It may have staged part of its changes, so the
			// others run again without it in a fresh transaction.
			live = append(live[:failed:failed], live[failed+1:]...)
			continue
		case tooBig > 0:
			// The group outgrew one transaction: commit the writes that
			// fitted, then the rest.
			g.commit(live[:tooBig])
			g.commit(live[tooBig:])
			return
		case errors.Is(err, badger.ErrConflict) && attempt < maxAttempts:
			// A write outside the committer (a site change, a site
			// deletion) committed a key this group read.
			backoff(attempt)
			attempt++
			continue
		case errors.Is(err, badger.ErrConflict):
			err = fmt.Errorf("badgerstore: %d conflicting attempts: %w", attempt, err)
		}
		// Readers must not find a page as it was before a write its
		// writer has been told about: drop first, then answer.
		for _, w := range live {
			g.committed(w.page)
		}
		for _, w := range live {
			w.done <- err
		}
		return
	}
}

// try runs the writes in one transaction and commits it. It returns the
// index of a write that failed with its own error (after answering it), or
// the index at which the transaction became too big (positive only if the
// writes before it fit), or else the commit's result.
func (g *groupCommitter) try(group []*pageWrite) (failed, tooBig int, err error) {
	txn := g.db.NewTransaction(true)
	defer txn.Discard()
	for i, w := range group {
		err := w.fn(txn)
		switch {
		case err == nil:
			continue
		case errors.Is(err, badger.ErrTxnTooBig) && i > 0:
			return -1, i, nil
		}
		w.done <- err
		return i, 0, nil
	}
	return -1, 0, txn.Commit()
}
