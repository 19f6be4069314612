package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/parley-dev/parley/server/requestid"
	"github.com/parley-dev/parley/storage"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// lines are the JSON log lines written so far.
func (b *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, l := range bytes.Split(bytes.TrimSpace(b.b.Bytes()), []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		m := map[string]any{}
		if err := json.Unmarshal(l, &m); err != nil {
			t.Fatalf("log line %s: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestRequestIDHeader(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("a", 65)
	tests := []struct {
		name, sent string
		kept       bool
	}{
		{"none sent", "", false},
		{"plain id kept", "lb-7f3a.01_X", true},
		{"64 characters kept", strings.Repeat("a", 64), true},
		{"too long replaced", long, false},
		{"unsafe characters replaced", "abc def<script>", false},
		{"newline replaced", "abc\tdef", false},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rq := req{method: "GET", path: "/healthz"}
			if tt.sent != "" {
				rq.header = map[string]string{"X-Request-ID": tt.sent}
			}
			r := e.do(rq)
			got := r.header.Get("X-Request-ID")
			if tt.kept {
				if got != tt.sent {
					t.Fatalf("X-Request-ID = %q, want %q", got, tt.sent)
				}
				return
			}
			if got == tt.sent || !requestid.Valid(got) || len(got) != 36 || seen[got] {
				t.Fatalf("X-Request-ID = %q for %q, want a new UUID", got, tt.sent)
			}
			seen[got] = true
		})
	}
}

func TestInternalErrorCarriesRequestID(t *testing.T) {
	logs := &syncBuffer{}
	e := newGuardedEnv(t, func(c *Config) {
		c.RatesOff = true
		c.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	})
	// A closed store fails every read: an internal error.
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	r := e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?page=p", header: map[string]string{"X-Request-ID": "trace-42"}})
	if r.status != http.StatusInternalServerError {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if ae := r.apiErr(t); ae.Code != "internal" || ae.Message != "Internal error." || ae.RequestID != "trace-42" {
		t.Errorf("answer %s", r.body)
	}
	var failed, logged bool
	for _, l := range logs.lines(t) {
		switch l["msg"] {
		case "request failed":
			failed = l["request_id"] == "trace-42"
		case "request":
			logged = l["request_id"] == "trace-42" && l["status"] == float64(500)
		}
	}
	if !failed || !logged {
		t.Errorf("log lines without the request id:\n%s", logs.b.String())
	}

	// A client error keeps its shape, without an id.
	r = e.do(req{method: "GET", path: "/no/such/page"})
	if r.status != http.StatusNotFound || bytes.Contains(r.body, []byte("request_id")) {
		t.Errorf("404 answer: %d %s", r.status, r.body)
	}
}

func TestReadyz(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := e.do(req{method: "GET", path: path}); r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`"ok"`)) {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	if err := e.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := e.do(req{method: "GET", path: "/readyz"})
	var got struct{ Status string }
	r.decode(t, &got)
	if r.status != http.StatusServiceUnavailable || got.Status != "shutting_down" {
		t.Errorf("/readyz after Shutdown: %d %s", r.status, r.body)
	}
	// Alive still: the process answers and so does the store.
	if r := e.do(req{method: "GET", path: "/healthz"}); r.status != http.StatusOK {
		t.Errorf("/healthz after Shutdown: %d %s", r.status, r.body)
	}
}

func TestReadyzStoreDown(t *testing.T) {
	e := newEnv(t)
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := e.do(req{method: "GET", path: path}); r.status != http.StatusInternalServerError {
			t.Errorf("%s over a closed store: %d %s", path, r.status, r.body)
		}
	}
}

func TestMetricsOnPublicListener(t *testing.T) {
	t.Run("not configured", func(t *testing.T) {
		e := newEnv(t)
		if r := e.do(req{method: "GET", path: "/metrics", token: "anything"}); r.status != http.StatusNotFound {
			t.Errorf("status %d", r.status)
		}
	})
	e := newGuardedEnv(t, func(c *Config) { c.RatesOff, c.MetricsToken = true, "s3cret" })
	for _, token := range []string{"", "wrong", "s3cre", "s3cret2"} {
		if r := e.do(req{method: "GET", path: "/metrics", token: token}); r.status != http.StatusUnauthorized {
			t.Errorf("token %q: status %d", token, r.status)
		}
	}
	r := e.do(req{method: "GET", path: "/metrics", token: "s3cret"})
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	families := parseMetrics(t, bytes.NewReader(r.body))
	if families["go_goroutines"] == nil {
		t.Error("no Go runtime metrics")
	}
}

