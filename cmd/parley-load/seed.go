package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/storage"
)

// The plan: --pages ordinary pages sharing --comments, plus one hot page
// (the read scenario's target) and one cold page (the first-read
// measurement). Seeding only adds what is missing, so a big data directory
// is seeded once and an interrupted seed continues where it stopped.

// Page keys of the plan.
const (
	hotPage  = "hot-page"
	coldPage = "cold-page"
)

func pageKey(i int) string { return fmt.Sprintf("page-%06d", i) }

// job is one page to seed: it should hold want comments and holds have.
type job struct {
	key   string
	index int // distinct per page; spreads the seeded creation times
	want  int
	have  int
}

// plan lists the pages of a run.
type plan struct {
	pages []string // ordinary pages, most popular first
	jobs  []job    // every page, with its wanted count
}

func newPlan(pages, comments, hot, cold int) plan {
	p := plan{pages: make([]string, pages)}
	for i := range pages {
		p.pages[i] = pageKey(i)
		want := comments / pages
		if i < comments%pages {
			want++
		}
		p.jobs = append(p.jobs, job{key: p.pages[i], index: i, want: want})
	}
	p.jobs = append(p.jobs, job{key: hotPage, index: pages, want: hot}, job{key: coldPage, index: pages + 1, want: cold})
	return p
}

// seeder adds comments to one page; each worker has its own.
type seeder func(ctx context.Context, j job, r *rand.Rand, added *atomic.Int64) error

// seedEpoch is when seeded discussions start; each page starts an hour
// after the previous one and its comments follow a minute apart, so the
// time-ordered ids follow the seeded order.
var seedEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// seed brings the target up to the plan. existing reports the stored
// counts; newSeeder makes one worker's seeder.
func seed(ctx context.Context, p plan, workers int, mode string, existing func(context.Context, []string) (map[string]int, error),
	newSeeder func() seeder, progress io.Writer) (*SeedResult, error) {
	keys := make([]string, len(p.jobs))
	for i, j := range p.jobs {
		keys[i] = j.key
	}
	have, err := existing(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("read existing counts: %w", err)
	}
	res := &SeedResult{Mode: mode, Workers: workers, Pages: len(p.jobs)}
	var todo []job
	for _, j := range p.jobs {
		j.have = have[j.key]
		res.Planned += j.want
		res.Existing += min(j.have, j.want)
		if j.have < j.want {
			todo = append(todo, j)
		}
	}
	// The biggest pages go first: each page is seeded in order by one
	// worker (replies need their parents), so they take longest.
	sort.SliceStable(todo, func(a, b int) bool { return todo[a].want-todo[a].have > todo[b].want-todo[b].have })

	start := time.Now()
	var added atomic.Int64
	stopProgress := reportProgress(progress, &added, res.Planned-res.Existing, start)
	err = runSeedWorkers(ctx, workers, todo, newSeeder, &added)
	stopProgress()
	elapsed := time.Since(start)
	res.Seeded = int(added.Load())
	res.Seconds = elapsed.Seconds()
	if elapsed > 0 {
		res.Rate = float64(res.Seeded) / elapsed.Seconds()
	}
	res.Complete = err == nil
	if err != nil && errors.Is(err, context.DeadlineExceeded) {
		return res, nil // the time cap: report what was done
	}
	return res, err
}

// runSeedWorkers hands out jobs to workers until all are done or one fails.
func runSeedWorkers(ctx context.Context, workers int, todo []job, newSeeder func() seeder, added *atomic.Int64) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan job)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 0x5eed))
			sd := newSeeder()
			for j := range jobs {
				if err := sd(ctx, j, r, added); err != nil {
					cancel(fmt.Errorf("seed %s: %w", j.key, err))
					return
				}
			}
		}()
	}
feed:
	for _, j := range todo {
		select {
		case jobs <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return nil
}

// reportProgress prints the seeding rate every five seconds until stopped.
func reportProgress(w io.Writer, added *atomic.Int64, total int, start time.Time) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				n := added.Load()
				fmt.Fprintf(w, "seeding: %s of %s comments, %s/s\n", group(n), group(int64(total)),
					group(int64(float64(n)/time.Since(start).Seconds())))
			}
		}
	}()
	return func() { close(done); <-stopped }
}

