package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/parley-dev/parley/server/outbound"
	"github.com/parley-dev/parley/server/outbox"
	"github.com/parley-dev/parley/storage"
)

// maxAnswer is how much of a receiver's answer is read.
const maxAnswer = 4 << 10

// DefaultTimeout bounds a call made with the client New builds when
// Config.Client is nil.
const DefaultTimeout = 10 * time.Second

// Sites is the store method a Deliverer reads the site's current webhook
// URL and signing secret with.
type Sites interface {
	Site(ctx context.Context, id string) (storage.Site, error)
}

// Config configures a Deliverer.
type Config struct {
	// Client sends the calls; it must come from outbound.NewClient, which
	// refuses private and loopback addresses unless told otherwise. Nil
	// means outbound.NewClient with the address rule on and
	// DefaultTimeout.
	Client *http.Client
	// Sites is required.
	Sites Sites
	// Now is the clock for the time headers; nil means time.Now.
	Now func() time.Time
}

// Deliverer delivers messages of kind storage.MessageWebhook; it is the
// outbox.Deliverer to register for that kind. It is safe for concurrent
// use.
type Deliverer struct {
	client *http.Client
	sites  Sites
	now    func() time.Time
}

var _ outbox.Deliverer = (*Deliverer)(nil)

// New returns a Deliverer for cfg. It panics without cfg.Sites, a wiring
// mistake.
func New(cfg Config) *Deliverer {
	if cfg.Sites == nil {
		panic("webhook: New without Sites")
	}
	if cfg.Client == nil {
		cfg.Client = outbound.NewClient(outbound.Options{Timeout: DefaultTimeout})
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Deliverer{client: cfg.Client, sites: cfg.Sites, now: cfg.Now}
}

// Errors of Deliver, each wrapped with outbox.Permanent.
var (
	ErrURLChanged = errors.New("webhook URL changed")
	ErrNoSecret   = errors.New("site has no signing secret")
	ErrSiteGone   = errors.New("site deleted")
	ErrNotEvent   = errors.New("payload is not a webhook event")
)

// Deliver posts m.Payload to m.To, signed with the site's current secret
// (see the package documentation for the headers and for which failures
// are permanent). Its errors name neither the URL nor the secret.
func (d *Deliverer) Deliver(ctx context.Context, m storage.Message) error {
	if m.Kind != storage.MessageWebhook {
		return outbox.Permanent(fmt.Errorf("webhook: message of kind %q", m.Kind))
	}
	site, err := d.sites.Site(ctx, m.SiteID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return outbox.Permanent(ErrSiteGone)
	case err != nil:
		return fmt.Errorf("reading the site: %w", err)
	case site.Settings.WebhookURL == "" || site.Settings.WebhookURL != m.To:
		return outbox.Permanent(ErrURLChanged)
	case site.SigningSecret == "":
		return outbox.Permanent(ErrNoSecret)
	}
	var head struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(m.Payload, &head); err != nil || head.ID == "" || !validType(head.Type) {
		return outbox.Permanent(ErrNotEvent)
	}

	req, err := d.request(ctx, m.To, []byte(site.SigningSecret), m.Payload)
	if err != nil {
		return outbox.Permanent(errors.New("webhook URL is not valid"))
	}
	req.Header.Set(HeaderEvent, head.Type)
	req.Header.Set(HeaderEventID, head.ID)
	resp, err := d.client.Do(req)
	if err != nil {
		return sendError(err)
	}
	defer resp.Body.Close()
	outbound.ReadLimited(resp.Body, maxAnswer) // drained for the connection's reuse; the text is not kept
	return answerError(resp)
}

// request builds the POST the way outbound.Post does (same headers, same
// Parley-Signature), plus the webhook's own signature and time; Post sets
// no extra headers, and the request goes out through the same client.
func (d *Deliverer) request(ctx context.Context, to string, secret, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	now := d.now()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", outbound.UserAgent)
	req.Header.Set(outbound.SignatureHeader, outbound.Sign(secret, now, body))
	req.Header.Set(HeaderSignature, Signature(secret, body))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	return req, nil
}

// sendError sorts a failed exchange: a refused address is permanent, the
// rest (refused connections, timeouts, resets) is retried. The URL, which
// may hold a token, is cut from the text.
func sendError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	if errors.Is(err, outbound.ErrForbiddenAddress) {
		return outbox.Permanent(fmt.Errorf("webhook address is not public: %w", err))
	}
	return fmt.Errorf("webhook call failed: %w", err)
}

// answerError sorts an answer by its status: nil for 2xx, a retryable
// error for 5xx, 408 and 429, a permanent one for the rest.
func answerError(resp *http.Response) error {
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return nil
	}
	err := fmt.Errorf("receiver answered %s", resp.Status)
	if code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests {
		return err
	}
	return outbox.Permanent(err)
}
