package mail

// stringsRU is Russian, with the polite "вы"; sentences about a commenter
// avoid past-tense verbs, which would need the commenter's gender.
var stringsRU = map[string]string{
	"confirm_title":      "Подтвердите адрес электронной почты",
	"confirm_button":     "Да, присылать ответы",
	"confirmed":          "Теперь вы будете получать письмо, когда вам ответят.",
	"unsubscribe_title":  "Отписка от писем об ответах",
	"unsubscribe_button": "Отписаться",
	"unsubscribed":       "Вы больше не будете получать письма об ответах на этом сайте.",
	"link_invalid":       "Ссылка недействительна или устарела.",
	"approve_title":      "Одобрить этот комментарий?",
	"remove_title":       "Удалить этот комментарий?",
	"approve_button":     "Одобрить",
	"remove_button":      "Удалить",
	"done":               "Готово.",

	"colon":            ": ",
	"name_affiliation": "{name} ({affiliation})",
	"anonymous":        "Аноним",

	"confirm_subject": "Подтвердите подписку на ответы на сайте {site}",
	"confirm_intro":   "Подтвердите, пожалуйста, что хотите получать письма об ответах на ваши комментарии на сайте {site}.",
	"confirm_page":    "Вы запросили их, когда комментировали «{page}».",
	"confirm_ignore":  "Если вы этого не запрашивали, просто не обращайте внимания на это письмо: больше писем не будет.",

	"verify_subject": "Подтвердите адрес электронной почты для комментариев на {site}",
	"verify_intro":   "Откройте эту ссылку, чтобы подтвердить адрес и стать проверенным читателем {site} на устройстве, где вы её откроете. Ваши комментарии, голоса и данные будут доступны на каждом подтверждённом устройстве.",
	"verify_expires": "Ссылка работает один раз в течение часа.",
	"verify_ignore":  "Если вы этого не запрашивали, просто проигнорируйте это письмо: ничего не изменится.",
	"verify_button":  "Подтвердить адрес",

	"reply_subject": "Ответ от {name} на ваш комментарий к «{page}»",
	"reply_intro":   "Ответ от {name} на ваш комментарий к «{page}»:",
	"reply_yours":   "Ваш комментарий:",
	"reply_view":    "Посмотреть ответ",
	"reply_why":     "Вы получили это письмо, потому что подписались на ответы на ваши комментарии на сайте {site}.",

	"staff_subject_new":  "[{site}] Новый комментарий от {name} к «{page}»",
	"staff_subject_held": "[{site}] Комментарий ждёт проверки: {name}, «{page}»",
	"staff_intro_new":    "Новый комментарий от {name} к «{page}»:",
	"staff_intro_held":   "Новый комментарий от {name} к «{page}». Другие увидят его только после вашей проверки:",
	"staff_reasons":      "Причины задержки:",
	"staff_reply":        "Ответить",
	"staff_view":         "Открыть страницу",
	"staff_why":          "Вы получили это письмо как владелец или модератор сайта {site}.",
	"staff_settings":     "Настройки уведомлений",
}
