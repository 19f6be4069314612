package live

import (
	"container/list"
	"sort"
	"sync"
)

// HubOptions size a Hub.
type HubOptions struct {
	// Keep is how many recent events of a page are kept for replay
	// (default 32); Pages how many pages keep them, the most recently
	// changed (default 512).
	Keep, Pages int
	// Buffer is how many events a stream may fall behind before it is
	// ended with Stream.Lagged set (default 64).
	Buffer int
}

// Hub fans one Bus subscription out to streams of one page or one site,
// and keeps recent events per page for streams that reconnect.
type Hub struct {
	opt HubOptions
	sub *Subscription

	mu     sync.Mutex
	pages  map[pageID]*history
	recent *list.List // of pageID, most recently changed first
	// streams are the open streams by page; a site's own streams are
	// under the page "".
	streams map[pageID]map[*Stream]struct{}
	count   int
	closed  bool
	done    chan struct{}
}

type pageID struct{ site, page string }

// history is a page's latest events, by version; every event with a
// version above from is in it.
type history struct {
	from   int64
	events []*Event
	elem   *list.Element
}

// NewHub starts a Hub over bus. Close stops it.
func NewHub(bus Bus, opt HubOptions) *Hub {
	if opt.Keep <= 0 {
		opt.Keep = 32
	}
	if opt.Pages <= 0 {
		opt.Pages = 512
	}
	if opt.Buffer <= 0 {
		opt.Buffer = 64
	}
	h := &Hub{opt: opt, sub: bus.Subscribe(4096), pages: map[pageID]*history{}, recent: list.New(),
		streams: map[pageID]map[*Stream]struct{}{}, done: make(chan struct{})}
	go h.run()
	return h
}

// Stream receives the events of one page (or, with an empty page, of a
// whole site, any status) on C until it is closed. C is closed when the
// stream ends: by Close, by Hub.Close, or because the reader fell behind
// (Lagged). Events are shared: read them, never change them.
type Stream struct {
	C      <-chan *Event
	c      chan *Event
	id     pageID
	lagged bool
	hub    *Hub
}

// Lagged reports whether the stream ended because its reader was too slow
// and missed events. Read it after C is closed.
func (s *Stream) Lagged() bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.lagged
}

// Close ends the stream.
func (s *Stream) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.hub.drop(s)
}

// Open starts a stream of a page's events (page "" for every event of the
// site) and returns with it the page's kept events newer than since. ok is
// false when the hub cannot tell what happened after since (it keeps no
// history of the page that reaches back so far); the caller then checks
// the page's stored version, or has the reader reload. Open returns nil
// after Close.
func (h *Hub) Open(site, page string, since int64) (s *Stream, replay []*Event, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, false
	}
	c := make(chan *Event, h.opt.Buffer)
	s = &Stream{C: c, c: c, id: pageID{site, page}, hub: h}
	if h.streams[s.id] == nil {
		h.streams[s.id] = map[*Stream]struct{}{}
	}
	h.streams[s.id][s] = struct{}{}
	h.count++
	if hist := h.pages[pageID{site, page}]; hist != nil && page != "" && since >= hist.from {
		ok = true
		for _, e := range hist.events {
			if e.Version > since {
				replay = append(replay, e)
			}
		}
	}
	return s, replay, ok
}

// Streams returns how many streams are open.
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count
}

// Close ends every stream and stops the hub.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	for _, set := range h.streams {
		for s := range set {
			h.drop(s)
		}
	}
	h.mu.Unlock()
	h.sub.Close()
	<-h.done
}

// drop removes s; h.mu is held.
func (h *Hub) drop(s *Stream) {
	set := h.streams[s.id]
	if _, ok := set[s]; !ok {
		return
	}
	delete(set, s)
	if len(set) == 0 {
		delete(h.streams, s.id)
	}
	h.count--
	close(s.c)
}

func (h *Hub) run() {
	defer close(h.done)
	for e := range h.sub.C {
		h.deliver(e)
	}
}

func (h *Hub) deliver(e *Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e.Kind == Missed {
		h.resync(e)
		return
	}
	id := pageID{e.Comment.SiteID, e.Comment.PageKey}
	h.remember(id, e)
	for _, to := range []pageID{id, {id.site, ""}} {
		for s := range h.streams[to] {
			select {
			case s.c <- e:
			default:
				s.lagged = true
				h.drop(s)
			}
		}
	}
}

// resync forgets every page's history and sends e to every stream, whose
// readers then reload; h.mu is held.
func (h *Hub) resync(e *Event) {
	h.pages = map[pageID]*history{}
	h.recent.Init()
	for _, set := range h.streams {
		for s := range set {
			select {
			case s.c <- e:
			default:
				s.lagged = true
				h.drop(s)
			}
		}
	}
}

// remember keeps e in its page's history; h.mu is held. An event without a
// version makes the history unusable: it is dropped, and reconnecting
// streams reload.
func (h *Hub) remember(id pageID, e *Event) {
	hist := h.pages[id]
	if e.Version == 0 {
		if hist != nil {
			h.recent.Remove(hist.elem)
			delete(h.pages, id)
		}
		return
	}
	if hist == nil {
		hist = &history{from: e.Version - 1, elem: h.recent.PushFront(id)}
		h.pages[id] = hist
		if h.recent.Len() > h.opt.Pages {
			old := h.recent.Remove(h.recent.Back()).(pageID)
			delete(h.pages, old)
		}
	} else {
		h.recent.MoveToFront(hist.elem)
	}
	// Events of one page usually come in version order; one that was
	// delayed goes to its place.
	i := sort.Search(len(hist.events), func(i int) bool { return hist.events[i].Version > e.Version })
	hist.events = append(hist.events, nil)
	copy(hist.events[i+1:], hist.events[i:])
	hist.events[i] = e
	if len(hist.events) > h.opt.Keep {
		hist.from = hist.events[0].Version
		hist.events = hist.events[1:]
	}
}
