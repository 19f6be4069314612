package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/storage"
)

// Mount adds the admin routes under /admin to r. Their middleware (security
// headers, sessions, HTML errors) is scoped to that group.
//
//	GET  /admin/login, POST /admin/login, POST /admin/logout
//	GET  /admin/signup, POST /admin/signup          (only with Config.Signup)
//	GET  /admin/assets/:file                        the admin script and styles
//	GET  /admin/                                    your sites; form to add one; your notifications
//	POST /admin/sites                               create a site
//	POST /admin/notifications                       your e-mail and the sites you hear about
//	GET  /admin/mail/moderate, POST …               a staff e-mail's approve/remove link (signed, no sign-in)
//	GET  /admin/sites/:site                         settings, snippet, moderators (owner)
//	POST /admin/sites/:site/settings                name, origins, rules (owner)
//	POST /admin/sites/:site/sso[/off]               turn on SSO or rotate its secret, shown once; turn it off (owner)
//	GET  /admin/sites/:site/delete, POST …/delete   confirm and delete (owner)
//	POST /admin/sites/:site/moderators[/remove]     add or remove a moderator (owner)
//	GET  /admin/sites/:site/queue                   the moderation queue (tab=awaiting: awaiting your reply)
//	GET  /admin/sites/:site/events                  server-sent events: new held comments
//	POST /admin/sites/:site/comments                approve/spam/delete/restore/pin/unpin/dismiss/noreply many
//	GET  /admin/sites/:site/comments/:id            one comment: edit, reply, ban its author
//	POST /admin/sites/:site/comments/:id/edit|reply|ban
//	GET  /admin/sites/:site/pages, POST …/pages     lock, unlock, retitle pages
//	GET  /admin/sites/:site/bans, POST …/bans[/lift]
//	GET  /admin/sites/:site/audit                   the audit log
//	GET  /admin/sites/:site/data                    import and export (owner)
//	POST /admin/sites/:site/export|import           download the export; import a file (owner)
func (h *Handler) Mount(r fiber.Router) {
	g := r.Group("/admin", headers, h.catch, h.loadSession)
	g.Get("/assets/:file", h.asset)
	g.Get("/login", h.loginPage)
	g.Post("/login", h.login)
	g.Post("/logout", h.auth, h.logout)
	if h.cfg.Signup {
		g.Get("/signup", h.signupPage)
		g.Post("/signup", h.signup)
	}
	g.Get("/", h.auth, h.dashboard)
	g.Post("/sites", h.auth, h.createSite)
	g.Post("/notifications", h.auth, h.saveNotifications)
	g.Get("/mail/moderate", h.moderateLink)
	g.Post("/mail/moderate", h.moderateLink)

	own := h.site(storage.RoleOwner)
	mod := h.site(storage.RoleModerator)
	s := g.Group("/sites/:site")
	s.Get("/", own, h.siteSettings)
	s.Post("/settings", own, h.saveSettings)
	s.Post("/sso", own, h.rotateSSO)
	s.Post("/sso/off", own, h.ssoOff)
	s.Get("/delete", own, h.deletePage)
	s.Post("/delete", own, h.deleteSite)
	s.Post("/moderators", own, h.addModerator)
	s.Post("/moderators/remove", own, h.removeModerator)
	s.Get("/queue", mod, h.queue)
	s.Get("/events", mod, h.queueEvents)
	s.Post("/comments", mod, h.bulk)
	s.Get("/comments/:id", mod, h.commentPage)
	s.Post("/comments/:id/edit", mod, h.editComment)
	s.Post("/comments/:id/reply", mod, h.reply)
	s.Post("/comments/:id/ban", mod, h.banAuthor)
	s.Get("/pages", mod, h.pagesPage)
	s.Post("/pages", mod, h.updatePage)
	s.Get("/bans", mod, h.bansPage)
	s.Post("/bans", mod, h.addBan)
	s.Post("/bans/lift", mod, h.liftBan)
	s.Get("/audit", mod, h.auditPage)
	s.Get("/data", own, h.dataPage)
	s.Post("/export", own, h.export)
	s.Post("/import", own, h.importFile)
}

// asset serves the admin script and style sheet under their hashed names.
func (h *Handler) asset(c *fiber.Ctx) error {
	a, ok := h.assets.Lookup(c.Path())
	if !ok {
		return errNotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderETag, a.ETag)
	return c.Send(a.Body)
}
