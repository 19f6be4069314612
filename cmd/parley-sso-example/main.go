// Command parley-sso-example is a tiny "member blog" that signs its members
// in to Parley's comments with the site's SSO secret, so they comment as
// verified readers without a second account. Copy what you need from it:
// the part Parley cares about is signPayload and the snippet in pageHTML.
//
//	PARLEY_URL=http://localhost:8080 PARLEY_SITE=demo \
//	PARLEY_SSO_SECRET=psso_... go run ./cmd/parley-sso-example
//
// Then open http://127.0.0.1:8090, sign in as a demo member and comment.
//
// Environment:
//
//	PARLEY_URL         Parley's base URL (default http://localhost:8080)
//	PARLEY_SITE        the site's id in Parley (required)
//	PARLEY_SSO_SECRET  the site's SSO secret, from the "Sign-in" part of
//	                   the site's settings in Parley's admin page (required)
//	ADDR               host:port to listen on (default 127.0.0.1:8090)
//	PORT               the port alone, on 127.0.0.1, when ADDR is not set
//
// It uses only the standard library.
package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// Member is one of the blog's own accounts.
type Member struct {
	ID          string
	Name        string
	Email       string
	Avatar      string // an https image URL, or ""
	Affiliation string // shown next to the name in the comments, or ""
}

// members stands in for the blog's user database.
var members = []Member{
	{ID: "1", Name: "Ada Lovelace", Email: "ada@example.com", Affiliation: "Member since 1843"},
	{ID: "2", Name: "Grace Hopper", Email: "grace@example.com", Affiliation: "Member since 1944"},
}

func memberByID(id string) (Member, bool) {
	for _, m := range members {
		if m.ID == id {
			return m, true
		}
	}
	return Member{}, false
}

// payloadTTL is how long a payload is accepted: it is signed fresh on every
// page view, so it only has to outlive the page's load.
const payloadTTL = 10 * time.Minute

// signPayload returns the sign-in payload Parley verifies:
//
//	base64url(JSON) "." base64url(HMAC-SHA256(secret, base64url(JSON)))
//
// base64url without padding; the HMAC key is the secret string's bytes.
// Sign on the server only: the secret must never reach a browser.
func signPayload(secret string, m Member, now time.Time) string {
	b, _ := json.Marshal(struct { // strings and an int: never fails
		ID          string `json:"id"`
		Name        string `json:"name"`
		Email       string `json:"email,omitempty"`
		Avatar      string `json:"avatar,omitempty"`
		Affiliation string `json:"affiliation,omitempty"`
		Exp         int64  `json:"exp"` // Unix seconds
	}{m.ID, m.Name, m.Email, m.Avatar, m.Affiliation, now.Add(payloadTTL).Unix()})
	body := base64.RawURLEncoding.EncodeToString(b)
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(body))
	return body + "." + base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// config is what the blog needs to know about Parley.
type config struct {
	ParleyURL string // e.g. http://localhost:8080, without a trailing slash
	Site      string
	Secret    string
}

// configFromEnv reads the configuration and the address to listen on.
func configFromEnv(getenv func(string) string) (config, string, error) {
	c := config{
		ParleyURL: strings.TrimRight(getenv("PARLEY_URL"), "/"),
		Site:      getenv("PARLEY_SITE"),
		Secret:    getenv("PARLEY_SSO_SECRET"),
	}
	if c.ParleyURL == "" {
		c.ParleyURL = "http://localhost:8080"
	}
	if c.Site == "" || c.Secret == "" {
		return c, "", errors.New("set PARLEY_SITE to the site's id and PARLEY_SSO_SECRET to its SSO secret (Parley's admin page, the site's settings, \"Sign-in\")")
	}
	addr := getenv("ADDR")
	if addr == "" {
		port := getenv("PORT")
		if port == "" {
			port = "8090"
		}
		addr = net.JoinHostPort("127.0.0.1", port)
	}
	return c, addr, nil
}

