package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/andybalholm/brotli"
)

// api speaks Parley's public HTTP API to one site of one target.
type api struct {
	base   string // http://127.0.0.1:PORT, no trailing slash
	site   string
	client *http.Client
	// origin is sent as the browser's Origin, as the widget on a blog
	// would; the load site allows it.
	origin string
	// acceptEncoding is sent on reads whose body is discarded, as a
	// browser would ("gzip" by default).
	acceptEncoding string
	// clientAddr, when set, is sent as X-Forwarded-For: the reader's own
	// address, believed by a server that trusts the tool's loopback
	// address as a proxy (the in-process one does), so that each worker
	// is a client of its own, as readers are.
	clientAddr string
	// formToken is sent with every post, as the widget's form sends one:
	// fetched once, at the start, so it is old enough by the first post
	// on any site whose form check asks for a few seconds.
	formToken string
}

// as returns a copy of a whose requests come from the client addr.
func (a *api) as(addr string) *api {
	c := *a
	c.clientAddr = addr
	return &c
}

// workerAddr is the client address of load worker w.
func workerAddr(w int) string { return fmt.Sprintf("10.%d.%d.%d", w>>16&255, w>>8&255, w&255) }

// fetchFormToken gets the site's form token (GET .../form).
func (a *api) fetchFormToken(ctx context.Context) error {
	ans, err := a.send(ctx, call{method: http.MethodGet, url: a.siteURL("/form"), keepBody: true})
	if err != nil {
		return err
	}
	var got struct {
		FormToken string `json:"form_token"`
	}
	if ans.status != http.StatusOK || json.Unmarshal(ans.body, &got) != nil {
		return fmt.Errorf("form token of site %q: HTTP %d: %s", a.site, ans.status, bytes.TrimSpace(ans.body))
	}
	a.formToken = got.FormToken
	return nil
}

// call is one request.
type call struct {
	method      string
	url         string
	body        []byte // JSON, for writes
	token       string // reader token, sent as a bearer
	ifNoneMatch string
	keepBody    bool // return the (uncompressed) body, to read ids and tokens
	// raw returns the body as received, compressed as Accept-Encoding
	// asked: the request costs the server what a browser's does, and
	// plainBody decodes it afterwards, outside the timing.
	raw bool
}

// answer is what came back.
type answer struct {
	status   int
	size     int64 // bytes as received
	body     []byte
	etag     string
	encoding string // Content-Encoding of the answer
}

// send makes one request and reads the whole answer, so the connection goes
// back to the pool. Requests ask for compression as a browser does and the
// answer is discarded as received, unless keepBody asks for the plain body.
func (a *api) send(ctx context.Context, c call) (answer, error) {
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, c.url, body)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("Origin", a.origin)
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if !c.keepBody && a.acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", a.acceptEncoding)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.ifNoneMatch != "" {
		req.Header.Set("If-None-Match", c.ifNoneMatch)
	}
	if a.clientAddr != "" {
		req.Header.Set("X-Forwarded-For", a.clientAddr)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	ans := answer{status: resp.StatusCode, etag: resp.Header.Get("ETag"), encoding: resp.Header.Get("Content-Encoding")}
	if c.keepBody || c.raw {
		ans.body, err = io.ReadAll(resp.Body)
		ans.size = int64(len(ans.body))
	} else {
		ans.size, err = io.Copy(io.Discard, resp.Body)
	}
	return ans, err
}

func (a *api) siteURL(rest string) string {
	return a.base + "/api/v1/sites/" + url.PathEscape(a.site) + rest
}

// threadURL is the thread read of one page, as the widget asks for it.
func (a *api) threadURL(page string) string {
	return a.siteURL("/comments?page=" + url.QueryEscape(page))
}

