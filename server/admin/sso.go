package admin

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/sso"
	"github.com/parley-dev/parley/storage"
)

// Sign-in with the site's own accounts (SSO), owner only. The secret is
// derived from Config.SSOKey, the site id and SiteSettings.SSOKeyVersion
// (sso.Secret), so it is stored nowhere: it is shown once, in the answer
// to the POST that makes it, and never on a GET. Rotating is making the
// next version; turning off keeps the version, so turning on again makes
// a new secret.
//
// Each new secret is audited ("sso-secret", After "version N"); the
// settings page finds when the current one was made there.

// Audit actions of the SSO settings.
const (
	auditSSOSecret = "sso-secret"
	auditSSOOff    = "sso-off"
)

// ssoStatus is the SSO part of a site's settings page: never the secret.
type ssoStatus struct {
	On        bool
	Version   int
	Created   time.Time // when the current version was made; zero if unknown
	Available bool      // the instance has an SSO key
}

// ssoSecretView is the page that shows a new secret, once.
type ssoSecretView struct {
	Secret  string
	Version int
	Rotated bool // an earlier secret was in use and stopped working
}

func versionText(n int) string { return "version " + strconv.Itoa(n) }

// ssoStatusOf says how SSO stands on site, and when its secret was made.
func (h *Handler) ssoStatusOf(ctx context.Context, site storage.Site) (ssoStatus, error) {
	st := ssoStatus{On: site.Settings.SSO, Version: site.Settings.SSOKeyVersion, Available: len(h.cfg.SSOKey) > 0}
	if !st.On || st.Version == 0 {
		return st, nil
	}
	entries, err := h.store.Audit(ctx, site.ID, 1000)
	if err != nil {
		return st, err
	}
	for _, e := range entries {
		if e.Action == auditSSOSecret && e.After == versionText(st.Version) {
			st.Created = e.Time
			break
		}
	}
	return st, nil
}

// rotateSSO turns SSO on with a new secret, or replaces the current one,
// and shows the new secret once.
func (h *Handler) rotateSSO(c *fiber.Ctx) error {
	if len(h.cfg.SSOKey) == 0 {
		return &httpError{fiber.StatusServiceUnavailable, "This Parley instance has no key for sign-in secrets, so sign-in with your site's accounts cannot be turned on. Nothing was changed."}
	}
	site := siteOf(c)
	was := site.Settings
	site.Settings.SSO = true
	site.Settings.SSOKeyVersion++
	if err := h.store.UpdateSite(c.UserContext(), site); err != nil {
		return err
	}
	e := storage.AuditEntry{Action: auditSSOSecret, After: versionText(site.Settings.SSOKeyVersion)}
	switch {
	case was.SSO:
		e.Before, e.Note = versionText(was.SSOKeyVersion), "secret rotated: the old one no longer works"
	default:
		e.Note = "sign-in with the site's accounts turned on with a new secret"
	}
	h.audit(c, e)
	c.Locals(siteKey, site)
	return h.render(c, "sso", "Sign-in secret for "+site.Name, ssoSecretView{
		Secret:  sso.Secret(h.cfg.SSOKey, site.ID, site.Settings.SSOKeyVersion),
		Version: site.Settings.SSOKeyVersion,
		Rotated: was.SSO,
	})
}

// ssoOff turns SSO off. The version stays, so the secret that was in use
// is never made again.
func (h *Handler) ssoOff(c *fiber.Ctx) error {
	site := siteOf(c)
	if !site.Settings.SSO {
		return back(c, "/admin/sites/"+site.ID, "saved")
	}
	if site.Settings.Posting == storage.PostMembers {
		return badInput("Only members signed in by your site may post here, so turning off sign-in would let nobody post. Choose who may post first (under “Who may post”), save, then turn off sign-in.")
	}
	site.Settings.SSO = false
	if err := h.store.UpdateSite(c.UserContext(), site); err != nil {
		return err
	}
	h.audit(c, storage.AuditEntry{Action: auditSSOOff, Before: versionText(site.Settings.SSOKeyVersion),
		Note: "sign-in with the site's accounts turned off; its secret no longer works"})
	return back(c, "/admin/sites/"+site.ID, "ssooff")
}
