package badgerstore

import (
	"fmt"
	"strconv"
	"time"

	"github.com/parley-dev/parley/storage"
)

// Keys of the outbox and of reply subscribers (see doc.go for the whole
// layout). A message id is chosen by the caller and unique across sites,
// so the record and the queues are keyed by id alone; the per-site log
// (ol/) is what ties messages to their site.

func keyMessage(id string) []byte { return []byte("ob/" + id) }

// prefixDue covers the queue of pending messages, ordered by due time.
var prefixDue = []byte("od/")

func keyDue(at int64, id string) []byte { return []byte("od/" + stamp(at) + sep + id) }

// keyQueued holds the stamp of a pending message's od/ entry, which moves
// to the end of the lease while the message is claimed.
func keyQueued(id string) []byte { return []byte("oq/" + id) }

// prefixDone covers the finished (sent or failed) messages, ordered by the
// time they were done.
var prefixDone = []byte("ox/")

func keyDone(at int64, id string) []byte { return []byte("ox/" + stamp(at) + sep + id) }

func keyMessageLog(site string, kind storage.MessageKind, created int64, id string) []byte {
	return []byte("ol/" + site + sep + string(kind) + sep + stamp(created) + sep + id)
}

func prefixMessageLog(site string, kind storage.MessageKind) []byte {
	return []byte("ol/" + site + sep + string(kind) + sep)
}

func keySubscriber(site, email string) []byte { return []byte("sub/" + site + sep + email) }

// stampLen is the width of a stamp: every non-negative int64 fits.
const stampLen = 19

// stamp writes Unix nanoseconds zero-padded to a fixed width, so that key
// order is time order.
func stamp(n int64) string { return fmt.Sprintf("%0*d", stampLen, n) }

// stampOf is the stamp value of t: 0 for the zero time and any time before
// 1970, which then sorts first.
func stampOf(t time.Time) int64 { return max(unixNano(t), 0) }

// splitStamped splits the rest of a key after its prefix, a stamp, sep and
// an id, as written by keyDue, keyDone and (after the kind) keyMessageLog.
func splitStamped(rest []byte) (int64, string, error) {
	if len(rest) < stampLen+1 || rest[stampLen] != sep[0] {
		return 0, "", fmt.Errorf("badgerstore: malformed queue key %q", rest)
	}
	n, err := strconv.ParseInt(string(rest[:stampLen]), 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("badgerstore: malformed queue key %q: %w", rest, err)
	}
	return n, string(rest[stampLen+1:]), nil
}
