package mail

// stringsDE is German, in the formal "Sie" like the widget.
var stringsDE = map[string]string{
	"confirm_title":      "Bestätigen Sie Ihre E-Mail-Adresse",
	"confirm_button":     "Ja, Antworten per E-Mail erhalten",
	"confirmed":          "Sie bekommen ab jetzt eine E-Mail, wenn jemand antwortet.",
	"unsubscribe_title":  "Keine E-Mails mehr zu Antworten",
	"unsubscribe_button": "Abbestellen",
	"unsubscribed":       "Sie bekommen keine E-Mails mehr zu Antworten auf dieser Website.",
	"link_invalid":       "Dieser Link ist ungültig oder abgelaufen.",
	"approve_title":      "Diesen Kommentar freigeben?",
	"remove_title":       "Diesen Kommentar entfernen?",
	"approve_button":     "Freigeben",
	"remove_button":      "Entfernen",
	"done":               "Erledigt.",

	"colon":            ": ",
	"name_affiliation": "{name} ({affiliation})",
	"anonymous":        "Anonym",

	"confirm_subject": "Bestätigen Sie E-Mails zu Antworten auf {site}",
	"confirm_intro":   "Bitte bestätigen Sie, dass Sie E-Mails zu Antworten auf Ihre Kommentare auf {site} erhalten möchten.",
	"confirm_page":    "Sie haben sie angefordert, als Sie „{page}“ kommentiert haben.",
	"confirm_ignore":  "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail einfach: Sie bekommen dann nichts weiter.",

	"verify_subject": "Bestätigen Sie Ihre E-Mail-Adresse für Kommentare auf {site}",
	"verify_intro":   "Öffnen Sie diesen Link, um Ihre Adresse zu bestätigen und auf {site} als verifizierte Leserin oder verifizierter Leser zu gelten, auf dem Gerät, auf dem Sie ihn öffnen. Ihre Kommentare, Stimmen und Daten folgen Ihnen auf jedes Gerät, das Sie bestätigen.",
	"verify_expires": "Der Link funktioniert einmal, innerhalb einer Stunde.",
	"verify_ignore":  "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail einfach: Es ändert sich nichts.",
	"verify_button":  "Meine Adresse bestätigen",

	"reply_subject": "{name} hat auf Ihren Kommentar zu „{page}“ geantwortet",
	"reply_intro":   "{name} hat auf Ihren Kommentar zu „{page}“ geantwortet:",
	"reply_yours":   "Ihr Kommentar:",
	"reply_view":    "Antwort ansehen",
	"reply_why":     "Sie bekommen diese E-Mail, weil Sie E-Mails zu Antworten auf Ihre Kommentare auf {site} angefordert haben.",

	"staff_subject_new":  "[{site}] Neuer Kommentar von {name} zu „{page}“",
	"staff_subject_held": "[{site}] Kommentar wartet auf Prüfung: {name} zu „{page}“",
	"staff_intro_new":    "{name} hat „{page}“ kommentiert:",
	"staff_intro_held":   "{name} hat „{page}“ kommentiert. Andere sehen den Kommentar erst, wenn Sie ihn geprüft haben:",
	"staff_reasons":      "Zurückgehalten aus diesen Gründen:",
	"staff_reply":        "Antworten",
	"staff_view":         "Seite ansehen",
	"staff_why":          "Sie bekommen diese E-Mail als Betreiber oder Moderator von {site}.",
	"staff_settings":     "Benachrichtigungseinstellungen",
}
