package admin_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/parley-dev/parley/server"
	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

const (
	baseURL    = "http://parley.test"
	cookieName = "parley_admin"
	blogOrigin = "https://blog.example"
	readerHash = "reader-1"
	password   = "correct horse battery"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// env is a whole Parley server over a real Badger store with two tenants:
// site "blog" (owner alice, moderator mia) and site "other" (owner bob),
// plus an instance admin "root". Each user has a session whose cookie
// token is "tok-<name>" and whose CSRF token is "csrf-<name>".
type env struct {
	t       *testing.T
	ctx     context.Context
	store   storage.Store
	srv     *server.Server
	clock   *clock
	pending storage.Comment // a pending comment on blog, page "p"
	live    storage.Comment // an approved comment on blog, page "p"
	foreign storage.Comment // an approved comment on other
	// app, when set, answers e.do instead of srv's app: an admin
	// handler built with a Config of the test's own (withAdmin).
	app *fiber.App
}

func newEnv(t *testing.T, signup bool, ops ...func() (int64, time.Time)) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), clock: &clock{now: time.Now().UTC().Truncate(time.Second)}}
	st, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.store = st
	// app.Test's connections come from 0.0.0.0: as a trusted proxy, it
	// lets a sign-in say which address it comes from (signInFrom).
	cfg := server.Config{BaseURL: baseURL, Now: e.clock.Now, Signup: signup, TrustedProxies: []string{"0.0.0.0"}}
	if len(ops) > 0 {
		cfg.Operations = ops[0]
	}
	e.srv, err = server.New(e.ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.srv.Close)
	for _, s := range []storage.Site{
		{ID: "blog", Name: "Blog", OwnerID: "alice", Origins: []string{blogOrigin}, Settings: storage.DefaultSiteSettings()},
		{ID: "other", Name: "Other", OwnerID: "bob", Origins: []string{"https://other.example"}, Settings: storage.DefaultSiteSettings()},
	} {
		e.must(st.CreateSite(e.ctx, s))
	}
	hash := passwordHash()
	for _, u := range []storage.User{
		{Name: "alice", Roles: map[string]storage.Role{"blog": storage.RoleOwner}},
		{Name: "mia", Roles: map[string]storage.Role{"blog": storage.RoleModerator}},
		{Name: "bob", Roles: map[string]storage.Role{"other": storage.RoleOwner}},
		{Name: "root", Admin: true},
		{Name: "zed"},
	} {
		u.PasswordHash = hash
		e.must(st.CreateUser(e.ctx, u))
		e.must(st.CreateSession(e.ctx, storage.Session{TokenHash: sha("tok-" + u.Name), UserName: u.Name,
			CSRF: "csrf-" + u.Name, Created: e.clock.Now(), Expires: e.clock.Now().Add(time.Hour)}))
	}
	e.pending = e.comment("blog", storage.StatusPending)
	e.live = e.comment("blog", storage.StatusApproved)
	e.foreign = e.comment("other", storage.StatusApproved)
	return e
}

// passwordHash is the hash of password, computed once: argon2id is slow on
// purpose.
var passwordHash = sync.OnceValue(func() string {
	h, err := admin.HashPassword(password)
	if err != nil {
		panic(err)
	}
	return h
})

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) comment(site string, st storage.Status) storage.Comment {
	e.t.Helper()
	c := storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: site, PageKey: "p", Status: st,
		Author: storage.Author{Name: "Reader", Email: "reader@example.com"}, Markdown: "hello " + string(st),
		HTML: "<p>hello</p>", Created: e.clock.Now(), ReaderHash: readerHash, IPHash: "ip-1"}
	e.must(e.store.CreateComment(e.ctx, c, storage.Page{URL: "https://" + site + ".example/p", Title: "P"}))
	return c
}

// call is one request to the admin page.
type call struct {
	method, path string
	user         string     // signed in as (cookie tok-<user>); "" for nobody
	form         url.Values // POST body; the user's CSRF token is added unless noCSRF
	noCSRF       bool
	header       map[string]string
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(c call) answer {
	e.t.Helper()
	var body io.Reader
	if c.method == http.MethodPost {
		f := url.Values{}
		for k, v := range c.form {
			f[k] = v
		}
		if c.user != "" && !c.noCSRF {
			f.Set("csrf", "csrf-"+c.user)
		}
		body = strings.NewReader(f.Encode())
	}
	r := httptest.NewRequest(c.method, c.path, body)
	if body != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.user != "" {
		r.AddCookie(&http.Cookie{Name: cookieName, Value: "tok-" + c.user})
	}
	for k, v := range c.header {
		r.Header.Set(k, v)
	}
	app := e.srv.App()
	if e.app != nil {
		app = e.app
	}
	res, err := app.Test(r, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", c.method, c.path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, header: res.Header, body: string(b)}
}

// snapshot is everything a request could change, as JSON, to prove that a
// refused request changed nothing.
func (e *env) snapshot() string {
	e.t.Helper()
	var all []any
	sites, err := e.store.Sites(e.ctx)
	e.must(err)
	all = append(all, sites)
	for _, s := range sites {
		pages, _ := e.store.Pages(e.ctx, s.ID, "", 0)
		comments, _ := e.store.PageComments(e.ctx, s.ID, "p")
		bans, _ := e.store.Bans(e.ctx, s.ID, e.clock.Now())
		audit, _ := e.store.Audit(e.ctx, s.ID, 0)
		flags, _ := e.store.FlaggedComments(e.ctx, s.ID)
		all = append(all, pages, comments, bans, audit, flags)
	}
	users, _ := e.store.Users(e.ctx)
	all = append(all, users)
	b, err := json.Marshal(all)
	e.must(err)
	return string(b)
}

// newReq is httptest.NewRequest with a form content type for bodies.
func newReq(method, path string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, path, body)
	if body != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return r
}

// settingsForm is the site settings form with the given moderation mode,
// the other fields at their defaults, and extra (name, value, ...) set.
func settingsForm(moderation string, extra ...string) url.Values {
	v := url.Values{"moderation": {moderation}, "edit_window": {"15"}, "max_length": {"10000"}, "close_after_days": {"0"},
		"min_submit_time": {"3"}, "duplicate_window": {"24"}, "max_links": {"2"}}
	for i := 0; i < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// saveSettings posts the blog's settings form as user.
func (e *env) saveSettings(user string, v url.Values) answer {
	return e.do(call{method: "POST", path: "/admin/sites/blog/settings", user: user, form: v})
}
