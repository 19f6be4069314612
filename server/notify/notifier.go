package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parley-dev/parley/server/live"
	"github.com/parley-dev/parley/server/mail"
	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/webhook"
	"github.com/parley-dev/parley/storage"
)

// Store is what the Notifier reads and queues into.
type Store interface {
	Site(ctx context.Context, id string) (storage.Site, error)
	Page(ctx context.Context, siteID, key string) (storage.Page, error)
	Comment(ctx context.Context, siteID, id string) (storage.Comment, error)
	Users(ctx context.Context) ([]storage.User, error)
	Enqueue(ctx context.Context, m storage.Message) error
	Subscriber(ctx context.Context, siteID, email string) (storage.Subscriber, error)
	PutSubscriber(ctx context.Context, s storage.Subscriber) error
}

// Config is what a Notifier needs.
type Config struct {
	Store  Store
	Bus    live.Bus
	Tokens *Tokens
	// BaseURL is the instance's public URL, for links in messages.
	BaseURL string
	// Mail says the instance can send e-mail; without it no e-mail is
	// queued (webhooks still are).
	Mail bool
	// Kick wakes the outbox worker after a message was queued.
	Kick   func()
	Now    func() time.Time
	Logger *slog.Logger
}

// Link lifetimes: a confirmation is asked for now, a staff action may wait
// for a holiday; an unsubscribe link works as long as the mail is kept.
const (
	confirmFor  = 7 * 24 * time.Hour
	moderateFor = 14 * 24 * time.Hour
	// confirmEvery is how often one address may be sent a confirmation
	// on one site: a form cannot be used to flood someone's inbox.
	confirmEvery = 24 * time.Hour
	excerpt      = 2000 // runes of a comment in a message
)

// Notifier queues the messages that changes call for.
type Notifier struct {
	cfg  Config
	sub  *live.Subscription
	done chan struct{}
	once sync.Once
}

// New starts a Notifier on cfg.Bus. Close stops it.
func New(cfg Config) *Notifier {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Kick == nil {
		cfg.Kick = func() {}
	}
	n := &Notifier{cfg: cfg, sub: cfg.Bus.Subscribe(4096), done: make(chan struct{})}
	go n.run()
	return n
}

// Close stops the Notifier once the events it has received are handled.
func (n *Notifier) Close() {
	n.once.Do(n.sub.Close)
	<-n.done
}

// MailEnabled reports whether the instance sends e-mail.
func (n *Notifier) MailEnabled() bool { return n.cfg.Mail }

func (n *Notifier) run() {
	defer close(n.done)
	var lost int64
	for e := range n.sub.C {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := n.handle(ctx, *e); err != nil {
			n.cfg.Logger.Error("notify: queue messages", slog.String("site", e.Comment.SiteID),
				slog.String("comment", e.Comment.ID), slog.Any("err", err))
		}
		cancel()
		if l := n.sub.Lost(); l > lost {
			n.cfg.Logger.Error("notify: events dropped, their messages are not sent", slog.Int64("events", l-lost))
			lost = l
		}
	}
}

func (n *Notifier) handle(ctx context.Context, e live.Event) error {
	if e.Kind == live.Scored || e.Kind == live.Reloaded || e.Kind == live.Missed {
		return nil // votes and imports send nothing: no reads for them
	}
	c := &e.Comment
	site, err := n.cfg.Store.Site(ctx, c.SiteID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // deleted since
	} else if err != nil {
		return err
	}
	page, err := n.cfg.Store.Page(ctx, c.SiteID, c.PageKey)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	page.SiteID, page.Key = c.SiteID, c.PageKey
	var errs []error
	if typ := webhookType(e); typ != "" && site.Settings.WebhookURL != "" && site.SigningSecret != "" {
		errs = append(errs, n.webhook(ctx, typ, e, site, page))
	}
	if n.cfg.Mail && e.Kind == live.Created && c.Author.Badge == storage.BadgeNone {
		errs = append(errs, n.staff(ctx, site, page, c))
	}
	if n.cfg.Mail && c.ParentID != "" && c.Status == storage.StatusApproved &&
		(e.Kind == live.Created || (e.Kind == live.Changed && e.Before != storage.StatusApproved)) {
		errs = append(errs, n.reply(ctx, site, page, c))
	}
	return errors.Join(errs...)
}

