package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// --startup measures a parley binary from the outside: how long from exec
// to its first healthy answer, its resident memory once idle, and how long
// it takes to stop, over an empty data directory and over one seeded with
// the plan. The heap of another process cannot be read from outside, so
// the Go heap figure is taken in this process, over the same seeded
// directory, and labelled so.

// startupConfig is --startup's settings.
type startupConfig struct {
	binary string        // the parley binary; "": no start-up measurement
	runs   int           // starts per data directory
	idle   time.Duration // from the first 200 to the memory reading
}

const (
	maxStartupRuns = 100
	healthPoll     = time.Millisecond // between two polls of /healthz
	startupTimeout = 2 * time.Minute  // to the first 200
	stopTimeout    = 30 * time.Second // from SIGTERM to exit
)

// check validates the --startup flags; the binary's path becomes absolute.
func (s *startupConfig) check(c *config) error {
	if s.binary == "" {
		return nil
	}
	switch {
	case c.target != "" || c.pid != 0:
		return errors.New("--startup starts its own parley: it takes no --target or --pid")
	case c.seedMode == "api":
		return errors.New("--startup seeds through the store: it takes no --seed api")
	case s.runs < 1 || s.runs > maxStartupRuns:
		return fmt.Errorf("--startup-runs: want 1 to %d", maxStartupRuns)
	case s.idle < 0 || s.idle > time.Minute:
		return errors.New("--startup-idle: want 0 to 1m")
	case time.Duration(2*s.runs)*s.idle > c.maxTime:
		return fmt.Errorf("--startup-runs %d with --startup-idle %s would run past the %s cap", s.runs, s.idle, c.maxTime)
	}
	abs, err := filepath.Abs(s.binary)
	if err != nil {
		return fmt.Errorf("--startup: %w", err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("--startup: %w (build it: go build -o /tmp/parley ./cmd/parley)", err)
	}
	if !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("--startup %s: not an executable file", abs)
	}
	s.binary = abs
	return nil
}

// BinaryStartup is what --startup measured.
type BinaryStartup struct {
	Binary  string       `json:"binary"`
	Version string       `json:"version,omitempty"` // what BINARY version printed
	Runs    int          `json:"runs"`              // per data directory
	PollMS  float64      `json:"poll_ms"`           // between two polls of /healthz
	IdleMS  float64      `json:"idle_ms"`           // from the first 200 to the memory reading
	Sets    []StartupSet `json:"sets"`
	// InProcess is measured in the load tool's own process: the Go heap
	// of the binary cannot be read from outside.
	InProcess *InProcessStartup `json:"in_process,omitempty"`
}

// StartupSet is the starts over one kind of data directory.
type StartupSet struct {
	Data      string       `json:"data"` // "empty" (a new directory each run) or "seeded"
	DataDir   string       `json:"data_dir,omitempty"`
	Comments  int          `json:"comments"`
	DataDirMB float64      `json:"data_dir_mb,omitempty"` // on disk, before the first start
	HealthyMS Spread       `json:"healthy_ms"`            // from just before exec to the first 200 from /healthz
	RSSMB     Spread       `json:"rss_mb"`                // VmRSS, idle
	AnonMB    Spread       `json:"rss_anon_mb"`           // RssAnon, idle
	StopMS    Spread       `json:"stop_ms"`               // from SIGTERM to exit
	Each      []StartupRun `json:"each"`
}

// StartupRun is one start of the binary.
type StartupRun struct {
	HealthyMS float64 `json:"healthy_ms"`
	Polls     int     `json:"polls"` // requests to /healthz, the 200 included
	RSSMB     float64 `json:"rss_mb"`
	AnonMB    float64 `json:"rss_anon_mb"`
	FileMB    float64 `json:"rss_file_mb"`
	PeakRSSMB float64 `json:"peak_rss_mb"` // VmHWM when the memory was read: start-up's peak
	StopMS    float64 `json:"stop_ms"`
	ExitCode  int     `json:"exit_code"`
}

// Spread is the smallest, median and largest of a set of figures.
type Spread struct {
	Min    float64 `json:"min"`
	Median float64 `json:"median"`
	Max    float64 `json:"max"`
}

