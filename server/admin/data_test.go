package admin_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parley-dev/parley/storage"
)

// upload posts an import form with a file as user.
func (e *env) upload(user string, fields map[string]string, file []byte) answer {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", "csrf-"+user)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", "export.jsonl")
	fw.Write(file)
	w.Close()
	r := httptest.NewRequest("POST", "/admin/sites/blog/import", &body)
	r.Header.Set("Content-Type", w.FormDataContentType())
	if user != "" {
		r.AddCookie(&http.Cookie{Name: cookieName, Value: "tok-" + user})
	}
	res, err := e.srv.App().Test(r, -1)
	if err != nil && strings.Contains(err.Error(), "body size exceeds") {
		// fasthttp answers 413 and ends the connection, which app.Test
		// reports as its error.
		return answer{status: http.StatusRequestEntityTooLarge}
	}
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, header: res.Header, body: string(b)}
}

// remarkBackup is a Remark42 backup of n comments on one page, each with
// a body of size bytes.
func remarkBackup(n, size int) []byte {
	var b strings.Builder
	b.WriteString(`{"version":1,"users":[],"posts":[]}` + "\n")
	for i := range n {
		fmt.Fprintf(&b, `{"id":"c%d","pid":"","orig":"comment %d %s","user":{"name":"Ann","id":"u1"},"locator":{"site":"blog","url":"https://blog.example/old/"},"time":"2024-03-01T10:%02d:00Z"}`+"\n",
			i, i, strings.Repeat("x", size), i%60)
	}
	return []byte(b.String())
}

func TestImportUpload(t *testing.T) {
	e := newEnv(t, false)
	file := remarkBackup(3, 10)
	a := e.upload("alice", map[string]string{"format": "remark42", "dry_run": "1"}, file)
	if a.status != 200 || !strings.Contains(a.body, "Dry run: nothing was stored") || !strings.Contains(a.body, "<strong>3</strong> new comments on 1 page") {
		t.Fatalf("dry run: %d %.2000s", a.status, a.body)
	}
	if _, err := e.store.Page(e.ctx, "blog", "https://blog.example/old"); err == nil {
		t.Fatal("a dry run stored the page")
	}
	a = e.upload("alice", map[string]string{"format": "remark42", "rules": "https://blog.example/old/=https://blog.example/new/"}, file)
	if a.status != 200 || !strings.Contains(a.body, "Import done") {
		t.Fatalf("import: %d %.2000s", a.status, a.body)
	}
	p, err := e.store.Page(e.ctx, "blog", "https://blog.example/new")
	if err != nil || p.Count != 3 {
		t.Fatalf("the imported page under its new URL: %+v %v", p, err)
	}
	log, _ := e.store.Audit(e.ctx, "blog", 1)
	if len(log) != 1 || log[0].Action != "import" || !strings.Contains(log[0].Note, "3 new comments") {
		t.Errorf("audit: %+v", log)
	}
	a = e.upload("alice", map[string]string{"format": "disqus"}, file)
	if a.status != 422 || !strings.Contains(a.body, "disqus") {
		t.Errorf("the wrong format: %d %.500s", a.status, a.body)
	}
	a = e.upload("alice", map[string]string{"format": "remark42", "rules": "no equals sign"}, file)
	if a.status != 422 || !strings.Contains(a.body, "OLD=NEW") {
		t.Errorf("a bad rule: %d %.500s", a.status, a.body)
	}
}

func TestImportUploadMayExceedTheBodyLimit(t *testing.T) {
	e := newEnv(t, false)
	file := remarkBackup(100, 3000) // about 320 KB, over the 128 KB of other requests
	if a := e.upload("alice", map[string]string{"format": "remark42"}, file); a.status != 200 {
		t.Fatalf("a large upload by the owner: %d %.500s", a.status, a.body)
	}
	if p, _ := e.store.Page(e.ctx, "blog", "https://blog.example/old"); p.Count != 100 {
		t.Errorf("imported %d of 100", p.Count)
	}
	if a := e.upload("", map[string]string{"format": "remark42"}, file); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("the same upload without a session: %d, want 413 before it is read", a.status)
	}
	r := httptest.NewRequest("POST", "/api/v1/sites/blog/comments", bytes.NewReader(file))
	r.Header.Set("Content-Type", "application/json")
	r.AddCookie(&http.Cookie{Name: cookieName, Value: "tok-alice"})
	// fasthttp answers 413 and ends the connection, which app.Test
	// reports as its error.
	if res, err := e.srv.App().Test(r, -1); err == nil && res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a large body elsewhere, even signed in: %d, want 413", res.StatusCode)
	} else if err != nil && !strings.Contains(err.Error(), "body size exceeds") {
		t.Errorf("a large body elsewhere: %v", err)
	}
}

func TestExportDownload(t *testing.T) {
	e := newEnv(t, false)
	a := e.do(call{method: "POST", path: "/admin/sites/blog/export", user: "alice"})
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Disposition"), `attachment; filename="parley-blog-`) {
		t.Fatalf("export: %d %v", a.status, a.header)
	}
	lines := strings.Split(strings.TrimSpace(a.body), "\n")
	if !strings.HasPrefix(lines[0], `{"parley_export":1,"site":"blog"`) || len(lines) != 1+1+1+2 {
		t.Fatalf("export of blog (header, site, page, 2 comments): %s", a.body)
	}
	if strings.Contains(a.body, e.foreign.ID) || !strings.Contains(a.body, e.pending.ID) {
		t.Errorf("the export holds another site's comment, or misses its own")
	}
	// What was exported imports back into a fresh site.
	e.must(e.store.CreateSite(e.ctx, storage.Site{ID: "copy", OwnerID: "alice", Settings: storage.DefaultSiteSettings()}))
	u, _ := e.store.User(e.ctx, "alice")
	u.Roles["copy"] = storage.RoleOwner
	_, err := e.store.UpdateUser(e.ctx, "alice", func(x *storage.User) error { x.Roles = u.Roles; return nil })
	e.must(err)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", "csrf-alice")
	w.WriteField("format", "parley")
	fw, _ := w.CreateFormFile("file", "x.jsonl")
	fw.Write([]byte(a.body))
	w.Close()
	r := httptest.NewRequest("POST", "/admin/sites/copy/import", &body)
	r.Header.Set("Content-Type", w.FormDataContentType())
	r.AddCookie(&http.Cookie{Name: cookieName, Value: "tok-alice"})
	res, err := e.srv.App().Test(r, -1)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("import of the export: %v %v", res.StatusCode, err)
	}
	got, _ := e.store.PageComments(e.ctx, "copy", "p")
	if len(got) != 2 || got[0].Markdown != e.pending.Markdown && got[0].Markdown != e.live.Markdown {
		t.Errorf("imported copy: %+v", got)
	}
}
