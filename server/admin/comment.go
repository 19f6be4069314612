package admin

import (
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/posting"
	"github.com/parley-dev/parley/storage"
)

type commentView struct {
	C         storage.Comment
	Body      template.HTML // as readers see it
	Page      storage.Page
	PageTitle string // the page's title, else its key
	Link      string
	Report    string   // the readers' flags in one line, if any
	Notes     []string // and what they wrote
	Actions   []queueAction
	Durations []banDuration
	History   []storage.AuditEntry // moderator actions on this comment, newest first
}

// historyScan bounds how far back the comment page looks in the audit log
// for the comment's history.
const historyScan = 2000

// commentPage shows one comment with forms to edit it, reply to it and ban
// its author.
func (h *Handler) commentPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	cm, err := h.store.Comment(ctx, site.ID, c.Params("id"))
	if err != nil {
		return err
	}
	p, err := h.store.Page(ctx, site.ID, cm.PageKey)
	if err != nil {
		return err
	}
	log, err := h.store.Audit(ctx, site.ID, historyScan)
	if err != nil {
		return err
	}
	flagged, err := h.store.FlaggedComments(ctx, site.ID)
	if err != nil {
		return err
	}
	v := commentView{C: cm, Body: storedHTML(cm), Page: p, PageTitle: cmp.Or(p.Title, cm.PageKey), Durations: banDurations}
	for _, f := range flagged {
		if f.Comment.ID == cm.ID {
			v.Report, v.Notes = flagReport(f.Flags)
		}
	}
	// The actions of the queue tab the comment is on, and Keep if readers
	// reported it.
	if v.Report != "" {
		v.Actions = append(v.Actions, actKeep)
	}
	for _, a := range rowActions(string(cm.Status), cm) {
		if a != actKeep {
			v.Actions = append(v.Actions, a)
		}
	}
	for _, e := range log {
		if e.CommentID == cm.ID {
			v.History = append(v.History, e)
		}
	}
	if p.URL != "" {
		v.Link = p.URL + "#parley-" + cm.ID
	}
	return h.render(c, "comment", "Comment by "+cm.Author.Name, v)
}

// body reads a Markdown body from the form with the site's length limit
// and renders it.
func (h *Handler) body(c *fiber.Ctx, site storage.Site) (posting.Body, error) {
	b := strings.ReplaceAll(c.FormValue("body"), "\r\n", "\n")
	if strings.TrimSpace(b) == "" {
		return posting.Body{}, badInput("Write something first.")
	}
	if !utf8.ValidString(b) {
		return posting.Body{}, badInput("The text is not valid UTF-8.")
	}
	if n := utf8.RuneCountInString(b); n > site.Settings.MaxLength {
		return posting.Body{}, badInput(fmt.Sprintf("The text is %d characters long; the limit is %d.", n, site.Settings.MaxLength))
	}
	body := h.cfg.Poster.Render(site, b)
	if strings.TrimSpace(body.HTML()) == "" {
		return body, badInput("The text shows nothing; write some words.")
	}
	return body, nil
}

// editComment replaces a comment's body through posting.Poster.Edit, which
// renders it and marks it edited; the audit log keeps the previous text.
func (h *Handler) editComment(c *fiber.Ctx) error {
	site := siteOf(c)
	b, err := h.body(c, site)
	if err != nil {
		return err
	}
	var before string
	cm, err := h.cfg.Poster.Edit(c.UserContext(), site, c.Params("id"), b, func(cm *storage.Comment) error {
		before = cm.Markdown
		return nil
	})
	if err != nil {
		return err
	}
	h.audit(c, storage.AuditEntry{Action: "edit", CommentID: cm.ID, PageKey: cm.PageKey, Before: before, After: cm.Markdown})
	return back(c, "/admin/sites/"+site.ID+"/comments/"+cm.ID, "edited")
}

// reply publishes a staff answer under a comment, with the owner's or
// moderator's badge, through posting.Poster.Add like any comment.
func (h *Handler) reply(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	b, err := h.body(c, site)
	if err != nil {
		return err
	}
	parent, err := h.store.Comment(ctx, site.ID, c.Params("id"))
	if err != nil {
		return err
	}
	if parent.Status != storage.StatusApproved {
		return badInput("Approve the comment before replying to it.")
	}
	page, err := h.store.Page(ctx, site.ID, parent.PageKey)
	if err != nil {
		return err
	}
	u, _ := currentUser(c)
	badge := storage.BadgeModerator
	if u.Role(site.ID) == storage.RoleOwner {
		badge = storage.BadgeOwner
	}
	name, err := oneLine(c.FormValue("name"), 64, "name")
	if err != nil {
		return err
	}
	if name == "" { // the inline reply of the awaiting tab sends none
		name = cmp.Or(u.DisplayName, u.Name)
	}
	cm, err := h.cfg.Poster.Add(ctx, site, posting.Draft{
		Page: page, ParentID: parent.ID, Author: storage.Author{Name: name, Badge: badge},
		Body: b, Status: storage.StatusApproved,
	})
	if errors.Is(err, storage.ErrParentNotFound) {
		return badInput("The comment is no longer there.")
	}
	if err != nil {
		return err
	}
	h.audit(c, storage.AuditEntry{Action: "reply", CommentID: cm.ID, PageKey: cm.PageKey, After: cm.Markdown})
	// A staff reply answers the comment: it leaves the awaiting list. The
	// reply is published already, so a failure here is logged rather than
	// shown as a failed reply that the moderator would post again.
	if !parent.Answered {
		if _, err := h.store.UpdateComment(ctx, site.ID, parent.ID, func(p *storage.Comment) error {
			p.Answered = true
			return nil
		}); err != nil {
			h.log.Error("marking a comment answered failed", slog.String("site", site.ID), slog.String("comment", parent.ID), slog.Any("err", err))
		}
	}
	// The name replies go by is the staff's: readers cannot post under it.
	if name != u.Name && name != u.DisplayName {
		if _, err := h.store.UpdateUser(ctx, u.Name, func(u *storage.User) error { u.DisplayName = name; return nil }); err != nil {
			return err
		}
	}
	// A reply from a list (the awaiting tab) goes back to it.
	if c.FormValue("back") != "" {
		return back(c, backTo(c, site.ID), "replied")
	}
	return back(c, "/admin/sites/"+site.ID+"/comments/"+cm.ID, "replied")
}
