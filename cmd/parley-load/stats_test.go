package main

import (
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestBucketBoundsContainTheirValues(t *testing.T) {
	values := []int64{0, 1, 127, 128, 129, 255, 256, 257, 1000, 999_999, 1_000_000, 123_456_789, 1 << 40}
	for _, v := range values {
		i := bucketOf(v)
		lo, hi := bucketBounds(i)
		if v < lo || v > hi {
			t.Errorf("bucketOf(%d) = %d with bounds [%d, %d]", v, i, lo, hi)
		}
		if v >= subBuckets && float64(hi-lo+1) > float64(lo)/subBuckets+1 {
			t.Errorf("bucket of %d is [%d, %d]: wider than 1/%d of its lower bound", v, lo, hi, subBuckets)
		}
	}
	if got := bucketOf(math.MaxInt64); got != numBuckets-1 {
		t.Errorf("bucketOf(max) = %d, want the last bucket %d", got, numBuckets-1)
	}
}

func TestHistogramQuantiles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name string
		gen  func(i int) time.Duration
		n    int
	}{
		{"one value", func(int) time.Duration { return 3 * time.Millisecond }, 1},
		{"uniform 1..1000 ms", func(i int) time.Duration { return time.Duration(i+1) * time.Millisecond }, 1000},
		{"nanoseconds below the linear range", func(i int) time.Duration { return time.Duration(i % 100) }, 500},
		{"exponential, mean 2 ms", func(int) time.Duration { return time.Duration(r.ExpFloat64() * 2e6) }, 20000},
		{"bimodal with a slow tail", func(i int) time.Duration {
			if i%100 == 0 {
				return 250 * time.Millisecond
			}
			return 400 * time.Microsecond
		}, 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h histogram
			var all []time.Duration
			for i := range tt.n {
				d := tt.gen(i)
				h.record(d)
				all = append(all, d)
			}
			slices.Sort(all)
			for _, q := range []float64{0.5, 0.9, 0.99, 0.999, 1} {
				want, got := exactQuantile(all, q), h.quantile(q)
				if diff := math.Abs(float64(got - want)); diff > float64(want)/subBuckets+1 {
					t.Errorf("q%.3f = %v, exact %v: off by more than 1/%d", q, got, want, subBuckets)
				}
			}
			if h.min != all[0] || h.max != all[len(all)-1] {
				t.Errorf("min/max = %v/%v, want %v/%v", h.min, h.max, all[0], all[len(all)-1])
			}
		})
	}
}

func TestExactQuantile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{nil, 0.5, 0},
		{ms(7), 0.5, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.75, 3 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.76, 4 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.9, 9 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 0.99, 10 * time.Millisecond},
		{ms(1, 2, 3), 1, 3 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := exactQuantile(tt.sorted, tt.q); got != tt.want {
			t.Errorf("exactQuantile(%v, %v) = %v, want %v", tt.sorted, tt.q, got, tt.want)
		}
	}
}

func TestHistogramMerge(t *testing.T) {
	var a, b, both histogram
	for i := range 100 {
		d := time.Duration(i+1) * time.Microsecond
		both.record(d)
		if i%3 == 0 {
			a.record(d)
		} else {
			b.record(d)
		}
	}
	a.merge(&b)
	if a.n != both.n || a.sum != both.sum || a.min != both.min || a.max != both.max || a.counts != both.counts {
		t.Errorf("merged histogram differs from one fed everything")
	}
	var empty histogram
	if empty.quantile(0.5) != 0 || empty.mean() != 0 {
		t.Errorf("an empty histogram should report zeros")
	}
}

func TestSummarizeCountsErrorsByStatus(t *testing.T) {
	rec := newRecorder()
	for range 7 {
		rec.observe(time.Millisecond, answer{status: http.StatusOK, size: 100, encoding: "gzip"}, nil)
	}
	rec.observe(2*time.Millisecond, answer{status: http.StatusNotModified}, nil)
	rec.observe(3*time.Millisecond, answer{status: http.StatusTooManyRequests}, nil)
	rec.observe(4*time.Millisecond, answer{}, http.ErrHandlerTimeout)
	row := rec.summarize("read", "hot", 8, 2*time.Second, http.StatusOK, http.StatusNotModified)
	if row.Requests != 10 || row.OK != 8 {
		t.Errorf("requests/ok = %d/%d, want 10/8", row.Requests, row.OK)
	}
	if row.Throughput != 5 || row.OKPerSecond != 4 {
		t.Errorf("throughput = %v req/s, %v ok/s, want 5 and 4", row.Throughput, row.OKPerSecond)
	}
	wantErrs := map[string]int64{"429": 1, "transport": 1}
	if len(row.Errors) != 2 || row.Errors["429"] != wantErrs["429"] || row.Errors["transport"] != 1 {
		t.Errorf("errors = %v, want %v", row.Errors, wantErrs)
	}
	if row.Statuses["200"] != 7 || row.Statuses["304"] != 1 {
		t.Errorf("statuses = %v", row.Statuses)
	}
	if row.Latency.Max != 4 || row.Latency.P50 < 0.99 || row.Latency.P50 > 1.01 {
		t.Errorf("latency = %+v", row.Latency)
	}
	if row.Encodings["gzip"] != 7 || len(row.Encodings) != 1 {
		t.Errorf("encodings = %v, want gzip:7", row.Encodings)
	}
	if row.BytesPerAnswer != 700.0/9 {
		t.Errorf("bytes per answer = %v, want %v", row.BytesPerAnswer, 700.0/9)
	}
}

func TestGroup(t *testing.T) {
	tests := map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -5000: "-5,000"}
	for n, want := range tests {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}