const sessionCookie = "blog_session"

// blog is the example site: a session cookie and three pages.
type blog struct {
	cfg        config
	sessionKey []byte // signs session cookies; new per process, so a restart signs everyone out
}

// newHandler returns the blog's HTTP handler.
func newHandler(cfg config) http.Handler {
	b := &blog{cfg: cfg, sessionKey: make([]byte, 32)}
	rand.Read(b.sessionKey) // never fails (crypto/rand since Go 1.24)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", b.page)
	mux.HandleFunc("GET /sso-payload", b.ssoPayload)
	mux.HandleFunc("POST /login", b.login)
	mux.HandleFunc("POST /logout", b.logout)
	return mux
}

func (b *blog) sessionMAC(id string) string {
	h := hmac.New(sha256.New, b.sessionKey)
	h.Write([]byte("session\x00" + id))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// member returns who is signed in, if anyone.
func (b *blog) member(r *http.Request) (Member, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return Member{}, false
	}
	id, mac, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(b.sessionMAC(id))) {
		return Member{}, false
	}
	return memberByID(id)
}

// payload is the signed-in member's fresh sign-in payload, or "".
func (b *blog) payload(r *http.Request) string {
	m, ok := b.member(r)
	if !ok {
		return ""
	}
	return signPayload(b.cfg.Secret, m, time.Now())
}

// A real site would also protect /login and /logout from cross-site forms
// (a CSRF token); SameSite=Lax keeps the cookie off other sites' requests.
func (b *blog) login(w http.ResponseWriter, r *http.Request) {
	m, ok := memberByID(r.PostFormValue("member"))
	if !ok {
		http.Error(w, "no such member", http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: m.ID + "." + b.sessionMAC(m.ID),
		Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (b *blog) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// ssoPayload is for single-page apps: fetch it, then call
// Parley.signIn(payload), or Parley.signOut() when it is "".
func (b *blog) ssoPayload(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store") // the payload is a credential
	json.NewEncoder(w).Encode(map[string]string{"payload": b.payload(r)})
}

func (b *blog) page(w http.ResponseWriter, r *http.Request) {
	m, signedIn := b.member(r)
	data := struct {
		ParleyURL, Site, Payload string
		Member                   *Member
		Members                  []Member
	}{ParleyURL: b.cfg.ParleyURL, Site: b.cfg.Site, Payload: b.payload(r), Members: members}
	if signedIn {
		data.Member = &m
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store") // the page carries a payload
	if err := pageHTML.Execute(w, data); err != nil {
		log.Print(err)
	}
}

// pageHTML is the article. html/template escapes every value it inserts.
//
// The Parley snippet: data-sso carries the payload when a member is signed
// in and is left out when not (data-sso="" means signed out too). A
// single-page app can instead sign in and out from JavaScript, without
// reloading the widget: Parley.signIn(payload) and Parley.signOut(), with
// the payload from GET /sso-payload.
var pageHTML = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>On the Analytical Engine — Member Blog</title>
</head>
<body>
<header>
{{- if .Member}}
<form method="post" action="/logout">Signed in as {{.Member.Name}} <button>Sign out</button></form>
{{- else}}
<form method="post" action="/login">
<label>Sign in as <select name="member">
{{- range .Members}}<option value="{{.ID}}">{{.Name}}</option>{{end -}}
</select></label> <button>Sign in</button>
</form>
{{- end}}
</header>
<main>
<article>
<h1>On the Analytical Engine</h1>
<p>The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves.</p>
<p>Members can comment below without a second account; everyone else can read along.</p>
</article>
<div id="parley"></div>
<script src="{{.ParleyURL}}/embed.js" data-site="{{.Site}}"{{with .Payload}} data-sso="{{.}}"{{end}} async></script>
</main>
</body>
</html>
`))

func main() {
	cfg, addr, err := configFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-sso-example:", err)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-sso-example:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: newHandler(cfg), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
