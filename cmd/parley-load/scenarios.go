package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// bench is what every scenario needs: the API, the plan and the limits.
type bench struct {
	cfg  config
	api  *api
	plan plan
	tgt  *target
	run  string // distinguishes this run's posts from earlier runs'

	files  *FileLimit // the raised open-file limit, when live runs
	stderr io.Writer  // progress
	notes  []string
}

// runPool runs n workers until d has passed, max requests were taken or
// ctx ends, whichever comes first, and returns the wall time. A worker
// calls next before each request; in-flight requests finish (they are not
// cut off at the deadline), so the wall time includes their tail.
func runPool(ctx context.Context, n int, d time.Duration, limit int64, work func(w int, next func() bool)) time.Duration {
	deadline := time.Now().Add(d)
	var taken atomic.Int64
	next := func() bool {
		return ctx.Err() == nil && time.Now().Before(deadline) && taken.Add(1) <= limit
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(w, next)
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// merged combines the workers' recorders.
func merged(recs []*recorder) *recorder {
	all := newRecorder()
	for _, r := range recs {
		if r != nil {
			all.merge(r)
		}
	}
	return all
}

// workerRand gives each worker its own random source.
func workerRand(w int, salt uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(w)+1, salt))
}

// read: the cold read of the 1,000-comment page, then many readers on the
// hot page, as a popular post's visitors would be.
func (b *bench) read(ctx context.Context) ScenarioResult {
	res := ScenarioResult{Name: "read"}
	rows, cold := b.coldReads(ctx)
	res.Rows, res.Cold = append(res.Rows, rows...), cold
	n := b.cfg.readConns
	recs := make([]*recorder, n)
	url := b.api.threadURL(hotPage)
	elapsed := runPool(ctx, n, b.cfg.duration, b.cfg.maxRequests, func(w int, next func() bool) {
		rec := newRecorder()
		recs[w] = rec
		var etag string
		for next() {
			c := call{method: http.MethodGet, url: url}
			if b.cfg.revalidate {
				c.ifNoneMatch = etag
			}
			d, ans, err := b.api.timed(ctx, c)
			rec.observe(d, ans, err)
			if err == nil && ans.etag != "" {
				etag = ans.etag
			}
		}
	})
	op := fmt.Sprintf("hot thread (%d)", b.cfg.hot)
	if b.cfg.revalidate {
		op += " If-None-Match"
	}
	res.Rows = append(res.Rows, merged(recs).summarize("read", op, n, elapsed, http.StatusOK, http.StatusNotModified))
	return res
}

// write: --write-conns readers posting new comments to random pages, each
// with its own reader token after its first post.
func (b *bench) write(ctx context.Context) ScenarioResult {
	n := b.cfg.writeConns
	recs := make([]*recorder, n)
	elapsed := runPool(ctx, n, b.cfg.duration, b.cfg.maxRequests, func(w int, next func() bool) {
		rec := newRecorder()
		recs[w] = rec
		r := workerRand(w, 0x3417e)
		a := b.api.as(workerAddr(w))
		var token string
		for seq := 0; next(); seq++ {
			page := b.plan.pages[r.IntN(len(b.plan.pages))]
			token = post(ctx, a, rec, r, page, token, fmt.Sprintf("write %s w%d #%d", b.run, w, seq))
		}
	})
	row := merged(recs).summarize("write", "post comment", n, elapsed, http.StatusCreated)
	return ScenarioResult{Name: "write", Rows: []Row{row}}
}

// post sends one comment through a and returns the reader token to use
// next.
func post(ctx context.Context, a *api, rec *recorder, r *rand.Rand, page, token, tag string) string {
	in := postInput{Page: page, Author: author(r), Body: markdownBody(r, tag)}
	first := token == ""
	d, ans, err := a.timed(ctx, a.postCall(in, token, first))
	rec.observe(d, ans, err)
	return tokenFrom(first, token, ans, err)
}

// tokenFrom reads the reader token a first write was given.
func tokenFrom(first bool, token string, ans answer, err error) string {
	if !first || err != nil || ans.status >= 300 {
		return token
	}
	var w writeReply
	if json.Unmarshal(ans.body, &w) == nil && w.ReaderToken != "" {
		return w.ReaderToken
	}
	return token
}

