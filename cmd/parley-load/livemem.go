package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// LiveResult is what the live scenario measured beyond its table rows.
type LiveResult struct {
	Streams     int     `json:"streams"` // asked for
	Opened      int     `json:"opened"`
	Pages       int     `json:"pages"`
	Rate        float64 `json:"rate"`  // posts per second asked for
	Posts       int     `json:"posts"` // sent
	MaxInFlight int     `json:"max_posts_in_flight"`
	Public      int     `json:"public"` // approved: their events were awaited
	Held        int     `json:"held"`   // stored but held for moderation: no event
	WaitMS      float64 `json:"wait_ms"`
	Deliveries  int64   `json:"deliveries"` // events read within the wait
	Missed      int64   `json:"missed"`     // expected but not read within the wait
	// Delay runs from just before a POST is sent to a stream's reading of
	// that comment's event, over every delivery.
	Delay Latency      `json:"delay_ms"`
	Idle  *IdleStreams `json:"idle,omitempty"`
	Files *FileLimit   `json:"open_files,omitempty"`
}

// IdleStreams is the memory of many streams held open at once.
type IdleStreams struct {
	Wanted       int     `json:"wanted"`
	Opened       int     `json:"opened"`
	StillOpen    int     `json:"still_open"` // when the memory was read
	LimitedBy    string  `json:"limited_by,omitempty"`
	OpenSeconds  float64 `json:"open_seconds"`
	CloseSeconds float64 `json:"close_seconds"`
	Before       Memory  `json:"before"`
	After        Memory  `json:"after"`
	PerStream    Memory  `json:"per_stream_kb"` // (after - before) / opened, in KB
}

// Memory is the server's memory at one moment, in MB (KB per stream in
// IdleStreams.PerStream). The Go figures are the in-process target's,
// which then include the load tool's side of every connection.
type Memory struct {
	RSS        float64 `json:"rss"`
	Anon       float64 `json:"rss_anon"`
	HeapLive   float64 `json:"heap_live,omitempty"` // after a forced GC
	Stacks     float64 `json:"stacks,omitempty"`    // goroutine stacks
	GoTotal    float64 `json:"go_total,omitempty"`  // all the Go runtime has mapped
	Goroutines float64 `json:"goroutines,omitempty"`
}

// FileLimit is the process's open-file limit after raising it.
type FileLimit struct {
	Soft  uint64 `json:"soft"`
	Hard  uint64 `json:"hard"`
	Error string `json:"error,omitempty"`
}

// raiseFileLimit lifts RLIMIT_NOFILE's soft limit to the hard one: every
// stream takes a descriptor (two in-process). Go's runtime already does
// so at start on Linux; this makes sure, and reads what the limit is.
func raiseFileLimit() *FileLimit {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return &FileLimit{Error: err.Error()}
	}
	f := &FileLimit{}
	if rl.Cur < rl.Max {
		raised := rl
		raised.Cur = rl.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err != nil {
			f.Error = err.Error()
		} else {
			rl = raised
		}
	}
	f.Soft, f.Hard = rl.Cur, rl.Max
	return f
}

// Margins kept free for everything but the idle streams: the store's
// files, the posting client's connections, streams the server has not yet
// seen closed.
const (
	fileReserve = 256
	portReserve = 1024
)

// idleCapacity returns how many of want idle streams this machine can hold
// now, and why it is fewer. used is how many connections the scenario has
// already made (local ports in TIME_WAIT or still held).
func idleCapacity(want, used int, inProcess bool, files *FileLimit) (int, string) {
	n, why := want, ""
	if files != nil && files.Soft > 0 {
		per := 1
		if inProcess {
			per = 2 // the client's and the server's end
		}
		open := openFiles()
		if fit := (int(min(files.Soft, 1<<30)) - open - fileReserve) / per; fit < n {
			n = max(fit, 0)
			why = fmt.Sprintf("open-file limit %d (hard %d), %d open, %d per stream", files.Soft, files.Hard, open, per)
		}
	}
	if lo, hi, ok := localPorts(); ok {
		if fit := hi - lo + 1 - used - portReserve; fit < n {
			n = max(fit, 0)
			why = fmt.Sprintf("local ports %d-%d, one per connection to the server's port", lo, hi)
		}
	}
	return n, why
}

// openFiles counts this process's open descriptors (0 without /proc).
func openFiles() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(entries)
}

// localPorts reads Linux's range of ephemeral ports.
func localPorts() (lo, hi int, ok bool) {
	raw, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 0, 0, false
	}
	f := strings.Fields(string(raw))
	if len(f) != 2 {
		return 0, 0, false
	}
	lo, err1 := strconv.Atoi(f[0])
	hi, err2 := strconv.Atoi(f[1])
	return lo, hi, err1 == nil && err2 == nil && hi >= lo
}

