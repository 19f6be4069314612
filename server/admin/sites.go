package admin

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/outbound"
	"github.com/parley-dev/parley/storage"
)

// siteIDPattern is what a site id may be: it goes into URLs, the embed
// snippet and storage keys.
var siteIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// ValidSiteID reports whether id is a possible site id, so that other
// input never reaches the store.
func ValidSiteID(id string) bool { return siteIDPattern.MatchString(id) }

type siteRow struct {
	Site    storage.Site
	Role    storage.Role
	Pending int
	// Awaiting counts the readers' comments no staff member has answered.
	Awaiting int
	Notify   bool // the user hears of its new comments by e-mail
}

// dashboardView is the dashboard: the user's sites and where their
// notifications go.
type dashboardView struct {
	Sites []siteRow
	Email string
	Mail  bool // the instance sends e-mail
	// Ops is set for instance admins when Config.Operations is.
	Ops *opsView
}

// opsView is the instance's data size and last backup.
type opsView struct {
	DataSize   string
	LastBackup time.Time
}

// byteSize writes n bytes in binary units, e.g. "12.3 MiB".
func byteSize(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	f, unit := float64(n)/1024, "KiB"
	for _, u := range []string{"MiB", "GiB", "TiB"} {
		if f < 1024 {
			break
		}
		f, unit = f/1024, u
	}
	return fmt.Sprintf("%.1f %s", f, unit)
}

// visibleSites are the sites u holds a role on; all of them for an admin.
func (h *Handler) visibleSites(ctx context.Context, u storage.User) ([]siteRow, error) {
	all, err := h.store.Sites(ctx)
	if err != nil {
		return nil, err
	}
	var rows []siteRow
	for _, s := range all {
		role := u.Role(s.ID)
		if role == "" && !u.Admin {
			continue
		}
		pending, err := h.store.CommentsByStatus(ctx, s.ID, storage.StatusPending)
		if err != nil {
			return nil, err
		}
		_, awaiting, err := h.store.AwaitingReply(ctx, s.ID, 0)
		if err != nil {
			return nil, err
		}
		rows = append(rows, siteRow{Site: s, Role: role, Pending: len(pending), Awaiting: awaiting,
			Notify: slices.Contains(u.NotifySites, s.ID)})
	}
	return rows, nil
}

func (h *Handler) dashboard(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	rows, err := h.visibleSites(c.UserContext(), u)
	if err != nil {
		return err
	}
	view := dashboardView{Sites: rows, Email: u.Email, Mail: h.cfg.MailEnabled}
	if u.Admin && h.cfg.Operations != nil {
		size, last := h.cfg.Operations()
		view.Ops = &opsView{DataSize: byteSize(size), LastBackup: last}
	}
	return h.render(c, "dashboard", "Your sites", view)
}

// createSite registers a new site owned by the signed-in user. Where
// anyone may sign up, one user owns at most Config.SitesPerUser sites.
func (h *Handler) createSite(c *fiber.Ctx) error {
	u, _ := currentUser(c)
	if h.cfg.Signup && !u.Admin && h.cfg.SitesPerUser > 0 && owned(u) >= h.cfg.SitesPerUser {
		return &httpError{fiber.StatusForbidden, fmt.Sprintf("You own %d sites, the most one account may have here.", owned(u))}
	}
	site, err := h.newSite(c, u.Name)
	if err != nil {
		return err
	}
	if err := h.createOwnedSite(c.UserContext(), u.Name, site); err != nil {
		return err
	}
	return back(c, "/admin/sites/"+site.ID, "created")
}

// owned counts the sites u owns.
func owned(u storage.User) int {
	n := 0
	for _, r := range u.Roles {
		if r == storage.RoleOwner {
			n++
		}
	}
	return n
}

// newSite reads and checks the id, name and origin of a new site.
func (h *Handler) newSite(c *fiber.Ctx, owner string) (storage.Site, error) {
	id := strings.ToLower(strings.TrimSpace(c.FormValue("id")))
	if !siteIDPattern.MatchString(id) {
		return storage.Site{}, badInput("The site id must be 2 to 40 lower-case letters, digits or dashes.")
	}
	name, err := oneLine(c.FormValue("name"), 100, "site name")
	if err != nil {
		return storage.Site{}, err
	}
	if name == "" {
		name = id
	}
	origins, err := h.origins(c.FormValue("origins"))
	if err != nil {
		return storage.Site{}, err
	}
	return storage.Site{ID: id, Name: name, OwnerID: owner, Origins: origins,
		Settings: storage.DefaultSiteSettings(), Created: h.cfg.Now().UTC()}, nil
}

