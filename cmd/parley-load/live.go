package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// liveConfig is the live scenario's settings (--live-*).
type liveConfig struct {
	streams int           // streams whose deliveries are timed
	pages   int           // pages they and the posts are spread over
	posts   int           // comments posted while they listen
	rate    float64       // posts per second
	wait    time.Duration // a delivery later than this is missed
	idle    int           // idle streams held open for the memory figure
}

func (l liveConfig) check() error {
	switch {
	case l.streams < 1 || l.streams > maxLiveStreams:
		return fmt.Errorf("--live-streams: want 1 to %d", maxLiveStreams)
	case l.idle < 0 || l.idle > maxLiveStreams:
		return fmt.Errorf("--live-idle: want 0 to %d", maxLiveStreams)
	case l.pages < 1 || l.pages > l.streams:
		return errors.New("--live-pages: want 1 to --live-streams")
	case l.posts < 1 || l.posts > maxLivePosts:
		return fmt.Errorf("--live-posts: want 1 to %d", maxLivePosts)
	case !(l.rate > 0) || l.rate > maxLiveRate:
		return fmt.Errorf("--live-rate: want more than 0 and at most %d posts per second", maxLiveRate)
	case l.wait <= 0 || l.wait > time.Minute:
		return errors.New("--live-wait: want more than 0 and at most 1m")
	}
	return nil
}

// postingTime is how long the posts take at their pace.
func (l liveConfig) postingTime() time.Duration {
	return time.Duration(float64(l.posts) / l.rate * float64(time.Second))
}

// livePageKey is the i-th page of the live scenario: pages of their own,
// so the delays are not those of the seeded threads' readers.
func livePageKey(i int) string { return fmt.Sprintf("live-%03d", i) }

// livePost is one comment posted while the streams listen.
type livePost struct {
	page   string
	id     string
	sent   time.Time // just before the request was sent
	public bool      // approved, so readers of the page get its event
}

// live: the delay from a post to its event on every stream of its page,
// then the memory of many idle streams held open at once.
func (b *bench) live(ctx context.Context) ScenarioResult {
	l := b.cfg.live
	sc := newStreamClient(b.api)
	defer sc.close()
	opens := newRecorder()
	res := &LiveResult{Streams: l.streams, Pages: l.pages, Rate: l.rate, WaitMS: ms(l.wait), Files: b.files}

	pages := make([]string, l.pages)
	for i := range pages {
		pages[i] = livePageKey(i)
	}
	b.progress("live: opening %d streams over %d pages", l.streams, l.pages)
	streams := sc.openMany(ctx, l.streams, 0, func(i int) string { return pages[i%len(pages)] }, opens)
	res.Opened = len(streams)
	byPage := map[string][]*liveStream{}
	for _, s := range streams {
		byPage[s.page] = append(byPage[s.page], s)
	}

	b.progress("live: posting %d comments at %g/s", l.posts, l.rate)
	posted := newRecorder()
	start := time.Now()
	posts, inFlight := b.livePosts(ctx, pages, posted)
	res.MaxInFlight = inFlight
	postRow := posted.summarize("live", "post comment", res.MaxInFlight, time.Since(start), http.StatusCreated)
	var expected int64
	var last time.Time
	for _, p := range posts {
		if p.id != "" && !p.public {
			res.Held++
		}
		if p.public {
			res.Public++
			expected += int64(len(byPage[p.page]))
			if p.sent.After(last) {
				last = p.sent
			}
		}
	}
	for sc.comments.Load() < expected && time.Since(last) < l.wait && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	closeStreams(streams)

	var delays histogram
	for _, p := range posts {
		if !p.public {
			continue
		}
		for _, s := range byPage[p.page] {
			if at, ok := s.arrival(p.id); ok && at.Sub(p.sent) <= l.wait {
				delays.record(at.Sub(p.sent))
			} else {
				res.Missed++
			}
		}
	}
	res.Posts, res.Deliveries, res.Delay = int(posted.hist.n), int64(delays.n), delays.latency()
	delivery := Row{Scenario: "live", Op: "post -> event", Conns: len(streams), Requests: expected, OK: int64(delays.n),
		Seconds: postRow.Seconds, Latency: res.Delay, Statuses: map[string]int64{}, Errors: map[string]int64{}, Encodings: map[string]int64{}}
	if res.Missed > 0 {
		delivery.Errors["missed"] = res.Missed
	}

	if l.idle > 0 {
		res.Idle = b.liveIdle(ctx, sc, l.streams, opens)
	}
	openRow := opens.summarize("live", "open stream", min(streamOpeners, l.streams+l.idle), 0, http.StatusOK)
	if res.Missed > 0 {
		b.note(fmt.Sprintf("live: %d of %d deliveries missed (not read within %s of the post)", res.Missed, expected, l.wait))
	}
	return ScenarioResult{Name: "live", Rows: []Row{postRow, delivery, openRow}, Live: res}
}

