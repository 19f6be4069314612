package mail

// VerifyData is what the magic-link e-mail says.
type VerifyData struct {
	To       string
	SiteName string
	// PageURL is the page the link opens, where the reader confirms; the
	// link carries the code in its fragment.
	PageURL string
	Link    string
	ID      string // becomes Message.ID
}

// Verify renders the magic-link e-mail: open the link and confirm to be
// known as a verified reader of the site on that device; it expires in an
// hour; if you did not ask, ignore this. It has no List-Unsubscribe:
// nothing is subscribed.
func Verify(lang string, d VerifyData) Message {
	return verify(&loc{lang: Lang(lang)}, d)
}

func verify(l *loc, d VerifyData) Message {
	site := siteName(d.SiteName, d.PageURL)
	v := confirmView{
		frame:  newFrame(l, l.t("verify_subject", "site", truncate(site, 80))),
		Intro:  l.t("verify_intro", "site", site),
		Page:   l.t("verify_expires"),
		Ignore: l.t("verify_ignore"),
	}
	v.addAction(l.t("verify_button"), d.Link, true)
	text, html := confirmTemplates.render(v)
	return Message{ID: d.ID, To: d.To, Subject: v.Subject, Text: text, HTML: html, Lang: l.lang}
}
