package server

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"

	"github.com/parley-dev/parley/storage"
)

// threadCache keeps what readers without a token share, and readers with
// one who neither wrote nor voted on the page, per page, per page version
// and public settings: each answer (sort order and window) with its ETag
// and compressed forms, and, for a page too long for one answer, its
// threadTree, from which every cursor request of the version cuts its
// answer instead of reading and arranging the whole page again.
// An entry is valid while the page's version (bumped by the store on
// every change a thread shows) and the site's public settings are
// unchanged, so any writer (the API, the admin page, an import)
// invalidates it without knowing about it.
//
// Memory is bounded by a byte budget that counts every body, compressed
// form and tree kept, and the hit rate of readers spread over many pages
// is what that budget holds. So answers are kept compressed: an answer's
// plain JSON, three to four times its gzip form, is dropped once a
// compressed form is made, unless a reader took it plain; if one asks for
// it later it is decompressed again. A page's answers and its tree are
// separate items of one least-recently-used list: every cursor request
// uses the tree, and a page whose readers stopped paging loses its tree
// before its answers. A page that fits in one answer keeps no tree.
type threadCache struct {
	mu     sync.Mutex
	budget int
	size   int
	lru    *list.List // of *pageEntry (a page's answers) and *cachedTree, most recent first
	byID   map[pageID]*pageEntry
	// hits and misses count answers found and built, for the metrics.
	hits, misses atomic.Uint64
}

type pageID struct{ site, key string }

// entryOverhead approximates what an entry and an answer cost besides
// their bytes (structs, map and list cells, the ETag).
const entryOverhead = 300

// pageEntry holds the answers of one page version.
type pageEntry struct {
	id       pageID
	version  int64
	settings publicSettings

	// Guarded by threadCache.mu: the answers' place in the list (nil for
	// an entry never cached), what they count, and the tree kept.
	el   *list.Element
	size int
	tree *cachedTree

	// mu guards answers and authors and is held while an answer is
	// built, so concurrent misses of a page wait for one store read
	// instead of each doing it. authors are the page's writers (see
	// threadTree.authors), set with the first answer.
	mu      sync.Mutex
	answers map[answerKey]*encoded
	authors []uint64
}

// cachedTree is the tree of a cached page, an item of the list of its own.
type cachedTree struct {
	entry *pageEntry
	t     *threadTree
	el    *list.Element
	size  int
}

// answerKey names one anonymous answer of a page.
type answerKey struct {
	order         sortOrder
	offset, limit int
}

func (tc *threadCache) hitCount() uint64  { return tc.hits.Load() }
func (tc *threadCache) missCount() uint64 { return tc.misses.Load() }

// bytes is what the cache counts against its budget.
func (tc *threadCache) bytes() int {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.size
}

func newThreadCache(budget int) *threadCache {
	return &threadCache{budget: budget, lru: list.New(), byID: map[pageID]*pageEntry{}}
}

// answer returns the shared answer k of page p under settings set. On a
// miss, build appends its JSON to a buffer, from the page's cached tree
// or, when none is kept, from the one load returns. The tree is kept
// when the page is longer than this answer, for the cursor requests that
// follow.
//
// reader is the hash of a reader with a token, who votes on none of the
// page's comments, or "": answer returns nil if they wrote a comment of
// the page (any status), as they see their own differently.
func (tc *threadCache) answer(p storage.Page, set publicSettings, k answerKey, reader string,
	load func() (*threadTree, error), build func([]byte, *threadTree) ([]byte, error)) (*encoded, error) {
	e := tc.entry(p, set)
	e.mu.Lock()
	defer e.mu.Unlock()
	enc, err := tc.shared(e, k, load, build)
	if err != nil || (reader != "" && e.wrote(reader)) {
		return nil, err
	}
	return enc, nil
}

// wrote reports whether the reader with hash reader wrote a comment of
// e's page; e.mu is held.
func (e *pageEntry) wrote(reader string) bool {
	_, found := slices.BinarySearch(e.authors, authorKey(reader))
	return found
}

