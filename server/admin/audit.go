package admin

import (
	"cmp"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// audit records a moderator action on the current site. The action itself
// has already been stored, so a failure to record it is logged rather than
// shown as a failed action the moderator would repeat.
func (h *Handler) audit(c *fiber.Ctx, e storage.AuditEntry) {
	u, _ := currentUser(c)
	e.SiteID = siteOf(c).ID
	e.Actor = u.Name
	if e.Actor == "" {
		e.Actor, _ = c.Locals(actorKey).(string)
	}
	e.Time = h.cfg.Now().UTC()
	if err := h.store.AddAudit(c.UserContext(), e); err != nil {
		h.log.Error("audit log write failed", slog.String("site", e.SiteID), slog.String("action", e.Action), slog.Any("err", err))
	}
}

type auditRow struct {
	storage.AuditEntry
	PageTitle string // of the entry's page, else its key
}

func (h *Handler) auditPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	entries, err := h.store.Audit(ctx, site.ID, 500)
	if err != nil {
		return err
	}
	rows := make([]auditRow, len(entries))
	titles := map[string]string{}
	for i, e := range entries {
		rows[i] = auditRow{AuditEntry: e}
		if e.PageKey == "" {
			continue
		}
		t, ok := titles[e.PageKey]
		if !ok {
			p, _ := h.store.Page(ctx, site.ID, e.PageKey)
			t = cmp.Or(p.Title, e.PageKey)
			titles[e.PageKey] = t
		}
		rows[i].PageTitle = t
	}
	return h.render(c, "audit", "Audit log", rows)
}
