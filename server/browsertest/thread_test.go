package browsertest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

// TestThreadRenders seeds a five-deep chain of replies on a site that nests
// two levels: the first three levels nest, the rest continue in the list
// at the cap, labelled with whom they answer. The chain's thread is pinned:
// it comes first, labelled so, before a later thread.
func TestThreadRenders(t *testing.T) {
	t.Parallel()
	e := newSite(t, func(s *storage.SiteSettings) { s.MaxDepth = 2 })
	a := e.post(draft{Name: "Ada Lovelace", Affiliation: "Analytical Engines Ltd",
		Body: "Hello **world** <script>window.__pwned = 1</script>\n\nSee [the notes](https://example.com/notes)."})
	e.setBadge(a.ID, storage.BadgeOwner)
	b := e.post(draft{Parent: a.ID, Name: "Bob", Body: "Level one."})
	c := e.post(draft{Parent: b.ID, Name: "Cleo", Body: "Level two."})
	d := e.post(draft{Parent: c.ID, Name: "Dan", Body: "Beyond the cap."})
	f := e.post(draft{Parent: d.ID, Name: "Eve", Body: "Further still."})

	e.pin(a.ID)
	z := e.post(draft{Name: "Zoe", Body: "A later thread, not pinned."})
	e.openWidget(e.embedPage("/thread", `data-page-id="`+testPage+`"`, ""))

	// The pinned thread comes first and says so, after the badge; nothing
	// else is labelled pinned.
	type pinned struct {
		First, Label string
		AfterBadge   bool
		Labels       int
	}
	p := eval[pinned](e, `(() => { const l = pt.art(`+js(a.ID)+`).querySelector('.parley-pinned');
		return {First: pt.q('.parley-thread > li > article').id, Label: pt.text(l), Labels: pt.qa('.parley-pinned').length,
			AfterBadge: !!l && l.previousElementSibling === pt.art(`+js(a.ID)+`).querySelector('.parley-badge')}; })()`)
	if p.First != "parley-"+a.ID || p.Label != "Pinned" || !p.AfterBadge || p.Labels != 1 {
		t.Errorf("pinned thread: first %s (want parley-%s), label %q after the badge %v, %d labels", p.First, a.ID, p.Label, p.AfterBadge, p.Labels)
	}
	if eval[bool](e, `!!pt.art(`+js(z.ID)+`).querySelector('.parley-pinned')`) {
		t.Error("an unpinned thread is labelled pinned")
	}

	if got := eval[string](e, `pt.text(pt.q('.parley-heading'))`); got != "6 comments" {
		t.Errorf("heading %q, want %q", got, "6 comments")
	}

	// The header: name, badge, time, and the affiliation under the name.
	type header struct {
		Name, Badge, Aff, Datetime, Title, Time string
		AffBelow                                bool
	}
	h := eval[header](e, `(() => {
		const art = pt.art(`+js(a.ID)+`), who = art.querySelector('.parley-who'), aff = art.querySelector('.parley-aff');
		const time = art.querySelector('time');
		return {Name: pt.text(who), Badge: pt.text(art.querySelector('.parley-badge')), Aff: pt.text(aff),
			Datetime: time.getAttribute('datetime'), Title: time.title, Time: pt.text(time),
			AffBelow: aff.getBoundingClientRect().top >= who.getBoundingClientRect().bottom - 1};
	})()`)
	if h.Name != "Ada Lovelace" || h.Badge != "Owner" || h.Aff != "Analytical Engines Ltd" {
		t.Errorf("header name %q, badge %q, affiliation %q", h.Name, h.Badge, h.Aff)
	}
	if !h.AffBelow {
		t.Error("the affiliation is not under the name")
	}
	created := e.comment(a.ID).Created
	if dt, err := time.Parse(time.RFC3339Nano, h.Datetime); err != nil || !dt.Equal(created) {
		t.Errorf("<time datetime=%q>, want %s (%v)", h.Datetime, created.Format(time.RFC3339Nano), err)
	}
	if !strings.Contains(h.Title, created.Local().Format("2006")) || h.Title == h.Time || h.Time == "" {
		t.Errorf("<time> says %q with title %q; want a relative time and the full date", h.Time, h.Title)
	}
	if got := eval[int](e, `pt.qa('.parley-badge').length`); got != 1 {
		t.Errorf("%d badges, want 1 (only the owner's comment)", got)
	}

	// The body: the server's sanitized HTML.
	type body struct {
		HTML             string
		Strong, Scripts  int
		Href, Rel, Paras string
	}
	bd := eval[body](e, `(() => { const b = pt.art(`+js(a.ID)+`).querySelector('.parley-body'), l = b.querySelector('a');
		return {HTML: b.innerHTML, Strong: b.querySelectorAll('strong').length, Scripts: b.querySelectorAll('script').length,
			Href: l && l.href, Rel: l && l.rel, Paras: String(b.querySelectorAll('p').length)}; })()`)
	if bd.Strong != 1 || bd.Scripts != 0 || bd.Paras != "2" || !strings.Contains(bd.HTML, "<strong>world</strong>") {
		t.Errorf("body HTML %q: want <strong>world</strong>, two paragraphs and no <script>", bd.HTML)
	}
	if bd.Href != "https://example.com/notes" || !strings.Contains(bd.Rel, "nofollow") {
		t.Errorf("body link href %q rel %q", bd.Href, bd.Rel)
	}
	if eval[bool](e, `window.__pwned !== undefined`) {
		t.Error("a script in a comment body ran")
	}

	// Nesting: b under a, c under b; d and f at the cap, in c's list.
	type nest struct {
		BInA, CInB, DNextToC, FNextToD bool
		Depths                         []string
		ReplyTo                        []string
	}
	n := eval[nest](e, `(() => {
		const li = id => pt.li(id), up = id => li(id).parentElement.closest('li');
		const ids = [`+js(a.ID)+`, `+js(b.ID)+`, `+js(c.ID)+`, `+js(d.ID)+`, `+js(f.ID)+`];
		const [A, B, C, D, F] = ids.map(li);
		return {
			BInA: up(ids[1]) === A && B.parentElement.matches('ol.parley-replies'),
			CInB: up(ids[2]) === B,
			DNextToC: D.parentElement === C.parentElement && C.nextElementSibling === D,
			FNextToD: F.parentElement === D.parentElement && D.nextElementSibling === F,
			Depths: ids.map(id => li(id).dataset.depth),
			ReplyTo: ids.map(id => [...pt.art(id).querySelectorAll('.parley-head .parley-meta')].map(m => m.textContent).join('|')),
		};
	})()`)
	if !n.BInA || !n.CInB {
		t.Errorf("replies are not nested in their parent's list: b in a %v, c in b %v", n.BInA, n.CInB)
	}
	if !n.DNextToC || !n.FNextToD {
		t.Errorf("replies beyond max_depth are not kept in order at the cap: d after c %v, f after d %v", n.DNextToC, n.FNextToD)
	}
	if got := strings.Join(n.Depths, ","); got != "0,1,2,3,4" {
		t.Errorf("depths %s, want 0,1,2,3,4", got)
	}
	want := []string{"", "", "", "in reply to Cleo", "in reply to Dan"}
	for i := range want {
		if n.ReplyTo[i] != want[i] {
			t.Errorf("comment %d labelled %q, want %q", i, n.ReplyTo[i], want[i])
		}
	}
}

