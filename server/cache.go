package server

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"

	"github.com/parley-dev/parley/storage"
)

// threadCache keeps the encoded answers that readers without a token
// share: per page, per page version and public settings, per answer (sort
// order and window), the JSON with its ETag and its compressed forms. An
// entry is valid while the page's version (bumped by the store on every
// change a thread shows) and the site's public settings are unchanged, so
// any writer (the API, the admin page, an import) invalidates it without
// knowing about it.
//
// Only encoded bytes are kept, not the decoded comments they were built
// from: those took more than twice the memory of the answer, and a
// budget's worth of pages is what decides the hit rate when readers spread
// over many pages. Memory is bounded by a byte budget that counts every
// body and compressed form kept, least recently used pages going first.
type threadCache struct {
	mu     sync.Mutex
	budget int
	size   int
	lru    *list.List // of *pageEntry, most recent first
	byID   map[pageID]*list.Element
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
	size     int // guarded by threadCache.mu

	// mu guards answers and is held while one is built, so concurrent
	// misses of a page wait for one store read instead of each doing it.
	mu      sync.Mutex
	answers map[answerKey]*encoded
}

// answerKey names one anonymous answer of a page.
type answerKey struct {
	order         sortOrder
	offset, limit int
}

// encoded is a ready answer: its JSON, strong ETag, and compressed forms
// made once, on first demand.
type encoded struct {
	body []byte
	etag string

	gzip, br compressedForm
	// grow, if set, accounts for a compressed form once it is made.
	grow func(n int)
}

// compressedForm is one compression of an answer's body, made once.
type compressedForm struct {
	once sync.Once
	b    []byte
}

func newThreadCache(budget int) *threadCache {
	return &threadCache{budget: budget, lru: list.New(), byID: map[pageID]*list.Element{}}
}

// answer returns the shared answer k of page p under settings set, building
// and encoding it with build when the cache has none for this version.
func (tc *threadCache) answer(p storage.Page, set publicSettings, k answerKey, build func() (any, error)) (*encoded, error) {
	e := tc.entry(p, set)
	e.mu.Lock()
	defer e.mu.Unlock()
	if enc, ok := e.answers[k]; ok {
		return enc, nil
	}
	v, err := build()
	if err != nil {
		return nil, err
	}
	enc, err := encode(v)
	if err != nil {
		return nil, err
	}
	enc.grow = func(n int) { tc.grow(e, n) }
	e.answers[k] = enc
	tc.grow(e, entryOverhead+len(enc.body))
	return enc, nil
}

// entry returns the cached entry of p's version and settings, creating it
// if the cache has none or an older one. A caller who read the page before
// a newer version was cached gets a detached entry: its answer is built
// for it alone, and the cache keeps the newer one.
func (tc *threadCache) entry(p storage.Page, set publicSettings) *pageEntry {
	id := pageID{p.SiteID, p.Key}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if el, ok := tc.byID[id]; ok {
		e := el.Value.(*pageEntry)
		switch {
		case e.version == p.Version && e.settings == set:
			tc.lru.MoveToFront(el)
			return e
		case e.version > p.Version:
			return newPageEntry(id, p.Version, set)
		}
		tc.remove(el)
	}
	e := newPageEntry(id, p.Version, set)
	e.size = entryOverhead
	tc.size += e.size
	tc.byID[id] = tc.lru.PushFront(e)
	tc.evict()
	return e
}

func newPageEntry(id pageID, version int64, set publicSettings) *pageEntry {
	return &pageEntry{id: id, version: version, settings: set, answers: map[answerKey]*encoded{}}
}

// grow accounts for n bytes added to an entry, if it is still cached.
func (tc *threadCache) grow(e *pageEntry, n int) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if el, ok := tc.byID[e.id]; ok && el.Value == e {
		e.size += n
		tc.size += n
		tc.evict()
	}
}

// evict drops least recently used pages until the cache fits its budget;
// the most recent page always stays.
func (tc *threadCache) evict() {
	for tc.size > tc.budget && tc.lru.Len() > 1 {
		tc.remove(tc.lru.Back())
	}
}

func (tc *threadCache) remove(el *list.Element) {
	e := tc.lru.Remove(el).(*pageEntry)
	delete(tc.byID, e.id)
	tc.size -= e.size
}

// encode marshals v and computes its strong ETag.
func encode(v any) (*encoded, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return encodedBytes(body), nil
}

// encodedBytes is a ready answer body with its ETag, a hash of the body.
func encodedBytes(body []byte) *encoded {
	sum := sha256.Sum256(body)
	return &encoded{body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
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
		zw := pool.Get().(compressor)
		defer pool.Put(zw)
		form.b = compress(enc.body, zw)
		if enc.grow != nil {
			enc.grow(len(form.b))
		}
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
