package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/parley-dev/parley/server/sso"
)

const (
	testParleyURL = "http://comments.example.test"
	testSite      = "myblog"
	// A secret in the shape sso.Secret makes: psso_ and 43 base64url chars.
	testSecret  = "psso_P0zXxdnNV807sjmqT_sTlIxu1DJ8tTvwmodz6pMYLSY"
	otherSecret = "psso_IO2MUgdoAd7iWt0g3zvU29wQlc1143K5vWy24rrwnYc"
)

func TestGoExample(t *testing.T) {
	cfg, _, err := configFromEnv(testEnv(map[string]string{}).get)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newHandler(cfg))
	defer srv.Close()
	checkBlog(t, srv.URL)
}

func TestPythonExample(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 is not installed (.ci/run installs it): %v", err)
		}
		t.Skipf("python3 is not installed: %v", err)
	}
	cmd := exec.Command("python3", "python/blog.py")
	cmd.Env = append(os.Environ(), testEnv(map[string]string{"PORT": "0"}).list()...)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("blog.py's stderr:\n%s", stderr.String())
		}
	})

	line := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		l, _ := r.ReadString('\n')
		line <- strings.TrimSpace(l)
		io.Copy(io.Discard, r) // keep the pipe drained
	}()
	var base string
	select {
	case l := <-line:
		var ok bool
		if base, ok = strings.CutPrefix(l, "listening on "); !ok {
			t.Fatalf("blog.py's first line is %q, want \"listening on http://...\"; stderr:\n%s", l, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("blog.py did not say where it listens within 15 s; stderr:\n%s", stderr.String())
	}
	checkBlog(t, base)
}

// TestConfigFromEnv checks the defaults and the required settings.
func TestConfigFromEnv(t *testing.T) {
	cfg, addr, err := configFromEnv(testEnv(map[string]string{"PARLEY_URL": "http://localhost:8080/"}).get)
	if err != nil || cfg.ParleyURL != "http://localhost:8080" || addr != "127.0.0.1:8090" {
		t.Errorf("got %+v, %q, %v; want the URL without its trailing slash and 127.0.0.1:8090", cfg, addr, err)
	}
	if _, addr, _ := configFromEnv(testEnv(map[string]string{"PORT": "9000"}).get); addr != "127.0.0.1:9000" {
		t.Errorf("PORT=9000: addr %q", addr)
	}
	if _, addr, _ := configFromEnv(testEnv(map[string]string{"ADDR": "0.0.0.0:80", "PORT": "9000"}).get); addr != "0.0.0.0:80" {
		t.Errorf("ADDR=0.0.0.0:80: addr %q", addr)
	}
	if _, _, err := configFromEnv(testEnv(map[string]string{"PARLEY_SSO_SECRET": ""}).get); err == nil {
		t.Error("no secret: no error")
	}
}

// testEnv is the examples' environment: the test's Parley, site and
// secret, with overrides ("" unsets).
type testEnv map[string]string

func (e testEnv) get(k string) string {
	if v, ok := e[k]; ok {
		return v
	}
	return map[string]string{"PARLEY_URL": testParleyURL, "PARLEY_SITE": testSite, "PARLEY_SSO_SECRET": testSecret}[k]
}

func (e testEnv) list() []string {
	var l []string
	for _, k := range []string{"PARLEY_URL", "PARLEY_SITE", "PARLEY_SSO_SECRET", "ADDR", "PORT"} {
		l = append(l, k+"="+e.get(k))
	}
	return l
}

// checkBlog runs a member's visit against the example blog at base.
func checkBlog(t *testing.T, base string) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &blogClient{t: t, base: base, http: &http.Client{
		Jar:     jar,
		Timeout: 10 * time.Second,
		// Redirects are not followed, so the test sees each response.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}

	// Signed out: no payload anywhere.
	c.checkSignedOut("at first")

	// A forged session cookie signs no one in.
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "1.forged", Path: "/"}})
	c.checkSignedOut("with a forged session cookie")

	// An unknown member cannot sign in.
	if res, _ := c.do("POST", "/login", url.Values{"member": {"99"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("POST /login as member 99: status %d, want 400", res.StatusCode)
	}

	// Sign in as Ada.
	res, _ := c.do("POST", "/login", url.Values{"member": {"1"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("POST /login: status %d, Location %q; want 303 to /", res.StatusCode, res.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || session.Value == "" {
		t.Fatalf("POST /login set no %s cookie: %q", sessionCookie, res.Header.Values("Set-Cookie"))
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %q: want HttpOnly and SameSite=Lax", res.Header.Get("Set-Cookie"))
	}

	want := sso.Member{ID: "1", Name: "Ada Lovelace", Email: "ada@example.com", Affiliation: "Member since 1843"}
	page := c.page()
	if !page.ssoSet || page.sso == "" {
		t.Fatalf("signed in: the snippet has no data-sso:\n%s", page.body)
	}
	c.checkPayload("the page's data-sso", page.sso, want)
	if !strings.Contains(page.body, "Ada Lovelace") {
		t.Error("signed in: the page does not name the member")
	}
	spa := c.ssoPayload()
	if spa == "" {
		t.Fatal("signed in: GET /sso-payload is empty")
	}
	c.checkPayload("GET /sso-payload", spa, want)

	// Sign out.
	res, _ = c.do("POST", "/logout", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("POST /logout: status %d, want 303", res.StatusCode)
	}
	c.checkSignedOut("after signing out")
}

type blogClient struct {
	t    *testing.T
	base string
	http *http.Client
}

// do sends a request (a form when form is not nil) and returns the
// response and its body; no response ever holds the secret.
func (c *blogClient) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	var head bytes.Buffer
	res.Header.Write(&head)
	if strings.Contains(head.String()+string(b), testSecret) {
		c.t.Errorf("%s %s: the response holds the SSO secret", method, path)
	}
	return res, string(b)
}

type page struct {
	body           string
	sso            string
	ssoSet         bool // whether the snippet has a data-sso attribute
	src, site      string
	snippet, mount bool // whether the page has the script and <div id="parley">
}

// page gets / and finds Parley's snippet in it.
func (c *blogClient) page() page {
	c.t.Helper()
	res, body := c.do("GET", "/", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		c.t.Fatalf("GET /: status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		c.t.Fatalf("GET /: %v", err)
	}
	p := page{body: body}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		attrs := map[string]string{}
		for _, a := range n.Attr {
			attrs[a.Key] = a.Val
		}
		switch {
		case n.Data == "div" && attrs["id"] == "parley":
			p.mount = true
		case n.Data == "script" && attrs["data-site"] != "":
			if p.snippet {
				c.t.Fatalf("GET /: two Parley snippets:\n%s", body)
			}
			p.snippet, p.src, p.site = true, attrs["src"], attrs["data-site"]
			p.sso, p.ssoSet = attrs["data-sso"]
		}
	}
	if !p.mount || !p.snippet {
		c.t.Fatalf("GET /: no <div id=\"parley\"> or no Parley <script>:\n%s", body)
	}
	if p.src != testParleyURL+"/embed.js" || p.site != testSite {
		c.t.Errorf("GET /: snippet src %q, data-site %q; want %q, %q", p.src, p.site, testParleyURL+"/embed.js", testSite)
	}
	return p
}

// ssoPayload gets /sso-payload's payload.
func (c *blogClient) ssoPayload() string {
	c.t.Helper()
	res, body := c.do("GET", "/sso-payload", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		c.t.Fatalf("GET /sso-payload: status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var v struct {
		Payload *string `json:"payload"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.Payload == nil {
		c.t.Fatalf("GET /sso-payload: %q is not {\"payload\": \"...\"} (%v)", body, err)
	}
	return *v.Payload
}

func (c *blogClient) checkSignedOut(when string) {
	c.t.Helper()
	if p := c.page(); p.ssoSet {
		c.t.Errorf("signed out (%s): the snippet has data-sso=%q", when, p.sso)
	}
	if p := c.ssoPayload(); p != "" {
		c.t.Errorf("signed out (%s): GET /sso-payload = %q, want \"\"", when, p)
	}
}

// checkPayload checks that payload verifies with the site's secret, signs
// in want for about ten minutes, and does not verify with another secret.
func (c *blogClient) checkPayload(where, payload string, want sso.Member) {
	c.t.Helper()
	now := time.Now()
	m, err := sso.Verify([]byte(testSecret), payload, now)
	if err != nil {
		c.t.Fatalf("%s: sso.Verify: %v (payload %q)", where, err, payload)
	}
	exp := time.Unix(m.Expires, 0)
	if left := exp.Sub(now); left < 9*time.Minute || left > 10*time.Minute+5*time.Second {
		c.t.Errorf("%s: exp is %v from now, want 10 minutes", where, left)
	}
	m.Expires = 0
	if m != want {
		c.t.Errorf("%s: member %+v, want %+v", where, m, want)
	}
	if _, err := sso.Verify([]byte(otherSecret), payload, now); !errors.Is(err, sso.ErrSignature) {
		c.t.Errorf("%s: verified with another secret: err %v, want sso.ErrSignature", where, err)
	}
}

// lockedBuffer is a bytes.Buffer a child process's output goroutine and
// the test can share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
