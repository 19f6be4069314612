package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The live scenario's client side: one connection per event stream, as
// one widget's EventSource holds one, read line by line.

// streamClient opens event streams of one site.
type streamClient struct {
	a      *api
	client *http.Client
	// comments counts the comment events the streams have read, each
	// stream counting an id once, so the scenario can stop waiting as
	// soon as every delivery it expects has arrived.
	comments atomic.Int64
}

// newStreamClient returns a client for any number of streams: no
// connection cap, no whole-request timeout (a stream lasts until it is
// cancelled), no transparent decompression and small buffers, since the
// in-process target shares its memory figures with these connections.
func newStreamClient(a *api) *streamClient {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackOnly}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		MaxConnsPerHost:       0,
		MaxIdleConnsPerHost:   8,
		ResponseHeaderTimeout: 10 * time.Second,
		DisableCompression:    true,
		ReadBufferSize:        1 << 10,
		WriteBufferSize:       1 << 10,
	}
	return &streamClient{a: a, client: &http.Client{Transport: tr}}
}

func (sc *streamClient) close() { sc.client.CloseIdleConnections() }

// streamAddr is the client address of stream i, apart from the posting
// workers' (workerAddr): each stream is a reader of its own, under the
// server's per-client stream cap.
func streamAddr(i int) string {
	return fmt.Sprintf("10.%d.%d.%d", 128|i>>16&127, i>>8&255, i&255)
}

// liveStream is one open stream and the comment events it has read.
type liveStream struct {
	page   string
	cancel context.CancelFunc
	done   chan struct{} // closed when the reader has stopped
	mu     sync.Mutex
	got    map[string]time.Time // comment id -> when its event was read
}

// errNoHead is a stream that ended before its first event.
var errNoHead = errors.New("stream ended before its first event")

// open opens the stream of page as client addr and reads up to the first
// blank line (the retry delay the server sends first): by then the server
// has subscribed the stream, so every later change reaches it. status is
// the HTTP status when the server refused the stream.
func (sc *streamClient) open(ctx context.Context, page, addr string) (s *liveStream, status int, err error) {
	sctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(sctx, http.MethodGet, sc.a.siteURL("/events?page="+url.QueryEscape(page)), nil)
	if err != nil {
		cancel()
		return nil, 0, err
	}
	req.Header.Set("Origin", sc.a.origin)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := sc.client.Do(req)
	if err != nil {
		cancel()
		return nil, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		cancel()
		return nil, resp.StatusCode, nil
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 512), 1<<20)
	head := false
	for !head && lines.Scan() {
		head = lines.Text() == ""
	}
	if !head {
		resp.Body.Close()
		cancel()
		return nil, http.StatusOK, errNoHead
	}
	s = &liveStream{page: page, cancel: cancel, done: make(chan struct{}), got: map[string]time.Time{}}
	go s.read(resp.Body, lines, &sc.comments)
	return s, http.StatusOK, nil
}

// read notes the arrival of each comment event until the stream ends.
func (s *liveStream) read(body io.ReadCloser, lines *bufio.Scanner, comments *atomic.Int64) {
	defer close(s.done)
	defer body.Close()
	var event, data string
	for lines.Scan() {
		switch line := lines.Text(); {
		case line == "":
			if event == "comment" {
				s.arrived(data, time.Now(), comments)
			}
			event, data = "", ""
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(line[len("event:"):])
		case strings.HasPrefix(line, "data:"):
			data = strings.TrimPrefix(line[len("data:"):], " ")
		}
	}
}

func (s *liveStream) arrived(data string, at time.Time, comments *atomic.Int64) {
	var c struct {
		ID string `json:"id"`
	}
	if json.Unmarshal([]byte(data), &c) != nil || c.ID == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, seen := s.got[c.ID]; !seen {
		s.got[c.ID] = at
		comments.Add(1)
	}
}

// arrival returns when the event of comment id was read.
func (s *liveStream) arrival(id string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.got[id]
	return t, ok
}

// open reports whether the stream is still being read.
func (s *liveStream) open() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// closeStreams cancels every stream, then waits for their readers.
func closeStreams(streams []*liveStream) {
	for _, s := range streams {
		s.cancel()
	}
	for _, s := range streams {
		<-s.done
	}
}

// streamOpeners is how many streams are opened at once: enough to open
// thousands in a few seconds, few enough not to overflow the server's
// listen backlog.
const streamOpeners = 32

// openMany opens n streams, stream i (counted from first, for its client
// address) on page(i), and records how long each took to its first event
// in rec. It returns the streams that opened.
func (sc *streamClient) openMany(ctx context.Context, n, first int, page func(i int) string, rec *recorder) []*liveStream {
	var (
		next   atomic.Int64
		mu     sync.Mutex
		opened []*liveStream
		wg     sync.WaitGroup
	)
	for range min(streamOpeners, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				start := time.Now()
				s, status, err := sc.open(ctx, page(i), streamAddr(first+i))
				d := time.Since(start)
				mu.Lock()
				rec.observe(d, answer{status: status}, err)
				if s != nil {
					opened = append(opened, s)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return opened
}
