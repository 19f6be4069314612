package main

import (
	"math"
	"math/bits"
	"sort"
	"strconv"
	"time"
)

// Latencies go into a log-linear histogram with fixed buckets rather than a
// slice of samples: its memory does not grow with the request count, which
// matters because the load generator usually shares its process (and so its
// resident memory figure) with the server it measures.
//
// Values below 2^subBits ns have a bucket each; above, every power of two is
// split into 2^subBits equal buckets, so a bucket is never wider than 1/128
// of its lower bound and a reported percentile is within 0.8% of the truth.
const (
	subBits    = 7
	subBuckets = 1 << subBits
	maxShift   = 40 // up to 2^(40+8) ns, far beyond any request timeout
	numBuckets = subBuckets + maxShift*subBuckets
)

// histogram counts durations in fixed buckets. The zero value is empty and
// ready; it is not safe for concurrent use (each worker keeps its own and
// they are merged at the end).
type histogram struct {
	counts   [numBuckets]uint64
	n        uint64
	sum      time.Duration
	min, max time.Duration
}

// bucketOf returns the bucket index of a duration of v nanoseconds.
func bucketOf(v int64) int {
	if v < subBuckets {
		if v < 0 {
			return 0
		}
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - subBits - 1
	if shift >= maxShift {
		return numBuckets - 1
	}
	return subBuckets + shift*subBuckets + int(v>>uint(shift)) - subBuckets
}

// bucketBounds returns the smallest and largest value of bucket i.
func bucketBounds(i int) (lo, hi int64) {
	if i < subBuckets {
		return int64(i), int64(i)
	}
	shift := (i - subBuckets) / subBuckets
	lo = int64(subBuckets+(i-subBuckets)%subBuckets) << uint(shift)
	return lo, lo + (int64(1) << uint(shift)) - 1
}

// record adds one observation.
func (h *histogram) record(d time.Duration) {
	h.counts[bucketOf(int64(d))]++
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
	h.sum += d
}

// merge adds all of o's observations to h.
func (h *histogram) merge(o *histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.n == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.n += o.n
	h.sum += o.sum
}

// quantile returns the q-quantile (0 < q <= 1) by the nearest-rank rule:
// the smallest recorded value with at least q of the observations at or
// below it, read as the middle of its bucket and clamped to [min, max].
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(rank, 1)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lo, hi := bucketBounds(i)
			v := time.Duration(lo + (hi-lo)/2)
			return min(max(v, h.min), h.max)
		}
	}
	return h.max
}

// mean returns the average observation.
func (h *histogram) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

// latency summarizes h in milliseconds.
func (h *histogram) latency() Latency {
	return Latency{
		Mean: ms(h.mean()), P50: ms(h.quantile(0.50)), P90: ms(h.quantile(0.90)),
		P99: ms(h.quantile(0.99)), Max: ms(h.max), Min: ms(h.min),
	}
}

// exactQuantile is the nearest-rank quantile of a sorted slice; the tests
// hold the histogram to it.
func exactQuantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := max(int(math.Ceil(q*float64(len(sorted)))), 1)
	return sorted[rank-1]
}

// recorder collects what one worker saw of one kind of request.
type recorder struct {
	hist      histogram
	statuses  map[int]int64    // HTTP status; 0 for a transport error
	bytes     int64            // response bytes as received (compressed if encoded)
	encodings map[string]int64 // answers by Content-Encoding, when there was one
}

func newRecorder() *recorder {
	return &recorder{statuses: map[int]int64{}, encodings: map[string]int64{}}
}

// observe records one request: its latency, status and answer size.
func (r *recorder) observe(d time.Duration, a answer, err error) {
	r.hist.record(d)
	if err != nil {
		r.statuses[0]++
		return
	}
	r.statuses[a.status]++
	r.bytes += a.size
	if a.encoding != "" {
		r.encodings[a.encoding]++
	}
}

// merge adds o into r.
func (r *recorder) merge(o *recorder) {
	r.hist.merge(&o.hist)
	for s, n := range o.statuses {
		r.statuses[s] += n
	}
	r.bytes += o.bytes
	for e, n := range o.encodings {
		r.encodings[e] += n
	}
}

// summarize turns the merged observations of one operation into a report
// row. ok lists the statuses that count as success.
func (r *recorder) summarize(scenario, op string, conns int, elapsed time.Duration, ok ...int) Row {
	row := Row{
		Scenario: scenario, Op: op, Conns: conns, Requests: int64(r.hist.n),
		Seconds:  elapsed.Seconds(),
		Statuses: map[string]int64{}, Errors: map[string]int64{}, Encodings: map[string]int64{},
		Latency: r.hist.latency(),
	}
	if elapsed > 0 {
		row.Throughput = float64(row.Requests) / elapsed.Seconds()
	}
	for s, n := range r.statuses {
		name := statusName(s)
		row.Statuses[name] += n
		if !containsInt(ok, s) {
			row.Errors[name] += n
			continue
		}
		row.OK += n
	}
	if answered := row.Requests - r.statuses[0]; answered > 0 {
		row.BytesPerAnswer = float64(r.bytes) / float64(answered)
	}
	for e, n := range r.encodings {
		row.Encodings[e] = n
	}
	if elapsed > 0 {
		row.OKPerSecond = float64(row.OK) / elapsed.Seconds()
	}
	return row
}

// statusName is how a status appears in reports: the number, or
// "transport" for a request that got no HTTP answer.
func statusName(s int) string {
	if s == 0 {
		return "transport"
	}
	return strconv.Itoa(s)
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// ms converts a duration to fractional milliseconds for reports.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// sortedKeys returns a map's keys in order, for stable output.
func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