// InProcessStartup is the in-process server started over the seeded
// directory, in a parley-load process that does nothing else: its
// start-up, and that process's memory after a GC before and after it,
// before any load.
type InProcessStartup struct {
	Startup *Startup      `json:"startup"`
	Before  *MemorySample `json:"before,omitempty"` // the load tool alone
	After   *MemorySample `json:"after,omitempty"`  // with the server started
}

// runStartup is the --startup run: seed, start the binary over an empty
// and over the seeded directory, then the in-process heap figure.
func runStartup(ctx context.Context, cfg config, rep *Report, stderr io.Writer) error {
	sc := cfg.startup
	res := &BinaryStartup{Binary: sc.binary, Version: binaryVersion(ctx, sc.binary), Runs: sc.runs, PollMS: ms(healthPoll), IdleMS: ms(sc.idle)}
	dir, fresh := cfg.data, false
	if dir == "" {
		tmp, err := os.MkdirTemp("", "parley-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir, fresh = tmp, true
	}
	rep.Target = TargetInfo{DataDir: dir, Fresh: fresh, Site: cfg.site}
	seeded, comments, err := seedDir(ctx, cfg, dir, stderr)
	rep.Seed = seeded
	if err != nil {
		return err
	}
	if !seeded.Complete {
		if fresh {
			return fmt.Errorf("seeding stopped at the %s cap: seed into a kept directory first (--data DIR --seed-only, run again to continue)", cfg.maxTime)
		}
		return fmt.Errorf("seeding %s stopped at the %s cap: run again to continue", dir, cfg.maxTime)
	}

	empty := StartupSet{Data: "empty"}
	for i := range sc.runs {
		d, err := os.MkdirTemp("", "parley-startup-empty-")
		if err != nil {
			return err
		}
		run, err := startOnce(ctx, sc.binary, d, sc.idle)
		os.RemoveAll(d)
		if err != nil {
			return fmt.Errorf("start %d over an empty data directory: %w", i+1, err)
		}
		fmt.Fprintf(stderr, "start-up %d/%d, empty data directory: healthy in %s, RSS %.1f MB, stopped in %s\n", i+1, sc.runs, fmtMS(run.HealthyMS), run.RSSMB, fmtMS(run.StopMS))
		empty.Each = append(empty.Each, run)
	}
	full := StartupSet{Data: "seeded", DataDir: dir, Comments: comments, DataDirMB: seeded.DataDirMB}
	for i := range sc.runs {
		run, err := startOnce(ctx, sc.binary, dir, sc.idle)
		if err != nil {
			return fmt.Errorf("start %d over the seeded data directory: %w", i+1, err)
		}
		fmt.Fprintf(stderr, "start-up %d/%d, %s comments: healthy in %s, RSS %.1f MB, stopped in %s\n", i+1, sc.runs, group(int64(comments)), fmtMS(run.HealthyMS), run.RSSMB, fmtMS(run.StopMS))
		full.Each = append(full.Each, run)
	}
	for _, set := range []*StartupSet{&empty, &full} {
		set.summarize()
		res.Sets = append(res.Sets, *set)
	}

	if res.InProcess, err = inProcessStartup(ctx, dir); err != nil {
		return err
	}
	rep.StartupBinary = res
	rep.Notes = append(rep.Notes, "start-up: the binary ran with the environment minus PARLEY_* variables, so with its defaults but --addr, --data and --demo=false",
		"start-up: the Go heap figures are in-process: a parley-load child process that only starts its in-process server over the seeded directory, since the binary's heap cannot be read from outside; that server has the tool's server.Config, not the binary's flags")
	return nil
}

// seedDir brings dir up to the plan straight through the store, closes it
// and returns the seeding and how many comments the directory's pages hold.
func seedDir(ctx context.Context, cfg config, dir string, stderr io.Writer) (*SeedResult, int, error) {
	store, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		return nil, 0, err
	}
	site, err := ensureSite(ctx, store, cfg.site)
	if err != nil {
		store.Close()
		return nil, 0, fmt.Errorf("create site %q: %w", cfg.site, err)
	}
	existing := func(ctx context.Context, keys []string) (map[string]int, error) {
		return store.Counts(ctx, site.ID, keys)
	}
	p := newPlan(cfg.pages, cfg.comments, cfg.hot, cfg.cold)
	res, err := seed(ctx, p, cfg.seedWorkers, "store", existing, storeSeeder(posting.New(store, nil), site), stderr)
	comments := 0
	if err == nil {
		keys := make([]string, len(p.jobs))
		for i, j := range p.jobs {
			keys[i] = j.key
		}
		var counts map[string]int
		if counts, err = existing(ctx, keys); err == nil {
			for _, n := range counts {
				comments += n
			}
		}
	}
	if cerr := store.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close the seeded store: %w", cerr)
	}
	if res != nil {
		res.DataDirMB = diskUsage(dir)
	}
	return res, comments, err
}

