// Package native is Parley's own export format: one self-describing JSON
// Lines file holding a site with its settings, its pages, its comments as
// stored and its votes. Write makes it from a store; Parse reads it back
// for the importer, so an export imports back without losing anything.
//
// The first line is the header, {"parley_export":1,"site":ID,"exported":
// TIME}. Every further line is one record, {"type":"site","site":{...}},
// {"type":"page","page":{...}}, {"type":"comment","comment":{...}} or
// {"type":"vote","vote":{...}}: the site first, each page before its
// comments, replies after their parents, votes last. The records hold
// private data (e-mail addresses, hashes of readers' tokens and
// addresses): an export is for the site's owner only.
package native

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/storage"
)

// Version is the export format's version.
const Version = 1

type header struct {
	Export   int       `json:"parley_export"`
	Site     string    `json:"site"`
	Exported time.Time `json:"exported"`
}

// page is a page as exported: its count and version are the store's.
type page struct {
	Key     string    `json:"key"`
	URL     string    `json:"url,omitempty"`
	Title   string    `json:"title,omitempty"`
	Locked  bool      `json:"locked,omitempty"`
	Created time.Time `json:"created"`
}

type vote struct {
	CommentID string `json:"comment_id"`
	VoterHash string `json:"voter_hash"`
	IPHash    string `json:"ip_hash,omitempty"`
	Value     int    `json:"value"`
}

type record struct {
	Type    string           `json:"type"`
	Site    *storage.Site    `json:"site,omitempty"`
	Page    *page            `json:"page,omitempty"`
	Comment *storage.Comment `json:"comment,omitempty"`
	Vote    *vote            `json:"vote,omitempty"`
}

// Store is what Write reads.
type Store interface {
	Site(ctx context.Context, id string) (storage.Site, error)
	Pages(ctx context.Context, siteID, after string, limit int) ([]storage.Page, error)
	PageComments(ctx context.Context, siteID, pageKey string) ([]storage.Comment, error)
	SiteVotes(ctx context.Context, siteID string, fn func(storage.Vote) error) error
}

// pageBatch is how many pages Write lists at a time.
const pageBatch = 500

// Write exports site siteID of store to w, stamped with now.
func Write(ctx context.Context, w io.Writer, store Store, siteID string, now time.Time) error {
	site, err := store.Site(ctx, siteID)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(header{Export: Version, Site: site.ID, Exported: now.UTC()}); err != nil {
		return err
	}
	if err := enc.Encode(record{Type: "site", Site: &site}); err != nil {
		return err
	}
	for after := ""; ; {
		pages, err := store.Pages(ctx, siteID, after, pageBatch)
		if err != nil {
			return err
		}
		for _, p := range pages {
			if err := writePage(ctx, enc, store, p); err != nil {
				return err
			}
		}
		if len(pages) < pageBatch {
			break
		}
		after = pages[len(pages)-1].Key
	}
	err = store.SiteVotes(ctx, siteID, func(v storage.Vote) error {
		return enc.Encode(record{Type: "vote", Vote: &vote{CommentID: v.CommentID, VoterHash: v.VoterHash, IPHash: v.IPHash, Value: v.Value}})
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// writePage writes a page and its comments, parents before replies (ids
// are time ordered, and a reply is never older than its parent, but an
// import can break that: the order is made sure of here).
func writePage(ctx context.Context, enc *json.Encoder, store Store, p storage.Page) error {
	if err := enc.Encode(record{Type: "page", Page: &page{Key: p.Key, URL: p.URL, Title: p.Title, Locked: p.Locked, Created: p.Created}}); err != nil {
		return err
	}
	comments, err := store.PageComments(ctx, p.SiteID, p.Key)
	if err != nil {
		return err
	}
	written := make(map[string]bool, len(comments))
	for len(written) < len(comments) {
		progress := false
		for i := range comments {
			c := &comments[i]
			if written[c.ID] || (c.ParentID != "" && !written[c.ParentID]) {
				continue
			}
			if err := enc.Encode(record{Type: "comment", Comment: c}); err != nil {
				return err
			}
			written[c.ID], progress = true, true
		}
		if !progress {
			return fmt.Errorf("native: page %q: replies whose parents are not on the page", p.Key)
		}
	}
	return nil
}

// maxLine bounds one record: a comment's Markdown and HTML with room for
// JSON escaping.
const maxLine = 4*source.MaxField + 64<<10

// Parse reads an export and hands its records to h.
func Parse(r io.Reader, h source.Handler) error {
	br := bufio.NewReaderSize(r, 64<<10)
	line, err := readLine(br)
	if err != nil {
		return fmt.Errorf("parley: %w: %w", source.ErrFormat, err)
	}
	var hd header
	if json.Unmarshal(line, &hd) != nil || hd.Export == 0 {
		return fmt.Errorf("parley: %w: the first line is not a Parley export header", source.ErrFormat)
	}
	if hd.Export != Version {
		return fmt.Errorf("parley: %w: export version %d; this Parley reads version %d", source.ErrFormat, hd.Export, Version)
	}
	for n := 2; ; n++ {
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("parley: line %d: %w: %w", n, source.ErrFormat, err)
		}
		if len(line) == 0 {
			continue
		}
		if err := handle(line, h); err != nil {
			if errors.Is(err, source.ErrFormat) {
				return fmt.Errorf("parley: line %d: %w", n, err)
			}
			return err
		}
	}
}

func handle(line []byte, h source.Handler) error {
	var rec record
	if err := json.Unmarshal(line, &rec); err != nil {
		return fmt.Errorf("%w: %v", source.ErrFormat, err)
	}
	switch {
	case rec.Type == "site" && rec.Site != nil:
		if h.Site != nil {
			return h.Site(*rec.Site)
		}
	case rec.Type == "page" && rec.Page != nil:
		p := rec.Page
		return h.Thread(source.Thread{ID: p.Key, Identifier: p.Key, URL: p.URL, Title: p.Title, Closed: p.Locked, Created: p.Created})
	case rec.Type == "comment" && rec.Comment != nil:
		c := rec.Comment
		return h.Comment(source.Comment{ID: c.ID, ThreadID: c.PageKey, ParentID: c.ParentID, Created: c.Created,
			Status: c.Status, Score: c.Score, Native: c})
	case rec.Type == "vote" && rec.Vote != nil:
		v := rec.Vote
		if h.Vote != nil && v.VoterHash != "" && v.CommentID != "" && (v.Value == 1 || v.Value == -1) {
			return h.Vote(storage.Vote{CommentID: v.CommentID, VoterHash: v.VoterHash, IPHash: v.IPHash, Value: v.Value})
		}
	default:
		return fmt.Errorf("%w: unknown record type %q", source.ErrFormat, rec.Type)
	}
	return nil
}

// readLine reads one line without its newline, refusing one longer than
// maxLine before holding more of it.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		part, err := br.ReadSlice('\n')
		line = append(line, part...)
		if len(line) > maxLine {
			return nil, fmt.Errorf("a line longer than %d bytes", maxLine)
		}
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return line, nil
		default:
			return nil, err
		}
	}
}
