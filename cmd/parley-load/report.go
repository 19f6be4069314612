package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Report is everything one run measured; --json prints it as is.
type Report struct {
	Machine Machine    `json:"machine"`
	Target  TargetInfo `json:"target"`
	Startup *Startup   `json:"startup,omitempty"`
	// StartupBinary is --startup's measurement of a parley binary.
	StartupBinary *BinaryStartup   `json:"startup_binary,omitempty"`
	Memory        []MemorySample   `json:"memory,omitempty"`
	Seed          *SeedResult      `json:"seed,omitempty"`
	Scenarios     []ScenarioResult `json:"scenarios"`
	Errors        int64            `json:"errors"` // failed requests over all scenarios
	Notes         []string         `json:"notes,omitempty"`
}

// Machine describes where the figures were taken.
type Machine struct {
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	Go         string `json:"go"`
}

// TargetInfo says what was loaded.
type TargetInfo struct {
	URL       string `json:"url"`
	InProcess bool   `json:"in_process"`
	PID       int    `json:"pid,omitempty"`
	DataDir   string `json:"data_dir,omitempty"`
	Fresh     bool   `json:"fresh_data_dir"`
	Site      string `json:"site"`
}

// Startup is the in-process server's start-up (and final close) time.
type Startup struct {
	StoreOpenMS  float64 `json:"store_open_ms"`
	ServerNewMS  float64 `json:"server_new_ms"`
	TotalMS      float64 `json:"total_ms"`
	StoreCloseMS float64 `json:"store_close_ms,omitempty"`
}

// MemorySample is the server's memory at one moment (or over a scenario).
type MemorySample struct {
	When        string  `json:"when"`
	RSSMB       float64 `json:"rss_mb"`
	AnonMB      float64 `json:"rss_anon_mb"`           // anonymous: heaps, memtables
	FileMB      float64 `json:"rss_file_mb"`           // mapped files: the binary, Badger's tables and value log
	PeakRSSMB   float64 `json:"peak_rss_mb,omitempty"` // highest sampled during the scenario
	HeapInuseMB float64 `json:"heap_inuse_mb,omitempty"`
	LiveHeapMB  float64 `json:"live_heap_mb,omitempty"` // after a forced GC
	// The Go runtime's figures after the forced GC (runtime/metrics),
	// in-process only: /gc/heap/live:bytes, /memory/classes/heap/objects:bytes
	// and /memory/classes/total:bytes.
	GCLiveMB      float64 `json:"gc_heap_live_mb,omitempty"`
	HeapObjectsMB float64 `json:"heap_objects_mb,omitempty"`
	GoTotalMB     float64 `json:"go_total_mb,omitempty"`
	// HWMMB is the kernel's peak RSS (VmHWM) of the process, over the
	// scenario when HWMSince is "scenario start" (it was reset then), or
	// since the process started.
	HWMMB    float64 `json:"rss_hwm_mb,omitempty"`
	HWMSince string  `json:"rss_hwm_since,omitempty"`
}

// SeedResult describes the seeding step.
type SeedResult struct {
	Mode      string  `json:"mode"`
	Workers   int     `json:"workers"`
	Pages     int     `json:"pages"`    // including the hot and cold pages
	Planned   int     `json:"planned"`  // comments the plan wants
	Existing  int     `json:"existing"` // of those, found already stored
	Seeded    int     `json:"seeded"`   // added by this run
	Seconds   float64 `json:"seconds"`
	Rate      float64 `json:"rate"` // seeded comments per second
	Complete  bool    `json:"complete"`
	DataDirMB float64 `json:"data_dir_mb,omitempty"`
}

// ScenarioResult is one scenario's rows (one per kind of request) and the
// server's memory at its end.
type ScenarioResult struct {
	Name   string        `json:"name"`
	Rows   []Row         `json:"rows"`
	Memory *MemorySample `json:"memory,omitempty"`
	CPU    *CPUUse       `json:"cpu,omitempty"`
	Live   *LiveResult   `json:"live,omitempty"` // the live scenario's delays and stream memory
	Cold   *ColdResult   `json:"cold,omitempty"` // the read scenario's cold page, sample by sample
}

