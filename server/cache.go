package server

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"sync"

	"github.com/andybalholm/brotli"

	"github.com/parley-dev/parley/storage"
)

// threadCache keeps recently read pages: their comments as stored and the
// encoded answers built from them for readers without a token. An entry is
// valid while the page's version (bumped by the store on every change a
// thread shows) and the site's public settings are unchanged, so any writer
// (the API, the admin page, an import) invalidates it without knowing about
// it. Memory is bounded by an approximate byte budget, least recently used
// pages going first.
type threadCache struct {
	mu     sync.Mutex
	budget int
	size   int
	lru    *list.List // of *pageEntry, most recent first
	byID   map[pageID]*list.Element

	loadMu  sync.Mutex
	loading map[pageID]*pageLoad
}

type pageID struct{ site, key string }

// pageEntry is one cached page. Its fields are read-only once published,
// except answers, guarded by mu.
type pageEntry struct {
	id       pageID
	page     storage.Page
	settings publicSettings
	comments []storage.Comment
	size     int

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

	gzipOnce, brOnce sync.Once
	gzip, br         []byte
}

// pageLoad lets concurrent misses on one page share a single store read.
type pageLoad struct {
	done  chan struct{}
	entry *pageEntry
	err   error
}

func newThreadCache(budget int) *threadCache {
	return &threadCache{budget: budget, lru: list.New(), byID: map[pageID]*list.Element{}, loading: map[pageID]*pageLoad{}}
}

// get returns the entry for page p, loading it with load when the cache has
// no entry of this version and settings.
func (tc *threadCache) get(p storage.Page, set publicSettings, load func() ([]storage.Comment, error)) (*pageEntry, error) {
	id := pageID{p.SiteID, p.Key}
	if e := tc.lookup(id, p.Version, set); e != nil {
		return e, nil
	}
	tc.loadMu.Lock()
	if l, ok := tc.loading[id]; ok {
		tc.loadMu.Unlock()
		<-l.done
		if l.err == nil && l.entry.page.Version == p.Version && l.entry.settings == set {
			return l.entry, nil
		}
		return tc.load(p, set, load)
	}
	l := &pageLoad{done: make(chan struct{})}
	tc.loading[id] = l
	tc.loadMu.Unlock()

	l.entry, l.err = tc.load(p, set, load)
	tc.loadMu.Lock()
	delete(tc.loading, id)
	tc.loadMu.Unlock()
	close(l.done)
	return l.entry, l.err
}

func (tc *threadCache) lookup(id pageID, version int64, set publicSettings) *pageEntry {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	el, ok := tc.byID[id]
	if !ok {
		return nil
	}
	e := el.Value.(*pageEntry)
	if e.page.Version != version || e.settings != set {
		return nil
	}
	tc.lru.MoveToFront(el)
	return e
}

// load reads the page's comments and publishes them. The page was read
// before its comments, so the comments are at least as new as p.Version
// says: a cached entry is never older than its version.
func (tc *threadCache) load(p storage.Page, set publicSettings, load func() ([]storage.Comment, error)) (*pageEntry, error) {
	comments, err := load()
	if err != nil {
		return nil, err
	}
	e := &pageEntry{id: pageID{p.SiteID, p.Key}, page: p, settings: set, comments: comments, answers: map[answerKey]*encoded{}}
	for i := range comments {
		c := &comments[i]
		e.size += 400 + len(c.Markdown) + len(c.HTML) + len(c.Author.Name) + len(c.Author.Affiliation) + len(c.Author.Website)
	}
	tc.put(e)
	return e, nil
}

func (tc *threadCache) put(e *pageEntry) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if el, ok := tc.byID[e.id]; ok {
		old := el.Value.(*pageEntry)
		if old.page.Version > e.page.Version {
			return // a newer read won the race
		}
		tc.remove(el)
	}
	tc.byID[e.id] = tc.lru.PushFront(e)
	tc.size += e.size
	tc.evict()
}

// grow accounts for answer bytes added to an entry.
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

// answer returns the encoded anonymous answer for k, building it with build
// on first use.
func (tc *threadCache) answer(e *pageEntry, k answerKey, build func() any) (*encoded, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if enc, ok := e.answers[k]; ok {
		return enc, nil
	}
	enc, err := encode(build())
	if err != nil {
		return nil, err
	}
	e.answers[k] = enc
	tc.grow(e, len(enc.body)*3/2) // with room for its compressed forms
	return enc, nil
}

// encode marshals v and computes its strong ETag.
func encode(v any) (*encoded, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	return &encoded{body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}, nil
}

// Compressors are pooled: a new gzip writer allocates over 1 MB of state
// and a brotli writer more, which on a cache miss cost more than the
// compression itself (a pooled writer compressed a 200-comment thread 2.5x
// faster, allocating 66 KB instead of 1.27 MB).
var (
	gzipWriters = sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return zw
	}}
	brotliWriters = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, 2) }}
)

// gzipped returns the body compressed with gzip, made once. BestSpeed: a
// busy page is recompressed after every post, and on a cache miss the
// compression was a third of the request's CPU at the default level, for
// a body only a little smaller.
func (enc *encoded) gzipped() []byte {
	enc.gzipOnce.Do(func() {
		zw := gzipWriters.Get().(*gzip.Writer)
		defer gzipWriters.Put(zw)
		enc.gzip = compress(enc.body, zw)
	})
	return enc.gzip
}

// brotlied returns the body compressed with brotli, made once, at level 2
// for the same reason as gzipped: on a 200-comment thread it came within 2%
// of level 4's size (16,143 against 15,894 bytes, gzip 17,848) in about
// two thirds of the time.
func (enc *encoded) brotlied() []byte {
	enc.brOnce.Do(func() {
		bw := brotliWriters.Get().(*brotli.Writer)
		defer brotliWriters.Put(bw)
		enc.br = compress(enc.body, bw)
	})
	return enc.br
}

// compressor is what gzip.Writer and brotli.Writer share.
type compressor interface {
	io.WriteCloser
	Reset(io.Writer)
}

// compress returns body compressed with zw, which it resets first.
func compress(body []byte, zw compressor) []byte {
	buf := bytes.NewBuffer(make([]byte, 0, len(body)/3))
	zw.Reset(buf)
	zw.Write(body) // writes to a bytes.Buffer cannot fail
	zw.Close()
	return buf.Bytes()
}
