// Package badgerstore implements storage.Store on an embedded Badger
// database (github.com/dgraph-io/badger/v4).
//
// # Key layout
//
// Every record lives under a short type prefix followed by the ids that
// locate it, joined by a NUL byte (written \0 below). Site ids, page keys,
// comment ids and reader/voter hashes never contain NUL (the server
// validates them, and this package refuses them with storage.ErrInvalid), so
// a prefix that ends in \0 matches exactly one parent and never a longer id
// that shares its first bytes. Comment ids are UUIDv7 strings, whose lexical
// order is their creation order, so any key that ends in a comment id sorts
// oldest first. That makes each hot read one prefix scan:
//
//   - a page's thread: scan c/<site>\0<page>\0 and decode the values;
//   - the moderation queue: scan q/<site>\0<status>\0; each entry's value is
//     the page key, which with the id names the comment record, read in the
//     same snapshot;
//   - a reader's own comments (export, deletion): scan r/<site>\0<reader>\0
//     the same way;
//   - the comments awaiting a staff reply: scan w/<site>\0 the same way,
//     and count its keys (key-only) for the total;
//   - recent comments with the same text (duplicate detection): scan
//     fp/<site>\0<fingerprint>\0 backwards, down to the UUIDv7 prefix of
//     the earliest time wanted;
//   - a reader's votes on a page: scan rv/<site>\0<voter>\0<page>\0, whose
//     values are the votes themselves;
//   - the next outgoing messages: scan od/ from its start, which is ordered
//     by due time, and stop at the first entry due later (outbox.go);
//   - a site's delivery log: scan ol/<site>\0<kind>\0 backwards.
//
// The comment record is keyed by page, so finding a comment by id alone
// goes through its locator (i/), one extra point read. A comment never
// changes page, so the locator never changes either. Every key includes the
// site id: a lookup of site B can never reach a record of site A. The one
// exception is the outbox: a message id is unique across sites (the
// caller's dedupe), so its record and queue entries are keyed by id, and
// its site's log entry (ol/) is what DeleteSite finds it by.
//
// Times in outbox keys are stamps: Unix nanoseconds as 19 zero-padded
// decimal digits (0 for the zero time), so key order is time order.
//
//	key                                         value
//	------------------------------------------  --------------------------------
//	s/<site>                                    storage.Site (JSON)
//	p/<site>\0<page>                            storage.Page (JSON), with the
//	                                            count of approved comments
//	c/<site>\0<page>\0<commentID>               storage.Comment (binary, see codec.go; JSON from v1 still read)
//	i/<site>\0<commentID>                       page key (raw): the locator
//	q/<site>\0<status>\0<commentID>             page key (raw): status index
//	r/<site>\0<readerHash>\0<commentID>         page key (raw): reader index,
//	                                            only for comments with a reader
//	w/<site>\0<commentID>                       page key (raw): awaiting index,
//	                                            only for comments that await
//	                                            a staff reply (approved, no
//	                                            badge, not Answered)
//	fp/<site>\0<fingerprint>\0<commentID>       page key (raw): fingerprint
//	                                            index, only for comments
//	                                            with a fingerprint
//	v/<site>\0<commentID>\0<voterHash>          vote, -1 or 1 (JSON)
//	va/<site>\0<commentID>\0<ipHash>            voter hash (raw): the voter
//	                                            holding this address's vote
//	rv/<site>\0<voterHash>\0<page>\0<commentID> vote, -1 or 1 (JSON)
//	u/<userName>                                storage.User (JSON), roles inside
//	sess/<tokenHash>                            storage.Session (JSON), Badger TTL
//	b/<site>\0<kind>\0<value>                   storage.Ban (JSON)
//	f/<site>\0<commentID>\0<readerHash>         storage.Flag (JSON): one per
//	                                            reader and per address,
//	                                            grouped by comment
//	a/<site>\0<auditID>                         storage.AuditEntry (JSON);
//	                                            UUIDv7 ids, newest last
//	ob/<messageID>                              storage.Message (JSON)
//	od/<due stamp>\0<messageID>                 empty: the queue of pending
//	                                            messages; while claimed the
//	                                            stamp is the lease's end
//	oq/<messageID>                              the stamp of the message's
//	                                            od/ entry (raw), pending only
//	ox/<done stamp>\0<messageID>                empty: sent and failed
//	                                            messages, for pruning
//	ol/<site>\0<kind>\0<created stamp>\0<messageID>
//	                                            empty: the site's delivery
//	                                            log, newest last
//	sub/<site>\0<email>                         storage.Subscriber (JSON),
//	                                            e-mail lower case
//	rd/<site>\0<readerHash>                     storage.Reader (JSON): a
//	                                            verified reader
//	re/<site>\0<email>                          reader hash (raw): the reader
//	                                            holding the address, only
//	                                            for a non-empty Email
//	rn/<site>\0<nameKey>                        reader hash (raw): the reader
//	                                            holding the name key, only
//	                                            for a non-empty NameKey
//	vc/<site>\0<codeHash>                       storage.Verification (JSON),
//	                                            Badger TTL at Expires + 1h
//	meta/schema                                 schema version (JSON number)
//	meta/migrate/awaiting                       the last comment key the
//	                                            awaiting migration did (raw),
//	                                            only while it runs
//	meta/secret/<name>                          32 random bytes (raw)
//
// A reader's re/ and rn/ entries change with its rd/ record in one
// transaction, which refuses an address or name key whose entry names
// another hash (storage.ErrConflict): the entries are what keeps an address
// and a name to one reader of a site.
//
// A withdrawn vote deletes its vote keys rather than storing 0. Sites
// stored before the moderation settings existed are read with their
// defaults (sites.go decodeSite). Users are
// few, so a site's members are found by scanning u/. DeleteSite removes
// the site's messages (found through ol/), then every per-site prefix
// (siteKinds in keys_accounts.go and readerKinds in keys_readers.go) in
// batches, the site record last.
//
// # Transactions and concurrency
//
// Each Store method runs in one Badger transaction (page writes may share
// theirs with other page writes, below), so a record and its indexes
// always change together. Writes are synchronous (Badger SyncWrites): a nil
// error means the data is on disk.
//
// Writes that touch a page (new comments, status changes, votes, page
// edits) all rewrite the page's count or a comment's score, and they are
// what a busy site does most. They run on one goroutine (groupcommit.go):
// the writes that arrive while one transaction is being synced share the
// next transaction, so concurrent posts share one fsync instead of paying
// one each, and, running one after the other, they never abort each other
// under Badger's optimistic concurrency. Other writes (sites, users,
// sessions, bans, flags) are rare and use their own transactions; what
// conflicts there is retried a bounded number of times.
//
// A claim of outgoing messages reads the head of od/ and moves what it
// takes to the end of the lease in one transaction, so two claims of one
// message conflict and the later one starts over; claims in this process
// also take turns (Store.claims), so they do not abort each other.
//
// # Schema versions
//
// meta/schema holds the number of migrations applied. Open runs the missing
// ones in order, each in one transaction with its version bump, and refuses
// a database whose version is newer than this binary knows
// (ErrSchemaTooNew).
//
// # Read caches
//
// Decoded sites and pages are kept in memory (readcache.go), since every
// public request reads both; so is the absence of a page without comments.
// The page cache counts the bytes of its entries (8 MB at most), since
// readers choose the keys of pages without comments.
// This process is the only writer (Badger locks the directory): site writes
// drop their entry after committing, and the page committer drops the
// entry of every page a transaction wrote after committing it, before
// answering its writers.
package badgerstore
