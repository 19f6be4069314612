package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Hard limits: the tool is bounded in count and in time whatever it is
// asked to do.
const (
	maxTotalTime    = 10 * time.Minute
	maxPages        = 1_000_000
	maxComments     = 10_000_000
	maxConns        = 1024
	defaultMaxReqs  = 5_000_000
	defaultDuration = 10 * time.Second
	maxLiveStreams  = 100_000 // per phase of the live scenario
	maxLivePosts    = 100_000
	maxLiveRate     = 1000 // posts per second
)

// allScenarios is the order "all" runs them in: write last, so the other
// scenarios see the seeded data rather than what the writers added.
var allScenarios = []string{"read", "mixed", "counts", "write"}

// knownScenarios adds those "all" leaves out: live holds thousands of
// connections open, so it runs only when named.
var knownScenarios = append(slices.Clone(allScenarios), "live")

// config is one run's settings.
type config struct {
	target      string // base URL of an external server; "" starts one in-process
	pid         int    // external server's process, for its memory
	data        string // in-process data directory; "" is a fresh temporary one
	site        string
	pages       int
	comments    int
	hot         int
	cold        int
	seedMode    string // store or api
	seedWorkers int
	seedOnly    bool
	scenarios   []string
	duration    time.Duration
	maxRequests int64
	maxTime     time.Duration
	readConns   int
	writeConns  int
	revalidate  bool
	writePct    int
	spread      string // zipf or uniform: how mixed spreads its reads over the pages
	encoding    string
	coldSamples int
	live        liveConfig
	startup     startupConfig
	json        bool
	cpuProfile  string
	memProfile  string
}

