package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// The cold read follows next_cursor through the whole thread: 450 seeded
// comments and the sample's post make three answers at the server's 200.
func TestColdReadFollowsCursors(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server")
	}
	var out, errs bytes.Buffer
	args := []string{"--json", "--scenario", "read", "--pages", "2", "--comments", "4", "--hot-comments", "2", "--cold-comments", "450",
		"--cold-samples", "2", "--duration", "200ms", "--read-conns", "2", "--seed-workers", "2"}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, errs.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if len(rep.Scenarios) != 1 || rep.Scenarios[0].Cold == nil || rep.Errors != 0 {
		t.Fatalf("report = %+v", rep)
	}
	c := rep.Scenarios[0].Cold
	if c.Page != coldPage || len(c.Samples) != 2 {
		t.Fatalf("cold = %+v, want two samples", c)
	}
	for i, s := range c.Samples {
		if want := 450 + i + 1; s.Error != "" || s.Comments != want || s.Received != want || s.Requests != 3 ||
			s.FirstMS <= 0 || s.WholeMS < s.FirstMS || s.Bytes <= 0 {
			t.Errorf("sample %d = %+v, want %d comments in 3 requests", i, s, want)
		}
	}
	rows := map[string]Row{}
	for _, row := range rep.Scenarios[0].Rows {
		rows[row.Op] = row
	}
	for _, op := range []string{"cold thread (450) x2", "cold thread (450) whole x2"} {
		if r, ok := rows[op]; !ok || r.Requests != 2 || r.OK != 2 || r.Throughput != 0 || r.Encodings["gzip"] != 2 {
			t.Errorf("row %q = %+v", op, r)
		}
	}
	if first, all := rows["cold thread (450) x2"], rows["cold thread (450) whole x2"]; all.BytesPerAnswer <= first.BytesPerAnswer {
		t.Errorf("the whole page (%.0f bytes) should be bigger than its first answer (%.0f)", all.BytesPerAnswer, first.BytesPerAnswer)
	}
	var text bytes.Buffer
	if err := rep.writeText(&text); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(text.Bytes(), []byte("cold page cold-page whole, through next_cursor")) ||
		!bytes.Contains(text.Bytes(), []byte("(451 comments in 3 requests")) {
		t.Errorf("text report lacks the whole cold page:\n%s", text.String())
	}
}

// --spread uniform reads every page about as often; zipf favours the first.
func TestPagePicker(t *testing.T) {
	const n, draws = 10, 20000
	count := func(spread string) []int {
		pick := pagePicker(spread, rand.New(rand.NewPCG(1, 2)), n)
		c := make([]int, n)
		for range draws {
			c[pick()]++
		}
		return c
	}
	for i, c := range count(spreadUniform) {
		if c < draws/n*8/10 || c > draws/n*12/10 {
			t.Errorf("uniform: page %d read %d times of %d", i, c, draws)
		}
	}
	if z := count(spreadZipf); z[0] < 5*z[n-1] {
		t.Errorf("zipf: first page %d, last %d", z[0], z[n-1])
	}
}

// The mixed scenario with --spread uniform; its memory has the VmHWM of
// the scenario.
func TestMixedUniformSpread(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server")
	}
	var out, errs bytes.Buffer
	args := []string{"--json", "--scenario", "mixed", "--spread", "uniform", "--write-percent", "0", "--pages", "20", "--comments", "40",
		"--hot-comments", "2", "--cold-comments", "0", "--duration", "300ms", "--read-conns", "2", "--seed-workers", "2"}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, errs.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	s := rep.Scenarios[0]
	var reads Row
	for _, row := range s.Rows {
		if row.Op == "thread (uniform)" {
			reads = row
		}
	}
	if reads.Requests == 0 || reads.OK != reads.Requests || rep.Errors != 0 {
		t.Errorf("uniform reads = %+v", reads)
	}
	if _, err := os.Stat("/proc/self/status"); err == nil {
		since := "process start"
		if resetPeakRSS(os.Getpid()) {
			since = "scenario start"
		}
		if m := s.Memory; m == nil || m.HWMMB <= 0 || m.HWMSince != since || m.GoTotalMB <= 0 {
			t.Errorf("memory = %+v, want a VmHWM since %s", m, since)
		}
	}
}

func TestPlainBody(t *testing.T) {
	want := []byte(`{"comments":[],"total":0}`)
	var gz, br bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(want)
	zw.Close()
	bw := brotli.NewWriter(&br)
	bw.Write(want)
	bw.Close()
	for _, ans := range []answer{{body: want}, {body: gz.Bytes(), encoding: "gzip"}, {body: br.Bytes(), encoding: "br"}} {
		if got, err := plainBody(ans); err != nil || !bytes.Equal(got, want) {
			t.Errorf("plainBody(%s) = %q, %v", ans.encoding, got, err)
		}
	}
	if _, err := plainBody(answer{body: want, encoding: "zstd"}); err == nil {
		t.Error("zstd decoded")
	}
}