// postInput mirrors the body of POST .../comments.
type postInput struct {
	Page      string      `json:"page"`
	PageTitle string      `json:"page_title,omitempty"`
	Parent    string      `json:"parent,omitempty"`
	Author    authorInput `json:"author"`
	Body      string      `json:"body"`
	FormToken string      `json:"form_token,omitempty"`
	// ConfirmHold is always set: a reader told that a comment with many
	// links waits for a moderator sends it anyway, as the tool does.
	ConfirmHold bool `json:"confirm_hold"`
}

type authorInput struct {
	Name        string `json:"name,omitempty"`
	Affiliation string `json:"affiliation,omitempty"`
}

// postCall builds a comment post.
func (a *api) postCall(in postInput, token string, keep bool) call {
	in.FormToken, in.ConfirmHold = a.formToken, true
	body, _ := json.Marshal(in) // plain strings: cannot fail
	return call{method: http.MethodPost, url: a.siteURL("/comments"), body: body, token: token, keepBody: keep}
}

// voteCall builds a vote.
func (a *api) voteCall(id string, value int, token string, keep bool) call {
	body := fmt.Appendf(nil, `{"value":%d}`, value)
	return call{method: http.MethodPut, url: a.siteURL("/comments/" + url.PathEscape(id) + "/vote"), body: body, token: token, keepBody: keep}
}

// countsCall builds a counts request for pages.
func (a *api) countsCall(pages []string, keep bool) call {
	body, _ := json.Marshal(map[string][]string{"pages": pages})
	return call{method: http.MethodPost, url: a.siteURL("/counts"), body: body, keepBody: keep}
}

// writeReply is the part of a write's answer the load tool uses.
type writeReply struct {
	Comment struct {
		ID     string `json:"id"`
		Status string `json:"status"` // approved, or pending when held
	} `json:"comment"`
	ReaderToken string `json:"reader_token"`
}

// thread is the part of a thread answer the load tool uses.
type thread struct {
	Comments []struct {
		ID string `json:"id"`
	} `json:"comments"`
	Total int `json:"total"`
}

// counts asks the target for the counts of pages, 100 at a time.
func (a *api) counts(ctx context.Context, pages []string) (map[string]int, error) {
	out := make(map[string]int, len(pages))
	for start := 0; start < len(pages); start += maxCountPages {
		chunk := pages[start:min(start+maxCountPages, len(pages))]
		ans, err := a.send(ctx, a.countsCall(chunk, true))
		if err != nil {
			return nil, err
		}
		if ans.status != http.StatusOK {
			return nil, fmt.Errorf("counts: HTTP %d: %s", ans.status, bytes.TrimSpace(ans.body))
		}
		var got struct {
			Counts map[string]int `json:"counts"`
		}
		if err := json.Unmarshal(ans.body, &got); err != nil {
			return nil, fmt.Errorf("counts: %w", err)
		}
		for k, n := range got.Counts {
			out[k] = n
		}
	}
	return out, nil
}

// plainBody returns an answer's body decoded from its Content-Encoding
// (gzip, br or none), the server's encodings.
func plainBody(ans answer) ([]byte, error) {
	var r io.Reader
	switch ans.encoding {
	case "", "identity":
		return ans.body, nil
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(ans.body))
		if err != nil {
			return nil, err
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(ans.body))
	default:
		return nil, fmt.Errorf("answer in Content-Encoding %q, which the load tool does not decode", ans.encoding)
	}
	return io.ReadAll(r)
}

// threadPage is the part of one thread answer that paging needs.
type threadPage struct {
	Comments   []json.RawMessage `json:"comments"`
	Total      int               `json:"total"`
	NextCursor string            `json:"next_cursor"`
}

// maxCountPages is the server's limit of pages per counts request.
const maxCountPages = 100

// timed runs one call and returns its latency along with the answer.
func (a *api) timed(ctx context.Context, c call) (time.Duration, answer, error) {
	start := time.Now()
	ans, err := a.send(ctx, c)
	return time.Since(start), ans, err
}
