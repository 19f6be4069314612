package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's logger and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listenRE = regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)

// start runs the binary's serve command on a free port over dir and
// returns its base URL and a stop function that waits for a clean exit.
func start(t *testing.T, dir string, flags ...string) (string, func()) {
	t.Helper()
	base, _, stop := startEnv(t, dir, nil, flags...)
	return base, stop
}

// startEnv is start with the environment env, returning the logs as well.
func startEnv(t *testing.T, dir string, env map[string]string, flags ...string) (string, *syncBuffer, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, flags...), func(k string) string { return env[k] }, logs, logs)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := listenRE.FindStringSubmatch(logs.String()); m != nil {
			stop := func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("run returned %v; logs:\n%s", err, logs)
				}
			}
			return "http://" + m[1], logs, stop
		}
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v\n%s", err, logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// getJSON reads url into v, with a reader token if one is given.
func getJSON(t *testing.T, url string, v any, token ...string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for _, tok := range token {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

type thread struct {
	Comments []struct {
		ID, Parent, HTML string
	}
}

// TestServeDemoPostAndRestart is the README's first command, end to end: the
// binary starts on an empty data directory with the demo, takes a comment
// and a reply, shuts down cleanly on a signal and has them after a restart.
func TestServeDemoPostAndRestart(t *testing.T) {
	dir := t.TempDir()
	base, stop := start(t, dir)

	var demo thread
	getJSON(t, base+"/api/v1/sites/demo/comments?page=slow-bread", &demo)
	if len(demo.Comments) < 5 {
		t.Fatalf("demo thread has %d comments", len(demo.Comments))
	}
	// Sent without the widget's form token, the comments wait for a
	// moderator; their author sees them with the reader token.
	token := ""
	post := func(body string) (id string) {
		t.Helper()
		req, _ := http.NewRequest("POST", base+"/api/v1/sites/demo/comments", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct {
			Comment     struct{ ID, Status string }
			ReaderToken string `json:"reader_token"`
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 201 || out.Comment.Status != "pending" {
			t.Fatalf("post: %s %v %+v", res.Status, err, out)
		}
		if out.ReaderToken != "" {
			token = out.ReaderToken
		}
		return out.Comment.ID
	}
	first := post(`{"page":"http://localhost:8080/hello/","body":"Hello *world* <script>alert(1)</script>","author":{"name":"Curl"}}`)
	reply := post(`{"page":"http://localhost:8080/hello","parent":"` + first + `","body":"a reply"}`)
	stop()

	base, stop = start(t, dir)
	defer stop()
	var th thread
	getJSON(t, base+"/api/v1/sites/demo/comments?page=http://localhost:8080/hello", &th)
	if len(th.Comments) != 0 {
		t.Errorf("held comments shown to everyone: %+v", th.Comments)
	}
	getJSON(t, base+"/api/v1/sites/demo/comments?page=http://localhost:8080/hello", &th, token)
	if len(th.Comments) != 2 || th.Comments[0].ID != first || th.Comments[1].ID != reply || th.Comments[1].Parent != first {
		t.Fatalf("after restart: %+v", th.Comments)
	}
	if !strings.Contains(th.Comments[0].HTML, "<em>world</em>") || strings.Contains(th.Comments[0].HTML, "<script") {
		t.Errorf("html = %q", th.Comments[0].HTML)
	}
}
