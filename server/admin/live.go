package admin

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/live"
	"github.com/parley-dev/parley/storage"
)

// queueEvents streams a site's newly held comments to its open queue
// (event "held", data {"id", "author", "page"}), where the admin script
// offers to show them. Moderators only, one site only: the Hub's site
// stream never carries another site's events.
func (h *Handler) queueEvents(c *fiber.Ctx) error {
	st, _, _ := h.cfg.Hub.Open(siteOf(c).ID, "", 0)
	if st == nil {
		return &httpError{fiber.StatusServiceUnavailable, "The server is restarting."}
	}
	live.Serve(c, st, live.SSE{Format: heldEvent})
	return nil
}

// heldEvent is the queue's event for a comment that now waits for a
// moderator, nil for any other change.
func heldEvent(e *live.Event) []byte {
	cm := &e.Comment
	if cm.Status != storage.StatusPending || (e.Kind == live.Changed && e.Before == storage.StatusPending) || e.Kind == live.Scored {
		return nil
	}
	b, err := json.Marshal(struct {
		ID     string `json:"id"`
		Author string `json:"author"`
		Page   string `json:"page"`
	}{cm.ID, cm.Author.Name, cm.PageKey})
	if err != nil {
		return nil
	}
	return live.Message(0, "held", b)
}
