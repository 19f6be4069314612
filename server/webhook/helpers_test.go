package webhook

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/outbound"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

const (
	testSecret = "psec_test-secret"
	testEmail  = "alice.author@example.org"
	testReader = "readerhash-5f1c9a"
	testIP     = "iphash-77b2e0"
)

var testNow = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// openStore opens a real store in t.TempDir() holding the site "blog"
// with the given webhook URL and secret.
func openStore(t *testing.T, webhookURL, secret string) *badgerstore.Store {
	t.Helper()
	s, err := badgerstore.Open(t.TempDir(), badgerstore.Options{GCInterval: -1})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	site := storage.Site{ID: "blog", Name: "Blog", OwnerID: "u1", Settings: storage.DefaultSiteSettings(), SigningSecret: secret}
	site.Settings.WebhookURL = webhookURL
	if err := s.CreateSite(context.Background(), site); err != nil {
		t.Fatalf("create site: %v", err)
	}
	return s
}

// updateSite applies change to the stored site "blog".
func updateSite(t *testing.T, s *badgerstore.Store, change func(*storage.Site)) {
	t.Helper()
	site, err := s.Site(context.Background(), "blog")
	if err != nil {
		t.Fatalf("read site: %v", err)
	}
	change(&site)
	if err := s.UpdateSite(context.Background(), site); err != nil {
		t.Fatalf("update site: %v", err)
	}
}

// received is one request a hook got.
type received struct {
	header http.Header
	body   []byte
}

// hook is a real HTTP receiver on loopback. It answers the statuses in
// turn, then 200 to everything.
type hook struct {
	URL string

	mu       sync.Mutex
	statuses []int
	got      []received
}

func newHook(t *testing.T, statuses ...int) *hook {
	t.Helper()
	h := &hook{statuses: statuses}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, received{header: r.Header.Clone(), body: body})
		status := http.StatusOK
		if len(h.statuses) > 0 {
			status, h.statuses = h.statuses[0], h.statuses[1:]
		}
		h.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, "thanks")
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL + "/hooks/parley?token=t0ps3cret"
	return h
}

func (h *hook) requests() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]received(nil), h.got...)
}

// newDeliverer returns a Deliverer over s whose client may reach loopback
// and whose clock stands at testNow.
func newDeliverer(s Sites) *Deliverer {
	return New(Config{
		Client: outbound.NewClient(outbound.Options{AllowPrivate: true, Timeout: 5 * time.Second}),
		Sites:  s,
		Now:    func() time.Time { return testNow },
	})
}

// testComment is a reply whose author left an e-mail address and which
// carries the private hashes, none of which may leave the server.
func testComment() storage.Comment {
	return storage.Comment{
		ID: "c2", SiteID: "blog", PageKey: "/post/1", ParentID: "c1",
		Author:   storage.Author{Name: "Alice", Affiliation: "ACME", Website: "https://alice.example", Email: testEmail, Badge: storage.BadgeModerator},
		Markdown: "Hello *world*", HTML: "<p>Hello <em>world</em></p>",
		Created: testNow.Add(-time.Minute), Status: storage.StatusApproved, Score: 3,
		ReaderHash: testReader, IPHash: testIP, Fingerprint: "fp-1",
	}
}

var testPage = storage.Page{SiteID: "blog", Key: "/post/1", URL: "https://blog.example/post/1", Title: "First post"}

// message returns a webhook message for to whose payload is a
// comment.created event about testComment.
func message(t *testing.T, to string) storage.Message {
	t.Helper()
	body, err := Body(TypeCreated, "evt-1", testNow, storage.Site{ID: "blog"}, testPage, testComment())
	if err != nil {
		t.Fatalf("Body: %v", err)
	}
	return storage.Message{ID: "evt-1/webhook", Kind: storage.MessageWebhook, SiteID: "blog",
		Topic: TypeCreated, To: to, Payload: body, Created: testNow}
}
