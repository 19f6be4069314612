package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/mail/mailtest"
	"github.com/parley-dev/parley/server/outbox"
	"github.com/parley-dev/parley/server/webhook"
	"github.com/parley-dev/parley/storage"
)

// newMailEnv is an env that sends mail to a real SMTP server started for
// the test, with an outbox that retries at once.
func newMailEnv(t *testing.T, settings ...func(*storage.SiteSettings)) (*env, *mailtest.Server) {
	t.Helper()
	smtp := mailtest.Start(t)
	quiet := func(s *storage.SiteSettings) { s.MinSubmitTime, s.DuplicateWindow, s.MaxLinks = 0, 0, -1 }
	e := newGuardedEnv(t, func(c *Config) {
		// RFC 8058's one-click header is for https links only.
		c.RatesOff, c.Mail, c.BaseURL = true, smtp.Config(), "https://parley.test"
		c.Outbox.Poll, c.Outbox.Backoff = 20*time.Millisecond, func(int) time.Duration { return 0 }
	}, append([]func(*storage.SiteSettings){quiet}, settings...)...)
	return e, smtp
}

// link finds the first URL in text that starts with prefix.
func link(t *testing.T, text, prefix string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[^\s"<>]*`).FindString(text)
	if m == "" {
		t.Fatalf("no %s link in:\n%s", prefix, text)
	}
	return strings.ReplaceAll(m, "&amp;", "&")
}

// pathOf is the path and query of an absolute link to the test server.
func pathOf(t *testing.T, raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.RequestURI()
}

// form posts a URL-encoded form.
func (e *env) form(path string, values url.Values) resp {
	return e.do(req{method: "POST", path: path, raw: []byte(values.Encode()), contentType: "application/x-www-form-urlencoded"})
}

func TestReplyNotificationsNeedConfirmation(t *testing.T) {
	e, smtp := newMailEnv(t)
	if !e.list("", "page=p").Settings.Notify {
		t.Fatal("the thread does not offer reply e-mails with mail set up")
	}
	ask := comment("p", "A question for the author")
	ask["author"] = map[string]any{"name": "Ada", "email": "Ada@Example.com"}
	ask["notify"], ask["lang"], ask["page_title"] = true, "de-AT", "Über Kaffee"
	ada := e.post("", ask)

	got := smtp.Wait(t, 1, 5*time.Second)
	confirm := got[0]
	if confirm.To[0] != "ada@example.com" || confirm.Header("List-Unsubscribe") != "" {
		t.Fatalf("confirmation to %v, unsubscribe %q", confirm.To, confirm.Header("List-Unsubscribe"))
	}
	if !strings.Contains(confirm.Text(), "Blog") {
		t.Fatalf("confirmation does not name the site:\n%s", confirm.Text())
	}
	confirmURL := link(t, confirm.Text(), "https://parley.test/mail/confirm?t=")

	// Before confirmation, a reply sends nothing.
	reply := func(name, body string) writeAnswer {
		in := comment("p", body)
		in["parent"], in["author"] = ada.Comment.ID, map[string]any{"name": name}
		return e.post("", in)
	}
	reply("Bob", "first answer")
	time.Sleep(300 * time.Millisecond)
	if n := len(smtp.Messages()); n != 1 {
		t.Fatalf("%d messages before confirmation", n)
	}

	// Opening the link changes nothing; its button does.
	page := e.do(req{method: "GET", path: pathOf(t, confirmURL)})
	if page.status != http.StatusOK || !strings.Contains(string(page.body), `<form method="post"`) {
		t.Fatalf("confirm page: %d %s", page.status, page.body)
	}
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("confirm page CSP %q", csp)
	}
	if sub, err := e.store.Subscriber(context.Background(), "blog", "ada@example.com"); err != nil || !sub.Confirmed.IsZero() {
		t.Fatalf("GET confirmed the address: %+v %v", sub, err)
	}
	tok, _ := url.Parse(confirmURL)
	done := e.form("/mail/confirm", url.Values{"t": {tok.Query().Get("t")}})
	if done.status != http.StatusOK || !strings.Contains(string(done.body), `lang="de"`) {
		t.Fatalf("confirm: %d %s", done.status, done.body)
	}

	// Now a reply arrives, with a one-click unsubscribe.
	reply("<b>Bob</b>", "the **real** answer")
	got = smtp.Wait(t, 2, 5*time.Second)
	m := got[1]
	if m.To[0] != "ada@example.com" || !strings.Contains(m.Text(), "real") {
		t.Fatalf("reply mail to %v:\n%s", m.To, m.Text())
	}
	if strings.Contains(m.HTML(), "<b>Bob</b>") || !strings.Contains(m.HTML(), "&lt;b&gt;Bob&lt;/b&gt;") {
		t.Fatalf("the replier's name is not escaped:\n%s", m.HTML())
	}
	if m.Header("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("List-Unsubscribe-Post %q", m.Header("List-Unsubscribe-Post"))
	}
	unsub := strings.Trim(m.Header("List-Unsubscribe"), "<>")

	// Replying to oneself sends nothing.
	self := comment("p", "thanks")
	self["parent"], self["author"] = ada.Comment.ID, map[string]any{"name": "Ada", "email": "ada@example.com"}
	e.post(ada.ReaderToken, self)

	// The mail client's one-click POST unsubscribes, with no page.
	r := e.do(req{method: "POST", path: pathOf(t, unsub), raw: []byte("List-Unsubscribe=One-Click"),
		contentType: "application/x-www-form-urlencoded"})
	if r.status != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d %s", r.status, r.body)
	}
	reply("Carol", "too late")
	time.Sleep(300 * time.Millisecond)
	if n := len(smtp.Messages()); n != 2 {
		t.Fatalf("%d messages after unsubscribing", n)
	}

	// A forged link changes nothing.
	bad := e.form("/mail/confirm", url.Values{"t": {tok.Query().Get("t") + "x"}})
	if bad.status != http.StatusBadRequest {
		t.Fatalf("forged token: %d", bad.status)
	}
	if _, err := e.store.Subscriber(context.Background(), "blog", "ada@example.com"); err == nil {
		t.Fatal("a forged confirmation subscribed again")
	}
}