// mixed: thread reads of pages picked with a Zipf distribution (a few
// pages get most visitors) or, with --spread uniform, evenly over all of
// them (so that most reads miss the thread cache), and --write-percent
// (default 10) of writes: half posts to such pages, half votes on
// comments of the popular pages.
func (b *bench) mixed(ctx context.Context) ScenarioResult {
	ids := b.voteTargets(ctx, 20)
	n := b.cfg.readConns
	type recs struct{ read, post, vote *recorder }
	all := make([]recs, n)
	elapsed := runPool(ctx, n, b.cfg.duration, b.cfg.maxRequests, func(w int, next func() bool) {
		rc := recs{newRecorder(), newRecorder(), newRecorder()}
		all[w] = rc
		r := workerRand(w, 0x313ed)
		a := b.api.as(workerAddr(w))
		pick := pagePicker(b.cfg.spread, r, len(b.plan.pages))
		var token string
		for seq := 0; next(); seq++ {
			page := b.plan.pages[pick()]
			reads, posts := 100-b.cfg.writePct, 100-b.cfg.writePct/2
			switch x := r.IntN(100); {
			case x < reads || (x >= posts && len(ids) == 0):
				d, ans, err := a.timed(ctx, call{method: http.MethodGet, url: a.threadURL(page)})
				rc.read.observe(d, ans, err)
			case x < posts:
				token = post(ctx, a, rc.post, r, page, token, fmt.Sprintf("mixed %s w%d #%d", b.run, w, seq))
			default:
				first := token == ""
				c := a.voteCall(ids[r.IntN(len(ids))], []int{1, 1, -1, 0}[r.IntN(4)], token, first)
				d, ans, err := a.timed(ctx, c)
				rc.vote.observe(d, ans, err)
				token = tokenFrom(first, token, ans, err)
			}
		}
	})
	var reads, posts, votes []*recorder
	for _, rc := range all {
		reads, posts, votes = append(reads, rc.read), append(posts, rc.post), append(votes, rc.vote)
	}
	read, post, vote := merged(reads), merged(posts), merged(votes)
	total := newRecorder()
	total.merge(read)
	total.merge(post)
	total.merge(vote)
	rows := []Row{
		total.summarize("mixed", "all", n, elapsed, http.StatusOK, http.StatusCreated),
		read.summarize("mixed", "thread ("+b.cfg.spread+")", n, elapsed, http.StatusOK),
		post.summarize("mixed", "post comment", n, elapsed, http.StatusCreated),
		vote.summarize("mixed", "vote", n, elapsed, http.StatusOK),
	}
	return ScenarioResult{Name: "mixed", Rows: rows}
}

// Spreads of the mixed scenario's reads over the pages (--spread).
const (
	spreadZipf    = "zipf"
	spreadUniform = "uniform"
)

// pagePicker returns a source of page indexes in [0, n): Zipf-distributed
// (s = 1.1, page 0 the most read) or uniform.
func pagePicker(spread string, r *rand.Rand, n int) func() int {
	if spread == spreadUniform {
		return func() int { return r.IntN(n) }
	}
	zipf := rand.NewZipf(r, 1.1, 1, uint64(n-1))
	return func() int { return int(zipf.Uint64()) }
}

// voteTargets collects comment ids from the most popular pages, the ones
// mixed readers vote on. It is set-up, not measured.
func (b *bench) voteTargets(ctx context.Context, pages int) []string {
	var ids []string
	for _, page := range b.plan.pages[:min(pages, len(b.plan.pages))] {
		ans, err := b.api.send(ctx, call{method: http.MethodGet, url: b.api.threadURL(page), keepBody: true})
		if err != nil || ans.status != http.StatusOK {
			continue
		}
		var t thread
		if json.Unmarshal(ans.body, &t) == nil {
			for _, c := range t.Comments {
				ids = append(ids, c.ID)
			}
		}
	}
	return ids
}

// counts: the count script of a blog's listing pages, asking for 100
// consecutive pages per request.
func (b *bench) counts(ctx context.Context) ScenarioResult {
	n := b.cfg.readConns
	recs := make([]*recorder, n)
	elapsed := runPool(ctx, n, b.cfg.duration, b.cfg.maxRequests, func(w int, next func() bool) {
		rec := newRecorder()
		recs[w] = rec
		r := workerRand(w, 0xc0)
		keys := make([]string, maxCountPages)
		for next() {
			start := r.IntN(max(len(b.plan.pages)-maxCountPages, 0) + 1)
			for i := range keys {
				if start+i < len(b.plan.pages) {
					keys[i] = b.plan.pages[start+i]
				} else {
					keys[i] = fmt.Sprintf("no-comments-%d", i) // a listing with pages nobody commented on
				}
			}
			d, ans, err := b.api.timed(ctx, b.api.countsCall(keys, false))
			rec.observe(d, ans, err)
		}
	})
	row := merged(recs).summarize("counts", fmt.Sprintf("%d pages", maxCountPages), n, elapsed, http.StatusOK)
	return ScenarioResult{Name: "counts", Rows: []Row{row}}
}

// note adds a line to the report's notes (scenarios run one at a time).
func (b *bench) note(s string) { b.notes = append(b.notes, s) }
