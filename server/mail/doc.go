// Package mail renders Parley's e-mails and sends them over SMTP.
//
// # From event to inbox
//
// Whoever decides that an e-mail is due renders it at once, in the
// recipient's language, into a Message:
//
//	m := mail.Reply(sub.Lang, mail.ReplyData{...})
//
// and queues it in the outbox (storage.MessageMail, with the Message as
// JSON for its payload). The outbox worker, perhaps on another node, later
// decodes it and calls Sender.Send. On an error it asks IsPermanent: a
// bad address or a 5xx answer for the recipient or the message means
// give up now; anything else (the server is down, 4xx, TLS or AUTH
// trouble) means try again later. Message.ID makes the Message-ID, so the
// retries of one outbox entry all carry the same one.
//
// # Messages
//
//   - Confirm: the double opt-in for reply e-mails. No List-Unsubscribe,
//     since nothing is subscribed yet; it says to ignore it if unasked.
//   - Reply: someone replied to the recipient's comment. It carries
//     List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 one-click), so
//     the unsubscribe URL must act on a POST without further questions,
//     and shows the same link in both parts.
//   - Staff: a new comment, or one held for review, for a site's owner
//     and moderators, with approve (held only), remove, reply, page and
//     settings links.
//
// Each has a text/plain part (text/template) and a text/html part
// (html/template) in one multipart/alternative message, and is short and
// names the site. The HTML has inline styles only and loads nothing: no
// remote images, no tracking pixels; images in a comment's body become
// their alt text, so a commenter cannot learn who opened the e-mail.
//
// Links that change something (confirm, approve, remove) should lead to a
// landing page that asks and acts on a POST, because mail scanners open
// links; Text serves that page's strings ("confirm_title",
// "approve_button", ...). Only the one-click unsubscribe acts on the POST
// that mail clients send themselves.
//
// # Untrusted text
//
// Names, affiliations, page titles and site names come from readers.
// Every one is cut to one line: control characters (CR and LF among
// them), Unicode line separators and bidirectional overrides are removed
// before it reaches a subject or a body line, and Send cleans the subject
// and every header value again, so no header can be added and no
// recipient smuggled in, whatever the caller passes. The HTML part
// escapes all of them; the comment body is the one piece put in as HTML,
// as the renderer sanitized it.
//
// # Languages
//
// en, de, es, fr, ja, pt, ru and zh, the widget's (Languages); Lang maps
// a tag such as "de-AT" to one of them, and anything else to English. All
// strings of a language are in its strings_xx.go; a test fails when a
// language lacks a key or a placeholder.
//
// # Transport
//
// Config chooses STARTTLS (required, port 587; the default), implicit TLS
// (465) or none (25, for a relay on the same host). Certificates are
// verified against the system roots unless Config.TLSConfig says
// otherwise, which is for tests. Sender connects once per message,
// through github.com/wneessen/go-mail. Package mailtest runs a real SMTP
// server for tests.
package mail
