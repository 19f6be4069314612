package live

import (
	"bufio"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// SSE says how Serve writes a stream.
type SSE struct {
	// Head is written first (after the retry delay), e.g. a resync event.
	Head string
	// Replay are events to send before the live ones.
	Replay []*Event
	// Format is the server-sent event for an event, nil to skip it.
	Format func(*Event) []byte
	// Done runs when the stream has ended.
	Done func()
}

// Stream timing: a heartbeat well inside the idle timeouts of common
// proxies (nginx: 60 s), how long one write may take before the client
// counts as gone, and the reconnect delay EventSource is told.
const (
	Heartbeat = 20 * time.Second
	writeWait = 10 * time.Second
	retryMS   = 3000
)

// Resync is the event that tells a reader to reload instead.
const Resync = "event: resync\ndata: {}\n\n"

// Serve answers c with st as a text/event-stream, until the client goes,
// the stream ends (Stream.Lagged: a Resync is sent first), or the Hub is
// closed. Serve returns at once; the stream is written after the handler
// returns, so it must not use the request's context.
func Serve(c *fiber.Ctx, st *Stream, o SSE) {
	conn := c.Context().Conn()
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no") // nginx: pass events on at once
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer func() {
			st.Close()
			if o.Done != nil {
				o.Done()
			}
		}()
		// fasthttp set one write deadline for the whole answer; each
		// write of a stream gets its own.
		send := func(b []byte) bool {
			conn.SetWriteDeadline(time.Now().Add(writeWait))
			w.Write(b)
			return w.Flush() == nil
		}
		if !send([]byte("retry: " + strconv.Itoa(retryMS) + "\n\n" + o.Head)) {
			return
		}
		for _, e := range o.Replay {
			if msg := o.Format(e); msg != nil && !send(msg) {
				return
			}
		}
		tick := time.NewTicker(Heartbeat)
		defer tick.Stop()
		for {
			select {
			case e, open := <-st.C:
				if !open {
					if st.Lagged() {
						send([]byte(Resync))
					}
					return
				}
				if msg := o.Format(e); msg != nil && !send(msg) {
					return
				}
			case <-tick.C:
				if !send([]byte(": ping\n\n")) {
					return
				}
			}
		}
	})
}

// Message formats one server-sent event: its id (omitted when 0), name
// and JSON data, which holds no raw newline.
func Message(id int64, name string, data []byte) []byte {
	msg := make([]byte, 0, len(data)+64)
	if id != 0 {
		msg = append(msg, "id: "...)
		msg = strconv.AppendInt(msg, id, 10)
		msg = append(msg, '\n')
	}
	msg = append(msg, "event: "...)
	msg = append(msg, name...)
	msg = append(msg, "\ndata: "...)
	msg = append(msg, data...)
	return append(msg, "\n\n"...)
}
