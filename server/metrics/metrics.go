// Package metrics holds Parley's Prometheus collectors in a registry of
// their own (never the global default), so what a scrape shows is exactly
// what the server registered, and tests can build as many as they like.
//
// Labels stay bounded: requests are labelled with the route template
// (/api/v1/sites/:site/comments), never the raw path, and comments with
// an outcome and the pipeline's refusal code.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Sources are the server's readings, taken at each scrape. A nil func is
// not reported.
type Sources struct {
	CacheHits, CacheMisses func() uint64
	CacheBytes             func() int
	Streams                func() int
	// StoreSizes are the store's bytes on disk: Badger's LSM tree and
	// value log.
	StoreSizes func() (lsm, vlog int64)
}

// Metrics are one server's collectors and their registry. Its methods
// are safe for concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	comments *prometheus.CounterVec
}

// durationBuckets run from half a millisecond (a cached thread) to ten
// seconds (the request timeout).
var durationBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// New registers the request and comment metrics, the readings of src,
// and Go's runtime and process metrics.
func New(src Sources) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_http_requests_total", Help: "HTTP requests answered, by route template, method and status code.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "parley_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route template and method.",
			Buckets: durationBuckets,
		}, []string{"route", "method"}),
		comments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parley_comments_total",
			Help: "New and edited comments by the moderation pipeline's outcome (approved, held, refused) and, when refused, the refusal code.",
		}, []string{"outcome", "reason"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.comments,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if src.CacheHits != nil {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "parley_thread_cache_hits_total", Help: "Thread answers served from the thread cache.",
		}, func() float64 { return float64(src.CacheHits()) }))
	}
	if src.CacheMisses != nil {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "parley_thread_cache_misses_total", Help: "Thread answers the thread cache had to build.",
		}, func() float64 { return float64(src.CacheMisses()) }))
	}
	if src.CacheBytes != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "parley_thread_cache_bytes", Help: "Bytes the thread cache holds, as it counts them against its budget.",
		}, func() float64 { return float64(src.CacheBytes()) }))
	}
	if src.Streams != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "parley_live_streams", Help: "Open live update streams on this node.",
		}, func() float64 { return float64(src.Streams()) }))
	}
	if src.StoreSizes != nil {
		m.reg.MustRegister(storeSizes(src.StoreSizes))
	}
	return m
}

// Request counts one answered request. route is the route template.
func (m *Metrics) Request(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// Comment counts one decision of the moderation pipeline on a new or
// edited comment: outcome approved, held or refused; reason is the
// refusal code, "" otherwise.
func (m *Metrics) Comment(outcome, reason string) {
	m.comments.WithLabelValues(outcome, reason).Inc()
}

// Gatherer is the registry, for tests and other exporters.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// Handler serves the registry in Prometheus' exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
