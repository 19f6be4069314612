package admin

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// banDuration is one choice of how long a ban lasts.
type banDuration struct {
	Days    int // 0: forever
	Label   string
	Default bool // the one a ban form offers first
}

// banDurations are the choices of both ban forms: the comment page's and
// the Bans page's.
var banDurations = []banDuration{
	{Days: 1, Label: "1 day"}, {Days: 7, Label: "1 week"}, {Days: 30, Label: "30 days", Default: true},
	{Days: 365, Label: "1 year"}, {Days: 0, Label: "Forever"},
}

type banRow struct {
	storage.Ban
	PageTitle string // of the banned comment's page, else its key
	PageURL   string
}

type bansView struct {
	Bans      []banRow
	Durations []banDuration
}

func (h *Handler) bansPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	bans, err := h.store.Bans(ctx, site.ID, h.cfg.Now())
	if err != nil {
		return err
	}
	v := bansView{Durations: banDurations}
	pages := map[string]storage.Page{}
	for _, b := range bans {
		r := banRow{Ban: b}
		if b.PageKey != "" {
			p, ok := pages[b.PageKey]
			if !ok {
				p, _ = h.store.Page(ctx, site.ID, b.PageKey)
				pages[b.PageKey] = p
			}
			r.PageTitle, r.PageURL = cmp.Or(p.Title, b.PageKey), p.URL
		}
		v.Bans = append(v.Bans, r)
	}
	return h.render(c, "bans", "Bans", v)
}

// excerptLen is how much of a banned reader's comment their ban keeps.
const excerptLen = 140

// excerpt is the start of a comment's text on one line.
func excerpt(markdown string) string {
	s := strings.Join(strings.Fields(markdown), " ")
	if r := []rune(s); len(r) > excerptLen {
		s = strings.TrimSpace(string(r[:excerptLen])) + "…"
	}
	return s
}

// readBan reads the kind-independent ban fields of a form.
func (h *Handler) readBan(c *fiber.Ctx, kind storage.BanKind, value string) (storage.Ban, error) {
	if !kind.Valid() {
		return storage.Ban{}, badInput("Choose what to ban: the reader, their IP address or their e-mail.")
	}
	value = storage.NormalizeBanValue(kind, value)
	if value == "" || len(value) > 254 || strings.ContainsAny(value, "\x00\r\n") {
		return storage.Ban{}, badInput("This comment has nothing to ban by that way; choose another.")
	}
	days, err := strconv.Atoi(c.FormValue("days"))
	if err != nil || days < 0 || days > 36500 {
		return storage.Ban{}, badInput("Choose how long the ban lasts.")
	}
	note, err := oneLine(c.FormValue("note"), 500, "note")
	if err != nil {
		return storage.Ban{}, err
	}
	u, _ := currentUser(c)
	now := h.cfg.Now().UTC()
	b := storage.Ban{SiteID: siteOf(c).ID, Kind: kind, Value: value, Note: note, By: u.Name, Created: now}
	if days > 0 {
		b.Expires = now.AddDate(0, 0, days)
	}
	return b, nil
}

// banAuthor bans the author of a comment by reader token, IP hash or
// e-mail, and optionally deletes all their comments on the site.
func (h *Handler) banAuthor(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	cm, err := h.store.Comment(ctx, site.ID, c.Params("id"))
	if err != nil {
		return err
	}
	kind := storage.BanKind(c.FormValue("kind"))
	value := map[storage.BanKind]string{storage.BanReader: cm.ReaderHash, storage.BanIP: cm.IPHash, storage.BanEmail: cm.Author.Email}[kind]
	b, err := h.readBan(c, kind, value)
	if err != nil {
		return err
	}
	b.AuthorName, b.Excerpt, b.CommentID, b.PageKey = cm.Author.Name, excerpt(cm.Markdown), cm.ID, cm.PageKey
	if err := h.store.PutBan(ctx, b); err != nil {
		return err
	}
	h.audit(c, storage.AuditEntry{Action: "ban", CommentID: cm.ID, PageKey: cm.PageKey, After: string(kind) + " " + expiry(b), Note: b.Note})
	if c.FormValue("remove") == "on" && cm.ReaderHash != "" {
		if err := h.removeReaderComments(c, site, cm.ReaderHash); err != nil {
			return err
		}
	}
	return back(c, "/admin/sites/"+site.ID+"/bans", "banned")
}

// addBan bans by a value typed in (an e-mail address, or a hash copied from
// a comment).
func (h *Handler) addBan(c *fiber.Ctx) error {
	b, err := h.readBan(c, storage.BanKind(c.FormValue("kind")), c.FormValue("value"))
	if err != nil {
		return err
	}
	if err := h.store.PutBan(c.UserContext(), b); err != nil {
		return err
	}
	h.audit(c, storage.AuditEntry{Action: "ban", After: string(b.Kind) + " " + expiry(b), Note: b.Note})
	return back(c, "/admin/sites/"+b.SiteID+"/bans", "banned")
}

func (h *Handler) liftBan(c *fiber.Ctx) error {
	site := siteOf(c)
	key := storage.BanKey{Kind: storage.BanKind(c.FormValue("kind")), Value: c.FormValue("value")}
	if !key.Kind.Valid() || key.Value == "" || strings.ContainsRune(key.Value, 0) {
		return badInput("Choose a ban to lift.")
	}
	if err := h.store.DeleteBan(c.UserContext(), site.ID, key); err != nil {
		return err
	}
	h.audit(c, storage.AuditEntry{Action: "lift-ban", Before: string(key.Kind)})
	return back(c, "/admin/sites/"+site.ID+"/bans", "lifted")
}

func expiry(b storage.Ban) string {
	if b.Expires.IsZero() {
		return "forever"
	}
	return "until " + b.Expires.Format(time.DateOnly)
}
