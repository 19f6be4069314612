package admin

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/importer"
	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/storage"
)

//go:embed templates
var templateFS embed.FS

// view is what every page template gets: the layout's needs plus the
// page's own Data.
type view struct {
	Title  string
	User   *storage.User
	CSRF   string
	Site   *storage.Site
	Role   storage.Role
	Script string
	Style  string
	Flash  string
	Tab    string // which site tab is current
	Data   any
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04")
	},
	"join": strings.Join,
	"minutes": func(d time.Duration) int {
		return int(d.Minutes())
	},
	"reason": moderation.HoldText,
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"formatName": importer.Format.Title,
	"short": func(s string, n int) string {
		if r := []rune(s); len(r) > n {
			return string(r[:n]) + "…"
		}
		return s
	},
}

// parseTemplates parses each page together with the layout; html/template
// escapes every value for the context it lands in.
func parseTemplates() (map[string]*template.Template, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", f)
		if err != nil {
			return nil, fmt.Errorf("admin: template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// flashes are the messages a redirect can ask the next page to show, by
// code: a URL can pick one but cannot put its own words on the page.
var flashes = map[string]string{
	"created":   "The site was created. Copy the snippet below into your blog.",
	"saved":     "Saved.",
	"deleted":   "The site was deleted.",
	"done":      "Done.",
	"none":      "Select at least one comment first.",
	"edited":    "The comment was edited.",
	"replied":   "Your reply is published.",
	"banned":    "The reader is banned.",
	"lifted":    "The ban is lifted.",
	"added":     "The moderator was added.",
	"removed":   "The moderator was removed.",
	"locked":    "The page is locked.",
	"unlocked":  "The page is open again.",
	"pagesaved": "The page was saved.",
	"signedup":  "Welcome! Your account and your first site are ready.",
	"ssooff":    "Sign-in with your site's accounts is off. Its secret no longer works.",
}

// render writes page name with data, inside the layout.
func (h *Handler) render(c *fiber.Ctx, name, title string, data any) error {
	t, ok := h.pages[name]
	if !ok {
		return fmt.Errorf("admin: no template %q", name)
	}
	v := view{Title: title, Script: h.script, Style: h.style, Flash: flashes[c.Query("ok")], Data: data}
	if u, ok := currentUser(c); ok {
		v.User = &u
		v.CSRF = currentSession(c).CSRF
	}
	if s, ok := c.Locals(siteKey).(storage.Site); ok {
		v.Site = &s
		v.Role = roleOf(c)
	}
	v.Tab = name
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(b.String())
}

// back redirects after a successful POST (so a reload does not resend it)
// with a flash code.
func back(c *fiber.Ctx, path, flash string) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return c.Redirect(path+sep+"ok="+flash, fiber.StatusSeeOther)
}