// shared returns answer k of e, building it if e has none; e.mu is held.
func (tc *threadCache) shared(e *pageEntry, k answerKey,
	load func() (*threadTree, error), build func([]byte, *threadTree) ([]byte, error)) (*encoded, error) {
	if enc, ok := e.answers[k]; ok {
		tc.hits.Add(1)
		return enc, nil
	}
	tc.misses.Add(1)
	t := tc.cachedTree(e)
	loaded := t == nil
	if loaded {
		var err error
		if t, err = load(); err != nil {
			return nil, err
		}
	}
	buf := answerBuffers.Get().(*[]byte)
	defer answerBuffers.Put(buf)
	body, err := build((*buf)[:0], t)
	if err != nil {
		return nil, err
	}
	*buf = body[:0]
	enc := encodedBytes(bytes.Clone(body))
	enc.compact = true
	enc.grow = func(n int) { tc.grow(e, n, true) }
	added := entryOverhead + len(enc.body)
	if len(e.answers) == 0 {
		e.authors = t.authors
		added += 8 * len(e.authors)
	}
	e.answers[k] = enc
	if loaded && (k.offset > 0 || t.items() > k.limit) {
		t.detach() // before it is shared, and outside tc.mu
		tc.keepTree(e, t)
	}
	// The plain body is counted, but evicts nothing yet: it is dropped as
	// soon as this reader takes a compressed form, and evicting for it
	// would leave the cache holding less than its budget.
	tc.grow(e, added, false)
	return enc, nil
}

// answerBuffers are the buffers answers and trees are built in before
// they are copied at their exact size.
var answerBuffers = sync.Pool{New: func() any { return new([]byte) }}

// entry returns the cached entry of p's version and settings, creating it
// if the cache has none or an older one. A caller who read the page before
// a newer version was cached gets a detached entry: its answer is built
// for it alone, and the cache keeps the newer one.
func (tc *threadCache) entry(p storage.Page, set publicSettings) *pageEntry {
	id := pageID{p.SiteID, p.Key}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if e, ok := tc.byID[id]; ok {
		switch {
		case e.version == p.Version && e.settings == set:
			tc.lru.MoveToFront(e.el)
			return e
		case e.version > p.Version:
			return newPageEntry(id, p.Version, set)
		}
		tc.remove(e)
	}
	e := newPageEntry(id, p.Version, set)
	e.size = entryOverhead
	tc.size += e.size
	tc.byID[id] = e
	e.el = tc.lru.PushFront(e)
	tc.evict(e)
	return e
}

func newPageEntry(id pageID, version int64, set publicSettings) *pageEntry {
	return &pageEntry{id: id, version: version, settings: set, answers: map[answerKey]*encoded{}}
}

// cachedTree returns e's tree, if one is kept, as just used.
func (tc *threadCache) cachedTree(e *pageEntry) *threadTree {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if e.tree == nil {
		return nil
	}
	tc.lru.MoveToFront(e.tree.el)
	return e.tree.t
}

// keepTree keeps t as e's tree, if e is still cached.
func (tc *threadCache) keepTree(e *pageEntry, t *threadTree) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.byID[e.id] != e || e.tree != nil {
		return
	}
	e.tree = &cachedTree{entry: e, t: t, size: entryOverhead + t.size()}
	e.tree.el = tc.lru.PushFront(e.tree)
	tc.size += e.tree.size
	tc.evict(e)
}

// grow accounts for n bytes added to (or, negative, dropped from) an
// entry's answers, if it is still cached, and evicts what no longer fits
// if asked to.
func (tc *threadCache) grow(e *pageEntry, n int, evict bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.byID[e.id] == e {
		e.size += n
		tc.size += n
		if evict {
			tc.evict(e)
		}
	}
}

// evict drops the least recently used answers and trees until the cache
// fits its budget. keep, the page just used, stays whole.
func (tc *threadCache) evict(keep *pageEntry) {
	for el := tc.lru.Back(); el != nil && tc.size > tc.budget; {
		prev := el.Prev()
		switch it := el.Value.(type) {
		case *pageEntry:
			if it != keep {
				if it.tree != nil && it.tree.el == prev {
					prev = prev.Prev() // removed with the entry
				}
				tc.remove(it)
			}
		case *cachedTree:
			if it.entry != keep {
				tc.dropTree(it.entry)
			}
		}
		el = prev
	}
}

// remove forgets a cached entry with its tree.
func (tc *threadCache) remove(e *pageEntry) {
	tc.dropTree(e)
	tc.lru.Remove(e.el)
	delete(tc.byID, e.id)
	tc.size -= e.size
}

func (tc *threadCache) dropTree(e *pageEntry) {
	if e.tree != nil {
		tc.lru.Remove(e.tree.el)
		tc.size -= e.tree.size
		e.tree = nil
	}
}

