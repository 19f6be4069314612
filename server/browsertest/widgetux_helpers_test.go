package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/parley-dev/parley/storage"
)

// Helpers of the reader-side UX tests (widgetux_test.go): viewport and
// colour-scheme emulation, host pages of a given look, a thread that shows
// every part, and screenshots into $PARLEY_SCREENSHOTS.

// Host page styles: a light blog, a dark blog, and a dark blog that says
// so only through color-scheme.
const (
	lightHost  = `<style>body { background: #fdfbf7; color: #222; font: 18px/1.6 Georgia, serif; margin: 0 } main { max-width: 42rem; margin: 0 auto; padding: 1rem }</style>`
	darkHost   = `<style>body { background: #15171c; color: #ddd; font: 18px/1.6 Georgia, serif; margin: 0 } main { max-width: 42rem; margin: 0 auto; padding: 1rem }</style>`
	schemeHost = `<style>:root { color-scheme: dark } main { max-width: 42rem; margin: 0 auto; padding: 1rem }</style>`
)

// viewport sets the tab's layout width (and a height), not as a mobile
// device: the test pages have no viewport meta tag.
func (e *env) viewport(width, height int64) {
	e.t.Helper()
	if err := chromedp.Do(e.ctx, chromedp.EmulateViewport(width, height)); err != nil {
		e.t.Fatalf("viewport %dx%d: %v", width, height, err)
	}
}

// prefers emulates the reader's system colour scheme: "light" or "dark".
func (e *env) prefers(scheme string) {
	e.t.Helper()
	if _, err := chromedp.Call(e.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		e.t.Fatalf("emulate prefers-color-scheme %s: %v", scheme, err)
	}
}

// screenshotDir is where tests write screenshots: $PARLEY_SCREENSHOTS, or
// "" (write none).
func screenshotDir() string {
	return os.Getenv("PARLEY_SCREENSHOTS")
}

// shoot writes a full-page PNG of the tab as name.png into the screenshot
// folder, when there is one.
func (e *env) shoot(name string) {
	e.t.Helper()
	dir := screenshotDir()
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		e.t.Fatal(err)
	}
	// Fonts and the later bundle's avatars settle first.
	e.waitFor("fonts", `document.fonts.status === 'loaded'`)
	buf, err := chromedp.Run(e.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		e.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.t.Logf("wrote %s", path)
}

// uxThread seeds a thread that shows the parts the UX tests look at: an
// owner's comment with code, a moderator's reply, a reply to that, and a
// second thread. It returns the ids: owner, moderator, reply, second.
func uxThread(e *env) (owner, mod, reply, second string) {
	e.t.Helper()
	a := e.post(draft{Name: "Elena Marsh", Website: "https://elena.example", Affiliation: "Author",
		Body: "Thanks for reading! The starter is `100%` hydration:\n\n```\nflour 50 g\nwater 50 g\nstarter 10 g\n```"})
	e.setBadge(a.ID, storage.BadgeOwner)
	b := e.post(draft{Parent: a.ID, Name: "Sam Okafor", Body: "What flour do you use for it?"})
	m := e.post(draft{Parent: b.ID, Name: "Mod Team", Body: "Please keep it about bread, folks. **Welcome!**"})
	e.setBadge(m.ID, storage.BadgeModerator)
	c := e.post(draft{Name: "Jun Park", Affiliation: "Home baker", Body: "The fridge trick changed everything for me. A long cold rest, and the crust blisters."})
	return a.ID, m.ID, b.ID, c.ID
}

// withDemo is a fresh Parley server with its demo site and post (/demo).
func withDemo(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	if err := e.srv.EnsureDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

// shootAt scrolls the element of the JavaScript expression el to the top
// of the viewport and writes what the viewport shows as name.png, when
// there is a screenshot folder.
func (e *env) shootAt(name, el string) {
	e.t.Helper()
	dir := screenshotDir()
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		e.t.Fatal(err)
	}
	e.run(`(` + el + `).scrollIntoView({block: 'start'})`)
	buf, err := chromedp.Run(e.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		e.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.t.Logf("wrote %s", path)
}

// openAdmin opens a page of the server (the admin page) and waits until
// it has loaded at path.
func (e *env) openAdmin(url, path string) {
	e.t.Helper()
	e.open(e.api + url)
	e.waitFor(path, `location.pathname === `+js(path)+` && document.readyState === 'complete'`)
}

// fitsPhone checks that the page does not scroll sideways at the phone's
// width, naming what sticks out.
func (e *env) fitsPhone(name string) {
	e.t.Helper()
	if w := eval[int](e, `document.documentElement.scrollWidth`); w > phoneWidth {
		wide := eval[string](e, `[...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > `+strconv.Itoa(phoneWidth)+` + 1)
			.slice(0, 5).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right)).join('; ')`)
		e.t.Errorf("%s: %d px wide at %d px (too wide: %s)", name, w, phoneWidth, wide)
	}
}
