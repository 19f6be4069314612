package mail

// ConfirmData is what the double opt-in e-mail says.
type ConfirmData struct {
	To       string
	SiteName string
	// PageTitle and PageURL are the page the reader commented on when they
	// asked for e-mails; both optional.
	PageTitle string
	PageURL   string
	// ConfirmURL is the link that confirms the address; it should lead to
	// a page with a button (Text "confirm_button") that POSTs, so that a
	// mail scanner following links confirms nothing.
	ConfirmURL string
	ID         string // becomes Message.ID
}

type confirmView struct {
	frame
	Intro, Page, PageURL, Ignore string
}

// Confirm renders the double opt-in e-mail: please confirm that you want
// e-mails about replies to your comments on the site; if you did not
// ask, ignore this. It has no List-Unsubscribe: nothing is subscribed
// yet.
func Confirm(lang string, d ConfirmData) Message {
	l := &loc{lang: Lang(lang)}
	return confirm(l, d)
}

func confirm(l *loc, d ConfirmData) Message {
	site := siteName(d.SiteName, d.PageURL)
	v := confirmView{
		frame:   newFrame(l, l.t("confirm_subject", "site", truncate(site, 80))),
		Intro:   l.t("confirm_intro", "site", site),
		PageURL: cleanURL(d.PageURL),
		Ignore:  l.t("confirm_ignore"),
	}
	if page := pageName(d.PageTitle, d.PageURL); page != "" {
		v.Page = l.t("confirm_page", "page", page)
	}
	v.addAction(l.t("confirm_button"), d.ConfirmURL, true)
	text, html := confirmTemplates.render(v)
	return Message{ID: d.ID, To: d.To, Subject: v.Subject, Text: text, HTML: html, Lang: l.lang}
}
