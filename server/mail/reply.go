package mail

import htemplate "html/template"

// ReplyData is what the e-mail about a reply says.
type ReplyData struct {
	To        string
	SiteName  string
	PageTitle string
	// PageURL links to the reply itself (the caller adds the fragment).
	PageURL            string
	ReplierName        string
	ReplierAffiliation string
	// ReplyHTML is the reply's body as the renderer sanitized it; it is
	// put in as HTML, its images replaced by their alt text. ReplyText is
	// the same body as plain text, for the text part.
	ReplyHTML string
	ReplyText string
	// YourText is an excerpt of the recipient's own comment, plain text;
	// it is cut at 300 characters.
	YourText string
	// UnsubscribeURL stops these e-mails: it becomes the message's
	// ListUnsubscribe (so it must accept a one-click POST, RFC 8058) and
	// a link in both parts.
	UnsubscribeURL string
	ID             string // becomes Message.ID
}

type replyView struct {
	frame
	Intro      string
	BodyHTML   htemplate.HTML
	BodyText   string
	YoursLabel string
	Yours      string
}

// Reply renders the e-mail that tells a subscribed reader that someone
// replied to their comment.
func Reply(lang string, d ReplyData) Message {
	l := &loc{lang: Lang(lang)}
	return reply(l, d)
}

func reply(l *loc, d ReplyData) Message {
	site := siteName(d.SiteName, d.PageURL)
	page := pageName(d.PageTitle, d.PageURL)
	v := replyView{
		frame: newFrame(l, l.t("reply_subject",
			"name", shortName(l, d.ReplierName), "page", truncate(page, 80), "site", site)),
		Intro:      l.t("reply_intro", "name", person(l, d.ReplierName, d.ReplierAffiliation), "page", page, "site", site),
		BodyHTML:   bodyOrText(d.ReplyHTML, d.ReplyText),
		BodyText:   multiLine(d.ReplyText),
		YoursLabel: l.t("reply_yours"),
		Yours:      truncate(multiLine(d.YourText), 300),
	}
	v.addAction(l.t("reply_view"), d.PageURL, true)
	unsubscribe := cleanURL(d.UnsubscribeURL)
	v.Footer = &footer{Why: l.t("reply_why", "site", site)}
	if unsubscribe != "" {
		v.Footer.Links = []link{{Label: l.t("unsubscribe_button"), URL: unsubscribe}}
	}
	text, html := replyTemplates.render(v)
	return Message{ID: d.ID, To: d.To, Subject: v.Subject, Text: text, HTML: html,
		ListUnsubscribe: unsubscribe, Lang: l.lang}
}
