package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary serve as --startup's in-process child, as
// parley-load's main does.
func TestMain(m *testing.M) {
	if dir, ok := os.LookupEnv(heapChildEnv); ok {
		os.Exit(heapChild(dir, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// buildParley builds cmd/parley into the test's temporary directory, or
// returns $PARLEY_LOAD_TEST_BINARY when set (a binary built beforehand).
func buildParley(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("PARLEY_LOAD_TEST_BINARY"); bin != "" {
		return bin
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "parley")
	cmd := exec.Command(goCmd, "build", "-o", bin, "github.com/parley-dev/parley/cmd/parley")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/parley: %v\n%s", err, out)
	}
	return bin
}

// --startup starts the real binary over an empty and a seeded directory,
// then measures the in-process heap; the JSON and text reports agree.
func TestStartupBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the parley binary")
	}
	bin := buildParley(t)
	var out, errs bytes.Buffer
	args := []string{"--json", "--startup", bin, "--startup-runs", "2", "--startup-idle", "50ms",
		"--pages", "3", "--comments", "20", "--hot-comments", "5", "--cold-comments", "5", "--seed-workers", "2"}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, errs.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if len(rep.Scenarios) != 0 || rep.Seed == nil || rep.Seed.Seeded != 30 || !rep.Seed.Complete {
		t.Errorf("scenarios %v, seed %+v: want no scenarios and 30 comments seeded", rep.Scenarios, rep.Seed)
	}
	s := rep.StartupBinary
	if s == nil || len(s.Sets) != 2 || s.Runs != 2 {
		t.Fatalf("startup = %+v, want two sets of two runs", s)
	}
	for i, want := range []struct {
		data     string
		comments int
	}{{"empty", 0}, {"seeded", 30}} {
		set := s.Sets[i]
		if set.Data != want.data || set.Comments != want.comments || len(set.Each) != 2 {
			t.Errorf("set %d = %+v, want %s with %d comments and 2 runs", i, set, want.data, want.comments)
		}
		for _, r := range set.Each {
			if r.HealthyMS <= 0 || r.Polls < 1 || r.RSSMB <= 0 || r.AnonMB <= 0 || r.PeakRSSMB < r.RSSMB || r.StopMS <= 0 || r.ExitCode != 0 {
				t.Errorf("%s run = %+v", set.Data, r)
			}
		}
		for _, sp := range []Spread{set.HealthyMS, set.RSSMB, set.AnonMB, set.StopMS} {
			if sp.Min <= 0 || sp.Min > sp.Median || sp.Median > sp.Max {
				t.Errorf("%s spread = %+v", set.Data, sp)
			}
		}
	}
	ip := s.InProcess
	if ip == nil || ip.Startup == nil || ip.Before == nil || ip.After == nil || ip.After.GCLiveMB <= 0 || ip.After.GoTotalMB <= 0 || ip.After.HeapObjectsMB <= 0 {
		t.Errorf("in-process = %+v", ip)
	}
	var text bytes.Buffer
	if err := rep.writeText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"start-up of " + bin, "healthy ms", "  empty ", "  seeded ", "in-process start-up over the seeded store",
		"memory in-process, after store open and server.New", "Go total", "the server's part"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
}

// A binary that exits at once is reported, not waited for.
func TestStartOnceExited(t *testing.T) {
	bin, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no false command")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := startOnce(ctx, bin, t.TempDir(), 0); err == nil || !strings.Contains(err.Error(), "exited before /healthz") {
		t.Errorf("startOnce(false) = %v, want an early exit", err)
	}
}

func TestSpreadOf(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want Spread
	}{
		{nil, Spread{}},
		{[]float64{3}, Spread{3, 3, 3}},
		{[]float64{5, 1, 3}, Spread{1, 3, 5}},
		{[]float64{4, 1, 2, 8}, Spread{1, 3, 8}},
	} {
		if got := spreadOf(tt.in); got != tt.want {
			t.Errorf("spreadOf(%v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestWithoutParleyEnv(t *testing.T) {
	got := withoutParleyEnv([]string{"HOME=/h", "PARLEY_DATA=/d", "PATH=/bin", "PARLEY_ADMIN_PASSWORD=x"})
	if strings.Join(got, " ") != "HOME=/h PATH=/bin" {
		t.Errorf("got %q", got)
	}
}

func TestParseFlagsStartup(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		bad  string
	}{
		{[]string{"--startup", filepath.Join(t.TempDir(), "none")}, "--startup"},
		{[]string{"--startup", t.TempDir()}, "not an executable"},
		{[]string{"--startup", self, "--target", "http://127.0.0.1:8080"}, "--target"},
		{[]string{"--startup", self, "--seed", "api"}, "--seed api"},
		{[]string{"--startup", self, "--startup-runs", "0"}, "--startup-runs"},
		{[]string{"--startup", self, "--startup-idle", "2m"}, "--startup-idle"},
		{[]string{"--spread", "pareto"}, "--spread"},
	}
	for _, tt := range tests {
		_, err := parseFlags(tt.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.bad) {
			t.Errorf("parseFlags(%q) = %v, want an error about %s", tt.args, err, tt.bad)
		}
	}
	// The scenarios' time is not checked: --startup runs none.
	c, err := parseFlags([]string{"--startup", self, "--duration", "5m"}, &bytes.Buffer{})
	if err != nil || c.startup.binary != self || c.startup.runs != 5 || c.startup.idle != 3*time.Second {
		t.Errorf("config = %+v, %v", c.startup, err)
	}
}