// CPUUse is the CPU time the server's process used during a scenario. On a
// shared machine it varies far less than throughput does. In-process it
// includes the load generator.
type CPUUse struct {
	Seconds      float64 `json:"seconds"`
	Cores        float64 `json:"cores"` // average cores busy
	PerRequestUS float64 `json:"per_request_us"`
}

// Row is the measurement of one kind of request in one scenario.
type Row struct {
	Scenario       string           `json:"scenario"`
	Op             string           `json:"op"`
	Conns          int              `json:"conns"`
	Requests       int64            `json:"requests"`
	OK             int64            `json:"ok"`
	Seconds        float64          `json:"seconds"`
	Throughput     float64          `json:"throughput"`    // requests per second
	OKPerSecond    float64          `json:"ok_per_second"` // acknowledged (successful) requests per second
	Latency        Latency          `json:"latency_ms"`
	Statuses       map[string]int64 `json:"statuses"`
	Errors         map[string]int64 `json:"errors"`
	BytesPerAnswer float64          `json:"bytes_per_answer"` // as received, compressed or not
	Encodings      map[string]int64 `json:"encodings"`        // answers by Content-Encoding
}

// Latency percentiles in milliseconds.
type Latency struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
}

// writeJSON prints the report as indented JSON.
func (r *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeText prints the report as plain text around one table.
func (r *Report) writeText(w io.Writer) error {
	var b strings.Builder
	r.header(&b)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if err := r.writeTable(w); err != nil {
		return err
	}
	b.Reset()
	r.footer(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// header describes the machine, the target, start-up and seeding.
func (r *Report) header(b *strings.Builder) {
	m := r.Machine
	fmt.Fprintf(b, "parley-load: %d CPUs (GOMAXPROCS %d), %s/%s, %s\n", m.CPUs, m.GOMAXPROCS, m.OS, m.Arch, m.Go)
	t := r.Target
	where := "external process"
	if t.InProcess {
		where = "in-process (the load generator shares the process, its CPUs and its memory figures)"
	}
	if t.URL != "" {
		fmt.Fprintf(b, "target: %s, site %q, %s\n", t.URL, t.Site, where)
	}
	if t.DataDir != "" {
		state := "given with --data, kept"
		if t.Fresh {
			state = "fresh temporary directory, removed at the end"
		}
		fmt.Fprintf(b, "data: %s (%s)\n", t.DataDir, state)
	}
	if s := r.Startup; s != nil {
		fmt.Fprintf(b, "start-up: store open %s + server.New %s = %s", fmtMS(s.StoreOpenMS), fmtMS(s.ServerNewMS), fmtMS(s.TotalMS))
		if s.StoreCloseMS > 0 {
			fmt.Fprintf(b, "; store close at the end %s", fmtMS(s.StoreCloseMS))
		}
		b.WriteString("\n")
	}
	if s := r.Seed; s != nil {
		fmt.Fprintf(b, "seed (%s, %d workers): %s comments planned on %s pages; %s already there, %s added in %.1fs (%s/s)",
			s.Mode, s.Workers, group(int64(s.Planned)), group(int64(s.Pages)), group(int64(s.Existing)), group(int64(s.Seeded)), s.Seconds, group(int64(s.Rate)))
		if !s.Complete {
			b.WriteString(" INCOMPLETE: run again to continue")
		}
		b.WriteString("\n")
		if s.DataDirMB > 0 {
			fmt.Fprintf(b, "data dir size: %.1f MB\n", s.DataDirMB)
		}
	}
	for _, mem := range r.Memory {
		fmt.Fprintf(b, "memory %s: %s\n", mem.When, fmtMem(&mem))
	}
	if s := r.StartupBinary; s != nil {
		s.text(b)
	}
}

// writeTable prints one line per measured kind of request.
func (r *Report) writeTable(w io.Writer) error {
	if len(r.Scenarios) == 0 {
		return nil
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\top\tconns\trequests\treq/s\tok/s\tp50\tp90\tp99\tmax\tKB/answer\terrors\t")
	for _, s := range r.Scenarios {
		for _, row := range s.Rows {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t\n",
				row.Scenario, row.Op, row.Conns, group(row.Requests), rate(row.Throughput), rate(row.OKPerSecond),
				fmtMS(row.Latency.P50), fmtMS(row.Latency.P90), fmtMS(row.Latency.P99), fmtMS(row.Latency.Max),
				row.BytesPerAnswer/1024, fmtErrors(row.Errors))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// footer gives each scenario's memory and CPU, the statuses and
// encodings seen, the notes and the error total.
func (r *Report) footer(b *strings.Builder) {
	for _, s := range r.Scenarios {
		if s.Cold != nil {
			s.Cold.text(b)
		}
		if s.Live != nil {
			s.Live.text(b, r.Target.InProcess)
		}
	}
	for _, s := range r.Scenarios {
		if s.Memory != nil {
			fmt.Fprintf(b, "memory after %s: %s\n", s.Name, fmtMem(s.Memory))
		}
		if c := s.CPU; c != nil {
			fmt.Fprintf(b, "cpu during %s: %.1f s (%.2f cores busy), %.0f µs per request\n", s.Name, c.Seconds, c.Cores, c.PerRequestUS)
		}
	}
	for _, s := range r.Scenarios {
		for _, row := range s.Rows {
			if st := fmtStatuses(row.Statuses); st != "" {
				fmt.Fprintf(b, "statuses %s/%s: %s", row.Scenario, row.Op, st)
				if len(row.Encodings) > 0 {
					fmt.Fprintf(b, "; Content-Encoding %s", fmtStatuses(row.Encodings))
				}
				b.WriteString("\n")
			}
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(b, "note: %s\n", n)
	}
	fmt.Fprintf(b, "errors: %d total\n", r.Errors)
}

func fmtMem(m *MemorySample) string {
	s := fmt.Sprintf("RSS %.1f MB (anon %.1f, file %.1f)", m.RSSMB, m.AnonMB, m.FileMB)
	if m.PeakRSSMB > 0 {
		s += fmt.Sprintf(", peak %.1f MB", m.PeakRSSMB)
	}
	if m.HWMMB > 0 {
		s += fmt.Sprintf(", VmHWM %.1f MB since %s", m.HWMMB, m.HWMSince)
	}
	if m.HeapInuseMB > 0 {
		s += fmt.Sprintf(", Go heap in use %.1f MB (live %.1f MB)", m.HeapInuseMB, m.LiveHeapMB)
	}
	if m.GoTotalMB > 0 {
		s += fmt.Sprintf(", after GC: /gc/heap/live %.1f MB, heap objects %.1f MB, Go total %.1f MB", m.GCLiveMB, m.HeapObjectsMB, m.GoTotalMB)
	}
	return s
}

// fmtMS prints milliseconds with sensible precision.
func fmtMS(v float64) string {
	switch {
	case v < 1:
		return fmt.Sprintf("%.3fms", v)
	case v < 100:
		return fmt.Sprintf("%.2fms", v)
	default:
		return fmt.Sprintf("%.0fms", v)
	}
}

func fmtErrors(m map[string]int64) string {
	if len(m) == 0 {
		return "0"
	}
	return fmtStatuses(m)
}

func fmtStatuses(m map[string]int64) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s:%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// rate prints a per-second figure, or "-" where there is none.
func rate(v float64) string {
	if v == 0 {
		return "-"
	}
	return group(int64(v))
}

// group prints an integer with thousands separators.
func group(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