// parseFlags reads and checks the command line.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("parley-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	var c config
	var scenario string
	var conns int
	fs.StringVar(&c.target, "target", "", "base URL of a running parley on loopback (http://127.0.0.1:PORT); default: start one in-process")
	fs.IntVar(&c.pid, "pid", 0, "process id of the --target server, to report its resident memory")
	fs.StringVar(&c.data, "data", "", "in-process server's data directory, reused if it holds the load data (default: a fresh temporary directory, removed afterwards)")
	fs.StringVar(&c.site, "site", "load", "site id to load; with --target it must exist (the binary's demo site is \"demo\")")
	fs.IntVar(&c.pages, "pages", 100, "ordinary pages the comments are spread over")
	fs.IntVar(&c.comments, "comments", 5000, "comments seeded over the ordinary pages")
	fs.IntVar(&c.hot, "hot-comments", 200, "comments on the hot page the read scenario reads")
	fs.IntVar(&c.cold, "cold-comments", 1000, "comments on the page read right after a write, its first answer and all of it through next_cursor (0: skip)")
	fs.StringVar(&c.seedMode, "seed", "", "how to seed: store (direct, fast; in-process only) or api (HTTP); default store in-process, api with --target")
	fs.IntVar(&c.seedWorkers, "seed-workers", 16, "concurrent seeding workers (each seeds whole pages)")
	fs.BoolVar(&c.seedOnly, "seed-only", false, "seed, report and stop without running scenarios")
	fs.StringVar(&scenario, "scenario", "all", "read, write, mixed, counts, live or all (all but live); several may be given comma-separated")
	fs.DurationVar(&c.duration, "duration", defaultDuration, "length of each scenario")
	fs.Int64Var(&c.maxRequests, "max-requests", defaultMaxReqs, "stop a scenario after this many requests")
	fs.DurationVar(&c.maxTime, "max-time", maxTotalTime, "cap on the whole run, seeding included (at most 10m)")
	fs.IntVar(&conns, "conns", 0, "concurrent workers for every scenario (overrides --read-conns and --write-conns)")
	fs.IntVar(&c.readConns, "read-conns", 8, "concurrent workers for read, mixed and counts")
	fs.IntVar(&c.writeConns, "write-conns", 32, "concurrent workers for write")
	fs.IntVar(&c.writePct, "write-percent", 10, "share of mixed requests that write, half posts and half votes (0: thread reads only)")
	fs.StringVar(&c.spread, "spread", spreadZipf, "how mixed spreads its thread reads over the --pages: zipf (a few pages get most reads) or uniform (each equally: most reads miss the thread cache once the pages outgrow it)")
	fs.BoolVar(&c.revalidate, "revalidate", false, "hot reads send If-None-Match with the last ETag (measures 304 answers)")
	fs.StringVar(&c.encoding, "accept-encoding", "gzip", "Accept-Encoding of thread reads and counts (a browser sends \"gzip, deflate, br\"; \"\" asks for none)")
	fs.IntVar(&c.coldSamples, "cold-samples", 5, "cold reads to measure, each after a post to the cold page")
	fs.IntVar(&c.live.streams, "live-streams", 100, "live: event streams whose post-to-event delay is measured")
	fs.IntVar(&c.live.pages, "live-pages", 10, "live: pages those streams and the posts are spread over")
	fs.IntVar(&c.live.posts, "live-posts", 200, "live: comments posted while the streams listen")
	fs.Float64Var(&c.live.rate, "live-rate", 20, "live: posts per second, at a fixed pace")
	fs.DurationVar(&c.live.wait, "live-wait", 5*time.Second, "live: an event not received this long after its post is missed")
	fs.IntVar(&c.live.idle, "live-idle", 5000, "live: idle streams then held open to measure the memory of each (0: skip)")
	fs.StringVar(&c.startup.binary, "startup", "", "measure the start-up of this parley binary (go build -o /tmp/parley ./cmd/parley) over an empty and a seeded data directory, then stop: no scenarios run")
	fs.IntVar(&c.startup.runs, "startup-runs", 5, "--startup: starts of the binary per data directory")
	fs.DurationVar(&c.startup.idle, "startup-idle", 3*time.Second, "--startup: how long after the first 200 from /healthz the idle memory is read")
	fs.BoolVar(&c.json, "json", false, "print the results as JSON")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the scenarios (with --seed-only: of seeding) to this file; in-process it holds server and load generator together")
	fs.StringVar(&c.memProfile, "memprofile", "", "write a heap profile to this file after the scenarios (with --seed-only: after seeding)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if conns > 0 {
		c.readConns, c.writeConns = conns, conns
	}
	var err error
	if c.scenarios, err = parseScenarios(scenario); err != nil {
		return c, err
	}
	return c, c.check()
}

