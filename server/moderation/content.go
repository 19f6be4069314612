package moderation

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/parley-dev/parley/server/render"
	"github.com/parley-dev/parley/server/textnorm"
	"github.com/parley-dev/parley/storage"
)

// The checks that read what a comment says: links, duplicates, words, and
// the site's moderation mode.

func (p *Pipeline) checkLinks(_ context.Context, w *Write, v *Verdict) error {
	limit := w.Site.Settings.MaxLinks
	if limit < 0 {
		return nil
	}
	if n := countLinks(w.HTML); n > limit {
		v.hold("links", fmt.Sprintf("%d links, more than the site's %d", n, limit), true)
	}
	return nil
}

// webAddress finds addresses in plain text: what a reader can copy into a
// browser, whether or not it became a link.
var webAddress = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>]*[^\s<>.,;:!?)'"]`)

// countLinks counts the links of rendered HTML: every link element, and
// every web address in the text outside links (those that stayed text
// because the site does not allow links).
func countLinks(body string) int {
	n, inLink := 0, 0
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return n
		case html.StartTagToken:
			if name, _ := z.TagName(); atom.Lookup(name) == atom.A {
				n++
				inLink++
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); atom.Lookup(name) == atom.A && inLink > 0 {
				inLink--
			}
		case html.TextToken:
			if inLink == 0 {
				n += len(webAddress.FindAllIndex(z.Text(), -1))
			}
		}
	}
}

// folded is the text the word and duplicate checks compare: the rendered
// body as text, normalized.
func folded(bodyHTML string) string { return textnorm.Fold(render.Text(bodyHTML)) }

// duplicateScan bounds how many of a reader's and an address's latest
// comments the duplicate check compares with: a flood repeats itself
// within far fewer, and a busy shared address must not make every post
// read hundreds.
const duplicateScan = 50

func (p *Pipeline) checkDuplicate(ctx context.Context, w *Write, v *Verdict) error {
	window := w.Site.Settings.DuplicateWindow
	if window <= 0 {
		return nil
	}
	since := p.cfg.Now().Add(-window)
	var earlier []storage.Comment
	for _, by := range []storage.BanKey{{Kind: storage.BanIP, Value: w.IPHash}, {Kind: storage.BanReader, Value: w.Reader}} {
		if by.Value == "" || (by.Kind == storage.BanReader && w.NewReader) {
			continue
		}
		cs, err := p.cfg.Store.RecentComments(ctx, w.Site.ID, by, since, duplicateScan)
		if err != nil {
			return fmt.Errorf("moderation: recent comments: %w", err)
		}
		earlier = append(earlier, cs...)
	}
	text := folded(w.HTML)
	for _, c := range earlier {
		if c.Created.Before(since) || c.Status == storage.StatusDeleted || folded(c.HTML) != text {
			continue
		}
		if c.PageKey == w.Page.Key {
			return &Refusal{Code: "duplicate", Field: "body", Message: "You have already posted this comment here."}
		}
		v.hold("duplicate", "the same text was posted on another page "+ago(p.cfg.Now().Sub(c.Created)), false)
		return nil
	}
	return nil
}

// ago says how long ago something was, roughly.
func ago(d time.Duration) string {
	if d < time.Hour {
		return fmt.Sprintf("%d minutes ago", int(d.Minutes()))
	}
	return fmt.Sprintf("%d hours ago", int(d.Hours()))
}

func (p *Pipeline) checkWords(_ context.Context, w *Write, v *Verdict) error {
	set := w.Site.Settings
	if len(set.BlockedWords) == 0 && len(set.SuspectWords) == 0 {
		return nil
	}
	a := w.Author
	if w.Before != nil {
		a = w.Before.Author
	}
	fields := []struct{ name, text string }{
		{"body", folded(w.HTML)},
		{"author.name", textnorm.Fold(a.Name)},
		{"author.affiliation", textnorm.Fold(a.Affiliation)},
		{"author.website", textnorm.Fold(a.Website)},
	}
	for _, f := range fields {
		for _, word := range set.BlockedWords {
			if textnorm.ContainsWord(f.text, word) {
				return &Refusal{Code: "blocked_word", Field: f.name,
					Message: "This contains a word or phrase the site does not allow. Please rephrase it."}
			}
		}
	}
	for _, f := range fields {
		for _, word := range set.SuspectWords {
			if textnorm.ContainsWord(f.text, word) {
				v.hold("suspect_word", fmt.Sprintf("%q in %s", word, f.name), true)
				return nil
			}
		}
	}
	return nil
}

func (p *Pipeline) checkMode(ctx context.Context, w *Write, v *Verdict) error {
	switch w.Site.Settings.Moderation {
	case storage.ModerateAll:
		v.hold("moderation", "the site reviews every comment and edit", false)
	case storage.ModerateFirst:
		if w.Before != nil {
			return nil // an edit keeps its status unless another rule holds it
		}
		ok, err := p.approvedBefore(ctx, w)
		if err != nil {
			return err
		}
		if !ok {
			v.hold("first_comment", "the reader's first comment on the site", false)
		}
	}
	return nil
}

// approvedBefore reports whether the reader has an approved comment on the
// site.
func (p *Pipeline) approvedBefore(ctx context.Context, w *Write) (bool, error) {
	if w.Reader == "" || w.NewReader {
		return false, nil
	}
	own, err := p.cfg.Store.ReaderComments(ctx, w.Site.ID, w.Reader)
	if err != nil {
		return false, fmt.Errorf("moderation: reader history: %w", err)
	}
	for _, c := range own {
		if c.Status == storage.StatusApproved {
			return true, nil
		}
	}
	return false, nil
}
