package admin

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/parley-dev/parley/server/importer"
	"github.com/parley-dev/parley/storage"
)

// MaxUpload is the largest import file the admin page takes (gzip it to
// fit more); the command line takes any size.
const MaxUpload = 64 << 20

type dataView struct {
	Formats []importer.Format
	Report  *importer.Report
	Rules   string
	Format  string
}

// dataPage offers the site's export and the import form.
func (h *Handler) dataPage(c *fiber.Ctx) error {
	return h.render(c, "data", "Import and export", dataView{Formats: importer.Formats, Format: string(importer.Disqus)})
}

// export sends the site's Parley export as a download. It is a POST, so
// that it can be recorded in the audit log.
func (h *Handler) export(c *fiber.Ctx) error {
	site := siteOf(c)
	name := fmt.Sprintf("parley-%s-%s.jsonl", site.ID, h.cfg.Now().UTC().Format("20060102-150405"))
	c.Set(fiber.HeaderContentType, "application/x-ndjson")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	h.audit(c, storage.AuditEntry{Action: "export"})
	ctx := context.WithoutCancel(c.UserContext())
	export := h.cfg.Export
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := export(ctx, w, site.ID); err != nil {
			h.log.Error("export failed", slog.String("site", site.ID), slog.Any("err", err))
		}
	})
	return nil
}

// importFile runs an import, or a dry run, of an uploaded export and shows
// its report.
func (h *Handler) importFile(c *fiber.Ctx) error {
	site := siteOf(c)
	v := dataView{Formats: importer.Formats, Format: c.FormValue("format"), Rules: c.FormValue("rules")}
	opts := importer.Options{Format: importer.Format(v.Format), Site: site, DryRun: c.FormValue("dry_run") != ""}
	if !slices.Contains(importer.Formats, opts.Format) {
		return badInput("Choose the format of the file.")
	}
	for _, line := range strings.Split(v.Rules, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		r, err := importer.ParseRule(line)
		if err != nil {
			return badInput(err.Error())
		}
		opts.Rules = append(opts.Rules, r)
	}
	fh, err := c.FormFile("file")
	if errors.Is(err, fasthttp.ErrMissingFile) || (err == nil && fh.Size == 0) {
		return badInput("Choose the export file to import.")
	}
	if err != nil {
		return badInput("The upload could not be read: " + err.Error())
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	report, err := h.cfg.Import(c.UserContext(), io.Reader(f), opts)
	if errors.Is(err, importer.ErrInput) {
		return badInput(err.Error())
	}
	if err != nil {
		return err
	}
	if !opts.DryRun {
		h.audit(c, storage.AuditEntry{Action: "import", After: string(opts.Format),
			Note: fmt.Sprintf("%s: %d new comments, %d already there", fh.Filename, report.Total(), report.Existing)})
	}
	v.Report = &report
	return h.render(c, "data", "Import and export", v)
}

// uploadTime is how long an import upload may take to arrive.
const uploadTime = 10 * time.Minute

// RequestConfig is for fasthttp's Server.HeaderReceived, which runs before
// a body is read: it lets an import upload of a signed-in user past the
// server's small body limit, up to MaxUpload, and gives it time to
// arrive. Every other request keeps the server's limits (zero).
func (h *Handler) RequestConfig(hd *fasthttp.RequestHeader) fasthttp.RequestConfig {
	path := string(hd.RequestURI())
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	site, ok := strings.CutPrefix(path, "/admin/sites/")
	if !hd.IsPost() || !ok || !strings.HasSuffix(site, "/import") || strings.Count(site, "/") != 1 {
		return fasthttp.RequestConfig{}
	}
	token := string(hd.Cookie(h.cookieName()))
	if token == "" {
		return fasthttp.RequestConfig{}
	}
	if _, err := h.store.Session(context.Background(), hashToken(token), h.cfg.Now()); err != nil {
		return fasthttp.RequestConfig{}
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: MaxUpload, ReadTimeout: uploadTime}
}
