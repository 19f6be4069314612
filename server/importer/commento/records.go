package commento

import (
	"net/netip"
	"strings"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/storage"
)

// rawComment holds the fields of a comment of every version.
type rawComment struct {
	// Version 1.
	CommentHex   string `json:"commentHex"`
	CommenterHex string `json:"commenterHex"`
	ParentHex    string `json:"parentHex"`
	Domain       string `json:"domain"`
	Host         string `json:"host"`
	Path         string `json:"path"`
	State        string `json:"state"`
	CreationDate string `json:"creationDate"`
	Deleted      bool   `json:"deleted"`
	// Version 3.
	ID          string `json:"id"`
	ParentID    string `json:"parentId"`
	PageID      string `json:"pageId"`
	UserCreated string `json:"userCreated"`
	AuthorName  string `json:"authorName"`
	AuthorIP    string `json:"authorIP"`
	CreatedTime string `json:"createdTime"`
	IsApproved  bool   `json:"isApproved"`
	IsPending   bool   `json:"isPending"`
	IsDeleted   bool   `json:"isDeleted"`
	// Both; "url" is the path in version 1, the comment's address in 3.
	URL      string `json:"url"`
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
	Score    int    `json:"score"`
}

func (r *rawComment) fields() []string {
	return []string{r.CommentHex, r.CommenterHex, r.ParentHex, r.Domain, r.Host, r.Path,
		r.ID, r.ParentID, r.PageID, r.UserCreated, r.AuthorName, r.AuthorIP, r.URL, r.Markdown, r.HTML}
}

// rawCommenter holds the fields of a commenter of every version.
type rawCommenter struct {
	CommenterHex string `json:"commenterHex"` // version 1
	ID           string `json:"id"`           // version 3
	Email        string `json:"email"`
	Name         string `json:"name"`
	Link         string `json:"link"`       // Commento
	WebsiteURL   string `json:"websiteUrl"` // Comentario
}

func (r *rawCommenter) fields() []string {
	return []string{r.CommenterHex, r.ID, r.Email, r.Name, r.Link, r.WebsiteURL}
}

// rawPage is a version 3 page.
type rawPage struct {
	ID          string `json:"id"`
	Path        string `json:"path"`
	Title       string `json:"title"`
	IsReadonly  bool   `json:"isReadonly"`
	CreatedTime string `json:"createdTime"`
}

func (r *rawPage) fields() []string { return []string{r.ID, r.Path, r.Title} }

// commenter reads one commenter into p.authors.
func (p *parser) commenter() error {
	var r rawCommenter
	if err := p.decode("commenter", &r, r.fields); err != nil {
		return err
	}
	key := r.CommenterHex
	if key == "" {
		key = r.ID
	}
	if key == "" {
		return errorf("a commenter near byte %d has no \"commenterHex\" or \"id\"", p.dec.InputOffset())
	}
	site := defined(r.Link)
	if site == "" {
		site = defined(r.WebsiteURL)
	}
	p.authors[key] = source.Author{Name: r.Name, Email: defined(r.Email), Website: site}
	return nil
}

// page reads one version 3 page into p.pages.
func (p *parser) page() error {
	var r rawPage
	if err := p.decode("page", &r, r.fields); err != nil {
		return err
	}
	if r.ID == "" {
		return errorf("a page near byte %d has no \"id\"", p.dec.InputOffset())
	}
	created, err := parseTime("page createdTime", r.CreatedTime)
	if err != nil {
		return err
	}
	pg := p.pageFor(r.ID)
	pg.t.Title, pg.t.Closed, pg.t.Created = r.Title, r.IsReadonly, created
	if !pg.fromURL {
		pg.t.URL = r.Path
	}
	return nil
}

// pageFor returns the version 3 page with this id, adding it if new.
func (p *parser) pageFor(id string) *page {
	pg := p.pages[id]
	if pg == nil {
		pg = &page{t: source.Thread{ID: id}}
		p.pages[id] = pg
		p.pageOrder = append(p.pageOrder, id)
	}
	return pg
}

// comment reads one comment and emits it, or holds it until the
// commenters are read.
func (p *parser) comment() error {
	var r rawComment
	if err := p.decode("comment", &r, r.fields); err != nil {
		return err
	}
	var c source.Comment
	var author string
	var err error
	if p.version == 3 {
		c, author, err = p.convert3(&r)
	} else {
		c, author, err = p.convert1(&r)
	}
	if err != nil {
		return err
	}
	if p.authors == nil {
		p.held = append(p.held, held{c: c, author: author})
		return nil
	}
	return p.emit(c, author)
}