func TestNoMailSettingsNoReplyEmails(t *testing.T) {
	e := newEnv(t)
	if e.list("", "page=p").Settings.Notify {
		t.Fatal("reply e-mails offered without a mail server")
	}
	in := comment("p", "hi")
	in["author"], in["notify"] = map[string]any{"name": "Ada", "email": "ada@example.com"}, true
	a := e.post("", in)
	c, err := e.store.Comment(context.Background(), "blog", a.Comment.ID)
	if err != nil || c.Notify {
		t.Fatalf("notify stored without mail: %+v %v", c.Notify, err)
	}
}

func TestStaffHearOfHeldComments(t *testing.T) {
	e, smtp := newMailEnv(t, func(s *storage.SiteSettings) {
		s.NotifyEmail, s.NotifyMode, s.Moderation = "owner@example.com", storage.NotifyHeld, storage.ModerateFirst
	})
	// A reader's first comment is held (first-comment mode): staff hear.
	held := e.post("", comment("p", "please approve me"))
	got := smtp.Wait(t, 1, 5*time.Second)
	m := got[0]
	if m.To[0] != "owner@example.com" || !strings.Contains(m.Header("Subject"), "review") || !strings.Contains(m.Text(), "please approve me") {
		t.Fatalf("staff mail to %v, %q:\n%s", m.To, m.Header("Subject"), m.Text())
	}
	if !strings.Contains(m.Text(), "The reader's first comment") {
		t.Fatalf("staff mail does not say in words why it is held:\n%s", m.Text())
	}
	approve := link(t, m.Text(), "https://parley.test/admin/mail/moderate?t=")
	link(t, m.Text(), "https://parley.test/admin/sites/blog/comments/"+held.Comment.ID)

	page := e.do(req{method: "GET", path: pathOf(t, approve)})
	if page.status != http.StatusOK || !strings.Contains(string(page.body), "please approve me") {
		t.Fatalf("approve page: %d %s", page.status, page.body)
	}
	if c, _ := e.store.Comment(context.Background(), "blog", held.Comment.ID); c.Status != storage.StatusPending {
		t.Fatalf("GET changed the status to %s", c.Status)
	}
	tok, _ := url.Parse(approve)
	if r := e.form("/admin/mail/moderate", url.Values{"t": {tok.Query().Get("t")}}); r.status != http.StatusOK {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if c, _ := e.store.Comment(context.Background(), "blog", held.Comment.ID); c.Status != storage.StatusApproved {
		t.Fatalf("status after approval %s", c.Status)
	}
	audit, err := e.store.Audit(context.Background(), "blog", 1)
	if err != nil || len(audit) != 1 || audit[0].Action != "approve" || audit[0].Actor != "e-mail link to owner@example.com" {
		t.Fatalf("audit %+v %v", audit, err)
	}
	// The reader is known now: their next comment is published, and
	// staff who asked only for held comments hear nothing.
	e.post(held.ReaderToken, comment("p", "second, not held"))
	time.Sleep(300 * time.Millisecond)
	if n := len(smtp.Messages()); n != 1 {
		t.Fatalf("%d staff mails; want 1", n)
	}
}

func TestMailSurvivesAnOutage(t *testing.T) {
	e, smtp := newMailEnv(t, func(s *storage.SiteSettings) { s.NotifyEmail = "owner@example.com" })
	smtp.Stop()
	e.post("", comment("p", "sent while the mail server is down"))
	// It is tried, and fails, and stays queued.
	var msgs []storage.Message
	for i := 0; ; i++ {
		var err error
		msgs, err = e.store.SiteMessages(context.Background(), "blog", storage.MessageMail, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 1 && msgs[0].Attempts >= 2 {
			break
		}
		if i > 1000 { // 10 s: a busy machine is slow, not wrong
			t.Fatalf("messages %+v", msgs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if msgs[0].State != storage.MessagePending || msgs[0].LastError == "" {
		t.Fatalf("after failed attempts: %+v", msgs[0])
	}
	// Parley restarts too; the queue is in the store. A restart in the
	// middle of an attempt leaves the message leased: it is tried again
	// once the lease runs out, which the clock is moved past.
	e.restart()
	e.clock.Advance(outbox.DefaultLease + time.Second)
	smtp.Restart()
	got := smtp.Wait(t, 1, 15*time.Second)
	if !strings.Contains(got[0].Text(), "sent while the mail server is down") {
		t.Fatalf("delivered:\n%s", got[0].Text())
	}
}

// receiver is a webhook endpoint that fails its first fails calls.
type receiver struct {
	mu    sync.Mutex
	fails int
	got   []*http.Request
	body  [][]byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.fails > 0 {
		rc.fails--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	rc.got, rc.body = append(rc.got, r), append(rc.body, b)
}

func (rc *receiver) wait(t *testing.T, n int) ([]*http.Request, [][]byte) {
	t.Helper()
	for i := 0; i < 500; i++ {
		rc.mu.Lock()
		if len(rc.got) >= n {
			defer rc.mu.Unlock()
			return rc.got, rc.body
		}
		rc.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("fewer than %d deliveries", n)
	return nil, nil
}

func TestWebhooksAreSignedAndRetried(t *testing.T) {
	rc := &receiver{fails: 2}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	e := newGuardedEnv(t, func(c *Config) {
		c.RatesOff, c.AllowPrivateCallbacks = true, true // the receiver is on loopback
		c.Outbox.Poll, c.Outbox.Backoff = 20*time.Millisecond, func(int) time.Duration { return 0 }
	}, func(s *storage.SiteSettings) { s.WebhookURL, s.MinSubmitTime = hook.URL, 0 })
	site, _ := e.store.Site(context.Background(), "blog")
	site.SigningSecret = "psec_test-secret"
	if err := e.store.UpdateSite(context.Background(), site); err != nil {
		t.Fatal(err)
	}
	in := comment("p", "hooked")
	in["author"] = map[string]any{"name": "Ada", "email": "ada@example.com"}
	a := e.post("", in)
	e.do(req{method: "PATCH", path: "/api/v1/sites/blog/comments/" + a.Comment.ID, body: map[string]any{"body": "hooked, edited"},
		token: a.ReaderToken, origin: testOrigin})
	e.do(req{method: "DELETE", path: "/api/v1/sites/blog/comments/" + a.Comment.ID, token: a.ReaderToken, origin: testOrigin})

	got, bodies := rc.wait(t, 3)
	var types []string
	for i, r := range got {
		if !webhook.Verify([]byte(site.SigningSecret), bodies[i], r.Header.Get("X-Parley-Signature")) {
			t.Fatalf("delivery %d: signature %q does not verify", i, r.Header.Get("X-Parley-Signature"))
		}
		if r.Header.Get("X-Parley-Event-Id") == "" || r.Header.Get("X-Parley-Timestamp") == "" {
			t.Fatalf("delivery %d headers %v", i, r.Header)
		}
		if strings.Contains(string(bodies[i]), "ada@example.com") {
			t.Fatalf("delivery %d shows the e-mail: %s", i, bodies[i])
		}
		types = append(types, r.Header.Get("X-Parley-Event"))
	}
	// A batch is delivered at once, so deliveries may arrive in any
	// order; receivers order them by the event's time.
	slices.Sort(types)
	if strings.Join(types, ",") != "comment.created,comment.deleted,comment.edited" {
		t.Fatalf("events %v", types)
	}
	// The receiver answers before the outbox records the delivery, so
	// the log is read until every delivery is marked sent.
	var log []storage.Message
	for i := 0; ; i++ {
		var err error
		log, err = e.store.SiteMessages(context.Background(), "blog", storage.MessageWebhook, 10)
		if err != nil || len(log) != 3 {
			t.Fatalf("delivery log %d %v", len(log), err)
		}
		if !slices.ContainsFunc(log, func(m storage.Message) bool { return m.State != storage.MessageSent }) {
			break
		}
		if i > 1000 { // 10 s: a busy machine is slow, not wrong
			t.Fatalf("deliveries not all marked sent: %+v", log)
		}
		time.Sleep(10 * time.Millisecond)
	}
	attempts := 0
	for _, m := range log {
		attempts += m.Attempts
	}
	if attempts != 5 { // two refused, then three delivered
		t.Fatalf("%d attempts for 3 deliveries after 2 failures", attempts)
	}
}
