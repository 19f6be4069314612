// Package importer moves another comment system's export into a site:
// Disqus, WordPress (WXR), Remark42, Commento, Isso and Parley's own
// export (see Formats).
//
// An import runs in two passes. The first streams the file through its
// format's parser, turns every comment into a Parley comment on the way
// (its body sanitized by the same posting path as a reader's, its e-mail
// kept private, its address kept only as a keyed hash) and spools it to a
// temporary file, keeping in memory only a small index entry per comment.
// Nothing is stored until the whole file has been read, so a malformed or
// hostile file leaves nothing behind. The second pass links replies to
// their parents, which may come anywhere in the file, and stores each
// page's comments parents first. If a write fails, everything this import
// stored is removed again.
//
// Imported comments get ids derived from the format, the site and their id
// in the file, so importing the same file twice adds nothing the second
// time; a dry run reports what an import would do without storing.
package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/pagekey"
	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/storage"
)

// Options say what to import where.
type Options struct {
	Format Format
	// Site is the site the comments go to.
	Site storage.Site
	// CreateSite: Site does not exist yet; a Parley export's site record
	// creates it (with Site's id and owner), and a failed import removes
	// it again.
	CreateSite bool
	Rules      []Rule
	DryRun     bool
	// HashIP turns a source's address into the keyed hash the server
	// stores for its own readers; nil drops addresses.
	HashIP func(addr string) string
}

// Report says what an import did, or would do in a dry run.
type Report struct {
	Format Format `json:"format"`
	DryRun bool   `json:"dry_run"`
	// Threads and Comments count the records of the file.
	Threads  int `json:"threads"`
	Comments int `json:"comments"`
	// Pages is how many pages have comments to import.
	Pages int `json:"pages"`
	// Imported counts the new comments by status.
	Imported map[storage.Status]int `json:"imported"`
	// Existing counts comments an earlier import of the file stored.
	Existing int `json:"existing"`
	// Orphans are replies whose parent is not in the file (or not
	// imported); they are shown at the top level of their page.
	Orphans int    `json:"orphans"`
	Votes   int    `json:"votes"`
	Skipped []Skip `json:"skipped"`
	// SiteCreated: the site was created from the file.
	SiteCreated bool `json:"site_created,omitempty"`
}

// Skip is one reason records were not imported.
type Skip struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
	// Examples are the ids in the file of the first few.
	Examples []string `json:"examples"`
}

// Total is the number of new comments.
func (r Report) Total() int {
	n := 0
	for _, c := range r.Imported {
		n += c
	}
	return n
}

// Store is what an import needs of the store.
type Store interface {
	Site(ctx context.Context, id string) (storage.Site, error)
	CreateSite(ctx context.Context, s storage.Site) error
	DeleteSite(ctx context.Context, id string) error
	Comment(ctx context.Context, siteID, id string) (storage.Comment, error)
	storage.PortStore
}

// chunkBytes and chunkComments bound one ImportComments call, well inside
// what one transaction of the Badger store takes.
const (
	chunkBytes    = 192 << 10
	chunkComments = 256
)

// entry is the index of one spooled comment: all an import holds in
// memory per comment, so its fields are kept small.
type entry struct {
	at       int64     // where the comment is in the spool
	created  int64     // its date in Unix milliseconds, for the write order
	id       uuid.UUID // its id here
	src      string    // its id in the file
	parent   string    // its parent's id in the file
	n        int32     // its length in the spool
	thread   int32     // index in run.threadIDs
	page     int32     // index in run.pages, -1 when unplaced
	parentIx int32     // index of the parent entry, -1 at the top level
	depth    int32
}

// run is the state of one import.
type run struct {
	opts    Options
	store   Store
	poster  *posting.Poster
	spool   *spool
	report  Report
	threads map[string]source.Thread
	// threadIDs names the threads comments refer to, by index; threadIx
	// is its inverse.
	threadIDs []string
	threadIx  map[string]int32
	entries   []entry
	bySrc     map[string]int32 // source comment id -> entry
	votes     map[string][]storage.Vote
	site      *storage.Site // a Parley export's site record
	skips     map[string]*Skip
	pages     []storage.Page
	pageIx    map[string]int
	created   map[int][]int32 // page -> entries this import stored
}

