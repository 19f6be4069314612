package mail

// stringsFR is French, with "vous" like the widget, and a no-break space
// (U+00A0) before the high punctuation.
var stringsFR = map[string]string{
	"confirm_title":      "Confirmez votre adresse e-mail",
	"confirm_button":     "Oui, m’envoyer les réponses",
	"confirmed":          "Vous recevrez désormais un e-mail quand quelqu’un vous répondra.",
	"unsubscribe_title":  "Ne plus recevoir d’e-mails sur les réponses",
	"unsubscribe_button": "Se désabonner",
	"unsubscribed":       "Vous ne recevrez plus d’e-mails sur les réponses de ce site.",
	"link_invalid":       "Ce lien n’est pas valide ou a expiré.",
	"approve_title":      "Approuver ce commentaire\u00a0?",
	"remove_title":       "Supprimer ce commentaire\u00a0?",
	"approve_button":     "Approuver",
	"remove_button":      "Supprimer",
	"done":               "C’est fait.",

	"colon":            "\u00a0: ",
	"name_affiliation": "{name} ({affiliation})",
	"anonymous":        "Anonyme",

	"confirm_subject": "Confirmez les notifications de réponses sur {site}",
	"confirm_intro":   "Merci de confirmer que vous souhaitez recevoir un e-mail quand quelqu’un répond à vos commentaires sur {site}.",
	"confirm_page":    "Vous l’avez demandé en commentant «\u00a0{page}\u00a0».",
	"confirm_ignore":  "Si vous n’avez rien demandé, ignorez simplement cet e-mail\u00a0: vous ne recevrez rien d’autre.",

	"verify_subject": "Vérifiez votre adresse e-mail pour commenter sur {site}",
	"verify_intro":   "Ouvrez ce lien pour confirmer votre adresse et être reconnu comme lecteur vérifié sur {site}, sur l’appareil où vous l’ouvrez. Vos commentaires, vos votes et vos données vous suivent sur chaque appareil que vous confirmez.",
	"verify_expires": "Le lien fonctionne une seule fois, pendant une heure.",
	"verify_ignore":  "Si vous n’avez rien demandé, ignorez simplement cet e-mail : rien ne change.",
	"verify_button":  "Confirmer mon adresse",

	"reply_subject": "{name} a répondu à votre commentaire sur «\u00a0{page}\u00a0»",
	"reply_intro":   "{name} a répondu à votre commentaire sur «\u00a0{page}\u00a0»\u00a0:",
	"reply_yours":   "Votre commentaire\u00a0:",
	"reply_view":    "Voir la réponse",
	"reply_why":     "Vous recevez cet e-mail parce que vous avez demandé à être prévenu des réponses à vos commentaires sur {site}.",

	"staff_subject_new":  "[{site}] Nouveau commentaire de {name} sur «\u00a0{page}\u00a0»",
	"staff_subject_held": "[{site}] Commentaire en attente de modération\u00a0: {name} sur «\u00a0{page}\u00a0»",
	"staff_intro_new":    "{name} a commenté «\u00a0{page}\u00a0»\u00a0:",
	"staff_intro_held":   "{name} a commenté «\u00a0{page}\u00a0». Le commentaire ne sera visible qu’après votre validation\u00a0:",
	"staff_reasons":      "Retenu pour les raisons suivantes\u00a0:",
	"staff_reply":        "Répondre",
	"staff_view":         "Voir la page",
	"staff_why":          "Vous recevez cet e-mail en tant que propriétaire ou modérateur de {site}.",
	"staff_settings":     "Paramètres de notification",
}
