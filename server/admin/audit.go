package admin

import (
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

func (h *Handler) auditPage(c *fiber.Ctx) error {
	entries, err := h.store.Audit(c.UserContext(), siteOf(c).ID, 500)
	if err != nil {
		return err
	}
	return h.render(c, "audit", "Audit log", entries)
}
