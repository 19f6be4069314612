package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// The live scenario in-process with small numbers: every post reaches every
// stream of its page, and the idle streams all open.
func TestLiveScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server with open streams")
	}
	var out, errs bytes.Buffer
	args := []string{"--json", "--scenario", "live", "--pages", "2", "--comments", "4", "--hot-comments", "2", "--cold-comments", "0",
		"--live-streams", "10", "--live-pages", "2", "--live-posts", "10", "--live-idle", "50"}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, errs.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if len(rep.Scenarios) != 1 || rep.Scenarios[0].Live == nil {
		t.Fatalf("scenarios = %+v, want live alone", rep.Scenarios)
	}
	l := rep.Scenarios[0].Live
	// Ten posts over two pages of five streams each: five deliveries each.
	if l.Opened != 10 || l.Posts != 10 || l.Public != 10 || l.Deliveries != 50 || l.Missed != 0 {
		t.Errorf("live = %+v, want 10 streams, 10 public posts, 50 deliveries, none missed", l)
	}
	if i := l.Idle; i == nil || i.Opened != 50 || i.StillOpen != 50 || i.After.Goroutines <= i.Before.Goroutines {
		t.Errorf("idle = %+v, want 50 streams open", i)
	}
	if l.Files == nil || l.Files.Soft == 0 {
		t.Errorf("open-file limit = %+v", l.Files)
	}
	if rep.Errors != 0 {
		t.Errorf("errors = %d\n%s", rep.Errors, out.String())
	}
	for _, row := range rep.Scenarios[0].Rows {
		if row.Requests == 0 || row.OK != row.Requests {
			t.Errorf("row %s: %+v", row.Op, row)
		}
	}
}

// "all" leaves live out; it runs when named, after the others.
func TestParseScenariosLive(t *testing.T) {
	all, err := parseScenarios("all")
	if err != nil || slices.Contains(all, "live") {
		t.Errorf("all = %v, %v; want no live", all, err)
	}
	got, err := parseScenarios("live,read")
	if err != nil || strings.Join(got, ",") != "read,live" {
		t.Errorf("live,read = %v, %v", got, err)
	}
	for _, args := range [][]string{
		{"--scenario", "live", "--live-pages", "20", "--live-streams", "10"},
		{"--scenario", "live", "--live-rate", "0"},
		{"--scenario", "live", "--live-posts", "100000", "--live-rate", "1"},
	} {
		if _, err := parseFlags(args, &bytes.Buffer{}); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		}
	}
}