// encoded is a ready answer: its JSON, strong ETag, and compressed forms
// made once, on first demand.
type encoded struct {
	etag string
	gzip compressedForm
	br   compressedForm

	// mu guards body, plainTaken and the setting of a form's bytes. The
	// body of a compact answer is dropped once a compressed form is made,
	// unless a reader took it plain; plain makes it again from that form.
	mu         sync.Mutex
	body       []byte
	compact    bool
	plainTaken bool
	// grow, if set, accounts for a form made or dropped.
	grow func(n int)
}

// compressedForm is one compression of an answer's body, made once. err
// is set if the body had to be decompressed from the other form for it,
// and that failed (it cannot, short of a bug); b is then nil.
type compressedForm struct {
	once sync.Once
	b    []byte
	err  error
}

// encodedBytes is a ready answer body with its ETag, a hash of the body.
func encodedBytes(body []byte) *encoded {
	sum := sha256.Sum256(body)
	return &encoded{body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
}

// plain returns the body, made again from a compressed form if it was
// dropped, and keeps it from then on.
func (enc *encoded) plain() ([]byte, error) {
	enc.mu.Lock()
	defer enc.mu.Unlock()
	if enc.body == nil {
		body, err := enc.decompressed()
		if err != nil {
			return nil, err
		}
		enc.body = body
		enc.account(len(body))
	}
	enc.plainTaken = true
	return enc.body, nil
}

// decompressed is the body, made from a compressed form; enc.mu is held.
// A compact answer drops its body only once it has a form.
func (enc *encoded) decompressed() ([]byte, error) {
	if enc.gzip.b != nil {
		zr, err := gzip.NewReader(bytes.NewReader(enc.gzip.b))
		if err != nil {
			return nil, fmt.Errorf("server: cached gzip answer: %w", err)
		}
		return io.ReadAll(zr)
	}
	return io.ReadAll(brotli.NewReader(bytes.NewReader(enc.br.b)))
}

func (enc *encoded) account(n int) {
	if enc.grow != nil {
		enc.grow(n)
	}
}

// Compressors are pooled: a new gzip writer allocates over 1 MB of state
// and a brotli writer more, which on a cache miss cost more than the
// compression itself (a pooled writer compressed a 200-comment thread 2.5x
// faster, allocating 66 KB instead of 1.27 MB).
var (
	gzipWriters = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, 2)
		return zw
	}}
	brotliWriters = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, 2) }}
)

// gzipped returns the body compressed with gzip. A busy page is
// recompressed after every change, and on a cache miss compression was a
// third of the request's CPU, so speed wins over size: klauspost/compress's
// level 2 compressed a 200-comment thread 30% faster than the standard
// library's fastest level, and 3% smaller.
func (enc *encoded) gzipped() []byte { return enc.compressed(&enc.gzip, &gzipWriters) }

// brotlied returns the body compressed with brotli, at level 2 for the same
// reason as gzipped: on a 200-comment thread it came within 2% of level 4's
// size (16,143 against 15,894 bytes; gzip 17,299) in about two thirds of
// the time.
func (enc *encoded) brotlied() []byte { return enc.compressed(&enc.br, &brotliWriters) }

// compressed returns form, compressing the body into it on first use with a
// compressor from pool, and accounts for its size.
func (enc *encoded) compressed(form *compressedForm, pool *sync.Pool) []byte {
	form.once.Do(func() {
		enc.mu.Lock()
		defer enc.mu.Unlock()
		body := enc.body
		if body == nil {
			if body, form.err = enc.decompressed(); form.err != nil {
				return
			}
		}
		zw := pool.Get().(compressor)
		defer pool.Put(zw)
		form.b = compress(body, zw)
		n := len(form.b)
		if enc.compact && !enc.plainTaken && enc.body != nil {
			n -= len(enc.body)
			enc.body = nil
		}
		enc.account(n) // at once: the transient sum is no reason to evict
	})
	return form.b
}

// compressor is what gzip.Writer and brotli.Writer share.
type compressor interface {
	io.WriteCloser
	Reset(io.Writer)
}

// compress returns body compressed with zw, which it resets first. The
// result is a copy of exactly its length, as the cache counts it; the
// scratch buffer it is written into is pooled.
func compress(body []byte, zw compressor) []byte {
	buf := scratchBuffers.Get().(*bytes.Buffer)
	defer scratchBuffers.Put(buf)
	buf.Reset()
	zw.Reset(buf)
	zw.Write(body) // writes to a bytes.Buffer cannot fail
	zw.Close()
	return bytes.Clone(buf.Bytes())
}

var scratchBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