// createOwnedSite stores site and gives owner the owner role on it.
func (h *Handler) createOwnedSite(ctx context.Context, owner string, site storage.Site) error {
	err := h.store.CreateSite(ctx, site)
	if errors.Is(err, storage.ErrConflict) {
		return &httpError{fiber.StatusConflict, "That site id is taken. Choose another one."}
	}
	if err != nil {
		return err
	}
	_, err = h.store.UpdateUser(ctx, owner, func(u *storage.User) error {
		if u.Roles == nil {
			u.Roles = map[string]storage.Role{}
		}
		u.Roles[site.ID] = storage.RoleOwner
		return nil
	})
	return err
}

// origins parses allowed origins, one per line or separated by spaces or
// commas, with the server's own pattern rules.
func (h *Handler) origins(text string) ([]string, error) {
	var out []string
	for _, o := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		o = strings.TrimSuffix(o, "/")
		if h.cfg.ValidOrigin != nil && !h.cfg.ValidOrigin(o) {
			return nil, badInput("“" + o + "” is not an origin. Write it like https://blog.example.com or http://localhost:*.")
		}
		out = append(out, o)
	}
	if len(out) > 20 {
		return nil, badInput("At most 20 origins, please.")
	}
	return out, nil
}

type settingsView struct {
	Snippet    string
	NoScript   string // the snippet's link for readers without JavaScript
	Feed       string // the head link that advertises the site's comment feed
	Origins    string
	Blocked    string
	Suspect    string
	MaxLinks   string // "" when there is no limit
	Seconds    int    // the form check's minimum time
	Hours      int    // the duplicate window
	Rates      storage.RateLimits
	Defaults   storage.RateLimits // the instance's, shown where the site sets none
	Moderators []storage.User
	Owner      string
	// Mail: the instance sends e-mail; Deliveries are the site's latest
	// webhook deliveries, newest first.
	Mail       bool
	Deliveries []storage.Message
	// Posting is the posting policy's form value ("" shows as anyone);
	// SSO is how sign-in with the site's accounts stands (no secret).
	Posting storage.PostingPolicy
	SSO     ssoStatus
}

func (h *Handler) siteSettings(c *fiber.Ctx) error {
	site := siteOf(c)
	users, err := h.store.Users(c.UserContext())
	if err != nil {
		return err
	}
	v := settingsView{
		Snippet:  `<div id="parley"></div>` + "\n" + `<script src="` + h.cfg.BaseURL + `/embed.js" data-site="` + site.ID + `" async></script>`,
		NoScript: `<noscript><a href="` + h.cfg.BaseURL + `/sites/` + site.ID + `/discussion?page=PAGE">Read the comments</a></noscript>`,
		Feed:     `<link rel="alternate" type="application/atom+xml" title="Comments" href="` + h.cfg.BaseURL + `/api/v1/sites/` + site.ID + `/feed.atom">`,
		Origins:  strings.Join(site.Origins, "\n"),
		Blocked:  strings.Join(site.Settings.BlockedWords, "\n"),
		Suspect:  strings.Join(site.Settings.SuspectWords, "\n"),
		Seconds:  int(site.Settings.MinSubmitTime.Seconds()),
		Hours:    int(site.Settings.DuplicateWindow.Hours()),
		Rates:    site.Settings.RateLimits,
		Defaults: h.cfg.DefaultRates,
		Owner:    site.OwnerID,
		Mail:     h.cfg.MailEnabled,
	}
	if v.Deliveries, err = h.store.SiteMessages(c.UserContext(), site.ID, storage.MessageWebhook, 20); err != nil {
		return err
	}
	if v.Posting = site.Settings.Posting; v.Posting == "" {
		v.Posting = storage.PostAnyone
	}
	if v.SSO, err = h.ssoStatusOf(c.UserContext(), site); err != nil {
		return err
	}
	if site.Settings.MaxLinks >= 0 {
		v.MaxLinks = strconv.Itoa(site.Settings.MaxLinks)
	}
	for _, u := range users {
		if r := u.Role(site.ID); r != "" {
			v.Moderators = append(v.Moderators, u)
		}
	}
	return h.render(c, "site", site.Name, v)
}