// webhookType is the webhook event a change is, "" for none.
func webhookType(e live.Event) string {
	gone := func(s storage.Status) bool { return s == storage.StatusDeleted || s == storage.StatusSpam }
	switch st := e.Comment.Status; {
	case e.Kind == live.Created:
		return "comment.created"
	case e.Kind != live.Changed:
		return ""
	case st == storage.StatusApproved && e.Before != storage.StatusApproved:
		return "comment.approved"
	case gone(st) && !gone(e.Before):
		return "comment.deleted"
	case e.BodyEdited && !gone(st):
		return "comment.edited"
	}
	return ""
}

func (n *Notifier) webhook(ctx context.Context, typ string, e live.Event, site storage.Site, page storage.Page) error {
	to := site.Settings.WebhookURL
	eventID := "evt_" + digest(site.ID, e.Comment.ID, typ, strconv.FormatInt(e.Version, 10))[:24]
	body, err := webhook.Body(typ, eventID, n.cfg.Now(), site, page, e.Comment)
	if err != nil {
		return err
	}
	return n.enqueue(ctx, storage.Message{ID: "wh_" + digest(eventID, to), Kind: storage.MessageWebhook,
		SiteID: site.ID, Topic: typ, To: to, Payload: body})
}

// staff tells the site's notification address, and the staff who asked,
// about a new comment.
func (n *Notifier) staff(ctx context.Context, site storage.Site, page storage.Page, c *storage.Comment) error {
	held := c.Status == storage.StatusPending
	switch site.Settings.NotifyMode {
	case storage.NotifyNone:
		return nil
	case storage.NotifyHeld:
		if !held {
			return nil
		}
	}
	to, err := n.staffAddresses(ctx, site)
	if err != nil {
		return err
	}
	var errs []error
	for _, addr := range to {
		d := mail.StaffData{
			To: addr, SiteName: siteName(site), PageTitle: pageTitle(page), PageURL: permalink(page, c.ID),
			AuthorName: c.Author.Name, AuthorAffiliation: c.Author.Affiliation,
			CommentHTML: c.HTML, CommentText: plainText(c.HTML, excerpt), Held: held, HoldReasons: holdTexts(c.HoldReasons),
			RemoveURL:   n.moderateURL(site.ID, c.ID, "remove", addr),
			ReplyURL:    n.cfg.BaseURL + "/admin/sites/" + site.ID + "/comments/" + c.ID,
			SettingsURL: n.cfg.BaseURL + "/admin/",
			ID:          digest("staff", c.ID, addr),
		}
		if held {
			d.ApproveURL = n.moderateURL(site.ID, c.ID, "approve", addr)
		}
		errs = append(errs, n.queueMail(ctx, site.ID, "staff", mail.Staff("en", d)))
	}
	return errors.Join(errs...)
}

// staffAddresses are the site's notification address and those of its
// staff who opted in, each once.
func (n *Notifier) staffAddresses(ctx context.Context, site storage.Site) ([]string, error) {
	var to []string
	add := func(a string) {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" && !slices.Contains(to, a) {
			to = append(to, a)
		}
	}
	add(site.Settings.NotifyEmail)
	users, err := n.cfg.Store.Users(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.Email != "" && slices.Contains(u.NotifySites, site.ID) && (u.Admin || u.Role(site.ID) != "") {
			add(u.Email)
		}
	}
	return to, nil
}

// reply tells the author of c's parent about c, if they asked and
// confirmed.
func (n *Notifier) reply(ctx context.Context, site storage.Site, page storage.Page, c *storage.Comment) error {
	parent, err := n.cfg.Store.Comment(ctx, site.ID, c.ParentID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	addr := strings.ToLower(strings.TrimSpace(parent.Author.Email))
	if !parent.Notify || addr == "" || parent.Status != storage.StatusApproved || strings.EqualFold(addr, strings.TrimSpace(c.Author.Email)) ||
		(parent.ReaderHash != "" && parent.ReaderHash == c.ReaderHash) {
		return nil // not asked for, removed since, or one's own reply
	}
	sub, err := n.cfg.Store.Subscriber(ctx, site.ID, addr)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && sub.Confirmed.IsZero()) {
		return nil
	} else if err != nil {
		return err
	}
	m := mail.Reply(sub.Lang, mail.ReplyData{
		To: addr, SiteName: siteName(site), PageTitle: pageTitle(page), PageURL: permalink(page, c.ID),
		ReplierName: c.Author.Name, ReplierAffiliation: c.Author.Affiliation,
		ReplyHTML: c.HTML, ReplyText: plainText(c.HTML, excerpt), YourText: plainText(parent.HTML, 300),
		UnsubscribeURL: n.UnsubscribeURL(site.ID, addr),
		ID:             digest("reply", c.ID, addr),
	})
	return n.queueMail(ctx, site.ID, "reply", m)
}

