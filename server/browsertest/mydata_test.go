package browsertest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/parley-dev/parley/storage"
)

// allowDownloads saves the tab's downloads into a new temporary directory,
// under their GUIDs, and returns it.
func (e *env) allowDownloads() string {
	e.t.Helper()
	dir := e.t.TempDir()
	_, err := chromedp.CallBrowser(e.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior:         cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName,
		BrowserContextID: chromedp.FromContext(e.ctx).BrowserContextID,
		DownloadPath:     dir,
	})
	if err != nil {
		e.t.Fatalf("allow downloads: %v", err)
	}
	return dir
}

// downloaded waits for the one file a download saves into dir and returns
// its content.
func (e *env) downloaded(dir string) []byte {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		files, _ := os.ReadDir(dir)
		if len(files) == 1 && !strings.HasSuffix(files[0].Name(), ".crdownload") {
			data, err := os.ReadFile(filepath.Join(dir, files[0].Name()))
			if err == nil && json.Valid(data) {
				return data
			}
		}
	}
	e.t.Fatalf("no download in %s", dir)
	return nil
}

// TestMyData has a reader post two comments, one of which another reader
// answers, then open "Your data" (dark theme, on a phone-wide screen) with
// the keyboard, download their comments as JSON and delete them all: the
// other reader's reply stays readable, the reader's text is gone.
func TestMyData(t *testing.T) {
	t.Parallel()
	e := newSite(t)
	if err := chromedp.Do(e.ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	url := e.embedPage("/mydata", `data-page-id="`+testPage+`" data-theme="dark"`, "")
	e.openWidget(url)
	mine := `pt.btn(pt.q('.parley-feed'), 'Your data')`
	e.waitFor("the feed paragraph", `pt.q('.parley-feed')`)
	if eval[bool](e, `pt.visible(`+mine+`)`) {
		t.Error(`"Your data" shows before the reader has a token`)
	}

	first := postViaForm(e, "Ida", "My first comment, with *words*.")
	e.waitFor(`"Your data" once the reader has a token`, `pt.visible(`+mine+`)`)
	second := postViaForm(e, "", "My second comment.") // the name is remembered
	e.post(draft{Parent: first, Name: "Bob", Body: "Bob's reply stays."})
	e.openWidget(url)
	e.waitFor(`"Your data"`, `pt.visible(`+mine+`)`)

	// Open it with the keyboard: focus goes into the labelled dialog.
	e.run(mine + `.focus()`)
	e.keys(kb.Enter)
	dlg := `pt.q('dialog.parley-dialog')`
	e.waitFor("the dialog, focus in it", dlg+` && `+dlg+`.open && `+dlg+`.contains(pt.active())`)
	type box struct {
		Label, Modal, Background string
		Left, Right, Width       float64
	}
	b := eval[box](e, `(() => { const d = `+dlg+`, r = d.getBoundingClientRect();
		return {Label: pt.root().getElementById(d.getAttribute('aria-labelledby')).textContent, Modal: String(d.matches(':modal')),
			Background: getComputedStyle(d).backgroundColor, Left: r.left, Right: r.right, Width: innerWidth}; })()`)
	if b.Label != "Your data" || b.Modal != "true" || b.Left < 0 || b.Right > b.Width {
		t.Errorf("dialog: %+v", b)
	}
	if b.Background != "rgb(22, 24, 29)" { // the dark theme's --d-bg
		t.Errorf("dialog background in the dark theme: %s", b.Background)
	}
	// Escape closes it and gives focus back.
	e.keys(kb.Escape)
	e.waitFor("the dialog closed, focus on its button", `!`+dlg+` && pt.active() === `+mine)

	// Download: the file holds both comments, with their text.
	dir := e.allowDownloads()
	e.run(mine + `.click()`)
	e.waitFor("the dialog", dlg+` && `+dlg+`.open`)
	e.run(`pt.btn(` + dlg + `, 'Download my comments').click()`)
	e.waitFor("the download said", `/^Saved as .+\.json\.$/.test(pt.text(`+dlg+`.querySelector('[role=status]')))`)
	var export struct {
		Site     string
		Comments []struct {
			ID       string
			Markdown string
			Author   struct{ Name string }
		}
		Votes []any
	}
	data := e.downloaded(dir)
	if err := json.Unmarshal(data, &export); err != nil {
		t.Fatalf("downloaded %s: %v", data, err)
	}
	got := map[string]string{}
	for _, c := range export.Comments {
		got[c.ID] = c.Author.Name + ": " + c.Markdown
	}
	if export.Site != e.site || len(got) != 2 || got[first] != "Ida: My first comment, with *words*." ||
		got[second] != "Ida: My second comment." || export.Votes == nil {
		t.Errorf("downloaded: %s", data)
	}

	// Delete: asked in the dialog (focus on Cancel), then done.
	e.run(`pt.btn(` + dlg + `, 'Delete my comments').click()`)
	confirm := dlg + `.querySelector('[role=group].parley-confirm')`
	e.waitFor("the question, focus on Cancel", confirm+` && pt.active() === pt.btn(`+confirm+`, 'Cancel')`)
	e.run(`pt.btn(` + confirm + `, 'Delete all').click()`)
	e.waitFor("the thread again, saying so", `!`+dlg+` && pt.text(pt.active()) === '2 comments were deleted.'`)
	e.waitLoaded()

	type after struct {
		Text      string
		Reply     bool
		Deleted   string
		Heading   string
		SecondArt bool
	}
	a := eval[after](e, `({Text: pt.root().textContent, Reply: pt.visible(pt.qa('.parley-body').find(b => b.textContent.includes("Bob's reply stays."))),
		Deleted: pt.text(pt.art(`+js(first)+`)), SecondArt: !!pt.art(`+js(second)+`), Heading: pt.text(pt.q('.parley-heading'))})`)
	if !a.Reply || a.Deleted != "This comment was deleted." || a.SecondArt || a.Heading != "1 comment" {
		t.Errorf("after deleting: reply shown %v, first comment %q, second on screen %v, heading %q", a.Reply, a.Deleted, a.SecondArt, a.Heading)
	}
	for _, s := range []string{"My first comment", "My second comment", "Ida"} {
		if strings.Contains(a.Text, s) {
			t.Errorf("after deleting, the widget still shows %q", s)
		}
	}
	for _, id := range []string{first, second} {
		if c := e.comment(id); c.Status != storage.StatusDeleted || c.Markdown != "" || c.Author.Name != "" {
			t.Errorf("stored %s: status %q, markdown %q, author %q", id, c.Status, c.Markdown, c.Author.Name)
		}
	}
}