// Run imports the export read from r (gzipped or not) into opts.Site.
// The report is filled in as far as the import got, also on error.
func Run(ctx context.Context, store Store, r io.Reader, opts Options) (Report, error) {
	parse, ok := parsers[opts.Format]
	if !ok {
		return Report{}, fmt.Errorf("%w: unknown format %q (known: %s)", ErrInput, opts.Format, formatList())
	}
	sp, err := newSpool()
	if err != nil {
		return Report{}, err
	}
	defer sp.close()
	im := &run{
		opts: opts, store: store, poster: posting.New(nil, nil), spool: sp,
		report:  Report{Format: opts.Format, DryRun: opts.DryRun, Imported: map[storage.Status]int{}, Skipped: []Skip{}},
		threads: map[string]source.Thread{}, threadIx: map[string]int32{}, bySrc: map[string]int32{}, votes: map[string][]storage.Vote{},
		skips: map[string]*Skip{}, pageIx: map[string]int{}, created: map[int][]int32{},
	}
	in, err := decompress(r)
	if err != nil {
		return im.report, err
	}
	h := source.Handler{Thread: im.thread, Comment: im.comment, Vote: im.vote, Site: im.siteRecord}
	if err := parse(in, h); err != nil {
		if errors.Is(err, source.ErrFormat) {
			return im.report, fmt.Errorf("%w: %w", ErrInput, err)
		}
		return im.report, err
	}
	im.place()
	err = im.write(ctx)
	im.finishReport()
	return im.report, err
}

// ErrInput marks an import refused for its input (the file, the format,
// the rules): a 4xx, not a failure of the server.
var ErrInput = errors.New("import refused")

func (im *run) thread(t source.Thread) error {
	im.report.Threads++
	if _, dup := im.threads[t.ID]; dup {
		im.skip("thread id appears twice in the file; the first is kept", t.ID)
		return nil
	}
	im.threads[t.ID] = t
	return nil
}

func (im *run) vote(v storage.Vote) error {
	im.votes[v.CommentID] = append(im.votes[v.CommentID], v)
	return nil
}

func (im *run) siteRecord(s storage.Site) error {
	im.site = &s
	return nil
}

func (im *run) comment(sc source.Comment) error {
	im.report.Comments++
	switch {
	case sc.Skip != "":
		im.skip(sc.Skip, sc.ID)
		return nil
	case sc.ID == "":
		im.skip("no id", "")
		return nil
	}
	if _, dup := im.bySrc[sc.ID]; dup {
		im.skip("comment id appears twice in the file; the first is kept", sc.ID)
		return nil
	}
	c, reason := im.convert(sc)
	if reason != "" {
		im.skip(reason, sc.ID)
		return nil
	}
	at, n, err := im.spool.put(c)
	if err != nil {
		return err
	}
	id, err := uuid.Parse(c.ID)
	if err != nil {
		return err
	}
	im.bySrc[sc.ID] = int32(len(im.entries))
	im.entries = append(im.entries, entry{at: at, n: n, id: id, src: sc.ID, thread: im.threadIndex(sc.ThreadID),
		parent: sc.ParentID, created: c.Created.UnixMilli(), page: -1, parentIx: -1})
	return nil
}

// threadIndex interns a thread id.
func (im *run) threadIndex(id string) int32 {
	ix, ok := im.threadIx[id]
	if !ok {
		ix = int32(len(im.threadIDs))
		im.threadIx[id] = ix
		im.threadIDs = append(im.threadIDs, id)
	}
	return ix
}

