package outbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"
)

// UserAgent is the User-Agent of every request Post sends.
const UserAgent = "Parley"

// ErrTooLarge is wrapped by ReadLimited's error when the answer is longer
// than allowed.
var ErrTooLarge = errors.New("outbound: answer too large")

// Post sends body, which must be JSON, to url with method POST through c,
// which must come from NewClient: Post adds no protection of its own. The
// request carries Content-Type application/json, User-Agent UserAgent and
// a SignatureHeader signed with secret at time now. ctx can cancel the
// request before the client's own timeout.
//
// As with http.Client.Do, a non-2xx answer, a redirect included, is not an
// error; the caller decides what it means, reads the body with ReadLimited
// and closes it.
func Post(ctx context.Context, c *http.Client, url string, secret []byte, body []byte, now time.Time) (*http.Response, error) {
	if c == nil {
		return nil, errors.New("outbound: nil client")
	}
	if len(secret) == 0 {
		return nil, errors.New("outbound: empty secret")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set(SignatureHeader, Sign(secret, now, body))
	return c.Do(req)
}

// ReadLimited reads r to its end, or to limit bytes. An answer longer than
// limit yields its first limit bytes and an error wrapping ErrTooLarge, so a
// receiver cannot make Parley hold an unbounded answer in memory.
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	if limit < 0 {
		limit = 0
	}
	n := limit
	if n < math.MaxInt64 {
		n++ // one byte more tells "longer"
	}
	b, err := io.ReadAll(io.LimitReader(r, n))
	if int64(len(b)) > limit {
		return b[:limit], fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return b, err
}