// streamMemory reads the target's memory: RSS of its process (when known)
// and, in-process, the Go runtime's figures after a forced collection.
func streamMemory(tgt *target) Memory {
	var m Memory
	if tgt.inProcess {
		runtime.GC()
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"},
			{Name: "/memory/classes/total:bytes"}, {Name: "/sched/goroutines:goroutines"}}
		metrics.Read(s)
		mb := func(v metrics.Value) float64 {
			if v.Kind() != metrics.KindUint64 {
				return 0
			}
			return float64(v.Uint64()) / (1 << 20)
		}
		m.HeapLive, m.Stacks, m.GoTotal = mb(s[0].Value), mb(s[1].Value), mb(s[2].Value)
		if s[3].Value.Kind() == metrics.KindUint64 {
			m.Goroutines = float64(s[3].Value.Uint64())
		}
	}
	if tgt.pid != 0 {
		if pm, ok := procMemory(tgt.pid); ok {
			m.RSS, m.Anon = pm.rss, pm.anon
		}
	}
	return m
}

// perStream is the growth from before to after per stream, in KB (and
// goroutines).
func perStream(before, after Memory, n int) Memory {
	if n == 0 {
		return Memory{}
	}
	kb := func(b, a float64) float64 { return (a - b) * 1024 / float64(n) }
	return Memory{RSS: kb(before.RSS, after.RSS), Anon: kb(before.Anon, after.Anon), HeapLive: kb(before.HeapLive, after.HeapLive),
		Stacks: kb(before.Stacks, after.Stacks), GoTotal: kb(before.GoTotal, after.GoTotal),
		Goroutines: (after.Goroutines - before.Goroutines) / float64(n)}
}

// text describes the live scenario for the text report.
func (r *LiveResult) text(b *strings.Builder, inProcess bool) {
	fmt.Fprintf(b, "live: %s of %s streams open over %d pages; %s posts at %g/s (%s public, %s held, at most %d in flight): %s deliveries, %s missed within %s\n",
		group(int64(r.Opened)), group(int64(r.Streams)), r.Pages, group(int64(r.Posts)), r.Rate, group(int64(r.Public)), group(int64(r.Held)),
		r.MaxInFlight, group(r.Deliveries), group(r.Missed), time.Duration(r.WaitMS*float64(time.Millisecond)))
	fmt.Fprintf(b, "live post -> event delay: p50 %s, p90 %s, p99 %s, max %s over %s deliveries\n",
		fmtMS(r.Delay.P50), fmtMS(r.Delay.P90), fmtMS(r.Delay.P99), fmtMS(r.Delay.Max), group(r.Deliveries))
	if f := r.Files; f != nil {
		fmt.Fprintf(b, "live open-file limit: %d (hard %d)", f.Soft, f.Hard)
		if f.Error != "" {
			fmt.Fprintf(b, "; raising it failed: %s", f.Error)
		}
		b.WriteString("\n")
	}
	i := r.Idle
	if i == nil {
		return
	}
	fmt.Fprintf(b, "live idle streams: %s of %s opened in %.1fs, %s still open when measured, closed in %.1fs",
		group(int64(i.Opened)), group(int64(i.Wanted)), i.OpenSeconds, group(int64(i.StillOpen)), i.CloseSeconds)
	if i.LimitedBy != "" {
		fmt.Fprintf(b, " (limited by %s)", i.LimitedBy)
	}
	b.WriteString("\n")
	fmt.Fprintf(b, "live memory before idle streams: %s\n", i.Before.text("MB"))
	fmt.Fprintf(b, "live memory with idle streams:   %s\n", i.After.text("MB"))
	fmt.Fprintf(b, "live memory per idle stream:     %s\n", i.PerStream.text("KB"))
	if inProcess {
		b.WriteString("live: in-process, these figures hold both ends of every connection: the tool's side (net/http's connection with 1 KB buffers, its two goroutines and a line reader) as well as the server's\n")
	}
}

func (m Memory) text(unit string) string {
	if m == (Memory{}) {
		return "not measured (give --pid with --target)"
	}
	s := fmt.Sprintf("RSS %.1f %s (anon %.1f)", m.RSS, unit, m.Anon)
	if m.GoTotal != 0 || m.Goroutines != 0 {
		g := strconv.FormatFloat(m.Goroutines, 'f', 0, 64)
		if unit == "KB" {
			g = strconv.FormatFloat(m.Goroutines, 'f', 2, 64)
		}
		s += fmt.Sprintf(", Go heap live %.1f %s, stacks %.1f %s, Go total %.1f %s, goroutines %s", m.HeapLive, unit, m.Stacks, unit, m.GoTotal, unit, g)
	}
	return s
}