// TestPermalink opens the blog post with #parley-<id>: the widget scrolls
// to that comment, highlights and focuses it, fetching later pages of the
// thread when the comment is not on the first; so does a permalink set
// later in the page.
func TestPermalink(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	ids := e.bulk(testPage, 230, 0) // 200 comments a page: two pages
	url := e.embedPage("/long", `data-page-id="`+testPage+`"`, "")

	for _, i := range []int{30, 214} {
		id := ids[i]
		e.open(e.page("/__blank", `<!doctype html><title>blank</title>`))
		e.open(url + "#parley-" + id)
		e.waitFor("the permalinked comment to be highlighted", `pt.art(`+js(id)+`) && pt.art(`+js(id)+`).classList.contains('parley-target')`)
		type state struct {
			InView, Focused bool
			ScrollY         float64
			Bg, RootBg      string
			Targets         int
		}
		s := eval[state](e, `(() => { const a = pt.art(`+js(id)+`), r = a.getBoundingClientRect();
			return {InView: r.top >= 0 && r.bottom <= innerHeight, Focused: pt.active() === a, ScrollY: scrollY,
				Bg: getComputedStyle(a).backgroundColor, RootBg: getComputedStyle(pt.q('.parley-root')).backgroundColor,
				Targets: pt.qa('.parley-target').length}; })()`)
		if !s.InView || s.ScrollY <= 0 {
			t.Errorf("comment %d: not scrolled into view (in view %v, scrollY %v)", i, s.InView, s.ScrollY)
		}
		if !s.Focused {
			t.Errorf("comment %d: not focused", i)
		}
		if s.Bg == s.RootBg || s.Bg == "rgba(0, 0, 0, 0)" || s.Targets != 1 {
			t.Errorf("comment %d: background %s (root %s), %d highlighted", i, s.Bg, s.RootBg, s.Targets)
		}
	}

	// A permalink set inside the page to a comment not loaded yet: the
	// widget fetches on until it shows.
	e.open(e.page("/__blank", `<!doctype html><title>blank</title>`))
	e.openWidget(url)
	late := ids[229]
	if eval[bool](e, `!!pt.art(`+js(late)+`)`) {
		t.Fatal("the last thread is on the first page")
	}
	e.run(`location.hash = '#parley-` + late + `'`)
	e.waitFor("the late comment loaded and highlighted", `pt.art(`+js(late)+`) && pt.art(`+js(late)+`).classList.contains('parley-target') && pt.active() === pt.art(`+js(late)+`)`)

	// A permalink followed inside the page moves the highlight.
	other := ids[2]
	e.run(`pt.art(` + js(other) + `).querySelector('a.parley-time').click()`)
	e.waitFor("the highlight to move", `pt.art(`+js(other)+`).classList.contains('parley-target') && pt.qa('.parley-target').length === 1`)
}

