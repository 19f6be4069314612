package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/importer/native"
	"github.com/parley-dev/parley/server/importer/source"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// newStore opens a real Badger store with one site, "blog".
func newStore(t *testing.T) *badgerstore.Store {
	t.Helper()
	s, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	site := storage.Site{ID: "blog", Name: "Blog", Settings: storage.DefaultSiteSettings(), Created: time.Now().UTC()}
	if err := s.CreateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	return s
}

func blog(t *testing.T, s Store) storage.Site {
	t.Helper()
	site, err := s.Site(context.Background(), "blog")
	if err != nil {
		t.Fatal(err)
	}
	return site
}

func runFile(t *testing.T, s Store, format Format, data []byte, opts Options) (Report, error) {
	t.Helper()
	opts.Format = format
	if opts.Site.ID == "" {
		opts.Site = blog(t, s)
	}
	return Run(context.Background(), s, bytes.NewReader(data), opts)
}

// allComments reads every comment of the site, page by page.
func allComments(t *testing.T, s *badgerstore.Store) map[string]storage.Comment {
	t.Helper()
	ctx := context.Background()
	pages, err := s.Pages(ctx, "blog", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]storage.Comment{}
	for _, p := range pages {
		cs, err := s.PageComments(ctx, "blog", p.Key)
		if err != nil {
			t.Fatal(err)
		}
		approved := 0
		for _, c := range cs {
			out[c.ID] = c
			if c.Status == storage.StatusApproved {
				approved++
			}
		}
		if p.Count != approved {
			t.Errorf("page %q: count %d, but %d approved comments", p.Key, p.Count, approved)
		}
	}
	return out
}

// sourceCount parses a fixture with its own parser and counts the comments
// it yields that are to be imported.
func sourceCount(t *testing.T, format Format, data []byte) int {
	t.Helper()
	n := 0
	h := source.Handler{
		Thread:  func(source.Thread) error { return nil },
		Comment: func(c source.Comment) error { n += map[bool]int{true: 1}[c.Skip == ""]; return nil },
		Vote:    func(storage.Vote) error { return nil },
		Site:    func(storage.Site) error { return nil },
	}
	in, err := decompress(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := parsers[format](in, h); err != nil {
		t.Fatalf("parse %s fixture: %v", format, err)
	}
	return n
}

// fixtures are the formats' test files, written for this repository.
var fixtures = map[Format]string{
	Disqus:    "disqus/testdata/export.xml",
	WordPress: "wxr/testdata/export.xml",
	Remark42:  "remark42/testdata/backup.jsonl",
	Commento:  "commento/testdata/commento-v1.json",
}

func TestImportFixtures(t *testing.T) {
	for format, path := range fixtures {
		t.Run(string(format), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s := newStore(t)
			want := sourceCount(t, format, data)

			dry, err := runFile(t, s, format, data, Options{DryRun: true})
			if err != nil {
				t.Fatalf("dry run: %v", err)
			}
			if got := allComments(t, s); len(got) != 0 {
				t.Fatalf("a dry run stored %d comments", len(got))
			}
			report, err := runFile(t, s, format, data, Options{})
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if report.Total() != dry.Total() || report.Pages != dry.Pages {
				t.Errorf("the dry run said %d comments on %d pages, the import did %d on %d", dry.Total(), dry.Pages, report.Total(), report.Pages)
			}
			stored := allComments(t, s)
			skipped := 0
			for _, sk := range report.Skipped {
				skipped += sk.Count
			}
			if len(stored) != report.Total() || report.Total()+skippedComments(report) != want {
				t.Errorf("stored %d, reported %d new and %d skipped (%+v), the file has %d to import",
					len(stored), report.Total(), skipped, report.Skipped, want)
			}
			if report.Total() == 0 {
				t.Fatal("nothing imported")
			}
			for _, c := range stored {
				if c.ParentID != "" {
					p, ok := stored[c.ParentID]
					if !ok || p.PageKey != c.PageKey {
						t.Errorf("comment %s: parent %s not on its page", c.ID, c.ParentID)
					}
				}
				if strings.Contains(c.HTML, "<script") || c.IPHash != "" && len(c.IPHash) != 32 {
					t.Errorf("comment %s: unsafe or raw data stored: %q %q", c.ID, c.HTML, c.IPHash)
				}
			}
			again, err := runFile(t, s, format, data, Options{})
			if err != nil {
				t.Fatalf("import again: %v", err)
			}
			if again.Total() != 0 || again.Existing != report.Total() || len(allComments(t, s)) != len(stored) {
				t.Errorf("a second import added %d, found %d existing (want 0 and %d)", again.Total(), again.Existing, report.Total())
			}
		})
	}
}

