// Command parley-load is Parley's load tool. It measures a Parley server on
// this machine: thread reads (cached and cold), comment posts, a mixed
// workload and comment counts, with throughput, latency percentiles, errors
// by status and the server's memory; and, when named (--scenario live),
// live updates: the delay from a post to its event on every open stream of
// the page, and the memory each of thousands of open streams costs.
//
//	go run ./cmd/parley-load [flags]
//
// By default it starts its own server in-process over a fresh Badger data
// directory, seeds it straight through the store and runs every scenario
// for 10 s, so one command measures everything. --target hits a running
// parley instead (loopback addresses only); --data reuses a data directory,
// which is seeded only with what it lacks, to measure start-up and memory
// over big data. --startup BINARY instead measures a parley binary's
// start-up to a healthy /healthz, its idle memory and its stop, over an
// empty and a seeded data directory. Every run is bounded: --duration per
// scenario, --max-requests per scenario, and 10 minutes in all.
//
// The in-process server shares the process, its CPUs and its memory
// figures with the load generator; target a separate parley with --pid to
// measure the server alone.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/parley-dev/parley/server/posting"
)

func main() {
	if dir, ok := os.LookupEnv(heapChildEnv); ok {
		os.Exit(heapChild(dir, os.Stdout, os.Stderr)) // --startup's in-process heap
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-load:", err)
		os.Exit(1)
	}
}

// run parses args, runs the load test and prints the report to stdout;
// progress goes to stderr. It returns when the run is done, capped at
// --max-time, or when ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.maxTime)
	defer cancel()
	var files *FileLimit
	if slices.Contains(cfg.scenarios, "live") && !cfg.seedOnly {
		files = raiseFileLimit() // before the in-process server opens its files
	}

	rep := &Report{Machine: Machine{CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		OS: runtime.GOOS, Arch: runtime.GOARCH, Go: runtime.Version()}}
	if cfg.startup.binary != "" {
		if err := runStartup(ctx, cfg, rep, stderr); err != nil {
			return err
		}
		return rep.print(cfg, stdout)
	}
	tgt, err := openTarget(ctx, cfg)
	if err != nil {
		return err
	}
	err = measure(ctx, cfg, tgt, files, rep, stderr)
	if cerr := tgt.close(); err == nil && cerr != nil {
		err = fmt.Errorf("close the in-process server: %w", cerr)
	}
	if err != nil {
		return err
	}
	return rep.print(cfg, stdout)
}

// print writes the report as --json asks.
func (r *Report) print(cfg config, w io.Writer) error {
	if cfg.json {
		return r.writeJSON(w)
	}
	return r.writeText(w)
}

// openTarget starts the in-process server, or names the external one
// (seedTarget checks that it answers for the site).
func openTarget(ctx context.Context, cfg config) (*target, error) {
	if cfg.target == "" {
		return startInProcess(ctx, cfg.data)
	}
	return &target{base: cfg.target, pid: cfg.pid}, nil
}

// measure seeds the target and runs the scenarios, filling rep.
func measure(ctx context.Context, cfg config, tgt *target, files *FileLimit, rep *Report, stderr io.Writer) error {
	rep.Target = TargetInfo{URL: tgt.base, InProcess: tgt.inProcess, PID: tgt.pid, DataDir: tgt.dataDir, Fresh: tgt.fresh, Site: cfg.site}
	rep.Startup = tgt.startup
	if m := memoryNow(tgt.pid, "after start-up", tgt.inProcess); m != nil {
		rep.Memory = append(rep.Memory, *m)
	}
	conns := max(cfg.readConns, cfg.writeConns, cfg.seedWorkers)
	a := &api{base: tgt.base, site: cfg.site, client: newClient(conns), origin: loadOrigin, acceptEncoding: cfg.encoding}
	defer a.client.CloseIdleConnections()
	p := newPlan(cfg.pages, cfg.comments, cfg.hot, cfg.cold)

	if cfg.seedOnly {
		stop, err := startCPUProfile(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	var err error
	if rep.Seed, err = seedTarget(ctx, cfg, tgt, a, p, stderr); err != nil {
		return err
	}
	if tgt.inProcess {
		rep.Seed.DataDirMB = diskUsage(tgt.dataDir)
	}
	if m := memoryNow(tgt.pid, "after seeding", tgt.inProcess); m != nil {
		rep.Memory = append(rep.Memory, *m)
	}
	if cfg.seedOnly || !rep.Seed.Complete {
		return writeHeapProfile(cfg.memProfile)
	}

	stop, err := startCPUProfile(cfg.cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	b := &bench{cfg: cfg, api: a, plan: p, tgt: tgt, run: strconv.FormatInt(time.Now().UnixNano(), 36), files: files, stderr: stderr}
	scenarios := map[string]func(context.Context) ScenarioResult{"read": b.read, "write": b.write, "mixed": b.mixed, "counts": b.counts, "live": b.live}
	for _, name := range cfg.scenarios {
		if ctx.Err() != nil {
			b.note(fmt.Sprintf("%s skipped: the %s cap was reached", name, cfg.maxTime))
			continue
		}
		if name == "live" {
			l := cfg.live
			fmt.Fprintf(stderr, "scenario live: %d streams, %d posts at %g/s, then %d idle streams\n", l.streams, l.posts, l.rate, l.idle)
		} else {
			fmt.Fprintf(stderr, "scenario %s: %s\n", name, cfg.duration)
		}
		s, cpu := startSampler(tgt.pid), startCPU(tgt.pid)
		res := scenarios[name](ctx)
		var requests int64
		for _, row := range res.Rows {
			if row.Op != "all" {
				rep.Errors += row.Requests - row.OK
				requests += row.Requests
			}
		}
		res.CPU = cpu.stop(requests)
		res.Memory = s.stop("after "+name, tgt.inProcess)
		rep.Scenarios = append(rep.Scenarios, res)
	}
	rep.Notes = append(rep.Notes, b.notes...)
	if tgt.inProcess {
		rep.Notes = append(rep.Notes, "in-process: the load generator and the server share the CPUs, RSS and Go heap")
	}
	return writeHeapProfile(cfg.memProfile)
}

// seedTarget brings the target's data up to the plan.
func seedTarget(ctx context.Context, cfg config, tgt *target, a *api, p plan, stderr io.Writer) (*SeedResult, error) {
	if !tgt.inProcess {
		if _, err := a.counts(ctx, []string{hotPage}); err != nil {
			return nil, fmt.Errorf("site %q on %s: %w (create it first, or use --site demo with parley's demo site)", cfg.site, tgt.base, err)
		}
		if err := a.fetchFormToken(ctx); err != nil {
			return nil, err
		}
		return seed(ctx, p, cfg.seedWorkers, cfg.seedMode, a.counts, apiSeeder(a), stderr)
	}
	site, err := ensureSite(ctx, tgt.store, cfg.site)
	if err != nil {
		return nil, fmt.Errorf("create site %q: %w", cfg.site, err)
	}
	if err := a.fetchFormToken(ctx); err != nil {
		return nil, err
	}
	existing := func(ctx context.Context, keys []string) (map[string]int, error) {
		return tgt.store.Counts(ctx, site.ID, keys)
	}
	newSeeder := apiSeeder(a)
	if cfg.seedMode == "store" {
		newSeeder = storeSeeder(posting.New(tgt.store, nil), site)
	}
	return seed(ctx, p, cfg.seedWorkers, cfg.seedMode, existing, newSeeder, stderr)
}

// startCPUProfile profiles the process into path until stop; an empty path
// profiles nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeHeapProfile writes the live heap to path; an empty path writes
// nothing.
func writeHeapProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
