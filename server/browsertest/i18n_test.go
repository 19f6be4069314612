package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
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
		{"english", "", "en", "", "Post", "1 comment", "en"},
		{"data-lang", `data-lang="de"`, "en", "de", "Veröffentlichen", "1 Kommentar", "de"},
		{"html lang", "", "fr-CA", "fr", "Publier", "1 commentaire", "fr-CA"},
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
				// English is built in: the page, embed.js and the thread,
				// then the later bundle and its live stream.
				for _, r := range e.net.requests("", "") {
					if r.URL != e.blog+"/"+c.name && r.URL != e.api+"/embed.js" && !strings.Contains(r.URL, "/comments?") &&
						!strings.HasPrefix(r.URL, e.api+"/widget/later.") && !strings.Contains(r.URL, "/events?") {
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

// TestRelativeTimes checks the comments' times in every language, and in
// some regional variants, against Intl: the relative time ("3 days ago",
// from the string tables) as Intl.RelativeTimeFormat words it with
// numeric: 'auto', the full date on hover as Intl.DateTimeFormat does, and
// the comment count as Intl.NumberFormat writes it. The comments' ages
// cover every number each unit can show, and the plural forms of the
// years.
func TestRelativeTimes(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	const page = "ages"
	var groups [][]time.Duration
	add := func(unit time.Duration, ns ...float64) {
		var g []time.Duration
		for _, n := range ns {
			g = append(g, time.Duration(n*float64(unit)))
		}
		groups = append(groups, g)
	}
	// 0.2 of a unit more than n rounds to n for a while; 0.7 less than n
	// rounds up to it (60 minutes, 24 hours, 7 days).
	whole := func(from, to int) []float64 {
		var ns []float64
		for n := from; n <= to; n++ {
			ns = append(ns, float64(n)+0.2)
		}
		return ns
	}
	add(time.Second, 10)
	add(time.Minute, append(whole(1, 59), 59.7)...)
	add(time.Hour, append(whole(1, 23), 23.7)...)
	add(24*time.Hour, append(whole(1, 6), 6.7)...)
	add(7*24*time.Hour, whole(1, 4)...)
	add(30*24*time.Hour, 1.1, 2.1, 3.1, 4.1, 5.1, 6.1, 7.1, 8.1, 9.1, 10.1, 11.1, 12.1)
	add(365*24*time.Hour, 1.2, 2.2, 3.2, 5.2, 11.2, 21.2, 22.2, 25.2)
	n := e.aged(page, groups)

	check := `(() => {
		const steps = [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]];
		const tag = pt.q('.parley-root').lang;
		const rel = new Intl.RelativeTimeFormat(tag, {numeric: 'auto'});
		const abs = new Intl.DateTimeFormat(tag, {dateStyle: 'long', timeStyle: 'short'});
		const ago = d => {
			const secs = Math.min(0, (d - Date.now()) / 1000);
			for (const [unit, size] of steps) if (-secs >= size) return rel.format(Math.round(secs / size), unit);
			return rel.format(0, 'second');
		};
		const times = pt.qa('time');
		const wrong = times.map(el => {
			const d = new Date(el.dateTime);
			return {Text: el.textContent, Ago: ago(d), Title: el.title, Full: abs.format(d)};
		}).filter(w => w.Text !== w.Ago || w.Title !== w.Full);
		return {Tag: tag, Times: times.length, Heading: pt.text(pt.q('.parley-heading')),
			Count: new Intl.NumberFormat(tag).format(times.length), Wrong: wrong};
	})()`
	// Regional tags read their language's phrases, which Intl words alike
	// for them; Traditional Chinese (zh-TW, zh-HK) does not, and reads the
	// Simplified ones, like the rest of the zh strings.
	for _, lang := range []string{"en", "de", "fr", "es", "pt", "ru", "zh", "ja", "en-GB", "fr-CA", "es-419", "pt-PT"} {
		e.openWidget(e.embedPage("/ages-"+lang, `data-page-id="`+page+`" data-lang="`+lang+`"`, ""))
		r := eval[struct {
			Tag, Heading, Count string
			Times               int
			Wrong               []struct{ Text, Ago, Title, Full string }
		}](e, check)
		if r.Tag != lang || r.Times != n {
			t.Errorf("%s: tag %q, %d times shown, want %d", lang, r.Tag, r.Times, n)
		}
		if !strings.Contains(r.Heading, r.Count) {
			t.Errorf("%s: heading %q, want the count written %q", lang, r.Heading, r.Count)
		}
		for _, w := range r.Wrong {
			t.Errorf("%s: time %q, want %q; title %q, want %q", lang, w.Text, w.Ago, w.Title, w.Full)
		}
	}
}

// aged stores comments of the given ages (now minus each) on pageKey: one
// thread per group, the group's first comment first and the others
// replying to it. It returns how many it stored.
func (e *env) aged(pageKey string, groups [][]time.Duration) int {
	e.t.Helper()
	now := time.Now()
	pg := storage.Page{SiteID: e.site, Key: pageKey, Title: "Ages", URL: "https://blog.example/" + pageKey}
	n := 0
	for _, ages := range groups {
		root := ""
		for _, age := range ages {
			id, err := uuid.NewV7()
			if err != nil {
				e.t.Fatal(err)
			}
			n++
			c := storage.Comment{
				ID: id.String(), SiteID: e.site, PageKey: pageKey, ParentID: root,
				Author:   storage.Author{Name: fmt.Sprintf("Reader %d", n)},
				Markdown: "Age " + age.String(), HTML: "<p>Age " + age.String() + "</p>",
				Created: now.Add(-age).UTC(), Status: storage.StatusApproved,
			}
			if err := e.store.CreateComment(context.Background(), c, pg); err != nil {
				e.t.Fatalf("create comment %d: %v", n, err)
			}
			if root == "" {
				root = c.ID
			}
		}
	}
	return n
}
