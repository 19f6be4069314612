package mail

// stringsEN is English, the fallback and the reference for the others.
// Placeholders: {site} the site's name, {page} the page title, {name} a
// commenter's name, {affiliation} their affiliation.
var stringsEN = map[string]string{
	// Landing pages (Text).
	"confirm_title":      "Confirm your e-mail address",
	"confirm_button":     "Yes, send me replies",
	"confirmed":          "You will now get an e-mail when someone replies.",
	"unsubscribe_title":  "Stop e-mails about replies",
	"unsubscribe_button": "Unsubscribe",
	"unsubscribed":       "You will get no more e-mails about replies on this site.",
	"link_invalid":       "This link is invalid or has expired.",
	"approve_title":      "Approve this comment?",
	"remove_title":       "Remove this comment?",
	"approve_button":     "Approve",
	"remove_button":      "Remove",
	"done":               "Done.",

	// Pieces of e-mails.
	"colon":            ": ",
	"name_affiliation": "{name} ({affiliation})",
	"anonymous":        "Anonymous",

	"confirm_subject": "Confirm e-mails about replies on {site}",
	"confirm_intro":   "Please confirm that you want e-mails about replies to your comments on {site}.",
	"confirm_page":    "You asked for them when you commented on “{page}”.",
	"confirm_ignore":  "If you did not ask for this, just ignore this e-mail: you will get nothing more.",

	"verify_subject": "Verify your e-mail address for comments on {site}",
	"verify_intro":   "Open this link to confirm your address and be known as a verified reader on {site}, on the device where you open it. Your comments, votes and data follow you to every device you confirm.",
	"verify_expires": "The link works once, within an hour.",
	"verify_ignore":  "If you did not ask for this, just ignore this e-mail: nothing changes.",
	"verify_button":  "Confirm my address",

	"reply_subject": "{name} replied to your comment on “{page}”",
	"reply_intro":   "{name} replied to your comment on “{page}”:",
	"reply_yours":   "Your comment:",
	"reply_view":    "View the reply",
	"reply_why":     "You get this e-mail because you asked for e-mails about replies to your comments on {site}.",

	"staff_subject_new":  "[{site}] New comment by {name} on “{page}”",
	"staff_subject_held": "[{site}] Comment waiting for review: {name} on “{page}”",
	"staff_intro_new":    "{name} commented on “{page}”:",
	"staff_intro_held":   "{name} commented on “{page}”. The comment waits for your review before others can see it:",
	"staff_reasons":      "Held because:",
	"staff_reply":        "Reply",
	"staff_view":         "View the page",
	"staff_why":          "You get this e-mail as an owner or moderator of {site}.",
	"staff_settings":     "Notification settings",
}
