package admin

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// pagesPerScreen is how many pages the Pages list shows at once.
const pagesPerScreen = 100

type pagesView struct {
	Pages []storage.Page
	Next  string // the next screen's URL, if there is one
}

// pagesPage lists a site's pages by key, a screen at a time from the key
// after ?after=.
func (h *Handler) pagesPage(c *fiber.Ctx) error {
	site := siteOf(c)
	pages, err := h.store.Pages(c.UserContext(), site.ID, c.Query("after"), pagesPerScreen+1)
	if err != nil {
		return err
	}
	v := pagesView{Pages: pages}
	if len(pages) > pagesPerScreen {
		v.Pages = pages[:pagesPerScreen]
		v.Next = "/admin/sites/" + site.ID + "/pages?after=" + url.QueryEscape(v.Pages[pagesPerScreen-1].Key)
	}
	return h.render(c, "pages", "Pages", v)
}

// updatePage locks, unlocks or retitles a page (action lock, unlock or
// title) through store.UpdatePage.
func (h *Handler) updatePage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	p, err := h.store.Page(ctx, site.ID, c.FormValue("page"))
	if errors.Is(err, storage.ErrNotFound) {
		return badInput("There is no such page.")
	}
	if err != nil {
		return err
	}
	before := p
	flash := "pagesaved"
	switch c.FormValue("action") {
	case "lock":
		p.Locked, flash = true, "locked"
	case "unlock":
		p.Locked, flash = false, "unlocked"
	case "title":
		if p.Title, err = oneLine(c.FormValue("title"), 300, "title"); err != nil {
			return err
		}
	default:
		return badInput("Choose lock, unlock or a new title.")
	}
	if err := h.store.UpdatePage(ctx, p); err != nil {
		return err
	}
	e := storage.AuditEntry{Action: c.FormValue("action"), PageKey: p.Key}
	if e.Action == "title" {
		e.Action, e.Before, e.After = "retitle", before.Title, p.Title
	}
	h.audit(c, e)
	return back(c, backTo(c, site.ID), flash)
}