// TestMoreContinuesAThread loads a thread longer than a page: the next
// page starts among the first thread's replies, which the widget puts under
// their parent rather than showing as threads of their own.
func TestMoreContinuesAThread(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	ctx := context.Background()
	root := e.bulk(testPage, 1, 0)[0]
	page := storage.Page{SiteID: e.site, Key: testPage}
	// Concurrent writers share the store's syncs (group commit).
	var wg sync.WaitGroup
	for w := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 250; i += 10 {
				c := storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: e.site, PageKey: testPage, ParentID: root,
					Author: storage.Author{Name: fmt.Sprint("Replier ", i)}, Markdown: "r", HTML: fmt.Sprintf("<p>reply %d</p>", i),
					Created: time.Now().Add(time.Duration(i-300) * time.Minute).UTC(), Status: storage.StatusApproved}
				if err := e.store.CreateComment(ctx, c, page); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	e.openWidget(e.embedPage("/long-thread", `data-page-id="`+testPage+`"`, ""))
	if n := eval[int](e, `pt.qa('article.parley-comment').length`); n != 200 {
		t.Fatalf("first page shows %d comments, want 200", n)
	}
	e.run(`pt.q('.parley-more').click()`)
	e.waitFor("the rest of the thread", `pt.qa('article.parley-comment').length === 251`)
	type shape struct{ TopLevel, Nested int }
	s := eval[shape](e, `({TopLevel: pt.qa('.parley-thread > li').length, Nested: pt.qa('.parley-thread > li > .parley-replies > li').length})`)
	if s.TopLevel != 1 || s.Nested != 250 {
		t.Errorf("after Show more: %d threads, %d replies under the first; want 1 and 250", s.TopLevel, s.Nested)
	}
}