// parseScenarios expands a comma-separated list, keeping knownScenarios'
// order.
func parseScenarios(s string) ([]string, error) {
	var want []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "all":
			want = append(want, allScenarios...)
		case slices.Contains(knownScenarios, name):
			want = append(want, name)
		default:
			return nil, fmt.Errorf("--scenario %q: want read, write, mixed, counts, live or all", name)
		}
	}
	var out []string
	for _, name := range knownScenarios {
		if slices.Contains(want, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// check enforces the limits and the combinations that make sense.
func (c *config) check() error {
	switch {
	case c.pages < 1 || c.pages > maxPages:
		return fmt.Errorf("--pages: want 1 to %d", maxPages)
	case c.comments < 0 || c.hot < 0 || c.cold < 0 || c.comments+c.hot+c.cold > maxComments:
		return fmt.Errorf("--comments, --hot-comments, --cold-comments: want at most %d in all", maxComments)
	case c.readConns < 1 || c.writeConns < 1 || c.readConns > maxConns || c.writeConns > maxConns:
		return fmt.Errorf("connections: want 1 to %d", maxConns)
	case c.writePct < 0 || c.writePct > 100:
		return errors.New("--write-percent: want 0 to 100")
	case c.seedWorkers < 1 || c.seedWorkers > maxConns:
		return fmt.Errorf("--seed-workers: want 1 to %d", maxConns)
	case c.duration <= 0 || c.maxRequests < 1 || c.coldSamples < 0:
		return errors.New("--duration, --max-requests and --cold-samples must be positive")
	case c.maxTime <= 0 || c.maxTime > maxTotalTime:
		return fmt.Errorf("--max-time: want at most %s", maxTotalTime)
	case c.spread != spreadZipf && c.spread != spreadUniform:
		return errors.New("--spread: want zipf or uniform")
	case c.startup.binary == "" && !c.seedOnly && c.plannedTime() > c.maxTime:
		return fmt.Errorf("the scenarios would run %s, past the %s cap", c.plannedTime(), c.maxTime)
	case c.target != "" && c.data != "":
		return errors.New("--data is for the in-process server; a --target has its own")
	case c.target == "" && c.pid != 0:
		return errors.New("--pid is for a --target server; the in-process server's memory is reported anyway")
	}
	if err := c.live.check(); err != nil {
		return err
	}
	if err := c.startup.check(c); err != nil {
		return err
	}
	if c.target != "" {
		base, err := parseTarget(c.target)
		if err != nil {
			return err
		}
		c.target = base
	}
	switch {
	case c.seedMode == "" && c.target != "":
		c.seedMode = "api"
	case c.seedMode == "":
		c.seedMode = "store"
	case c.seedMode == "store" && c.target != "":
		return errors.New("--seed store needs the in-process server (Badger allows one process per directory); use --seed api")
	case c.seedMode != "store" && c.seedMode != "api":
		return errors.New("--seed: want store or api")
	}
	return nil
}

// plannedTime is how long the scenarios are meant to run: --duration
// each, but live's length is its posts' pace and the wait after them.
func (c *config) plannedTime() time.Duration {
	var d time.Duration
	for _, name := range c.scenarios {
		if name == "live" {
			d += c.live.postingTime() + c.live.wait
		} else {
			d += c.duration
		}
	}
	return d
}

// usageText heads --help.
const usageText = `usage: parley-load [flags]

Load-tests a Parley server on this machine (loopback only) and prints
throughput, latency and memory.

scenarios (--scenario):
  read    the cold read of a big thread after a write (its first answer, and the
          whole thread through next_cursor), then readers of a hot page
  mixed   Zipf-spread thread reads (--spread uniform: evenly over all pages)
          with --write-percent posts and votes
  counts  comment counts of 100 pages per request
  write   posts to random pages
  live    (not part of "all") live updates: --live-streams event streams over
          --live-pages pages, then --live-posts posts to those pages at
          --live-rate per second; reports the delay from just before each POST
          to each stream's receipt of that comment's event (p50/p90/p99/max)
          and the deliveries missed within --live-wait. Then --live-idle idle
          streams are held open at once and the server's memory (RSS; Go heap,
          stacks and goroutines in-process) is reported before and after, with
          the cost per stream. Each stream sends its own X-Forwarded-For, so a
          --target must trust loopback as a proxy (--trusted-proxies 127.0.0.1)
          to keep the per-client stream cap from refusing them; it also caps
          streams per node (10,000). The open-file limit is raised to its hard
          limit; in-process every stream takes two descriptors, and the idle
          count is lowered, with a note, when descriptors or local ports run out.

Each scenario's memory line gives its RSS sampled every 250 ms and VmHWM,
the kernel's exact peak, reset at the scenario's start where Linux lets it.

start-up (--startup BINARY, instead of the scenarios): seeds a data directory
  with the plan straight through the store (--data: that one, kept), then
  --startup-runs times over a new empty directory and as many times over the
  seeded one execs BINARY --addr 127.0.0.1:PORT --data DIR --demo=false (with
  no PARLEY_* variables), times it from just before exec to the first 200 from
  /healthz (polled every 1 ms), reads its VmRSS and RssAnon --startup-idle
  later, sends SIGTERM and times its exit; min/median/max of each. The
  binary's Go heap cannot be read from outside: a parley-load child process
  starts its in-process server over the seeded directory and reports its Go
  heap (runtime/metrics) after a GC, before any load.

flags:
`