// startOnce starts bin over dir on a free loopback port, times it to the
// first 200 from /healthz, reads its memory idle later, then stops it with
// SIGTERM and times its exit.
func startOnce(ctx context.Context, bin, dir string, idle time.Duration) (StartupRun, error) {
	var run StartupRun
	addr, err := freeLoopbackAddr()
	if err != nil {
		return run, err
	}
	client := newClient(1)
	defer client.CloseIdleConnections()
	url := "http://" + addr + "/healthz"
	out := &tailBuffer{max: 16 << 10}
	cmd := exec.Command(bin, "--addr", addr, "--data", dir, "--demo=false")
	cmd.Env = withoutParleyEnv(os.Environ())
	cmd.Stdout, cmd.Stderr = out, out

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return run, err
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	kill := func() { cmd.Process.Kill(); <-exited }
	died := func(what string) error {
		return fmt.Errorf("parley exited %s (%v); its output ends:\n%s", what, waitErr, out)
	}
	deadline := start.Add(startupTimeout)
	for {
		run.Polls++
		if at, ok := healthy(ctx, client, url); ok {
			run.HealthyMS = ms(at.Sub(start))
			break
		}
		if time.Now().After(deadline) {
			kill()
			return run, fmt.Errorf("no 200 from %s within %s; parley's output ends:\n%s", url, startupTimeout, out)
		}
		select {
		case <-exited:
			return run, died("before /healthz answered 200")
		case <-ctx.Done():
			kill()
			return run, ctx.Err()
		case <-time.After(healthPoll):
		}
	}

	select {
	case <-exited:
		return run, died("while idle")
	case <-ctx.Done():
		kill()
		return run, ctx.Err()
	case <-time.After(idle):
	}
	if m, ok := procMemory(cmd.Process.Pid); ok {
		run.RSSMB, run.AnonMB, run.FileMB, run.PeakRSSMB = m.rss, m.anon, m.file, m.hwm
	}

	stop := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		kill()
		return run, err
	}
	select {
	case <-exited:
		run.StopMS = ms(time.Since(stop))
	case <-time.After(stopTimeout):
		kill()
		return run, fmt.Errorf("parley had not exited %s after SIGTERM; its output ends:\n%s", stopTimeout, out)
	}
	run.ExitCode = cmd.ProcessState.ExitCode()
	if run.ExitCode != 0 {
		return run, died("with an error after SIGTERM")
	}
	return run, nil
}

// healthy polls url once and returns when its 200 arrived.
func healthy(ctx context.Context, client *http.Client, url string) (time.Time, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return time.Time{}, false
	}
	resp, err := client.Do(req)
	if err != nil {
		return time.Time{}, false
	}
	at := time.Now()
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return at, resp.StatusCode == http.StatusOK
}

// freeLoopbackAddr returns 127.0.0.1 with a port free a moment ago.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// withoutParleyEnv drops the PARLEY_* variables, which would configure the
// binary beyond its flags.
func withoutParleyEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "PARLEY_") })
}

// binaryVersion is what "BINARY version" prints, or "" if it fails.
func binaryVersion(ctx context.Context, bin string) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "version")
	cmd.Env = withoutParleyEnv(os.Environ())
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// heapChildEnv names the seeded directory when parley-load runs as
// inProcessStartup's child.
const heapChildEnv = "PARLEY_LOAD_HEAP_CHILD"

// inProcessStartup runs this program again as a child that only starts
// the in-process target over the seeded directory and reads its memory
// (heapChild): this process's own figures hold what seeding left behind.
func inProcessStartup(ctx context.Context, dir string) (*InProcessStartup, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("in-process start-up: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), heapChildEnv+"="+dir)
	var errs tailBuffer
	errs.max = 16 << 10
	cmd.Stderr = &errs
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("in-process start-up over %s: %w\n%s", dir, err, errs.String())
	}
	var res InProcessStartup
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("in-process start-up: %w", err)
	}
	return &res, nil
}