// convert turns a source comment into the comment to store, or says why
// it is skipped. The page and parent are set when placed.
func (im *run) convert(sc source.Comment) (storage.Comment, string) {
	site := im.opts.Site
	if sc.Native != nil {
		c := *sc.Native
		if _, err := uuidOf(c.ID); err != nil {
			return c, "not a Parley comment id"
		}
		if !c.Status.Valid() {
			return c, "unknown status"
		}
		c.SiteID, c.PageKey, c.ParentID = site.ID, "", ""
		c.HTML = im.poster.RenderHTML(site, c.HTML).HTML()
		return c, ""
	}
	if sc.Created.IsZero() {
		return storage.Comment{}, "no date"
	}
	if !sc.Status.Valid() {
		return storage.Comment{}, "unknown status"
	}
	var body posting.Body
	if sc.HTML != "" {
		body = im.poster.RenderHTML(site, sc.HTML)
	} else {
		body = im.poster.Render(site, sc.Markdown)
	}
	if sc.Status != storage.StatusDeleted && strings.TrimSpace(body.Markdown()) == "" && !strings.Contains(body.HTML(), "<img") {
		return storage.Comment{}, "empty after sanitizing"
	}
	c := storage.Comment{
		ID:     commentID(string(im.opts.Format), site.ID, sc.ID, sc.Created),
		SiteID: site.ID,
		Author: storage.Author{
			Name:    clip(strings.TrimSpace(sc.Author.Name), 200),
			Email:   email(sc.Author.Email),
			Website: website(sc.Author.Website),
		},
		Markdown:    body.Markdown(),
		HTML:        body.HTML(),
		Created:     sc.Created.UTC(),
		Status:      sc.Status,
		Score:       sc.Score,
		Fingerprint: moderation.Fingerprint(body.HTML()),
	}
	if sc.IP != "" && im.opts.HashIP != nil {
		c.IPHash = im.opts.HashIP(sc.IP)
	}
	return c, ""
}

// place gives every spooled comment its page and parent, and its depth so
// that parents are stored first.
func (im *run) place() {
	for i := range im.entries {
		e := &im.entries[i]
		t, ok := im.threads[im.threadIDs[e.thread]]
		if !ok {
			im.skip("its thread is not in the file", e.src)
			continue
		}
		key, page, ok := im.pageOf(t)
		if !ok {
			im.skip("its thread has no usable URL or identifier", e.src)
			continue
		}
		ix, seen := im.pageIx[key]
		if !seen {
			ix = len(im.pages)
			im.pageIx[key] = ix
			im.pages = append(im.pages, page)
		}
		e.page = int32(ix)
	}
	for i := range im.entries {
		e := &im.entries[i]
		if e.page < 0 || e.parent == "" {
			continue
		}
		p, ok := im.bySrc[e.parent]
		if !ok || im.entries[p].page != e.page {
			im.report.Orphans++
			continue
		}
		e.parentIx = p
	}
	for i := range im.entries {
		im.depth(int32(i))
	}
}

// depth sets the depth of entry i from its parent chain, breaking a cycle
// (a broken file) by putting the comment that closes it at the top level.
func (im *run) depth(i int32) int32 {
	var chain []int32
	for j := i; im.entries[j].parentIx >= 0 && im.entries[j].depth == 0; j = im.entries[j].parentIx {
		if slices.Contains(chain, j) {
			im.entries[j].parentIx = -1
			im.report.Orphans++
			break
		}
		chain = append(chain, j)
	}
	for k := len(chain) - 1; k >= 0; k-- {
		e := &im.entries[chain[k]]
		if e.parentIx >= 0 {
			e.depth = im.entries[e.parentIx].depth + 1
		}
	}
	return im.entries[i].depth
}

// pageOf is the page a thread's comments go to: its identifier when the
// source had one (the old embed code passes it), else its remapped URL.
func (im *run) pageOf(t source.Thread) (string, storage.Page, bool) {
	link := remap(im.opts.Rules, strings.TrimSpace(t.URL))
	raw := t.Identifier
	if raw == "" {
		raw = link
	}
	key, err := pagekey.Normalize(raw)
	if err != nil {
		return "", storage.Page{}, false
	}
	if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		link = ""
	}
	return key, storage.Page{SiteID: im.opts.Site.ID, Key: key, URL: clip(link, pagekey.MaxLen),
		Title: clip(strings.TrimSpace(t.Title), 500), Locked: t.Closed, Created: t.Created.UTC()}, true
}

// write stores every page's comments, parents first, or in a dry run
// only counts what it would store. On a failure it removes what it stored.
func (im *run) write(ctx context.Context) error {
	byPage := make([][]int32, len(im.pages))
	for i, e := range im.entries {
		if e.page >= 0 {
			byPage[e.page] = append(byPage[e.page], int32(i))
		}
	}
	if err := im.createSite(ctx); err != nil {
		return err
	}
	for p, list := range byPage {
		slices.SortStableFunc(list, func(a, b int32) int {
			ea, eb := &im.entries[a], &im.entries[b]
			return cmp.Or(cmp.Compare(ea.depth, eb.depth), cmp.Compare(ea.created, eb.created))
		})
		if err := im.writePage(ctx, p, list); err != nil {
			if im.opts.DryRun {
				return err
			}
			return errors.Join(err, im.undo())
		}
	}
	im.report.Pages = len(im.pages)
	return nil
}

