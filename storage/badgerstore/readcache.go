package badgerstore

import (
	"slices"
	"sync"

	"github.com/parley-dev/parley/storage"
)

// readCache keeps decoded records that every public API request reads: its
// site and its page. Decoding them from Badger was about half of the
// server's CPU on a cached thread read. Only this process writes the
// directory (Badger locks it), and every change to a cached record drops
// its entry once committed; the generation stops a read that raced such a
// change from caching what it read before it.
type readCache[K comparable, V any] struct {
	mu    sync.Mutex
	gen   uint64
	items map[K]V
	max   int       // entries; a full cache is emptied, which is rare and cheap
	clone func(V) V // copies what a caller could change; nil: values are plain
}

// get returns a copy of the cached value, if any.
func (c *readCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.items[k]
	if ok && c.clone != nil {
		v = c.clone(v)
	}
	return v, ok
}

// generation is read before a record is loaded and handed back to put.
func (c *readCache[K, V]) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put caches a value read at generation gen, unless a change came since.
func (c *readCache[K, V]) put(k K, v V, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.items == nil || len(c.items) >= c.max {
		c.items = make(map[K]V)
	}
	if c.clone != nil {
		v = c.clone(v)
	}
	c.items[k] = v
}

// drop forgets a record that changed.
func (c *readCache[K, V]) drop(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.items, k)
}

// clear forgets everything, for changes too wide to name (a site's deletion).
func (c *readCache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.items = nil
}

// cloneSite copies the slices of a site so callers cannot change the cache.
func cloneSite(s storage.Site) storage.Site {
	s.Origins = slices.Clone(s.Origins)
	s.Settings.BlockedWords = slices.Clone(s.Settings.BlockedWords)
	return s
}

// pageID names a page in the page cache.
type pageID struct{ site, key string }