// skippedComments counts the comments a report skipped after parsing:
// those the parser itself marked are not in sourceCount.
func skippedComments(r Report) int {
	n := 0
	for _, s := range r.Skipped {
		switch s.Reason {
		case "pingback", "trackback":
		default:
			if !strings.HasPrefix(s.Reason, "thread id") {
				n += s.Count
			}
		}
	}
	return n
}

// backup42 builds a small Remark42 backup.
func backup42(lines ...string) []byte {
	return []byte(`{"version":1,"users":[],"posts":[]}` + "\n" + strings.Join(lines, "\n") + "\n")
}

func remarkComment(id, pid, url, text string) string {
	return `{"id":"` + id + `","pid":"` + pid + `","text":"<p>` + text + `</p>","orig":"` + text +
		`","user":{"name":"Ann","id":"u1"},"locator":{"site":"blog","url":"` + url + `"},"time":"2024-03-0` + id[1:] + `T10:00:00Z"}`
}

func TestImportLinksRepliesAfterTheWholeFile(t *testing.T) {
	s := newStore(t)
	// The reply comes before its parent, and one reply's parent is missing.
	data := backup42(
		remarkComment("c2", "c1", "https://old.example/p/", "reply"),
		remarkComment("c1", "", "https://old.example/p/", "parent"),
		remarkComment("c3", "c9", "https://old.example/p/", "orphan"),
	)
	rules := []Rule{{From: "https://old.example/", To: "https://new.example/blog/"}}
	report, err := runFile(t, s, Remark42, data, Options{Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	if report.Total() != 3 || report.Orphans != 1 || report.Pages != 1 {
		t.Errorf("report %+v: want 3 comments, 1 orphan, 1 page", report)
	}
	page, err := s.Page(context.Background(), "blog", "https://new.example/blog/p")
	if err != nil {
		t.Fatalf("the remapped page: %v", err)
	}
	if page.Count != 3 || page.URL != "https://new.example/blog/p/" {
		t.Errorf("page %+v", page)
	}
	cs, _ := s.PageComments(context.Background(), "blog", page.Key)
	byText := map[string]storage.Comment{}
	for _, c := range cs {
		byText[c.Markdown] = c
	}
	if byText["reply"].ParentID != byText["parent"].ID || byText["orphan"].ParentID != "" {
		t.Errorf("links: reply's parent %q (want %q), orphan's %q", byText["reply"].ParentID, byText["parent"].ID, byText["orphan"].ParentID)
	}
	if want := time.Date(2024, 3, 2, 10, 0, 0, 0, time.UTC); !byText["reply"].Created.Equal(want) {
		t.Errorf("date %v, want the original %v", byText["reply"].Created, want)
	}
}

func TestImportReadsGzip(t *testing.T) {
	s := newStore(t)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(backup42(remarkComment("c1", "", "https://blog.example/a", "zipped")))
	zw.Close()
	report, err := runFile(t, s, Remark42, buf.Bytes(), Options{})
	if err != nil || report.Total() != 1 {
		t.Fatalf("gzipped import: %+v, %v", report, err)
	}
}

func TestImportRefusesBadFilesCleanly(t *testing.T) {
	hostile := map[string]struct {
		format Format
		data   string
	}{
		"entity expansion": {Disqus, `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><disqus xmlns="http://disqus.com">&b;</disqus>`},
		"external entity":  {WordPress, `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>`},
		"malformed XML":    {Disqus, `<disqus xmlns="http://disqus.com"><thread>`},
		"wrong format":     {Disqus, string(backup42(remarkComment("c1", "", "https://blog.example/a", "x")))},
		"truncated JSON":   {Remark42, `{"version":1,"users":[],"posts":[]}` + "\n" + `{"id":"c1","pid":""`},
		"bad gzip":         {Remark42, "\x1f\x8b\x08garbage"},
		"not sqlite":       {Isso, "hello"},
		"not an export":    {Parley, `{"hello":1}`},
	}
	for name, c := range hostile {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			_, err := runFile(t, s, c.format, []byte(c.data), Options{})
			if !errors.Is(err, ErrInput) {
				t.Errorf("error %v, want ErrInput", err)
			}
			if n := len(allComments(t, s)); n != 0 {
				t.Errorf("a refused file left %d comments", n)
			}
		})
	}
	s := newStore(t)
	if _, err := runFile(t, s, "myspace", nil, Options{}); !errors.Is(err, ErrInput) {
		t.Errorf("unknown format: %v", err)
	}
}

