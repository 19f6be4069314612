package badgerstore

import (
	"slices"
	"sync"

	"github.com/parley-dev/parley/storage"
)

// siteCache keeps decoded sites. Every public API request reads its site,
// and decoding it from Badger was about a third of the server's CPU on a
// cached thread read. Only this process writes the directory (Badger locks
// it), and every change to a site goes through CreateSite, UpdateSite or
// DeleteSite, which drop the entry; the generation stops a read that raced
// such a change from caching what it read before it.
type siteCache struct {
	mu    sync.Mutex
	gen   uint64
	sites map[string]storage.Site
}

// get returns a copy of the cached site, if any.
func (c *siteCache) get(id string) (storage.Site, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	site, ok := c.sites[id]
	return cloneSite(site), ok
}

// generation is read before a site is loaded and handed back to put.
func (c *siteCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put caches a site read at generation gen, unless a change came since.
func (c *siteCache) put(site storage.Site, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.sites == nil {
		c.sites = map[string]storage.Site{}
	}
	c.sites[site.ID] = cloneSite(site)
}

// drop forgets a site that changed.
func (c *siteCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.sites, id)
}

// cloneSite copies the slices of a site so callers cannot change the cache.
func cloneSite(s storage.Site) storage.Site {
	s.Origins = slices.Clone(s.Origins)
	s.Settings.BlockedWords = slices.Clone(s.Settings.BlockedWords)
	return s
}
