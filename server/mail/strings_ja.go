package mail

// stringsJA is Japanese, polite form.
var stringsJA = map[string]string{
	"confirm_title":      "メールアドレスの確認",
	"confirm_button":     "はい、返信を受け取ります",
	"confirmed":          "今後、返信があるとメールでお知らせします。",
	"unsubscribe_title":  "返信通知メールの停止",
	"unsubscribe_button": "配信を停止",
	"unsubscribed":       "このサイトでの返信に関するメールは今後届きません。",
	"link_invalid":       "このリンクは無効か、有効期限が切れています。",
	"approve_title":      "このコメントを承認しますか？",
	"remove_title":       "このコメントを削除しますか？",
	"approve_button":     "承認",
	"remove_button":      "削除",
	"done":               "完了しました。",

	"colon":            "：",
	"name_affiliation": "{name}（{affiliation}）",
	"anonymous":        "匿名",

	"confirm_subject": "{site} の返信通知メールの確認",
	"confirm_intro":   "{site} であなたのコメントに返信があったときにメールを受け取るには、確認をお願いします。",
	"confirm_page":    "「{page}」にコメントした際にお申し込みいただきました。",
	"confirm_ignore":  "お心当たりがない場合は、このメールを無視してください。今後メールが届くことはありません。",

	"verify_subject": "{site} のコメント用メールアドレスの確認",
	"verify_intro":   "このリンクを開いてアドレスを確認すると、開いた端末で {site} の確認済み読者になります。確認した端末ではどれでも、あなたのコメント、投票、データが引き継がれます。",
	"verify_expires": "リンクは 1 時間以内に 1 回だけ使えます。",
	"verify_ignore":  "心当たりがない場合は、このメールを無視してください。何も変わりません。",
	"verify_button":  "アドレスを確認する",

	"reply_subject": "{name} さんが「{page}」のあなたのコメントに返信しました",
	"reply_intro":   "{name} さんが「{page}」のあなたのコメントに返信しました：",
	"reply_yours":   "あなたのコメント：",
	"reply_view":    "返信を見る",
	"reply_why":     "{site} でコメントへの返信通知をお申し込みいただいたため、このメールをお送りしています。",

	"staff_subject_new":  "[{site}] {name} さんが「{page}」にコメントしました",
	"staff_subject_held": "[{site}] 承認待ちのコメント：{name} さん、「{page}」",
	"staff_intro_new":    "{name} さんが「{page}」にコメントしました：",
	"staff_intro_held":   "{name} さんが「{page}」にコメントしました。承認されるまで、このコメントは他の人には表示されません：",
	"staff_reasons":      "保留の理由：",
	"staff_reply":        "返信",
	"staff_view":         "ページを見る",
	"staff_why":          "{site} のオーナーまたはモデレーターとして、このメールをお送りしています。",
	"staff_settings":     "通知設定",
}
