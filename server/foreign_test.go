package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func TestForeignOriginIsToldWhatToDo(t *testing.T) {
	logs := &lockedBuffer{}
	e := newGuardedEnv(t, func(c *Config) {
		c.RatesOff = true
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}, func(s *storage.SiteSettings) { s.MinSubmitTime = 0 })
	e.post("", comment("p", "only for the blog"))
	read := func(origin string) resp {
		return e.do(req{method: "GET", path: "/api/v1/sites/blog/comments?page=p", origin: origin})
	}
	r := read("http://localhost:8091")
	if r.status != http.StatusForbidden || r.header.Get("Access-Control-Allow-Origin") != "http://localhost:8091" {
		t.Fatalf("read from a foreign origin: %d, allow %q", r.status, r.header.Get("Access-Control-Allow-Origin"))
	}
	er := r.apiErr(t)
	if er.Code != "origin_not_allowed" || !strings.Contains(er.Message, "Comments are not enabled for http://localhost:8091") ||
		!strings.Contains(er.Message, "admin page") || strings.Contains(string(r.body), "only for the blog") {
		t.Errorf("answer %s: want the origin, what to do, and no comment", r.body)
	}
	warned := func() int { return strings.Count(logs.String(), "origin=http://localhost:8091") }
	if warned() != 1 || !strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("the server logged:\n%s\nwant one warning naming the origin", logs)
	}
	read("http://localhost:8091")
	if warned() != 1 {
		t.Errorf("a second read within %v logged again", foreignWarnEvery)
	}
	e.clock.Advance(foreignWarnEvery + time.Second)
	read("http://localhost:8091")
	if warned() != 2 {
		t.Errorf("a read after %v was not logged again", foreignWarnEvery)
	}
	// The blog itself, and a client that sends no Origin, read as before.
	for _, origin := range []string{testOrigin, ""} {
		if r := read(origin); r.status != http.StatusOK || !strings.Contains(string(r.body), "only for the blog") {
			t.Errorf("read from %q: %d", origin, r.status)
		}
	}
}
