package mail

// stringsES is Spanish, addressing the reader with "tú" like the widget.
var stringsES = map[string]string{
	"confirm_title":      "Confirma tu dirección de correo",
	"confirm_button":     "Sí, quiero recibir las respuestas",
	"confirmed":          "A partir de ahora recibirás un correo cuando alguien responda.",
	"unsubscribe_title":  "Dejar de recibir correos sobre respuestas",
	"unsubscribe_button": "Cancelar la suscripción",
	"unsubscribed":       "Ya no recibirás más correos sobre respuestas en este sitio.",
	"link_invalid":       "Este enlace no es válido o ha caducado.",
	"approve_title":      "¿Aprobar este comentario?",
	"remove_title":       "¿Eliminar este comentario?",
	"approve_button":     "Aprobar",
	"remove_button":      "Eliminar",
	"done":               "Hecho.",

	"colon":            ": ",
	"name_affiliation": "{name} ({affiliation})",
	"anonymous":        "Anónimo",

	"confirm_subject": "Confirma los correos sobre respuestas en {site}",
	"confirm_intro":   "Confirma que quieres recibir un correo cuando alguien responda a tus comentarios en {site}.",
	"confirm_page":    "Lo pediste al comentar en «{page}».",
	"confirm_ignore":  "Si no lo pediste tú, ignora este correo: no recibirás nada más.",

	"verify_subject": "Verifique su dirección de correo para comentar en {site}",
	"verify_intro":   "Abra este enlace para confirmar su dirección y figurar como lector verificado en {site}, en el dispositivo donde lo abra. Sus comentarios, votos y datos le siguen a cada dispositivo que confirme.",
	"verify_expires": "El enlace funciona una sola vez, durante una hora.",
	"verify_ignore":  "Si no lo ha pedido, ignore este correo: no cambia nada.",
	"verify_button":  "Confirmar mi dirección",

	"reply_subject": "{name} ha respondido a tu comentario en «{page}»",
	"reply_intro":   "{name} ha respondido a tu comentario en «{page}»:",
	"reply_yours":   "Tu comentario:",
	"reply_view":    "Ver la respuesta",
	"reply_why":     "Recibes este correo porque pediste avisos de las respuestas a tus comentarios en {site}.",

	"staff_subject_new":  "[{site}] Nuevo comentario de {name} en «{page}»",
	"staff_subject_held": "[{site}] Comentario pendiente de revisión: {name} en «{page}»",
	"staff_intro_new":    "{name} ha comentado en «{page}»:",
	"staff_intro_held":   "{name} ha comentado en «{page}». Nadie más lo verá hasta que lo revises:",
	"staff_reasons":      "Retenido por estos motivos:",
	"staff_reply":        "Responder",
	"staff_view":         "Ver la página",
	"staff_why":          "Recibes este correo como propietario o moderador de {site}.",
	"staff_settings":     "Ajustes de notificaciones",
}
