package mail

// stringsPT is Brazilian Portuguese, like the widget.
var stringsPT = map[string]string{
	"confirm_title":      "Confirme seu endereço de e-mail",
	"confirm_button":     "Sim, quero receber as respostas",
	"confirmed":          "A partir de agora você receberá um e-mail quando alguém responder.",
	"unsubscribe_title":  "Parar de receber e-mails sobre respostas",
	"unsubscribe_button": "Cancelar inscrição",
	"unsubscribed":       "Você não receberá mais e-mails sobre respostas neste site.",
	"link_invalid":       "Este link é inválido ou expirou.",
	"approve_title":      "Aprovar este comentário?",
	"remove_title":       "Remover este comentário?",
	"approve_button":     "Aprovar",
	"remove_button":      "Remover",
	"done":               "Pronto.",

	"colon":            ": ",
	"name_affiliation": "{name} ({affiliation})",
	"anonymous":        "Anônimo",

	"confirm_subject": "Confirme os e-mails sobre respostas em {site}",
	"confirm_intro":   "Confirme que você quer receber um e-mail quando alguém responder aos seus comentários em {site}.",
	"confirm_page":    "Você pediu isso ao comentar em “{page}”.",
	"confirm_ignore":  "Se não foi você que pediu, ignore este e-mail: você não receberá mais nada.",

	"verify_subject": "Verifique o seu endereço de e-mail para comentar em {site}",
	"verify_intro":   "Abra este link para confirmar o seu endereço e ser reconhecido como leitor verificado em {site}, no dispositivo onde o abrir. Os seus comentários, votos e dados acompanham-no em cada dispositivo que confirmar.",
	"verify_expires": "O link funciona uma única vez, durante uma hora.",
	"verify_ignore":  "Se não pediu isto, ignore este e-mail: nada muda.",
	"verify_button":  "Confirmar o meu endereço",

	"reply_subject": "{name} respondeu ao seu comentário em “{page}”",
	"reply_intro":   "{name} respondeu ao seu comentário em “{page}”:",
	"reply_yours":   "Seu comentário:",
	"reply_view":    "Ver a resposta",
	"reply_why":     "Você recebe este e-mail porque pediu para ser avisado sobre respostas aos seus comentários em {site}.",

	"staff_subject_new":  "[{site}] Novo comentário de {name} em “{page}”",
	"staff_subject_held": "[{site}] Comentário aguardando revisão: {name} em “{page}”",
	"staff_intro_new":    "{name} comentou em “{page}”:",
	"staff_intro_held":   "{name} comentou em “{page}”. Ninguém mais verá o comentário até você revisá-lo:",
	"staff_reasons":      "Motivos da retenção:",
	"staff_reply":        "Responder",
	"staff_view":         "Ver a página",
	"staff_why":          "Você recebe este e-mail como proprietário ou moderador de {site}.",
	"staff_settings":     "Configurações de notificação",
}
