package moderation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// bodyText is the text the word and duplicate checks compare: the
// rendered body as text, normalized (textnorm.Fold), made once per write.
func (w *Write) bodyText() string {
	if w.text == nil {
		t := textnorm.Fold(render.Text(w.HTML))
		w.text = &t
	}
	return *w.text
}

// Fingerprint returns the fingerprint of a rendered body, as
// Verdict.Fingerprint has it, for comments stored without the pipeline
// (imports, seeds).
func Fingerprint(bodyHTML string) string {
	return fingerprint(textnorm.Fold(render.Text(bodyHTML)))
}

// fingerprint names a normalized text: comments with the same words, however
// marked up, spaced or cased, share it.
func fingerprint(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:16])
}

// duplicateScan bounds how many earlier comments with the same text the
// duplicate check reads: a flood repeats itself within far fewer.
const duplicateScan = 20

// checkDuplicate looks the body's fingerprint up: one index scan that
// almost always finds nothing, whatever the site's traffic.
func (p *Pipeline) checkDuplicate(ctx context.Context, w *Write, v *Verdict) error {
	window := w.Site.Settings.DuplicateWindow
	if window <= 0 {
		return nil
	}
	since := p.cfg.Now().Add(-window)
	same, err := p.cfg.Store.FingerprintComments(ctx, w.Site.ID, v.Fingerprint, since, duplicateScan)
	if err != nil {
		return fmt.Errorf("moderation: comments with the same text: %w", err)
	}
	for _, c := range same {
		byReader := w.Reader != "" && !w.NewReader && c.ReaderHash == w.Reader
		byAddress := w.IPHash != "" && c.IPHash == w.IPHash
		if c.Created.Before(since) || c.Status == storage.StatusDeleted || !(byReader || byAddress) {
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
		{"body", w.bodyText()},
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
		trusted, err := p.trusted(ctx, w)
		if err != nil || trusted {
			return err
		}
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

// trusted reports whether the site lets w's reader skip pre-moderation: a
// verified reader with an approved comment, where the site trusts them.
func (p *Pipeline) trusted(ctx context.Context, w *Write) (bool, error) {
	if w.Identity == nil || !w.Site.Settings.TrustVerified {
		return false, nil
	}
	return p.approvedBefore(ctx, w)
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
