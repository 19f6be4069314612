package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// A whole run in-process: a tiny seed, every scenario for a second.
func TestRunEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server for about five seconds")
	}
	var out, errs bytes.Buffer
	args := []string{"--pages", "5", "--comments", "60", "--hot-comments", "20", "--cold-comments", "40",
		"--cold-samples", "2", "--duration", "1s", "--read-conns", "4", "--write-conns", "4", "--seed-workers", "4"}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, errs.String())
	}
	text := out.String()
	for _, want := range []string{"CPUs", "start-up: store open", "seed (store, 4 workers): 120 comments planned on 7 pages",
		"req/s", "p99", "hot thread (20)", "cold thread (40) x2", "cold thread (40) whole x2", "thread (zipf)", "vote", "100 pages", "post comment",
		"memory after write: RSS", "errors: 0 total"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	// The table runs from its header to the next blank line; every row
	// ends with its error column.
	_, table, ok := strings.Cut(text, "KB/answer  errors\n")
	table, _, _ = strings.Cut(table, "\n\n")
	rows := strings.Split(table, "\n")
	if !ok || len(rows) != 9 {
		t.Fatalf("want a table of 9 rows:\n%s", text)
	}
	for _, line := range rows {
		if f := strings.Fields(line); f[len(f)-1] != "0" {
			t.Errorf("a row has errors: %s", line)
		}
	}
}

// --json prints the same figures for machines.
func TestRunJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server")
	}
	var out, errs bytes.Buffer
	args := []string{"--json", "--pages", "3", "--comments", "30", "--hot-comments", "10", "--cold-comments", "10",
		"--cold-samples", "1", "--scenario", "read,counts", "--duration", "300ms", "--read-conns", "2"}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, errs.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if len(rep.Scenarios) != 2 || rep.Scenarios[0].Name != "read" || rep.Scenarios[1].Name != "counts" {
		t.Fatalf("scenarios = %+v, want read and counts", rep.Scenarios)
	}
	if rep.Errors != 0 || rep.Seed == nil || rep.Seed.Seeded != 50 || !rep.Target.InProcess {
		t.Errorf("report = %+v", rep)
	}
	for _, s := range rep.Scenarios {
		for _, row := range s.Rows {
			cold := strings.HasPrefix(row.Op, "cold")
			if row.Requests == 0 || (row.Throughput <= 0) != cold || len(row.Errors) != 0 {
				t.Errorf("row %s/%s: %+v", row.Scenario, row.Op, row)
			}
		}
	}
}

// --write-percent 0 makes mixed a read-only spread over all pages.
func TestMixedWithoutWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server")
	}
	var out, errs bytes.Buffer
	args := []string{"--json", "--pages", "4", "--comments", "40", "--hot-comments", "5", "--cold-comments", "0",
		"--scenario", "mixed", "--write-percent", "0", "--duration", "300ms", "--read-conns", "2"}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, errs.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	got := map[string]int64{}
	for _, row := range rep.Scenarios[0].Rows {
		got[row.Op] = row.Requests
	}
	if got["thread (zipf)"] == 0 || got["post comment"] != 0 || got["vote"] != 0 {
		t.Errorf("requests by op = %v; want thread reads only", got)
	}
}

// A second run over the same data directory reuses what is there.
func TestRunReusesData(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server")
	}
	dir := t.TempDir()
	args := []string{"--json", "--data", dir, "--pages", "3", "--comments", "12", "--hot-comments", "3",
		"--cold-comments", "0", "--seed-only"}
	seeded := func() SeedResult {
		var out, errs bytes.Buffer
		if err := run(context.Background(), args, &out, &errs); err != nil {
			t.Fatalf("run: %v\n%s", err, errs.String())
		}
		var rep Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		return *rep.Seed
	}
	if s := seeded(); s.Seeded != 15 || s.Existing != 0 || !s.Complete {
		t.Errorf("first run: %+v, want 15 seeded", s)
	}
	if s := seeded(); s.Seeded != 0 || s.Existing != 15 || !s.Complete {
		t.Errorf("second run: %+v, want all 15 reused", s)
	}
}

func TestParseFlagsLimits(t *testing.T) {
	tests := []struct {
		args []string
		bad  string
	}{
		{[]string{"--target", "http://10.0.0.1:8080"}, "not loopback"},
		{[]string{"--target", "http://example.com"}, "not loopback"},
		{[]string{"--target", "http://127.0.0.1:8080", "--seed", "store"}, "--seed store"},
		{[]string{"--target", "http://127.0.0.1:8080", "--data", "/tmp/x"}, "--data"},
		{[]string{"--duration", "3m"}, "cap"},
		{[]string{"--max-time", "11m"}, "--max-time"},
		{[]string{"--scenario", "spike"}, "--scenario"},
		{[]string{"--pages", "0"}, "--pages"},
		{[]string{"--conns", "5000"}, "connections"},
		{[]string{"--write-percent", "101"}, "--write-percent"},
	}
	for _, tt := range tests {
		_, err := parseFlags(tt.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.bad) {
			t.Errorf("parseFlags(%q) = %v, want an error about %s", tt.args, err, tt.bad)
		}
	}
	c, err := parseFlags([]string{"--target", "http://localhost:8080/", "--conns", "3", "--scenario", "counts,read", "--duration", "2s"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.target != "http://localhost:8080" || c.seedMode != "api" || c.readConns != 3 || c.writeConns != 3 ||
		strings.Join(c.scenarios, ",") != "read,counts" || c.duration != 2*time.Second {
		t.Errorf("config = %+v", c)
	}
}