// livePosts posts --live-posts comments over pages at the fixed --live-rate
// (each on time whatever the previous ones take, as independent readers
// would), each from a reader of its own, and records their latencies in
// rec. It also returns the most posts that were in flight at once.
func (b *bench) livePosts(ctx context.Context, pages []string, rec *recorder) ([]livePost, int) {
	l := b.cfg.live
	posts := make([]livePost, l.posts)
	interval := time.Duration(float64(time.Second) / l.rate)
	var mu sync.Mutex
	var wg sync.WaitGroup
	inFlight, most := 0, 0
	start := time.Now()
	for i := range posts {
		if !sleepUntil(ctx, start.Add(time.Duration(i)*interval)) {
			break
		}
		wg.Add(1)
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		go func() {
			defer wg.Done()
			r := workerRand(i, 0x11fe)
			a := b.api.as(workerAddr(i))
			in := postInput{Page: pages[i%len(pages)], Author: author(r), Body: markdownBody(r, fmt.Sprintf("live %s #%d", b.run, i))}
			c := a.postCall(in, "", true)
			p := livePost{page: in.Page, sent: time.Now()}
			ans, err := a.send(ctx, c)
			d := time.Since(p.sent)
			var w writeReply
			if err == nil && ans.status == http.StatusCreated && json.Unmarshal(ans.body, &w) == nil {
				p.id, p.public = w.Comment.ID, w.Comment.Status == "approved"
			}
			posts[i] = p
			mu.Lock()
			rec.observe(d, ans, err)
			inFlight--
			mu.Unlock()
		}()
	}
	wg.Wait()
	return posts, most
}

// sleepUntil waits for t; false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// liveIdle holds --live-idle streams open on the seeded pages, as many
// widgets left open in tabs nobody writes in, and measures the memory
// they take. first is the first stream number (for client addresses).
func (b *bench) liveIdle(ctx context.Context, sc *streamClient, first int, opens *recorder) *IdleStreams {
	want := b.cfg.live.idle
	n, limit := idleCapacity(want, first+b.cfg.live.posts, b.tgt.inProcess, b.files)
	idle := &IdleStreams{Wanted: want, LimitedBy: limit}
	if limit != "" {
		b.note(fmt.Sprintf("live: %d idle streams instead of %d: %s", n, want, limit))
	}
	idle.Before = streamMemory(b.tgt)
	b.progress("live: opening %d idle streams", n)
	start := time.Now()
	pages := b.plan.pages
	streams := sc.openMany(ctx, n, first, func(i int) string { return pages[i%len(pages)] }, opens)
	idle.OpenSeconds = time.Since(start).Seconds()
	idle.Opened = len(streams)
	// A moment for the server's side to settle (each stream's writer has
	// sent its first bytes by now; what follows is only heartbeats).
	sleepUntil(ctx, time.Now().Add(500*time.Millisecond))
	idle.After = streamMemory(b.tgt)
	for _, s := range streams {
		if s.open() {
			idle.StillOpen++
		}
	}
	start = time.Now()
	closeStreams(streams)
	idle.CloseSeconds = time.Since(start).Seconds()
	idle.PerStream = perStream(idle.Before, idle.After, idle.Opened)
	return idle
}

// progress tells stderr what the scenario is doing.
func (b *bench) progress(format string, args ...any) {
	if b.stderr != nil {
		fmt.Fprintf(b.stderr, format+"\n", args...)
	}
}
