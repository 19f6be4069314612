package browsertest

import (
	"context"
	"strings"
	"testing"

	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/storage"
)

// The admin page in a real browser: an owner signs in, creates a site,
// copies its snippet into a blog on another origin, turns on
// pre-moderation, approves a reader's comment, bans the reader, and locks
// the page. Every step goes through the page's own forms.
func TestAdminFromNothingToModeratedDiscussion(t *testing.T) {
	e := newEnv(t)
	hash, err := admin.HashPassword("owner password")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateUser(context.Background(), storage.User{Name: "owner", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	// adminAt waits until the admin tab shows path.
	adminAt := func(what, path string) {
		t.Helper()
		e.waitFor(what, `location.pathname === `+js(path)+` && document.readyState === 'complete'`)
	}
	setValue := func(sel, v string) {
		t.Helper()
		e.run(`document.querySelector(` + js(sel) + `).value = ` + js(v))
	}
	click := func(sel string) {
		t.Helper()
		e.run(`document.querySelector(` + js(sel) + `).click()`)
	}

	// Sign in.
	e.open(e.api + "/admin/")
	adminAt("the sign-in page", "/admin/login")
	setValue("#name", "owner")
	setValue("#password", "owner password")
	click("form[action='/admin/login'] button[type=submit]")
	adminAt("the dashboard", "/admin/")

	// Create the site for the blog and copy its snippet.
	setValue("#site-id", "myblog")
	setValue("#site-name", "My blog")
	setValue("#site-origins", e.blog)
	click("form[action='/admin/sites'] button[type=submit]")
	adminAt("the new site", "/admin/sites/myblog")
	snippet := eval[string](e, `document.querySelector('#snippet').textContent`)
	if !strings.Contains(snippet, e.api+`/embed.js" data-site="myblog"`) {
		t.Fatalf("snippet %q", snippet)
	}
	if !eval[bool](e, `!document.querySelector('button[data-copy]').hidden`) {
		t.Error("the copy button is not shown with the script")
	}

	// Hold every comment for moderation.
	setValue("#moderation", "all")
	click("form[action='/admin/sites/myblog/settings'] button[type=submit]")
	e.waitFor("the settings saved", `document.querySelector('.flash') && /Saved/.test(document.querySelector('.flash').textContent)`)

	post := e.page("/2026/hello/", `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Hello</title></head>
<body><main><article><h1>Hello</h1></article>`+snippet+`</main></body></html>`)

	// A reader posts; the comment waits.
	const form = `document.querySelector('#parley').shadowRoot.querySelector('section > div > form.parley-form')`
	writeComment := func(body string) {
		t.Helper()
		e.open(post)
		e.waitFor("the widget", form+` && `+form+`.querySelector('[name=body]')`)
		e.typeInto(form+`.querySelector('[name=name]')`, "Reader")
		e.typeInto(form+`.querySelector('[name=body]')`, body)
		e.run(form + `.querySelector('button[type=submit]').click()`)
	}
	writeComment("Held for a moderator")
	e.waitFor("the reader's own pending comment", `document.querySelector('#parley').shadowRoot.querySelector('article.parley-comment')`)
	token := eval[string](e, `localStorage.getItem('parley.token')`)
	if token == "" {
		t.Fatal("the reader got no token")
	}

	// The moderator finds it in the pending tab and approves it.
	e.open(e.api + "/admin/sites/myblog/queue?tab=pending")
	e.waitFor("the pending comment", `document.body.textContent.includes('Held for a moderator')`)
	if !strings.Contains(eval[string](e, `document.querySelector('.subtabs a[aria-current]').textContent`), "(1)") {
		t.Error("the pending tab does not count 1")
	}
	e.run(`document.querySelector('input[data-select-all]').click()`)
	if !eval[bool](e, `[...document.querySelectorAll('input[name=id]')].every(b => b.checked)`) {
		t.Error("select all did not select")
	}
	click("button[value=approve]")
	e.waitFor("the approval", `/Done/.test(document.querySelector('.flash')?.textContent || '')`)

	// Any other reader now sees it on the blog.
	e.open(post)
	e.run(`localStorage.clear()`)
	e.open(post)
	e.waitFor("the approved comment in the widget", `document.querySelector('#parley').shadowRoot?.querySelector('article.parley-comment')?.textContent.includes('Held for a moderator')`)

	// Ban its author by their reader token, from the comment's page.
	e.open(e.api + "/admin/sites/myblog/queue?tab=approved")
	e.waitFor("the published tab", `document.querySelector('a[href*="/comments/"]')`)
	click(`a[href*="/comments/"]`)
	e.waitFor("the comment page", `document.querySelector('form[action$="/ban"]')`)
	e.run(`document.querySelector('form[action$="/ban"]').requestSubmit()`)
	adminAt("the bans page", "/admin/sites/myblog/bans")
	if !eval[bool](e, `document.querySelector('tbody th')?.textContent === 'reader'`) {
		t.Error("the ban is not listed")
	}

	// The reader's browser still holds their token: they are refused.
	e.open(post)
	e.run(`localStorage.setItem('parley.token', ` + js(token) + `)`)
	writeComment("Let me back in")
	e.waitFor("the ban message", form+`.querySelector('.parley-error[role=alert]')?.textContent.includes('banned')`)

	// Lock the page.
	e.open(e.api + "/admin/sites/myblog/pages")
	e.waitFor("the pages list", `document.querySelector('button[value=lock]')`)
	click("button[value=lock]")
	e.waitFor("the lock", `/locked/.test(document.querySelector('.flash')?.textContent || '')`)
	p, err := e.store.Pages(context.Background(), "myblog", "", 0)
	if err != nil || len(p) != 1 || !p[0].Locked {
		t.Errorf("pages after locking: %+v %v", p, err)
	}
}