// failing is a store whose ImportComments fails on its nth call.
type failing struct {
	*badgerstore.Store
	n, calls int
}

func (f *failing) ImportComments(ctx context.Context, p storage.Page, cs []storage.Comment, vs []storage.Vote) (int, error) {
	if f.calls++; f.calls == f.n {
		return 0, errors.New("disk on fire")
	}
	return f.Store.ImportComments(ctx, p, cs, vs)
}

func TestImportThatFailsHalfWayLeavesNothing(t *testing.T) {
	s := newStore(t)
	var lines []string
	for i := range 6 {
		lines = append(lines, remarkComment("c"+string(rune('1'+i)), "", "https://blog.example/p"+string(rune('a'+i)), "text"))
	}
	data := backup42(lines...)
	// One comment was there before: the undo must not take it.
	if _, err := runFile(t, s, Remark42, backup42(lines[0]), Options{}); err != nil {
		t.Fatal(err)
	}
	_, err := runFile(t, &failing{Store: s, n: 4}, Remark42, data, Options{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("error %v, want the store's", err)
	}
	got := allComments(t, s)
	if len(got) != 1 {
		t.Errorf("after a failed import %d comments remain, want only the 1 from before", len(got))
	}
	pages, _ := s.Pages(context.Background(), "blog", "", 0)
	if len(pages) != 1 {
		t.Errorf("after a failed import %d pages remain, want 1", len(pages))
	}
}

func TestParleyExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := newStore(t)
	site := blog(t, src)
	site.Origins, site.SigningSecret = []string{"https://blog.example"}, "s3cret"
	site.Settings.Moderation, site.Settings.BlockedWords = storage.ModerateFirst, []string{"casino"}
	if err := src.UpdateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	mk := func(page, parent string, st storage.Status, edit func(*storage.Comment)) storage.Comment {
		at = at.Add(time.Hour)
		id := commentID("test", "blog", at.String(), at)
		c := storage.Comment{ID: id, SiteID: "blog", PageKey: page, ParentID: parent, Status: st, Created: at,
			Author:   storage.Author{Name: "Zoë", Email: "zoe@example.com", Website: "https://zoe.example", Affiliation: "Lab"},
			Markdown: "Hello **there** " + id, HTML: "<p>Hello <strong>there</strong> " + id + "</p>",
			ReaderHash: "reader-" + page, IPHash: "00112233445566778899aabbccddeeff", Fingerprint: "fp-" + id}
		if edit != nil {
			edit(&c)
		}
		p := storage.Page{SiteID: "blog", Key: page, URL: "https://blog.example/" + page, Title: "Post " + page}
		if err := src.CreateComment(ctx, c, p); err != nil {
			t.Fatal(err)
		}
		return c
	}
	root := mk("a", "", storage.StatusApproved, func(c *storage.Comment) { c.Pinned, c.Notify = true, true })
	reply := mk("a", root.ID, storage.StatusApproved, func(c *storage.Comment) {
		c.Author.Badge, c.Edited = storage.BadgeOwner, at.Add(time.Minute)
	})
	mk("a", reply.ID, storage.StatusPending, func(c *storage.Comment) { c.HoldReasons = []string{"links", "first"} })
	mk("b", "", storage.StatusSpam, nil)
	mk("b", "", storage.StatusDeleted, func(c *storage.Comment) { c.Markdown, c.HTML, c.Author = "", "", storage.Author{} })
	for _, v := range []storage.Vote{
		{SiteID: "blog", CommentID: root.ID, VoterHash: "v1", IPHash: "ip-1", Value: 1},
		{SiteID: "blog", CommentID: root.ID, VoterHash: "v2", Value: -1},
		{SiteID: "blog", CommentID: reply.ID, VoterHash: "v1", IPHash: "ip-1", Value: 1},
	} {
		if _, err := src.SetVote(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	pa, _ := src.Page(ctx, "blog", "a")
	pa.Locked = true
	if err := src.UpdatePage(ctx, pa); err != nil {
		t.Fatal(err)
	}

	var first bytes.Buffer
	if err := native.Write(ctx, &first, src, "blog", time.Now()); err != nil {
		t.Fatal(err)
	}
	dst, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	report, err := Run(ctx, dst, bytes.NewReader(first.Bytes()), Options{Format: Parley, CreateSite: true,
		Site: storage.Site{ID: "blog", OwnerID: site.OwnerID}})
	if err != nil {
		t.Fatal(err)
	}
	if !report.SiteCreated || report.Total() != 5 || report.Votes != 3 {
		t.Errorf("report %+v: want the site created, 5 comments, 3 votes", report)
	}
	var second bytes.Buffer
	if err := native.Write(ctx, &second, dst, "blog", time.Now()); err != nil {
		t.Fatal(err)
	}
	a, b := strings.Split(first.String(), "\n"), strings.Split(second.String(), "\n")
	if len(a) != len(b) {
		t.Fatalf("the second export has %d lines, the first %d", len(b), len(a))
	}
	for i := 1; i < len(a); i++ { // line 0 is the header with its time
		if a[i] != b[i] {
			t.Errorf("line %d differs after a round trip:\n first %s\nsecond %s", i, a[i], b[i])
		}
	}
	// The imported votes work as votes: the address of one is taken.
	if _, err := dst.SetVote(ctx, storage.Vote{SiteID: "blog", CommentID: root.ID, VoterHash: "v3", IPHash: "ip-1", Value: 1}); !errors.Is(err, storage.ErrConflict) {
		t.Errorf("a vote from an imported vote's address: %v, want ErrConflict", err)
	}
}

func TestImportIsso(t *testing.T) {
	// Isso keeps paths, not URLs: a rule makes them the blog's URLs.
	path := filepath.Join(t.TempDir(), "comments.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := os.ReadFile("isso/testdata/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{string(schema),
		`INSERT INTO threads (id, uri, title) VALUES (1, '/posts/hello/', 'Hello')`,
		`INSERT INTO comments (tid, id, parent, created, mode, remote_addr, text, author, email, website, likes, dislikes, voters)
		 VALUES (1, 1, NULL, 1700000000.5, 1, '198.51.100.0', 'Nice *post*', 'Kim', 'kim@example.com', NULL, 3, 1, x''),
		        (1, 2, 1, 1700000100, 2, '198.51.100.0', 'Thanks!', NULL, NULL, NULL, 0, 0, x'')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := newStore(t)
	report, err := runFile(t, s, Isso, data, Options{Rules: []Rule{{From: "/", To: "https://blog.example/"}}, HashIP: func(a string) string { return "hashed:" + a }})
	if err != nil {
		t.Fatal(err)
	}
	if report.Total() != 2 || report.Imported[storage.StatusPending] != 1 {
		t.Errorf("report %+v", report)
	}
	cs, err := s.PageComments(context.Background(), "blog", "https://blog.example/posts/hello")
	if err != nil || len(cs) != 2 {
		t.Fatalf("page of the remapped path: %d comments, %v", len(cs), err)
	}
	if cs[0].Score != 2 || cs[0].HTML != "<p>Nice <em>post</em></p>\n" || cs[1].ParentID != cs[0].ID || cs[0].IPHash != "hashed:198.51.100.0" {
		t.Errorf("imported: %+v", cs)
	}
}