// createSite creates the target site from a Parley export's record when
// asked to.
func (im *run) createSite(ctx context.Context) error {
	if !im.opts.CreateSite {
		return nil
	}
	s := im.opts.Site
	if im.site != nil {
		s.Name, s.Origins, s.Settings, s.Created, s.SigningSecret = im.site.Name, im.site.Origins, im.site.Settings, im.site.Created, im.site.SigningSecret
	}
	if s.Created.IsZero() {
		s.Created = time.Now().UTC()
	}
	im.report.SiteCreated = true
	if im.opts.DryRun {
		return nil
	}
	if err := im.store.CreateSite(ctx, s); err != nil {
		im.report.SiteCreated = false
		return err
	}
	return nil
}

// writePage stores one page's comments, in order, in chunks.
func (im *run) writePage(ctx context.Context, p int, list []int32) error {
	page := im.pages[p]
	var chunk []storage.Comment
	var chunkIx []int32
	var votes []storage.Vote
	size := 0
	flush := func(last bool) error {
		if len(chunk) == 0 && (!last || len(votes) == 0) {
			return nil
		}
		var vs []storage.Vote
		if last {
			vs = votes
		}
		if !im.opts.DryRun {
			if _, err := im.store.ImportComments(ctx, page, chunk, vs); err != nil {
				return fmt.Errorf("import page %q: %w", page.Key, err)
			}
			im.created[p] = append(im.created[p], chunkIx...)
		}
		im.report.Votes += len(vs)
		chunk, chunkIx, size = chunk[:0], chunkIx[:0], 0
		return nil
	}
	for _, i := range list {
		e := &im.entries[i]
		c, err := im.spool.get(e.at, e.n)
		if err != nil {
			return err
		}
		for _, v := range im.votes[c.ID] {
			v.SiteID = page.SiteID
			votes = append(votes, v)
		}
		if _, err := im.store.Comment(ctx, im.opts.Site.ID, c.ID); err == nil {
			im.report.Existing++
			continue
		} else if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		c.PageKey = page.Key
		if e.parentIx >= 0 {
			c.ParentID = im.entries[e.parentIx].id.String()
		}
		im.report.Imported[c.Status]++
		chunk, chunkIx = append(chunk, c), append(chunkIx, i)
		size += len(c.Markdown) + len(c.HTML) + 512
		if size >= chunkBytes || len(chunk) >= chunkComments {
			if err := flush(false); err != nil {
				return err
			}
		}
	}
	return flush(true)
}

// undo removes what a failed import stored, even when the import's
// context has ended. What it cannot remove is in its error.
func (im *run) undo() error {
	ctx := context.Background()
	var errs []error
	for p, list := range im.created {
		for chunk := range slices.Chunk(list, 1000) {
			ids := make([]string, len(chunk))
			for k, i := range chunk {
				ids[k] = im.entries[i].id.String()
			}
			if err := im.store.PurgeComments(ctx, im.opts.Site.ID, im.pages[p].Key, ids); err != nil {
				errs = append(errs, fmt.Errorf("undo the import of page %q: %w", im.pages[p].Key, err))
				break
			}
		}
	}
	if im.report.SiteCreated {
		if err := im.store.DeleteSite(ctx, im.opts.Site.ID); err != nil {
			errs = append(errs, fmt.Errorf("undo the creation of site %q: %w", im.opts.Site.ID, err))
		}
		im.report.SiteCreated = false
	}
	im.report.Imported = map[storage.Status]int{}
	return errors.Join(errs...)
}

// skip counts a record not imported.
func (im *run) skip(reason, id string) {
	s, ok := im.skips[reason]
	if !ok {
		s = &Skip{Reason: reason, Examples: []string{}}
		im.skips[reason] = s
	}
	s.Count++
	if len(s.Examples) < 5 && id != "" {
		s.Examples = append(s.Examples, clip(id, 100))
	}
}

// finishReport lists the skip reasons, most frequent first.
func (im *run) finishReport() {
	for _, s := range im.skips {
		im.report.Skipped = append(im.report.Skipped, *s)
	}
	slices.SortFunc(im.report.Skipped, func(a, b Skip) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Reason, b.Reason))
	})
}