// RequestReplies starts the double opt-in for the author of c, who asked to
// hear of replies: unless their address is confirmed on the site already,
// or was sent a confirmation in the last day, it queues a confirmation
// mail. Nothing else is sent to the address until it is confirmed.
func (n *Notifier) RequestReplies(ctx context.Context, site storage.Site, page storage.Page, c storage.Comment, lang string) error {
	addr := strings.ToLower(strings.TrimSpace(c.Author.Email))
	if !n.cfg.Mail || addr == "" {
		return nil
	}
	now := n.cfg.Now()
	sub, err := n.cfg.Store.Subscriber(ctx, site.ID, addr)
	switch {
	case err == nil && (!sub.Confirmed.IsZero() || now.Sub(sub.Requested) < confirmEvery):
		return nil
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return err
	}
	lang = mail.Lang(lang)
	sub = storage.Subscriber{SiteID: site.ID, Email: addr, Lang: lang, Requested: now}
	if err := n.cfg.Store.PutSubscriber(ctx, sub); err != nil {
		return err
	}
	tok := n.cfg.Tokens.Sign(Claims{Purpose: PurposeConfirm, Site: site.ID, Email: addr, Lang: lang,
		Expires: now.Add(confirmFor).Unix()})
	m := mail.Confirm(lang, mail.ConfirmData{
		To: addr, SiteName: siteName(site), PageTitle: pageTitle(page), PageURL: page.URL,
		ConfirmURL: n.cfg.BaseURL + "/mail/confirm?t=" + url.QueryEscape(tok),
		ID:         digest("confirm", site.ID, addr, now.Format(time.RFC3339)),
	})
	return n.queueMail(ctx, site.ID, "confirm", m)
}

// UnsubscribeURL is the one-click unsubscribe link of an address on a site.
func (n *Notifier) UnsubscribeURL(site, addr string) string {
	tok := n.cfg.Tokens.Sign(Claims{Purpose: PurposeUnsubscribe, Site: site, Email: addr})
	return n.cfg.BaseURL + "/mail/unsubscribe?t=" + url.QueryEscape(tok)
}

func (n *Notifier) moderateURL(site, comment, action, addr string) string {
	tok := n.cfg.Tokens.Sign(Claims{Purpose: PurposeModerate, Site: site, Comment: comment, Action: action, Email: addr,
		Expires: n.cfg.Now().Add(moderateFor).Unix()})
	return n.cfg.BaseURL + "/admin/mail/moderate?t=" + url.QueryEscape(tok)
}

func (n *Notifier) queueMail(ctx context.Context, site, topic string, m mail.Message) error {
	payload, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return n.enqueue(ctx, storage.Message{ID: "mail_" + digest(m.ID), Kind: storage.MessageMail, SiteID: site,
		Topic: topic, To: m.To, Payload: payload})
}

// enqueue queues m; one queued before under the same id is no error.
func (n *Notifier) enqueue(ctx context.Context, m storage.Message) error {
	now := n.cfg.Now()
	m.Created, m.Due, m.State = now, now, storage.MessagePending
	err := n.cfg.Store.Enqueue(ctx, m)
	if errors.Is(err, storage.ErrConflict) {
		return nil
	}
	if err == nil {
		n.cfg.Kick()
	}
	return err
}

// holdTexts are a comment's hold reasons in words.
func holdTexts(codes []string) []string {
	out := make([]string, len(codes))
	for i, r := range codes {
		out[i] = moderation.HoldText(r)
	}
	return out
}

func digest(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:16])
}

func siteName(s storage.Site) string {
	if s.Name != "" {
		return s.Name
	}
	return s.ID
}

func pageTitle(p storage.Page) string {
	if p.Title != "" {
		return p.Title
	}
	if p.URL != "" {
		return p.URL
	}
	return p.Key
}

// permalink links to a comment on its blog page, as the widget's own
// permalinks do.
func permalink(p storage.Page, id string) string {
	if p.URL == "" {
		return ""
	}
	return strings.SplitN(p.URL, "#", 2)[0] + "#parley-" + id
}

// Verify queues the magic-link e-mail of an e-mail verification: link is
// the page where the reader confirms, with the code in its fragment, and
// code identifies the message.
func (n *Notifier) Verify(ctx context.Context, site storage.Site, to, link, code, lang string) error {
	m := mail.Verify(lang, mail.VerifyData{
		To: to, SiteName: siteName(site), PageURL: link, Link: link,
		ID: digest("verify", site.ID, code),
	})
	return n.queueMail(ctx, site.ID, "verify", m)
}