// TestMetricsListener scrapes ServeMetrics over a real connection after
// a few requests, and checks each family.
func TestMetricsListener(t *testing.T) {
	e := newEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.srv.ServeMetrics(ln) }()

	e.post("", comment("p1", "First!"))
	e.list("", "page=p1")
	e.list("", "page=p1")                                           // from the cache
	e.do(req{method: "GET", path: "/api/v1/sites/blog/comments/x"}) // no such route: unmatched

	res, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %s", res.Status)
	}
	fams := parseMetrics(t, res.Body)

	value := func(name string, labels map[string]string) (float64, bool) {
		f := fams[name]
		if f == nil {
			return 0, false
		}
	metrics:
		for _, m := range f.Metric {
			for k, v := range labels {
				found := false
				for _, lp := range m.Label {
					if lp.GetName() == k && lp.GetValue() == v {
						found = true
					}
				}
				if !found {
					continue metrics
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
		return 0, false
	}
	checks := []struct {
		name   string
		labels map[string]string
		ok     func(float64) bool
	}{
		{"parley_http_requests_total", map[string]string{"route": "/api/v1/sites/:site/comments", "method": "POST", "status": "201"}, func(v float64) bool { return v == 1 }},
		{"parley_http_requests_total", map[string]string{"route": "/api/v1/sites/:site/comments", "method": "GET", "status": "200"}, func(v float64) bool { return v == 2 }},
		{"parley_http_requests_total", map[string]string{"route": "unmatched", "method": "GET", "status": "404"}, func(v float64) bool { return v == 1 }},
		{"parley_http_request_duration_seconds", map[string]string{"route": "/api/v1/sites/:site/comments", "method": "GET"}, func(v float64) bool { return v == 2 }},
		{"parley_comments_total", map[string]string{"outcome": "approved", "reason": ""}, func(v float64) bool { return v == 1 }},
		{"parley_thread_cache_hits_total", nil, func(v float64) bool { return v >= 1 }},
		{"parley_thread_cache_misses_total", nil, func(v float64) bool { return v >= 1 }},
		{"parley_thread_cache_bytes", nil, func(v float64) bool { return v > 0 }},
		{"parley_live_streams", nil, func(v float64) bool { return v == 0 }},
		{"parley_store_bytes", map[string]string{"part": "lsm"}, func(v float64) bool { return v >= 0 }},
		{"parley_store_bytes", map[string]string{"part": "vlog"}, func(v float64) bool { return v >= 0 }},
		{"go_goroutines", nil, func(v float64) bool { return v > 0 }},
		{"process_resident_memory_bytes", nil, func(v float64) bool { return v > 0 }},
	}
	for _, c := range checks {
		v, ok := value(c.name, c.labels)
		if !ok || !c.ok(v) {
			t.Errorf("%s%v = %v (found %v)", c.name, c.labels, v, ok)
		}
	}
	// Raw paths never become labels.
	for _, m := range fams["parley_http_requests_total"].Metric {
		for _, lp := range m.Label {
			if lp.GetName() == "route" && strings.Contains(lp.GetValue(), "blog") {
				t.Errorf("raw path as a label: %s", lp.GetValue())
			}
		}
	}

	if err := e.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != nil {
		t.Errorf("ServeMetrics: %v", err)
	}
}

func TestCommentOutcomes(t *testing.T) {
	e := newEnv(t, func(s *storage.SiteSettings) { s.DuplicateWindow = time.Hour })
	e.post("", comment("p", "Same words"))
	if r := e.do(req{method: "POST", path: "/api/v1/sites/blog/comments", body: comment("p", "Same words"), origin: testOrigin}); r.status != http.StatusConflict {
		t.Fatalf("duplicate: %d %s", r.status, r.body)
	}
	got := map[string]float64{}
	mfs, err := e.srv.metrics.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range mfs {
		if f.GetName() != "parley_comments_total" {
			continue
		}
		for _, m := range f.Metric {
			key := ""
			for _, lp := range m.Label {
				key += lp.GetName() + "=" + lp.GetValue() + " "
			}
			got[strings.TrimSpace(key)] = m.Counter.GetValue()
		}
	}
	if got["outcome=approved reason="] != 1 || got["outcome=refused reason=duplicate"] != 1 {
		t.Errorf("parley_comments_total = %v", got)
	}
}

func parseMetrics(t *testing.T, r io.Reader) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		t.Fatalf("parse metrics: %v", err)
	}
	return fams
}
