package admin_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

func TestNotificationAndWebhookSettings(t *testing.T) {
	e := newEnv(t, false)
	form := func(extra ...string) url.Values { return settingsForm("none", extra...) }
	save := func(v url.Values) answer { return e.saveSettings("alice", v) }
	if a := save(form("notify_email", "owner@example.com", "notify_mode", "held", "webhook_url", "https://hooks.example/parley")); a.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", a.status, a.body)
	}
	s, _ := e.store.Site(e.ctx, "blog")
	if s.Settings.NotifyEmail != "owner@example.com" || s.Settings.NotifyMode != storage.NotifyHeld || s.Settings.WebhookURL != "https://hooks.example/parley" {
		t.Fatalf("settings after save: %+v", s.Settings)
	}
	if !strings.HasPrefix(s.SigningSecret, "psec_") {
		t.Fatalf("a webhook without a signing secret: %q", s.SigningSecret)
	}
	before := e.snapshot()
	for name, v := range map[string]url.Values{
		"loopback webhook": form("webhook_url", "http://127.0.0.1:9000/hook"),
		"private webhook":  form("webhook_url", "https://10.0.0.5/hook"),
		"not a URL":        form("webhook_url", "hooks.example"),
		"unknown mode":     form("notify_mode", "sometimes"),
	} {
		if a := save(v); a.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", name, a.status)
		}
	}
	if e.snapshot() != before {
		t.Fatal("a refused save changed something")
	}
	page := e.do(call{method: "GET", path: "/admin/sites/blog", user: "alice"})
	if !strings.Contains(page.body, `/api/v1/sites/blog/feed.atom`) {
		t.Fatal("the settings page does not give the feed's head link")
	}
	if !strings.Contains(page.body, `<option value="held" selected>`) || !strings.Contains(page.body, "no mail server set up") {
		t.Fatalf("settings page does not show the mode or that mail is off:\n%s", page.body)
	}
}

func TestDeliveryLogShowsTheSitesOwn(t *testing.T) {
	e := newEnv(t, false)
	now := e.clock.Now()
	for _, m := range []storage.Message{
		{ID: "m1", Kind: storage.MessageWebhook, SiteID: "blog", Topic: "comment.edited", To: "https://hooks.example/a", Payload: []byte("{}"), Created: now},
		{ID: "m2", Kind: storage.MessageWebhook, SiteID: "other", Topic: "comment.approved", To: "https://hooks.example/b", Payload: []byte("{}"), Created: now},
	} {
		e.must(e.store.Enqueue(e.ctx, m))
	}
	e.must(e.store.FinishAttempt(e.ctx, storage.Message{ID: "m1", State: storage.MessagePending, Attempts: 1,
		LastError: "receiver answered 503", Due: now.Add(time.Minute)}))
	page := e.do(call{method: "GET", path: "/admin/sites/blog", user: "alice"}).body
	if !strings.Contains(page, "comment.edited") || !strings.Contains(page, "receiver answered 503") {
		t.Fatalf("the delivery log lacks blog's delivery:\n%s", page)
	}
	if strings.Contains(page, "comment.approved") {
		t.Fatal("blog's page lists another site's delivery")
	}
}

func TestEachUserChoosesTheirNotifications(t *testing.T) {
	e := newEnv(t, false)
	a := e.do(call{method: "POST", path: "/admin/notifications", user: "alice",
		form: url.Values{"email": {"alice@example.com"}, "notify": {"blog", "other"}}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", a.status, a.body)
	}
	u, _ := e.store.User(e.ctx, "alice")
	if u.Email != "alice@example.com" || !slices.Equal(u.NotifySites, []string{"blog"}) {
		t.Fatalf("alice after save: %q %v (she holds no role on other)", u.Email, u.NotifySites)
	}
	dash := e.do(call{method: "GET", path: "/admin/", user: "alice"}).body
	if !strings.Contains(dash, `value="blog" checked`) || !strings.Contains(dash, `value="alice@example.com"`) {
		t.Fatalf("dashboard does not show the choice:\n%s", dash)
	}
	if a := e.do(call{method: "POST", path: "/admin/notifications", user: "alice", form: url.Values{"email": {"not an address"}}}); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad address: %d", a.status)
	}
	if a := e.do(call{method: "POST", path: "/admin/notifications", user: "alice", noCSRF: true, form: url.Values{"email": {"x@example.com"}}}); a.status == http.StatusSeeOther {
		t.Fatal("saved without a CSRF token")
	}
}

func TestModerateLinkRefusesBadTokens(t *testing.T) {
	e := newEnv(t, false)
	before := e.snapshot()
	for _, tok := range []string{"", "garbage", "eyJwIjoibW9kZXJhdGUifQ.AAAA"} {
		for _, m := range []string{"GET", "POST"} {
			c := call{method: m, path: "/admin/mail/moderate?t=" + url.QueryEscape(tok)}
			if m == "POST" {
				c = call{method: m, path: "/admin/mail/moderate", form: url.Values{"t": {tok}}}
			}
			if a := e.do(c); a.status != http.StatusBadRequest {
				t.Errorf("%s with %q: %d", m, tok, a.status)
			}
		}
	}
	if e.snapshot() != before {
		t.Fatal("a bad link changed something")
	}
}

func TestQueueShowsNewHeldCommentsLive(t *testing.T) {
	e := newEnv(t, false)
	if a := e.do(call{method: "GET", path: "/admin/sites/blog/events", user: "bob"}); a.status != http.StatusForbidden {
		t.Fatalf("another site's owner: %d", a.status)
	}
	queue := e.do(call{method: "GET", path: "/admin/sites/blog/queue", user: "mia"}).body
	if !strings.Contains(queue, `data-events="/admin/sites/blog/events"`) {
		t.Fatal("the pending tab does not ask for live updates")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	e.must(err)
	go e.srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		e.srv.Shutdown(ctx)
	})
	base := "http://" + ln.Addr().String()
	r, _ := http.NewRequest("GET", base+"/admin/sites/blog/events", nil)
	r.AddCookie(&http.Cookie{Name: cookieName, Value: "tok-mia"})
	res, err := http.DefaultClient.Do(r)
	e.must(err)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	post := func(site, origin, name string) {
		body := `{"page": "p", "body": "hello", "author": {"name": "` + name + `"}}`
		req, _ := http.NewRequest("POST", base+"/api/v1/sites/"+site+"/comments", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		res, err := http.DefaultClient.Do(req)
		e.must(err)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("post on %s: %d", site, res.StatusCode)
		}
	}
	// Without a form token the site's form check holds a comment.
	post("other", "https://other.example", "Elsewhere")
	post("blog", blogOrigin, "Nora")
	deadline := time.After(5 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("stream ended")
			}
			if strings.Contains(l, "Elsewhere") {
				t.Fatal("another site's comment reached blog's queue")
			}
			if strings.HasPrefix(l, "data: ") && strings.Contains(l, `"author":"Nora"`) {
				return
			}
		case <-deadline:
			t.Fatal("no held event")
		}
	}
}
