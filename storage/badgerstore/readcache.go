package badgerstore

import (
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
	// budget bounds the summed cost of the entries; a full cache is
	// emptied, which is rare and cheap. cost is what one entry counts
	// (nil: 1 each).
	budget int
	cost   func(K, V) int
	used   int
	clone  func(V) V // copies what a caller could change; nil: values are plain
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
	c.remove(k)
	n := c.costOf(k, v)
	if c.items == nil || c.used+n > c.budget {
		c.items, c.used = make(map[K]V), 0
	}
	if c.clone != nil {
		v = c.clone(v)
	}
	c.items[k] = v
	c.used += n
}

func (c *readCache[K, V]) costOf(k K, v V) int {
	if c.cost == nil {
		return 1
	}
	return c.cost(k, v)
}

// remove deletes k's entry and its cost; c.mu is held.
func (c *readCache[K, V]) remove(k K) {
	if old, ok := c.items[k]; ok {
		c.used -= c.costOf(k, old)
		delete(c.items, k)
	}
}

// size is the summed cost of the entries.
func (c *readCache[K, V]) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}

// drop forgets a record that changed.
func (c *readCache[K, V]) drop(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.remove(k)
}

// clear forgets everything, for changes too wide to name (a site's deletion).
func (c *readCache[K, V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.items, c.used = nil, 0
}

// pageID names a page in the page cache.
type pageID struct{ site, key string }

// pageCost is what a cached page counts against the page cache's budget:
// its strings plus the map cell and struct around them. Keys of pages
// without comments can be 2 KB each, and readers choose them (counts of
// any key they like), so the cache counts bytes rather than entries.
func pageCost(id pageID, p storage.Page) int {
	const overhead = 160
	return overhead + len(id.site) + len(id.key) + len(p.SiteID) + len(p.Key) + len(p.URL) + len(p.Title)
}
