package browsertest

import (
	"net/http"
	"strings"
	"testing"
)

// TestLocales renders the widget in English (built in: no locale request),
// in German chosen by data-lang and in French from <html lang>, each
// loading its own string table on demand.
func TestLocales(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	e.post(draft{Name: "Ada", Body: "Bonjour."})
	cases := []struct {
		name, attrs, lang string
		locale            string // the locale file loaded; "" for none
		submit, heading   string
		tag               string // Intl tag of the dates
	}{
		{"english", "", "en", "", "Post comment", "1 comment", "en"},
		{"data-lang", `data-lang="de"`, "en", "de", "Kommentar absenden", "1 Kommentar", "de"},
		{"html lang", "", "fr-CA", "fr", "Publier le commentaire", "1 commentaire", "fr-CA"},
	}
	for _, c := range cases {
		func() {
			e.net.reset()
			e.openWidget(e.embed(hostPage{Path: "/" + c.name, Attrs: `data-page-id="` + testPage + `" ` + c.attrs, Lang: c.lang}))
			type ui struct {
				Submit, Heading, Lang string
				TimeTitle, WantTitle  string
				Entries               []string
			}
			u := eval[ui](e, `(() => { const time = pt.q('time');
				return {Submit: pt.text(pt.q('button[type=submit]')), Heading: pt.text(pt.q('.parley-heading')),
					Lang: pt.q('.parley-root').lang, TimeTitle: time.title,
					WantTitle: new Intl.DateTimeFormat(`+js(c.tag)+`, {dateStyle: 'long', timeStyle: 'short'}).format(new Date(time.dateTime)),
					Entries: performance.getEntriesByType('resource').map(r => r.name).filter(n => n.includes('/widget/i18n/'))}; })()`)
			if u.Submit != c.submit || u.Heading != c.heading {
				t.Errorf("%s: submit %q, heading %q; want %q, %q", c.name, u.Submit, u.Heading, c.submit, c.heading)
			}
			if u.Lang != c.tag {
				t.Errorf("%s: widget lang=%q, want %q", c.name, u.Lang, c.tag)
			}
			if u.TimeTitle != u.WantTitle {
				t.Errorf("%s: date %q, want %q", c.name, u.TimeTitle, u.WantTitle)
			}
			reqs := e.net.requests(http.MethodGet, "/widget/i18n/")
			if c.locale == "" {
				if len(reqs) != 0 || len(u.Entries) != 0 {
					t.Errorf("%s: an English page loaded locale files: %v %v", c.name, reqs, u.Entries)
				}
				// English is built in: the page, embed.js and the thread.
				for _, r := range e.net.requests("", "") {
					if r.URL != e.blog+"/"+c.name && r.URL != e.api+"/embed.js" && !strings.Contains(r.URL, "/comments?") {
						t.Errorf("%s: unexpected request %s %s", c.name, r.Method, r.URL)
					}
				}
				return
			}
			if len(reqs) != 1 || !strings.Contains(reqs[0].URL, "/widget/i18n/"+c.locale+".") || reqs[0].Status != http.StatusOK {
				t.Errorf("%s: locale requests %+v, want one of %s", c.name, reqs, c.locale)
			}
			if len(u.Entries) != 1 {
				t.Errorf("%s: resource timing shows locale files %v", c.name, u.Entries)
			}
		}()
	}
}

// TestCounts fills a listing page's comment counts with count.js: links by
// their URL, elements by an explicit page id, in one request.
func TestCounts(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	for i := range 3 {
		e.post(draft{Page: e.blog + "/posts/a/", Name: "Ada", Body: "On a, " + string(rune('1'+i))})
	}
	e.post(draft{Page: e.blog + "/posts/b", Name: "Bob", Body: "On b."})
	e.post(draft{Page: "hello-world", Name: "Cleo", Body: "One."})
	e.post(draft{Page: "hello-world", Name: "Dan", Body: "Two."})

	listing := `<ul>
		<li><a id="a" href="/posts/a/" data-parley-count></a></li>
		<li><a id="a2" href="/posts/a/#comments" data-parley-count>…</a></li>
		<li><a id="b" href="/posts/b/" data-parley-count></a></li>
		<li><a id="c" href="/posts/c/" data-parley-count></a></li>
		<li><span id="h" data-parley-count="hello-world"></span></li>
		<li><span id="n" data-parley-count="hello-world" data-parley-count-format="number"></span></li>
	</ul><script src="` + e.api + `/count.js" data-site="` + e.site + `" async></script>`
	cases := []struct {
		lang string
		want map[string]string
	}{
		{"en", map[string]string{"a": "3 comments", "a2": "3 comments", "b": "1 comment", "c": "0 comments", "h": "2 comments", "n": "2"}},
		{"de", map[string]string{"a": "3 Kommentare", "a2": "3 Kommentare", "b": "1 Kommentar", "c": "0 Kommentare", "h": "2 Kommentare", "n": "2"}},
	}
	for _, c := range cases {
		e.net.reset()
		e.open(e.page("/list-"+c.lang, `<!doctype html><html lang="`+c.lang+`"><head><title>Posts</title></head><body>`+listing+`</body></html>`))
		e.waitFor("the counts", `[...document.querySelectorAll('[data-parley-count]')].every(el => /\d/.test(el.textContent))`)
		got := eval[map[string]string](e, `Object.fromEntries([...document.querySelectorAll('[data-parley-count]')].map(el => [el.id, el.textContent]))`)
		for id, want := range c.want {
			if got[id] != want {
				t.Errorf("%s: #%s says %q, want %q", c.lang, id, got[id], want)
			}
		}
		if reqs := e.net.requests(http.MethodPost, "/counts"); len(reqs) != 1 || reqs[0].Status != http.StatusOK {
			t.Errorf("%s: count requests %+v, want one", c.lang, reqs)
		}
	}
}
