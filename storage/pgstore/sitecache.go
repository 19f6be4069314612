package pgstore

import (
	"sync"
	"time"

	"github.com/parley-dev/parley/storage"
)

// siteTTL is how long a site read stays cached. Every API request reads
// its site, which on PostgreSQL is a round trip; a change made through
// this store drops the entry at once, and another node's change shows
// here within siteTTL.
const siteTTL = 2 * time.Second

// maxCachedSites bounds the cache; when full it starts over.
const maxCachedSites = 4096

// siteCache holds recently read sites. gen grows with every drop, so a
// read that started before a change cannot put the old site back.
type siteCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]cachedSite
}

type cachedSite struct {
	site storage.Site
	at   time.Time
}

func (c *siteCache) get(id string, now time.Time) (storage.Site, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || now.Sub(e.at) >= siteTTL {
		return storage.Site{}, false
	}
	return e.site.Clone(), true
}

// generation is the drop count to give put.
func (c *siteCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put caches site, read at generation gen, unless a drop came since.
func (c *siteCache) put(site storage.Site, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= maxCachedSites {
		c.m = map[string]cachedSite{}
	}
	c.m[site.ID] = cachedSite{site: site.Clone(), at: now}
}

// drop forgets a site (after a change to it).
func (c *siteCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, id)
}
