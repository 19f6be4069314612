package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// faultDirEnv, when set, turns TestCrashUnderLoad into the server process:
// parley serve over that directory, until a signal.
const faultDirEnv = "PARLEY_FAULT_TEST_DIR"

// TestCrashUnderLoad is the load and fault test: readers, writers and
// voters run against a parley process (this test binary, serving) with the
// rate limits off; the process is killed with SIGKILL in the middle of
// writing and started again on the same data. Every write it acknowledged
// must be there, the database must open without repair, and no request
// may get a 5xx. It is bounded: about ten seconds, loopback only.
func TestCrashUnderLoad(t *testing.T) {
	if dir := os.Getenv(faultDirEnv); dir != "" {
		serveChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("the load and fault test takes about ten seconds")
	}
	dir := t.TempDir()

	child, base := startChild(t, dir)
	l := newLoad(base)
	l.run(2*time.Second, func() { child.kill(t) })
	first := l.acked()
	if len(first) < 20 {
		t.Fatalf("only %d writes acknowledged before the kill; the load did not run", len(first))
	}

	child, base = startChild(t, dir)
	l.base = base
	l.run(time.Second, nil)
	child.stop(t)

	if n := l.serverErrors.Load(); n > 0 {
		t.Errorf("%d requests got a 5xx (%s)", n, l.lastError.Load())
	}
	if logs := child.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("the restarted server logged errors:\n%s", logs)
	}
	store, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatalf("the database does not open after the crash: %v", err)
	}
	defer store.Close()
	ctx := context.Background()
	acked := l.acked()
	missing := 0
	for _, id := range acked {
		if _, err := store.Comment(ctx, "demo", id); err != nil {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged comments are lost", missing, len(acked))
	}
	p, err := store.Page(ctx, "demo", loadPage)
	if err != nil {
		t.Fatal(err)
	}
	approved := 0
	comments, err := store.PageComments(ctx, "demo", loadPage)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comments {
		if c.Status == storage.StatusApproved {
			approved++
		}
	}
	if p.Count != approved {
		t.Errorf("page count %d, but %d approved comments", p.Count, approved)
	}
	t.Logf("%d comments acknowledged (%d before the kill), %d stored; %d requests, %d of them cut off by the kill",
		len(acked), len(first), len(comments), l.requests.Load(), l.netErrors.Load())
}

// serveChild is the server process of TestCrashUnderLoad.
func serveChild(dir string) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--rate-limits", "off"},
		func(string) string { return "" }, os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// child is a running server process.
type child struct {
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan error
}

// startChild starts the server process over dir and waits until it is
// healthy.
func startChild(t *testing.T, dir string) (*child, string) {
	t.Helper()
	c := &child{logs: &syncBuffer{}, done: make(chan error, 1)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestCrashUnderLoad$")
	c.cmd.Env = append(os.Environ(), faultDirEnv+"="+dir)
	c.cmd.Stdout, c.cmd.Stderr = io.Discard, c.logs
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- c.cmd.Wait() }()
	t.Cleanup(func() { c.cmd.Process.Kill() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listenRE.FindStringSubmatch(c.logs.String()); m != nil {
			base := "http://" + m[1]
			if res, err := http.Get(base + "/healthz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return c, base
				}
			}
		}
		select {
		case err := <-c.done:
			t.Fatalf("the server ended early: %v\n%s", err, c.logs)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("the server did not become healthy:\n%s", c.logs)
	return nil, ""
}

// kill ends the process with SIGKILL: nothing is flushed or closed.
func (c *child) kill(t *testing.T) {
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Errorf("kill: %v", err)
	}
	<-c.done
}

// stop ends the process with SIGTERM and waits for its clean exit.
func (c *child) stop(t *testing.T) {
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("stop: %v", err)
	}
	if err := <-c.done; err != nil {
		t.Errorf("the server's exit: %v\n%s", err, c.logs)
	}
}

