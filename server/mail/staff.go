package mail

import htemplate "html/template"

// StaffData is what the e-mail to a site's owner or moderators about a
// new comment says.
type StaffData struct {
	To                string
	SiteName          string
	PageTitle         string
	PageURL           string
	AuthorName        string
	AuthorAffiliation string
	// CommentHTML is the body as the renderer sanitized it (images become
	// their alt text); CommentText the same as plain text.
	CommentHTML string
	CommentText string
	// Held says the comment waits for review; HoldReasons says why, in
	// words for people (one line each).
	Held        bool
	HoldReasons []string
	// The links, each shown when set: ApproveURL only for a held comment.
	// Approve and remove links should lead to a page that asks (Text
	// "approve_title", "remove_title") and acts on a POST, so that a mail
	// scanner following links changes nothing.
	ApproveURL  string
	RemoveURL   string
	ReplyURL    string
	SettingsURL string // where the recipient changes their notifications
	ID          string // becomes Message.ID
}

type staffView struct {
	frame
	Intro        string
	BodyHTML     htemplate.HTML
	BodyText     string
	ReasonsLabel string
	Reasons      []string
}

// Staff renders the e-mail about a new comment for a site's staff:
// "[Site] New comment by X on “Title”", or for a held comment "[Site]
// Comment waiting for review: X on “Title”" with the reasons and an
// approve link.
func Staff(lang string, d StaffData) Message {
	l := &loc{lang: Lang(lang)}
	return staff(l, d)
}

func staff(l *loc, d StaffData) Message {
	site := siteName(d.SiteName, d.PageURL)
	page := pageName(d.PageTitle, d.PageURL)
	subject, intro := "staff_subject_new", "staff_intro_new"
	if d.Held {
		subject, intro = "staff_subject_held", "staff_intro_held"
	}
	v := staffView{
		frame: newFrame(l, l.t(subject,
			"site", truncate(site, 60), "name", shortName(l, d.AuthorName), "page", truncate(page, 80))),
		Intro:    l.t(intro, "name", person(l, d.AuthorName, d.AuthorAffiliation), "page", page, "site", site),
		BodyHTML: bodyOrText(d.CommentHTML, d.CommentText),
		BodyText: multiLine(d.CommentText),
	}
	if d.Held {
		for _, r := range d.HoldReasons {
			if r = oneLine(r); r != "" {
				v.Reasons = append(v.Reasons, r)
			}
		}
		if len(v.Reasons) > 0 {
			v.ReasonsLabel = l.t("staff_reasons")
		}
		v.addAction(l.t("approve_button"), d.ApproveURL, true)
	}
	v.addAction(l.t("remove_button"), d.RemoveURL, false)
	v.addAction(l.t("staff_reply"), d.ReplyURL, !d.Held)
	v.addAction(l.t("staff_view"), d.PageURL, false)
	v.Footer = &footer{Why: l.t("staff_why", "site", site)}
	if u := cleanURL(d.SettingsURL); u != "" {
		v.Footer.Links = []link{{Label: l.t("staff_settings"), URL: u}}
	}
	text, html := staffTemplates.render(v)
	return Message{ID: d.ID, To: d.To, Subject: v.Subject, Text: text, HTML: html, Lang: l.lang}
}
