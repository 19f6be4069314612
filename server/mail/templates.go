package mail

import (
	"embed"
	htemplate "html/template"
	"net/url"
	"regexp"
	"strings"
	ttemplate "text/template"
	"unicode"
)

// The templates: for each message a text/template for the plain part and
// an html/template for the HTML part, which escapes every string it is
// given; only the sanitized comment body goes in as template.HTML. The
// HTML has inline styles only: no style sheet, no remote image, nothing
// that loads when the e-mail is opened.
//
//go:embed templates
var templateFS embed.FS

type templatePair struct {
	name string
	text *ttemplate.Template
	html *htemplate.Template
}

var (
	confirmTemplates = loadTemplates("confirm")
	replyTemplates   = loadTemplates("reply")
	staffTemplates   = loadTemplates("staff")
)

func loadTemplates(name string) templatePair {
	text := ttemplate.Must(ttemplate.New(name).Funcs(ttemplate.FuncMap{"quote": quoteText}).
		ParseFS(templateFS, "templates/layout.txt", "templates/"+name+".txt"))
	html := htemplate.Must(htemplate.New(name).
		ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	return templatePair{name: name, text: text, html: html}
}

// link is a button in the HTML part and a "Label: URL" line in the text.
type link struct {
	Label, URL string
	Primary    bool
}

// footer says why the recipient gets the e-mail, with links to change it.
type footer struct {
	Why   string
	Links []link
}

// frame is what every message's view has.
type frame struct {
	Lang, Subject, Colon string
	Actions              []link
	Footer               *footer
}

func newFrame(l *loc, subject string) frame {
	return frame{Lang: l.lang, Subject: subject, Colon: l.t("colon")}
}

// addAction appends a link when its URL is set.
func (f *frame) addAction(label, rawURL string, primary bool) {
	if u := cleanURL(rawURL); u != "" {
		f.Actions = append(f.Actions, link{Label: label, URL: u, Primary: primary})
	}
}

// render executes both templates for view. The templates are fixed and
// the views typed, so an error is a bug in this package: it panics, and
// the tests render every message in every language.
func (p templatePair) render(view any) (text, html string) {
	var tb, hb strings.Builder
	if err := p.text.ExecuteTemplate(&tb, p.name+".txt", view); err != nil {
		panic("mail: template " + p.name + ".txt: " + err.Error())
	}
	if err := p.html.ExecuteTemplate(&hb, "layout", view); err != nil {
		panic("mail: template " + p.name + ".html: " + err.Error())
	}
	return tidyText(tb.String()), hb.String()
}

var blankLines = regexp.MustCompile(`\n{3,}`)

// tidyText trims the text part and keeps at most one blank line in a row,
// so that the templates can be written for reading.
func tidyText(s string) string {
	return blankLines.ReplaceAllString(strings.TrimSpace(s), "\n\n") + "\n"
}

// quoteText prefixes every line with "> ", the plain-text way to quote.
func quoteText(s string) string {
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = strings.TrimRightFunc("> "+line, unicode.IsSpace)
	}
	return strings.Join(lines, "\n")
}

// cleanURL drops white space and control characters, which no URL we
// build contains, so that a URL stays one line in the text part.
func cleanURL(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || unicode.IsControl(r) || unicode.IsSpace(r) || isBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

// siteName is the site's name, or the host of pageURL without one.
func siteName(name, pageURL string) string {
	if n := oneLine(name); n != "" {
		return n
	}
	if u, err := url.Parse(cleanURL(pageURL)); err == nil {
		return u.Hostname()
	}
	return ""
}

// pageName is the page title, or its URL without one.
func pageName(title, pageURL string) string {
	if t := oneLine(title); t != "" {
		return t
	}
	return cleanURL(pageURL)
}

// person is a commenter's name with their affiliation, for the body.
func person(l *loc, name, affiliation string) string {
	n := oneLine(name)
	if n == "" {
		n = l.t("anonymous")
	}
	if a := oneLine(affiliation); a != "" {
		return l.t("name_affiliation", "name", truncate(n, 80), "affiliation", truncate(a, 80))
	}
	return truncate(n, 80)
}

// shortName is a commenter's name for a subject line.
func shortName(l *loc, name string) string {
	if n := oneLine(name); n != "" {
		return truncate(n, 60)
	}
	return l.t("anonymous")
}
