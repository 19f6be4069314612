package browsertest

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-dev/parley/server"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// The Parley servers of the tests: one shared by the widget tests, each
// with a site of its own (newSite), and fresh ones for tests that need an
// empty database (newEnv).

// siteID is the site the blog embeds in an env of its own (newEnv).
const siteID = "blog"

// testTimeout bounds one test's browser work.
const testTimeout = 60 * time.Second

// newEnv starts a world of its own: a fresh store and Parley server, for
// tests that need an empty database (the admin page's). The blog's site
// is "blog".
func newEnv(t testing.TB, settings ...func(*storage.SiteSettings)) *env {
	t.Helper()
	return newConfiguredEnv(t, nil, settings...)
}

// newConfiguredEnv is newEnv on a Parley server whose configuration cfg
// changes (nil: none).
func newConfiguredEnv(t testing.TB, cfg func(*server.Config), settings ...func(*storage.SiteSettings)) *env {
	t.Helper()
	bctx := requireBrowser(t)
	e := &env{t: t, net: &netlog{}, site: siteID}

	// Cleanups run last-in first-out: the tab closes first, then the
	// servers, then the store.
	store, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	srv, api, err := startServer(store, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	e.store, e.srv, e.api = store, srv, api
	e.start(bctx, settings)
	return e
}

// newSite is newEnv on the Parley server and store that the package's
// widget tests share: each test gets a site of its own ("blog-N") for its
// blog, so tests do not see each other's data, and skip the cost of a new
// database and a new widget build.
func newSite(t testing.TB, settings ...func(*storage.SiteSettings)) *env {
	t.Helper()
	bctx := requireBrowser(t)
	shared.once.Do(startShared)
	if shared.err != nil {
		t.Fatalf("start the shared Parley server: %v", shared.err)
	}
	e := &env{t: t, net: &netlog{}, store: shared.store, srv: shared.srv, api: shared.api,
		site: fmt.Sprintf("blog-%d", shared.sites.Add(1))}
	e.start(bctx, settings)
	return e
}

// shared is the Parley server of newSite, started on first use and stopped
// by TestMain.
var shared struct {
	once  sync.Once
	dir   string
	store storage.Store
	srv   *server.Server
	api   string
	sites atomic.Int64
	err   error
}

func startShared() {
	dir, err := os.MkdirTemp("", "parley-browsertest-")
	if err != nil {
		shared.err = err
		return
	}
	shared.dir = dir
	if shared.store, err = badgerstore.Open(dir, badgerstore.Options{}); err != nil {
		shared.err = err
		return
	}
	shared.srv, shared.api, shared.err = startServer(shared.store, nil)
}

func stopShared() {
	if shared.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		shared.srv.Shutdown(ctx)
		cancel()
	}
	if shared.store != nil {
		shared.store.Close()
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
}

// startServer serves a Parley server over store on http://localhost:PORT,
// configured as the tests need and then by cfg (nil: nothing more).
func startServer(store storage.Store, cfg func(*server.Config)) (*server.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	api := "http://localhost:" + fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	// Rate limits are off: a test seeds and posts far faster than readers.
	// Loopback is a trusted proxy, so seeds can say they come from another
	// reader than the browser (seed_test.go).
	c := server.Config{BaseURL: api, RatesOff: true, TrustedProxies: []string{"127.0.0.1"},
		// Every tab comes from 127.0.0.1 and holds a live stream, which a
		// closed tab keeps until its next heartbeat.
		MaxStreamsPerClient: 1000}
	if cfg != nil {
		cfg(&c)
	}
	srv, err := server.New(context.Background(), store, c)
	if err != nil {
		ln.Close()
		return nil, "", err
	}
	go func() {
		if err := srv.Serve(ln); err != nil {
			log.Printf("serve: %v", err)
		}
	}()
	return srv, api, nil
}
