package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ColdResult is the read scenario's cold page, sample by sample: each
// sample is a post to the page, then its thread read from the start
// through every next_cursor to the end, as a reader paging through the
// whole discussion would.
type ColdResult struct {
	Page    string       `json:"page"`
	Samples []ColdSample `json:"samples"`
}

// ColdSample is one read of the whole cold page.
type ColdSample struct {
	Comments int     `json:"comments"` // the thread's total, as the answers give it
	Received int     `json:"received"` // comments in all the answers together
	Requests int     `json:"requests"` // the first one and those following next_cursor
	FirstMS  float64 `json:"first_ms"` // the first request alone
	// WholeMS is the sum of the requests' latencies (each to its last
	// byte), without the tool's decoding of each answer in between.
	WholeMS float64 `json:"whole_ms"`
	Bytes   int64   `json:"bytes"` // of all the answers, as received
	Error   string  `json:"error,omitempty"`
}

// maxColdRequests bounds one read of the whole cold page (10 million
// comments at the server's 200 per answer).
const maxColdRequests = 50_000

// coldReads measures reads of the cold page right after a write to it:
// whatever the server caches for that thread is then stale, so each
// answer loads and renders the whole discussion. It returns two rows: the
// first request alone (the figure the tool has always reported) and the
// whole page through its cursors. The first sample is also the page's
// first read since the server started.
func (b *bench) coldReads(ctx context.Context) ([]Row, *ColdResult) {
	if b.cfg.cold == 0 || b.cfg.coldSamples == 0 {
		return nil, nil
	}
	// A sample whose first request failed is counted in first alone, so
	// that the report's error total counts each failed request once.
	first, whole := newRecorder(), newRecorder()
	r := workerRand(0, 0xc01d)
	res := &ColdResult{Page: coldPage}
	var took []string
	var firstElapsed, wholeElapsed time.Duration
	for i := range b.cfg.coldSamples {
		in := postInput{Page: coldPage, Author: author(r), Body: markdownBody(r, fmt.Sprintf("cold %s #%d", b.run, i))}
		if ans, err := b.api.send(ctx, b.api.postCall(in, "", false)); err != nil || ans.status != http.StatusCreated {
			first.observe(0, ans, err) // counted as an error of this row
			continue
		}
		s, d1, d := b.coldPage(ctx, first, whole)
		res.Samples = append(res.Samples, s)
		firstElapsed += d1
		wholeElapsed += d
		took = append(took, fmtMS(s.FirstMS))
	}
	rows := []Row{
		first.summarize("read", fmt.Sprintf("cold thread (%d) x%d", b.cfg.cold, b.cfg.coldSamples), 1, firstElapsed, http.StatusOK),
		whole.summarize("read", fmt.Sprintf("cold thread (%d) whole x%d", b.cfg.cold, b.cfg.coldSamples), 1, wholeElapsed, http.StatusOK),
	}
	for i := range rows {
		rows[i].Throughput, rows[i].OKPerSecond = 0, 0 // single reads between writes: no rate to speak of
	}
	b.note(fmt.Sprintf("cold reads of %s, each right after a post to it: %s", coldPage, strings.Join(took, ", ")))
	return rows, res
}

// coldPage reads the cold page from its start through every next_cursor,
// recording the first request in first and the whole read in whole. It
// returns the sample and the latency of the first request and of all.
func (b *bench) coldPage(ctx context.Context, first, whole *recorder) (s ColdSample, d1, total time.Duration) {
	base := b.api.threadURL(coldPage)
	var last answer
	// fail ends a sample on a failed request (the error of ans, or err
	// when there is no HTTP answer to count) or a bad answer.
	fail := func(ans answer, err error, why string) (ColdSample, time.Duration, time.Duration) {
		s.Error, s.WholeMS = why, ms(total)
		if s.Requests > 1 {
			whole.observe(total, ans, err)
		}
		return s, d1, total
	}
	for cursor := ""; ; {
		u := base
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		d, ans, err := b.api.timed(ctx, call{method: http.MethodGet, url: u, raw: true})
		s.Requests++
		total += d
		s.Bytes += ans.size
		if s.Requests == 1 {
			d1, s.FirstMS = d, ms(d)
			first.observe(d, ans, err)
		}
		if err != nil {
			return fail(ans, err, err.Error())
		}
		if ans.status != http.StatusOK {
			return fail(ans, nil, fmt.Sprintf("request %d: HTTP %d", s.Requests, ans.status))
		}
		var p threadPage
		body, err := plainBody(ans)
		if err == nil {
			err = json.Unmarshal(body, &p)
		}
		if err != nil {
			return fail(answer{}, err, "thread answer: "+err.Error())
		}
		s.Comments, s.Received, last = p.Total, s.Received+len(p.Comments), ans
		if p.NextCursor == "" {
			break
		}
		if p.NextCursor == cursor || s.Requests >= maxColdRequests {
			err := errors.New("the thread's cursors do not come to an end")
			return fail(answer{}, err, err.Error())
		}
		cursor = p.NextCursor
	}
	s.WholeMS = ms(total)
	whole.observe(total, answer{status: http.StatusOK, size: s.Bytes, encoding: last.encoding}, nil)
	return s, d1, total
}

// text describes the cold samples for the text report.
func (c *ColdResult) text(b *strings.Builder) {
	var whole []string
	for _, s := range c.Samples {
		if s.Error != "" {
			whole = append(whole, "failed: "+s.Error)
			continue
		}
		whole = append(whole, fmt.Sprintf("%s (%s comments in %d requests, %.0f KB)", fmtMS(s.WholeMS), group(int64(s.Received)), s.Requests, float64(s.Bytes)/1024))
	}
	if len(whole) > 0 {
		fmt.Fprintf(b, "cold page %s whole, through next_cursor, each right after a post to it: %s\n", c.Page, strings.Join(whole, ", "))
	}
}
