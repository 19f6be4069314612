package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

// Test data goes in through the public API, as a reader's browser (or
// another reader's) would send it, or straight into the store where many
// comments are needed fast.

// seedAddr is the client address of comments seeded through the API.
const seedAddr = "198.51.100.20"

// testPage is the data-page-id most tests embed.
const testPage = "post-1"

// draft is a comment to seed through the API.
type draft struct {
	Page        string // page key; testPage when empty
	PageTitle   string
	Parent      string
	Name        string
	Affiliation string
	Website     string
	Email       string
	Body        string
	Token       string // the reader's token; empty: a new reader
}

// posted is the API's answer to a new comment.
type posted struct {
	ID    string
	Token string // the reader token (the one sent, or the one issued)
}

// post sends d to POST /api/v1/sites/blog/comments as a non-browser client
// and returns the new comment's id and its reader's token.
func (e *env) post(d draft) posted {
	e.t.Helper()
	if d.Page == "" {
		d.Page = testPage
	}
	body, _ := json.Marshal(map[string]any{
		"page": d.Page, "page_title": d.PageTitle, "parent": d.Parent, "body": d.Body,
		"author": map[string]string{"name": d.Name, "affiliation": d.Affiliation, "website": d.Website, "email": d.Email},
	})
	var ans struct {
		Comment struct {
			ID string `json:"id"`
		} `json:"comment"`
		ReaderToken string `json:"reader_token"`
	}
	e.call(http.MethodPost, "/api/v1/sites/"+e.site+"/comments", d.Token, body, http.StatusCreated, &ans)
	tok := d.Token
	if ans.ReaderToken != "" {
		tok = ans.ReaderToken
	}
	return posted{ID: ans.Comment.ID, Token: tok}
}

// call does one API request and decodes the answer into out.
func (e *env) call(method, path, token string, body []byte, want int, out any) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.api+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	// Seeded comments come from another reader's address than the
	// browser's (which is loopback, the server's trusted proxy).
	req.Header.Set("X-Forwarded-For", seedAddr)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
}

// setBadge gives a comment a staff badge, as a moderator's reply from the
// admin page carries.
func (e *env) setBadge(id string, b storage.Badge) {
	e.t.Helper()
	_, err := e.store.UpdateComment(context.Background(), e.site, id, func(c *storage.Comment) error {
		c.Author.Badge = b
		return nil
	})
	if err != nil {
		e.t.Fatalf("set badge: %v", err)
	}
}

// pin pins a top-level comment, as a moderator does from the admin page.
func (e *env) pin(id string) {
	e.t.Helper()
	_, err := e.store.UpdateComment(context.Background(), e.site, id, func(c *storage.Comment) error {
		c.Pinned = true
		return nil
	})
	if err != nil {
		e.t.Fatalf("pin: %v", err)
	}
}

// comment returns a stored comment.
func (e *env) comment(id string) storage.Comment {
	e.t.Helper()
	c, err := e.store.Comment(context.Background(), e.site, id)
	if err != nil {
		e.t.Fatalf("comment %s: %v", id, err)
	}
	return c
}

// stored returns the page's stored comments, any status, oldest first.
func (e *env) stored(pageKey string) []storage.Comment {
	e.t.Helper()
	list, err := e.store.PageComments(context.Background(), e.site, pageKey)
	if err != nil {
		e.t.Fatal(err)
	}
	return list
}

// bulk stores comments straight into the store: roots top-level threads,
// each followed by replies replies (each answering the one before, so
// threads run deep). Bodies are simple, already-safe HTML. It returns the
// ids in display order.
func (e *env) bulk(pageKey string, roots, replies int) []string {
	e.t.Helper()
	ctx := context.Background()
	start := time.Now().Add(-time.Duration(roots*(replies+1)) * time.Minute)
	page := storage.Page{SiteID: e.site, Key: pageKey, Title: "Bulk", URL: "https://blog.example/" + pageKey}
	var ids []string
	n := 0
	for r := range roots {
		parent := ""
		for k := range replies + 1 {
			n++
			created := start.Add(time.Duration(n) * time.Minute).UTC()
			id, err := uuid.NewV7()
			if err != nil {
				e.t.Fatal(err)
			}
			c := storage.Comment{
				ID: id.String(), SiteID: e.site, PageKey: pageKey, ParentID: parent,
				Author:   storage.Author{Name: fmt.Sprintf("Reader %d", n)},
				Markdown: fmt.Sprintf("Comment %d.%d", r, k),
				HTML:     fmt.Sprintf("<p>Comment %d.%d, with <em>some</em> text to lay out.</p>", r, k),
				Created:  created, Status: storage.StatusApproved,
			}
			if err := e.store.CreateComment(ctx, c, page); err != nil {
				e.t.Fatalf("create comment %d: %v", n, err)
			}
			ids = append(ids, c.ID)
			parent = c.ID
		}
	}
	return ids
}

// openAs opens url as the reader holding token: the token goes into the
// blog's localStorage (where the widget keeps it) before the widget loads.
func (e *env) openAs(url, token string) {
	e.t.Helper()
	e.open(e.page("/__blank", `<!doctype html><title>blank</title>`))
	e.run(`localStorage.setItem('parley.token', ` + js(token) + `)`)
	e.openWidget(url)
}