func (h *Handler) saveSettings(c *fiber.Ctx) error {
	site := siteOf(c)
	was := site
	name, err := oneLine(c.FormValue("name"), 100, "site name")
	if err != nil {
		return err
	}
	if name != "" {
		site.Name = name
	}
	if site.Origins, err = h.origins(c.FormValue("origins")); err != nil {
		return err
	}
	if site.Settings, err = readSettings(c, site.Settings, h.cfg.AllowPrivateCallbacks); err != nil {
		return err
	}
	signed := site.Settings.CheckURL != "" || site.Settings.WebhookURL != ""
	if (signed && site.SigningSecret == "") || c.FormValue("new_secret") == "on" {
		site.SigningSecret = outbound.NewSecret()
	}
	if err := h.store.UpdateSite(c.UserContext(), site); err != nil {
		return err
	}
	h.audit(c, storage.AuditEntry{Action: "settings", Note: settingsChanges(was, site)})
	return back(c, "/admin/sites/"+site.ID, "saved")
}

// wordList reads a word list, one word or phrase per line.
func wordList(text, what string) ([]string, error) {
	var out []string
	for _, w := range strings.Split(text, "\n") {
		if w = strings.TrimSpace(w); w == "" {
			continue
		}
		if _, err := oneLine(w, 100, what); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	if len(out) > 1000 {
		return nil, badInput("At most 1,000 " + what + ", please.")
	}
	return out, nil
}

// readSettings reads the settings form over the current settings.
// allowPrivate lets the spam check URL name a private address.
func readSettings(c *fiber.Ctx, set storage.SiteSettings, allowPrivate bool) (storage.SiteSettings, error) {
	switch m := storage.ModerationMode(c.FormValue("moderation")); m {
	case storage.ModerateNone, storage.ModerateFirst, storage.ModerateAll:
		set.Moderation = m
	default:
		return set, badInput("Choose a moderation mode.")
	}
	num := func(field string, lo, hi int) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(c.FormValue(field)))
		if err != nil || n < lo || n > hi {
			return 0, badInput("“" + field + "” must be a number from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi) + ".")
		}
		return n, nil
	}
	minutes, err := num("edit_window", 0, 7*24*60)
	if err != nil {
		return set, err
	}
	set.EditWindow = time.Duration(minutes) * time.Minute
	if set.MaxLength, err = num("max_length", 100, 100000); err != nil {
		return set, err
	}
	if set.CloseAfterDays, err = num("close_after_days", 0, 36500); err != nil {
		return set, err
	}
	check := func(f string) bool { return c.FormValue(f) == "on" }
	set.RequireName, set.RequireEmail = check("require_name"), check("require_email")
	set.AllowLinks, set.AllowImages = check("allow_links"), check("allow_images")
	if set.BlockedWords, err = wordList(c.FormValue("blocked_words"), "blocked words"); err != nil {
		return set, err
	}
	if set.SuspectWords, err = wordList(c.FormValue("suspect_words"), "suspect words"); err != nil {
		return set, err
	}
	set.MaxLinks = -1
	if strings.TrimSpace(c.FormValue("max_links")) != "" {
		if set.MaxLinks, err = num("max_links", 0, 1000); err != nil {
			return set, err
		}
	}
	seconds, err := num("min_submit_time", 0, 600)
	if err != nil {
		return set, err
	}
	set.MinSubmitTime = time.Duration(seconds) * time.Second
	hours, err := num("duplicate_window", 0, 24*365)
	if err != nil {
		return set, err
	}
	set.DuplicateWindow = time.Duration(hours) * time.Hour
	rates := []*int{&set.RateLimits.Posts, &set.RateLimits.Edits, &set.RateLimits.Votes, &set.RateLimits.Flags}
	for i, f := range []string{"rate_posts", "rate_edits", "rate_votes", "rate_flags"} {
		*rates[i] = 0
		if strings.TrimSpace(c.FormValue(f)) != "" {
			if *rates[i], err = num(f, 1, 100000); err != nil {
				return set, err
			}
		}
	}
	set.NotifyEmail = strings.TrimSpace(c.FormValue("notify_email"))
	if set.NotifyEmail != "" {
		if a, err := mail.ParseAddress(set.NotifyEmail); err != nil || a.Address != set.NotifyEmail {
			return set, badInput("The notification e-mail address is not valid.")
		}
	}
	set.CheckURL = strings.TrimSpace(c.FormValue("check_url"))
	if set.CheckURL != "" {
		if err := outbound.CheckURL(set.CheckURL, allowPrivate); err != nil {
			return set, badInput("The spam check URL must be a public http:// or https:// address.")
		}
	}
	switch m := storage.NotifyMode(c.FormValue("notify_mode")); {
	case m.Valid():
		set.NotifyMode = m
	case m != "":
		return set, badInput("Choose which new comments to be told about.")
	}
	set.WebhookURL = strings.TrimSpace(c.FormValue("webhook_url"))
	if set.WebhookURL != "" {
		if err := outbound.CheckURL(set.WebhookURL, allowPrivate); err != nil {
			return set, badInput("The webhook URL must be a public http:// or https:// address.")
		}
	}
	// A form without the field (an older page) keeps the policy.
	if p := storage.PostingPolicy(strings.TrimSpace(c.FormValue("posting"))); p != "" {
		if !p.Valid() {
			return set, badInput("“posting” (who may post) must be anyone, verified or members.")
		}
		set.Posting = p
	}
	if set.Posting == storage.PostMembers && !set.SSO {
		return set, badInput("Who may post: “Only members signed in by your site” needs sign-in with your site's accounts, which is off, so nobody could post: turn on sign-in first (under “Sign-in with your site's accounts (SSO)”), then choose members only. Nothing was saved.")
	}
	set.TrustVerified = check("trust_verified")
	return set, nil
}