// emit fills the comment's author, if known, and hands it on.
func (p *parser) emit(c source.Comment, author string) error {
	if a, ok := p.authors[author]; ok {
		c.Author = a
	}
	return p.h.Comment(c)
}

// convert1 maps a version 1 comment and emits its thread the first time
// the thread is named.
func (p *parser) convert1(r *rawComment) (source.Comment, string, error) {
	if r.CommentHex == "" {
		return source.Comment{}, "", errorf("a comment near byte %d has no \"commentHex\"", p.dec.InputOffset())
	}
	created, err := parseTime("creationDate of comment "+r.CommentHex, r.CreationDate)
	if err != nil {
		return source.Comment{}, "", err
	}
	thread, err := p.thread1(r)
	if err != nil {
		return source.Comment{}, "", err
	}
	c := source.Comment{
		ID:       r.CommentHex,
		ThreadID: thread,
		Created:  created,
		Score:    r.Score,
		Status:   status1(r),
	}
	if r.ParentHex != "root" {
		c.ParentID = r.ParentHex
	}
	body(&c, r)
	return c, r.CommenterHex, nil
}

// thread1 returns the thread id of a version 1 comment, emitting the
// thread if it is new.
func (p *parser) thread1(r *rawComment) (string, error) {
	domain, path := r.Domain, r.Path
	if domain == "" {
		domain = r.Host
	}
	if path == "" {
		path = r.URL
	}
	path = "/" + strings.TrimPrefix(path, "/")
	id := domain + path
	if p.threads[id] {
		return id, nil
	}
	p.threads[id] = true
	t := source.Thread{ID: id, URL: path}
	if domain != "" {
		t.URL = "https://" + domain + path
	}
	return id, p.h.Thread(t)
}

func status1(r *rawComment) storage.Status {
	switch {
	case r.Deleted || r.Markdown == "[deleted]":
		return storage.StatusDeleted
	case r.State == "approved" || r.State == "":
		return storage.StatusApproved
	}
	return storage.StatusPending // "unapproved", "flagged"
}

// convert3 maps a version 3 comment and notes its page's address.
func (p *parser) convert3(r *rawComment) (source.Comment, string, error) {
	if r.ID == "" || r.PageID == "" {
		return source.Comment{}, "", errorf("a comment near byte %d has no \"id\" or \"pageId\"", p.dec.InputOffset())
	}
	created, err := parseTime("createdTime of comment "+r.ID, r.CreatedTime)
	if err != nil {
		return source.Comment{}, "", err
	}
	pg := p.pageFor(r.PageID)
	if !pg.fromURL && r.URL != "" {
		pg.t.URL, _, _ = strings.Cut(r.URL, "#")
		pg.fromURL = true
	}
	c := source.Comment{
		ID:       r.ID,
		ThreadID: r.PageID,
		ParentID: r.ParentID,
		Author:   source.Author{Name: r.AuthorName},
		Created:  created,
		Score:    r.Score,
		Status:   status3(r),
	}
	if ip, err := netip.ParseAddr(r.AuthorIP); err == nil {
		c.IP = ip.String()
	}
	body(&c, r)
	return c, r.UserCreated, nil
}

// status3 maps Comentario's flags; a comment neither approved nor pending
// was rejected by a moderator, and stays hidden as spam.
func status3(r *rawComment) storage.Status {
	switch {
	case r.IsDeleted:
		return storage.StatusDeleted
	case r.IsApproved:
		return storage.StatusApproved
	case r.IsPending:
		return storage.StatusPending
	}
	return storage.StatusSpam
}

// body sets the comment's Markdown, or its HTML when it has no Markdown.
func body(c *source.Comment, r *rawComment) {
	if r.Markdown != "" {
		c.Markdown = r.Markdown
	} else {
		c.HTML = r.HTML
	}
}

// finish emits the held comments and the version 3 threads.
func (p *parser) finish() error {
	for _, id := range p.pageOrder {
		if err := p.h.Thread(p.pages[id].t); err != nil {
			return err
		}
	}
	for i := range p.held {
		if err := p.emit(p.held[i].c, p.held[i].author); err != nil {
			return err
		}
		p.held[i] = held{}
	}
	return nil
}
