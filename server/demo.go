package server

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/storage"
)

// The demo: a site "demo" with a sample blog post at /demo and a seeded
// discussion, created on first start so a new user sees Parley working.

// DemoSiteID is the id of the demo site.
const DemoSiteID = "demo"

// demoPageID is the data-page-id of the demo post.
const demoPageID = "slow-bread"

//go:embed demo.html
var demoHTML string

var demoTemplate = template.Must(template.New("demo").Parse(demoHTML))

// demoPage serves the sample blog post with the widget embedded.
func (s *Server) demoPage(c *fiber.Ctx) error {
	var buf bytes.Buffer
	err := demoTemplate.Execute(&buf, map[string]string{"Base": s.cfg.BaseURL, "Site": DemoSiteID, "PageID": demoPageID})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(buf.Bytes())
}

// EnsureDemo creates the demo site and its seeded discussion if the site
// does not exist yet. It is a no-op on later starts, so the demo's
// discussion can grow like any other.
func (s *Server) EnsureDemo(ctx context.Context) error {
	_, err := s.store.Site(ctx, DemoSiteID)
	if err == nil {
		return nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	origins := []string{"http://localhost:*", "http://127.0.0.1:*"}
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Host != "" {
		if o := u.Scheme + "://" + u.Host; !originAllowed(o, origins) {
			origins = append(origins, o)
		}
	}
	site := storage.Site{ID: DemoSiteID, Name: "Parley demo", Origins: origins,
		Settings: storage.DefaultSiteSettings(), Created: s.cfg.Now().UTC()}
	if err := s.store.CreateSite(ctx, site); err != nil {
		return fmt.Errorf("create demo site: %w", err)
	}
	return s.seedDemo(ctx, site)
}

// seedDemo posts the demo discussion through the same path as the API.
func (s *Server) seedDemo(ctx context.Context, site storage.Site) error {
	posted := s.cfg.Now().UTC().Add(-40 * 24 * time.Hour)
	page := storage.Page{Key: demoPageID, Title: "Slow bread: a year of sourdough in a small kitchen", URL: s.cfg.BaseURL + "/demo"}
	ids := map[string]string{}
	for _, sc := range demoScript {
		body := s.poster.Render(site, sc.body)
		d := posting.Draft{Page: page, ParentID: ids[sc.replyTo], Author: sc.author, Body: body, Fingerprint: moderation.Fingerprint(body.HTML()),
			Status: storage.StatusApproved, Created: posted.Add(sc.after)}
		c, err := s.poster.Add(ctx, site, d)
		if err != nil {
			return fmt.Errorf("seed demo comment %q: %w", sc.ref, err)
		}
		ids[sc.ref] = c.ID
	}
	return nil
}
