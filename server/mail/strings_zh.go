package mail

// stringsZH is Simplified Chinese, with "你" like the widget.
var stringsZH = map[string]string{
	"confirm_title":      "确认你的电子邮件地址",
	"confirm_button":     "是的，把回复发给我",
	"confirmed":          "今后有人回复时，你会收到电子邮件。",
	"unsubscribe_title":  "停止接收回复通知邮件",
	"unsubscribe_button": "退订",
	"unsubscribed":       "你将不会再收到此网站上有关回复的电子邮件。",
	"link_invalid":       "此链接无效或已过期。",
	"approve_title":      "批准这条评论？",
	"remove_title":       "删除这条评论？",
	"approve_button":     "批准",
	"remove_button":      "删除",
	"done":               "已完成。",

	"colon":            "：",
	"name_affiliation": "{name}（{affiliation}）",
	"anonymous":        "匿名",

	"confirm_subject": "确认接收 {site} 上的回复通知邮件",
	"confirm_intro":   "请确认你希望在有人回复你在 {site} 上的评论时收到电子邮件。",
	"confirm_page":    "你在评论“{page}”时申请了此通知。",
	"confirm_ignore":  "如果这不是你本人的申请，请忽略此邮件：你不会再收到任何邮件。",

	"verify_subject": "验证你在 {site} 评论所用的邮箱地址",
	"verify_intro":   "打开此链接即可确认你的地址，并在打开链接的设备上成为 {site} 的已验证读者。你的评论、投票和数据会跟随你到每台已确认的设备。",
	"verify_expires": "该链接只能使用一次，一小时内有效。",
	"verify_ignore":  "如果你没有提出此请求，请忽略这封邮件：不会有任何变化。",
	"verify_button":  "确认我的地址",

	"reply_subject": "{name} 回复了你在“{page}”上的评论",
	"reply_intro":   "{name} 回复了你在“{page}”上的评论：",
	"reply_yours":   "你的评论：",
	"reply_view":    "查看回复",
	"reply_why":     "你收到此邮件，是因为你在 {site} 上订阅了评论回复通知。",

	"staff_subject_new":  "[{site}] {name} 在“{page}”发表了新评论",
	"staff_subject_held": "[{site}] 待审核评论：{name}，“{page}”",
	"staff_intro_new":    "{name} 在“{page}”发表了评论：",
	"staff_intro_held":   "{name} 在“{page}”发表了评论。该评论需经你审核后才会对其他人显示：",
	"staff_reasons":      "暂缓发布的原因：",
	"staff_reply":        "回复",
	"staff_view":         "查看页面",
	"staff_why":          "你是 {site} 的所有者或管理员，因此收到此邮件。",
	"staff_settings":     "通知设置",
}