// loadPage is the page the load writes to, on the binary's demo site.
const loadPage = "crash-test"

// load is the traffic of the test: writers, voters and readers.
type load struct {
	base                              string
	mu                                sync.Mutex
	ids                               []string // acknowledged comments
	requests, serverErrors, netErrors atomic.Int64
	lastError                         atomic.Value
}

func newLoad(base string) *load { return &load{base: base} }

func (l *load) acked() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ids...)
}

// run sends traffic for d; midway, when set, runs once (the kill), after
// which connection errors are expected and the workers stop.
func (l *load) run(d time.Duration, midway func()) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var killed atomic.Bool
	var wg sync.WaitGroup
	worker := func(fn func(client *http.Client, i int) bool) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ctx.Err() == nil; i++ {
				if !fn(client, i) && killed.Load() {
					return
				}
			}
		}()
	}
	for w := range 4 {
		worker(func(c *http.Client, i int) bool { return l.post(c, fmt.Sprintf("w%d-%d", w, i)) })
	}
	for v := range 2 {
		token := ""
		worker(func(c *http.Client, i int) bool { return l.vote(c, v, i, &token) })
	}
	for range 2 {
		worker(func(c *http.Client, _ int) bool { return l.read(c) })
	}
	if midway != nil {
		time.Sleep(d / 2)
		killed.Store(true)
		midway()
	}
	wg.Wait()
}

// send makes one request; it reports false for a failed connection.
func (l *load) send(c *http.Client, method, path string, body any) (int, []byte, bool) {
	return l.sendAs(c, "", method, path, body)
}

// sendAs is send with a reader token.
func (l *load) sendAs(c *http.Client, token, method, path string, body any) (int, []byte, bool) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, l.base+path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	l.requests.Add(1)
	res, err := c.Do(req)
	if err != nil {
		l.netErrors.Add(1)
		return 0, nil, false
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		l.serverErrors.Add(1)
		l.lastError.Store(fmt.Sprintf("%s %s: %d %s", method, path, res.StatusCode, data))
	}
	return res.StatusCode, data, true
}

func (l *load) post(c *http.Client, tag string) bool {
	status, data, ok := l.send(c, "POST", "/api/v1/sites/demo/comments",
		map[string]any{"page": loadPage, "body": "Load comment " + tag, "author": map[string]string{"name": "Loader"}})
	if status == http.StatusCreated {
		var a struct{ Comment struct{ ID string } }
		if json.Unmarshal(data, &a) == nil && a.Comment.ID != "" {
			l.mu.Lock()
			l.ids = append(l.ids, a.Comment.ID)
			l.mu.Unlock()
		}
	}
	return ok
}

// vote votes as voter v (each on comments of its own, keeping its reader
// token) on the demo discussion's comments, up and down in turn.
func (l *load) vote(c *http.Client, v, i int, token *string) bool {
	status, data, ok := l.send(c, "GET", "/api/v1/sites/demo/comments?page=slow-bread", nil)
	var th struct{ Comments []struct{ ID string } }
	if status != 200 || json.Unmarshal(data, &th) != nil || len(th.Comments) < 2 {
		return ok
	}
	id := th.Comments[(2*i+v)%len(th.Comments)].ID
	if id == "" {
		return ok
	}
	req := map[string]any{"value": 1 - 2*(i/len(th.Comments)%2)}
	status, data, ok = l.sendAs(c, *token, "PUT", "/api/v1/sites/demo/comments/"+id+"/vote", req)
	var a struct {
		ReaderToken string `json:"reader_token"`
	}
	if status == 200 && json.Unmarshal(data, &a) == nil && a.ReaderToken != "" {
		*token = a.ReaderToken
	}
	return ok
}

func (l *load) read(c *http.Client) bool {
	_, _, ok := l.send(c, "GET", "/api/v1/sites/demo/comments?page=slow-bread", nil)
	return ok
}