// heapChild is the child's work: its memory after a GC, the in-process
// server started over dir and its memory again, before any load, printed
// as JSON. It returns the exit status.
func heapChild(dir string, stdout, stderr io.Writer) int {
	pid := os.Getpid()
	before := memoryNow(pid, "in-process, the load tool alone (after a GC), before start-up", true)
	tgt, err := startInProcess(context.Background(), dir)
	if err != nil {
		fmt.Fprintln(stderr, "parley-load:", err)
		return 1
	}
	after := memoryNow(pid, "in-process, after store open and server.New over the seeded store and a GC, before any load", true)
	if err := tgt.close(); err != nil {
		fmt.Fprintln(stderr, "parley-load: close the in-process server:", err)
		return 1
	}
	if err := json.NewEncoder(stdout).Encode(InProcessStartup{Startup: tgt.startup, Before: before, After: after}); err != nil {
		fmt.Fprintln(stderr, "parley-load:", err)
		return 1
	}
	return 0
}

// summarize fills the spreads from the runs.
func (s *StartupSet) summarize() {
	pick := func(f func(StartupRun) float64) Spread {
		v := make([]float64, len(s.Each))
		for i, r := range s.Each {
			v[i] = f(r)
		}
		return spreadOf(v)
	}
	s.HealthyMS = pick(func(r StartupRun) float64 { return r.HealthyMS })
	s.RSSMB = pick(func(r StartupRun) float64 { return r.RSSMB })
	s.AnonMB = pick(func(r StartupRun) float64 { return r.AnonMB })
	s.StopMS = pick(func(r StartupRun) float64 { return r.StopMS })
}

// spreadOf returns the min, median (the mean of the middle two for an even
// count) and max of v.
func spreadOf(v []float64) Spread {
	if len(v) == 0 {
		return Spread{}
	}
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	med := v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	return Spread{Min: v[0], Median: med, Max: v[n-1]}
}

func (s Spread) text(format string) string {
	return fmt.Sprintf(format+" / "+format+" / "+format, s.Min, s.Median, s.Max)
}

// text describes the start-up measurement for the text report.
func (s *BinaryStartup) text(b *strings.Builder) {
	name := s.Binary
	if s.Version != "" {
		name += " (" + s.Version + ")"
	}
	fmt.Fprintf(b, "start-up of %s, %d runs per data directory: from just before exec to the first 200 from /healthz (polled every %s); memory (VmRSS, RssAnon) %s after that; stop from SIGTERM to exit. min / median / max:\n",
		name, s.Runs, time.Duration(s.PollMS*float64(time.Millisecond)), time.Duration(s.IdleMS*float64(time.Millisecond)))
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  data\tcomments\tdisk MB\thealthy ms\tRSS MB\tRSS anon MB\tstop ms")
	for _, set := range s.Sets {
		disk := "-"
		if set.DataDirMB > 0 {
			disk = strconv.FormatFloat(set.DataDirMB, 'f', 1, 64)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", set.Data, group(int64(set.Comments)), disk,
			set.HealthyMS.text("%.1f"), set.RSSMB.text("%.1f"), set.AnonMB.text("%.1f"), set.StopMS.text("%.1f"))
	}
	tw.Flush()
	ip := s.InProcess
	if ip == nil {
		return
	}
	if st := ip.Startup; st != nil {
		fmt.Fprintf(b, "in-process start-up over the seeded store (a parley-load child process, not the binary): store open %s + server.New %s = %s; store close %s\n",
			fmtMS(st.StoreOpenMS), fmtMS(st.ServerNewMS), fmtMS(st.TotalMS), fmtMS(st.StoreCloseMS))
	}
	for _, m := range []*MemorySample{ip.Before, ip.After} {
		if m != nil {
			fmt.Fprintf(b, "memory %s: %s\n", m.When, fmtMem(m))
		}
	}
	if ip.Before != nil && ip.After != nil {
		fmt.Fprintf(b, "in-process, the server's part of the Go heap (after - before): /gc/heap/live %+.1f MB, heap objects %+.1f MB\n",
			ip.After.GCLiveMB-ip.Before.GCLiveMB, ip.After.HeapObjectsMB-ip.Before.HeapObjectsMB)
	}
}

// tailBuffer keeps the last max bytes written to it: a child's output,
// shown when it fails.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if extra := t.buf.Len() - t.max; extra > 0 {
		t.buf.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