// storeSeeder writes straight through the store with posting.Poster, the
// same rendering path as the API, with creation times in the past.
func storeSeeder(poster *posting.Poster, site storage.Site) func() seeder {
	return func() seeder {
		return func(ctx context.Context, j job, r *rand.Rand, added *atomic.Int64) error {
			base := seedEpoch.Add(time.Duration(j.index) * time.Hour)
			var recent []string
			for i := j.have; i < j.want; i++ {
				a := author(r)
				body := poster.Render(site, markdownBody(r, fmt.Sprintf("%s #%d", j.key, i)))
				d := posting.Draft{
					Page:        storage.Page{Key: j.key, Title: "Load test page " + j.key},
					Author:      storage.Author{Name: a.Name, Affiliation: a.Affiliation},
					Body:        body,
					Fingerprint: moderation.Fingerprint(body.HTML()),
					Status:      storage.StatusApproved,
					Created:     base.Add(time.Duration(i) * time.Minute),
				}
				d.ParentID = pickParent(r, recent)
				c, err := poster.Add(ctx, site, d)
				if err != nil {
					return err
				}
				recent = remember(recent, c.ID)
				added.Add(1)
			}
			return nil
		}
	}
}

// apiSeeder posts through the HTTP API; each worker is one reader with
// its own token after its first post.
func apiSeeder(a *api) func() seeder {
	return func() seeder {
		var token string
		return func(ctx context.Context, j job, r *rand.Rand, added *atomic.Int64) error {
			var recent []string
			for i := j.have; i < j.want; i++ {
				in := postInput{Page: j.key, PageTitle: "Load test page " + j.key, Author: author(r),
					Body: markdownBody(r, fmt.Sprintf("%s #%d", j.key, i)), Parent: pickParent(r, recent)}
				ans, err := a.send(ctx, a.postCall(in, token, true))
				if err != nil {
					return err
				}
				if ans.status != http.StatusCreated {
					return fmt.Errorf("post: HTTP %d: %s", ans.status, ans.body)
				}
				var w writeReply
				if err := json.Unmarshal(ans.body, &w); err != nil {
					return fmt.Errorf("post answer: %w", err)
				}
				if w.ReaderToken != "" {
					token = w.ReaderToken
				}
				recent = remember(recent, w.Comment.ID)
				added.Add(1)
			}
			return nil
		}
	}
}

// pickParent makes about a third of the comments replies to one of the
// page's recent comments, so threads nest.
func pickParent(r *rand.Rand, recent []string) string {
	if len(recent) == 0 || r.IntN(3) != 0 {
		return ""
	}
	return recent[r.IntN(len(recent))]
}

// remember keeps the last 20 comment ids of a page as reply candidates.
func remember(recent []string, id string) []string {
	recent = append(recent, id)
	if len(recent) > 20 {
		recent = recent[1:]
	}
	return recent
}

// ensureSite creates the load site in the store unless it exists.
func ensureSite(ctx context.Context, store storage.Store, id string) (storage.Site, error) {
	site, err := store.Site(ctx, id)
	if err == nil {
		return site, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return site, err
	}
	// The site's defences are the defaults, except the form check's
	// minimum time: the tool posts as fast as it can, and its posts are
	// meant to be published, not held as too fast for a person.
	set := storage.DefaultSiteSettings()
	set.MinSubmitTime = 0
	site = storage.Site{ID: id, Name: "Parley load test", Origins: []string{loadOriginPattern}, Settings: set, Created: time.Now().UTC()}
	return site, store.CreateSite(ctx, site)
}

// loadOriginPattern is the load site's allowed origin; loadOrigin is the
// Origin the tool sends, which it matches.
const (
	loadOriginPattern = "http://127.0.0.1:*"
	loadOrigin        = "http://127.0.0.1:8000"
)

// diskUsage returns the space a directory takes on disk, in MB (Badger
// preallocates files, so apparent sizes would overstate it).
func diskUsage(dir string) float64 {
	var total int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			total += st.Blocks * 512
		} else {
			total += info.Size()
		}
		return nil
	})
	return float64(total) / (1 << 20)
}
