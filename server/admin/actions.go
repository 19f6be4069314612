package admin

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// maxBulk caps how many comments one bulk action touches.
const maxBulk = 500

// bulk applies one action to the selected comments: approve, spam, delete,
// restore, pin, unpin, dismiss (clear a comment's flags), or noreply (take
// it off the awaiting list: no reply needed).
func (h *Handler) bulk(c *fiber.Ctx) error {
	site := siteOf(c)
	action := c.FormValue("action")
	var ids []string
	for _, id := range c.Request().PostArgs().PeekMulti("id") {
		ids = append(ids, string(id))
	}
	ret := backTo(c, site.ID)
	if len(ids) == 0 {
		return back(c, ret, "none")
	}
	if len(ids) > maxBulk {
		return badInput("Select fewer comments at once.")
	}
	for _, id := range ids {
		if err := h.act(c, site, id, action); err != nil {
			return err
		}
	}
	return back(c, ret, "done")
}

// act applies one moderation action to one comment and records it.
func (h *Handler) act(c *fiber.Ctx, site storage.Site, id, action string) error {
	ctx := c.UserContext()
	if action == "dismiss" {
		// ClearFlags of another site's comment would clear nothing and
		// report success: the comment must be this site's.
		if _, err := h.store.Comment(ctx, site.ID, id); errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrInvalid) {
			return badInput("A selected comment does not exist (any more).")
		} else if err != nil {
			return err
		}
		if err := h.store.ClearFlags(ctx, site.ID, id); err != nil {
			return err
		}
		h.audit(c, storage.AuditEntry{Action: "dismiss-flags", CommentID: id})
		return nil
	}
	var change func(*storage.Comment)
	switch action {
	case "approve", "restore":
		change = func(cm *storage.Comment) { cm.Status = storage.StatusApproved }
	case "spam":
		change = func(cm *storage.Comment) { cm.Status = storage.StatusSpam }
	case "delete":
		change = func(cm *storage.Comment) { cm.Status = storage.StatusDeleted }
	case "pin":
		change = func(cm *storage.Comment) { cm.Pinned = true }
	case "unpin":
		change = func(cm *storage.Comment) { cm.Pinned = false }
	case "noreply":
		change = func(cm *storage.Comment) { cm.Answered = true }
	default:
		return badInput("Choose an action.")
	}
	var before storage.Comment
	after, err := h.store.UpdateComment(ctx, site.ID, id, func(cm *storage.Comment) error {
		before = *cm
		change(cm)
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrInvalid) {
		return badInput("A selected comment does not exist (any more).")
	}
	if err != nil {
		return err
	}
	// Approving, rejecting or deleting a flagged comment deals with its
	// flags.
	if action == "approve" || action == "spam" || action == "delete" {
		if err := h.store.ClearFlags(ctx, site.ID, id); err != nil {
			return err
		}
	}
	e := storage.AuditEntry{Action: action, CommentID: id, PageKey: after.PageKey,
		Before: string(before.Status), After: string(after.Status)}
	switch action {
	case "pin", "unpin":
		e.Before, e.After = "", ""
	case "noreply":
		e.Action, e.Before, e.After = "no-reply-needed", "", ""
	}
	h.audit(c, e)
	return nil
}

// backTo is where a POST returns to: the page it came from when that is a
// page of this site (form field "back"), else the queue.
func backTo(c *fiber.Ctx, siteID string) string {
	b := c.FormValue("back")
	if strings.HasPrefix(b, "/admin/sites/"+siteID+"/") && !strings.ContainsAny(b, "\\\r\n") {
		// Drop an earlier flash so they do not pile up.
		if i := strings.Index(b, "ok="); i > 0 {
			b = strings.TrimRight(b[:i], "?&")
		}
		return b
	}
	return "/admin/sites/" + siteID + "/queue"
}

// removeReaderComments deletes every live comment of a reader on a site,
// recording each in the audit log.
func (h *Handler) removeReaderComments(c *fiber.Ctx, site storage.Site, readerHash string) error {
	comments, err := h.store.ReaderComments(c.UserContext(), site.ID, readerHash)
	if err != nil {
		return err
	}
	for _, cm := range comments {
		if cm.Status == storage.StatusDeleted {
			continue
		}
		if err := h.act(c, site, cm.ID, "delete"); err != nil {
			return err
		}
	}
	return nil
}