func (h *Handler) deletePage(c *fiber.Ctx) error {
	return h.render(c, "delete", "Delete "+siteOf(c).Name, nil)
}

// deleteSite deletes a site once its id has been typed as confirmation.
func (h *Handler) deleteSite(c *fiber.Ctx) error {
	site := siteOf(c)
	if strings.TrimSpace(c.FormValue("confirm")) != site.ID {
		return badInput("Type the site id “" + site.ID + "” to confirm. Nothing was deleted.")
	}
	if err := h.store.DeleteSite(c.UserContext(), site.ID); err != nil {
		return err
	}
	return back(c, "/admin/", "deleted")
}

// addModerator gives an existing user the moderator role.
func (h *Handler) addModerator(c *fiber.Ctx) error {
	site := siteOf(c)
	name := strings.ToLower(strings.TrimSpace(c.FormValue("user")))
	_, err := h.store.UpdateUser(c.UserContext(), name, func(u *storage.User) error {
		if u.Role(site.ID) == storage.RoleOwner {
			return badInput("That user already owns this site.")
		}
		if u.Roles == nil {
			u.Roles = map[string]storage.Role{}
		}
		u.Roles[site.ID] = storage.RoleModerator
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) || name == "" {
		return badInput("There is no user with that name. Ask them to create an account first.")
	}
	if err != nil {
		return err
	}
	h.audit(c, storage.AuditEntry{Action: "add-moderator", After: name})
	return back(c, "/admin/sites/"+site.ID, "added")
}

func (h *Handler) removeModerator(c *fiber.Ctx) error {
	site := siteOf(c)
	name := c.FormValue("user")
	_, err := h.store.UpdateUser(c.UserContext(), name, func(u *storage.User) error {
		if u.Role(site.ID) != storage.RoleModerator {
			return badInput("That user is not a moderator of this site.")
		}
		delete(u.Roles, site.ID)
		return nil
	})
	if errors.Is(err, storage.ErrNotFound) {
		return badInput("There is no user with that name.")
	}
	if err != nil {
		return err
	}
	h.audit(c, storage.AuditEntry{Action: "remove-moderator", Before: name})
	return back(c, "/admin/sites/"+site.ID, "removed")
}

// oneLine trims a one-line text field and checks its length and that it
// holds no control characters.
func oneLine(s string, max int, what string) (string, error) {
	s = strings.TrimSpace(s)
	if len([]rune(s)) > max {
		return "", badInput("The " + what + " is too long.")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "", badInput("The " + what + " contains control characters.")
		}
	}
	return s, nil
}
