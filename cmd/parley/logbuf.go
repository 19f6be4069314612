package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logFlushInterval is how long a log line may wait in logBuffer.
const logFlushInterval = 200 * time.Millisecond

// logBuffer collects log lines and writes them out in batches: every
// interval and whenever 64 KB have gathered. The server logs a line per
// request, and one write system call per line was about a tenth of the
// CPU of serving a cached thread. A crash loses at most the last interval
// of lines; Close writes out the rest.
type logBuffer struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newLogBuffer(w io.Writer, interval time.Duration) *logBuffer {
	b := &logBuffer{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(interval)
	return b
}

// Write buffers p, a whole log line: slog handlers write one per call.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Write(p)
}

// Close stops the periodic flush and writes out what is buffered.
func (b *logBuffer) Close() error {
	close(b.stop)
	<-b.done
	return b.flush()
}

func (b *logBuffer) flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Flush()
}

func (b *logBuffer) flushEvery(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			b.flush() // a failing stderr has nowhere to report to
		}
	}
}
