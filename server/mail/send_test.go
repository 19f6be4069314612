package mail_test

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	parleymail "github.com/parley-dev/parley/server/mail"
	"github.com/parley-dev/parley/server/mail/mailtest"
)

const wait = 5 * time.Second

// deliver sends m through a new Sender for cfg and returns what srv got.
func deliver(t *testing.T, srv *mailtest.Server, cfg parleymail.Config, m parleymail.Message) mailtest.Received {
	t.Helper()
	sender, err := parleymail.NewSender(cfg)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	before := len(srv.Messages())
	if err := sender.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	return srv.Wait(t, before+1, wait)[before]
}

// headerSection is the raw header block of a received message.
func headerSection(r mailtest.Received) string {
	h, _, _ := strings.Cut(string(r.Data), "\r\n\r\n")
	return h
}

func checkCommonHeaders(t *testing.T, got mailtest.Received, to, id string) {
	t.Helper()
	if got.From != mailtest.From || !slices.Equal(got.To, []string{to}) {
		t.Errorf("envelope from %q to %v, want %q to [%s]", got.From, got.To, mailtest.From, to)
	}
	if from := got.Header("From"); !strings.Contains(from, mailtest.From) {
		t.Errorf("From: %q", from)
	}
	if h := got.Header("To"); !strings.Contains(h, to) {
		t.Errorf("To: %q", h)
	}
	if h := got.Header("Message-Id"); h != "<"+id+"@example.test>" {
		t.Errorf("Message-ID: %q, want <%s@example.test>", h, id)
	}
	if d, err := mail.ParseDate(got.Header("Date")); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date: %q (%v)", got.Header("Date"), err)
	}
	if h := got.Header("Auto-Submitted"); h != "auto-generated" {
		t.Errorf("Auto-Submitted: %q", h)
	}
	if h := got.Header("Content-Type"); !strings.HasPrefix(h, "multipart/alternative;") {
		t.Errorf("Content-Type: %q", h)
	}
	for _, part := range []string{got.Text(), got.HTML()} {
		if strings.Contains(strings.ToLower(part), "<img") {
			t.Errorf("a part has an image:\n%s", part)
		}
	}
}

func TestSendConfirm(t *testing.T) {
	srv := mailtest.Start(t)
	m := parleymail.Confirm("en", parleymail.ConfirmData{
		To: "reader@example.com", SiteName: "Cat Blog", PageTitle: "On naps",
		PageURL: "https://cats.example/naps", ConfirmURL: "https://comments.example/confirm?t=abc", ID: "confirm.abc",
	})
	got := deliver(t, srv, srv.Config(), m)
	checkCommonHeaders(t, got, "reader@example.com", "confirm.abc")
	if s := got.Header("Subject"); s != "Confirm e-mails about replies on Cat Blog" {
		t.Errorf("Subject: %q", s)
	}
	if h := got.Header("List-Unsubscribe") + got.Header("List-Unsubscribe-Post"); h != "" {
		t.Errorf("a confirmation has List-Unsubscribe headers: %q", h)
	}
	text, html := got.Text(), got.HTML()
	for _, want := range []string{
		"confirm that you want e-mails about replies to your comments on Cat Blog",
		"Yes, send me replies: https://comments.example/confirm?t=abc",
		"“On naps”", "https://cats.example/naps", "If you did not ask for this",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{
		`<html lang="en">`, `href="https://comments.example/confirm?t=abc"`, ">Yes, send me replies</a>",
		"Cat Blog", "If you did not ask for this",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
}

func replyData() parleymail.ReplyData {
	return parleymail.ReplyData{
		To: "reader@example.com", SiteName: "Cat Blog", PageTitle: "On naps",
		PageURL: "https://cats.example/naps#c-42", ReplierName: "Ann", ReplierAffiliation: "Cat Club",
		ReplyHTML: "<p>Naps are <em>great</em>.</p>", ReplyText: "Naps are great.",
		YourText: "I like naps.", UnsubscribeURL: "https://comments.example/unsubscribe?t=xyz", ID: "reply.c42.r1",
	}
}

func TestSendReply(t *testing.T) {
	srv := mailtest.Start(t)
	got := deliver(t, srv, srv.Config(), parleymail.Reply("en", replyData()))
	checkCommonHeaders(t, got, "reader@example.com", "reply.c42.r1")
	if s := got.Header("Subject"); s != "Ann replied to your comment on “On naps”" {
		t.Errorf("Subject: %q", s)
	}
	if h := got.Header("List-Unsubscribe"); h != "<https://comments.example/unsubscribe?t=xyz>" {
		t.Errorf("List-Unsubscribe: %q", h)
	}
	if h := got.Header("List-Unsubscribe-Post"); h != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post: %q", h)
	}
	text, html := got.Text(), got.HTML()
	for _, want := range []string{
		"Ann (Cat Club) replied to your comment on “On naps”:", "> Naps are great.", "Your comment:\n> I like naps.",
		"View the reply: https://cats.example/naps#c-42",
		"Unsubscribe: https://comments.example/unsubscribe?t=xyz", "comments on Cat Blog",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{
		"<p>Naps are <em>great</em>.</p>", "I like naps.", `href="https://cats.example/naps#c-42"`,
		`href="https://comments.example/unsubscribe?t=xyz"`, ">Unsubscribe</a>", "Cat Blog",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
}

func TestSendReplyInGerman(t *testing.T) {
	srv := mailtest.Start(t)
	got := deliver(t, srv, srv.Config(), parleymail.Reply("de-AT", replyData()))
	if s := got.Header("Subject"); s != "Ann hat auf Ihren Kommentar zu „On naps“ geantwortet" {
		t.Errorf("Subject: %q", s)
	}
	if h := got.Header("Content-Language"); h != "de" {
		t.Errorf("Content-Language: %q", h)
	}
	if !strings.Contains(got.Text(), "Abbestellen: https://comments.example/unsubscribe?t=xyz") {
		t.Errorf("text part:\n%s", got.Text())
	}
}

func staffData(held bool) parleymail.StaffData {
	return parleymail.StaffData{
		To: "owner@example.com", SiteName: "Cat Blog", PageTitle: "On naps", PageURL: "https://cats.example/naps",
		AuthorName: "Bob", CommentHTML: "<p>Buy <a href=\"https://spam.example/\">pills</a></p>",
		CommentText: "Buy pills", Held: held, HoldReasons: []string{"More links than the site allows"},
		ApproveURL: "https://comments.example/approve?t=1", RemoveURL: "https://comments.example/remove?t=1",
		ReplyURL: "https://cats.example/naps#reply-7", SettingsURL: "https://comments.example/settings", ID: "staff.c7",
	}
}

func TestSendStaffHeld(t *testing.T) {
	srv := mailtest.Start(t)
	got := deliver(t, srv, srv.Config(), parleymail.Staff("en", staffData(true)))
	checkCommonHeaders(t, got, "owner@example.com", "staff.c7")
	if s := got.Header("Subject"); s != "[Cat Blog] Comment waiting for review: Bob on “On naps”" {
		t.Errorf("Subject: %q", s)
	}
	text, html := got.Text(), got.HTML()
	for _, want := range []string{
		"Bob commented on “On naps”. The comment waits for your review", "> Buy pills",
		"Held because:\n- More links than the site allows",
		"Approve: https://comments.example/approve?t=1", "Remove: https://comments.example/remove?t=1",
		"Reply: https://cats.example/naps#reply-7", "Notification settings: https://comments.example/settings",
		"owner or moderator of Cat Blog",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{
		`<a href="https://spam.example/">pills</a>`, "<li>More links than the site allows</li>",
		`href="https://comments.example/approve?t=1"`, `href="https://comments.example/remove?t=1"`,
		`href="https://comments.example/settings"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
}

func TestSendStaffNew(t *testing.T) {
	srv := mailtest.Start(t)
	got := deliver(t, srv, srv.Config(), parleymail.Staff("en", staffData(false)))
	if s := got.Header("Subject"); s != "[Cat Blog] New comment by Bob on “On naps”" {
		t.Errorf("Subject: %q", s)
	}
	text, html := got.Text(), got.HTML()
	if !strings.Contains(text, "Bob commented on “On naps”:") || !strings.Contains(text, "Remove: https://comments.example/remove?t=1") {
		t.Errorf("text part:\n%s", text)
	}
	for _, part := range []string{text, html} {
		if strings.Contains(part, "approve?t=1") || strings.Contains(part, "More links") {
			t.Errorf("a comment that is not held shows the approve link or hold reasons:\n%s", part)
		}
	}
}

func TestHeaderInjectionIsImpossible(t *testing.T) {
	srv := mailtest.Start(t)
	const evil = "\r\nBcc: evil@example.com"
	d := replyData()
	d.ReplierName = "Eve" + evil
	d.PageTitle = "Naps" + evil + "\r\n\r\nforged body"
	d.SiteName = "Cat Blog" + evil
	d.ID = "id" + evil
	messages := map[string]parleymail.Message{
		"reply":  parleymail.Reply("en", d),
		"staff":  parleymail.Staff("en", parleymail.StaffData{To: "owner@example.com", SiteName: d.SiteName, PageTitle: d.PageTitle, AuthorName: d.ReplierName, CommentText: "x"}),
		"direct": {To: "reader@example.com", Subject: "Hi" + evil + "\nX-Evil: 1", Text: "x", ID: "a" + evil, Lang: "en" + evil},
	}
	for name, m := range messages {
		t.Run(name, func(t *testing.T) {
			got := deliver(t, srv, srv.Config(), m)
			if len(got.To) != 1 || strings.Contains(got.To[0], "evil") {
				t.Errorf("recipients %v", got.To)
			}
			header := headerSection(got)
			for _, line := range strings.Split(header, "\r\n") {
				lower := strings.ToLower(line)
				if strings.HasPrefix(lower, "bcc:") || strings.HasPrefix(lower, "x-evil:") {
					t.Errorf("injected header line %q in:\n%s", line, header)
				}
			}
			if v := got.HeaderValues("Bcc"); len(v) != 0 {
				t.Errorf("Bcc: %v", v)
			}
			if v := got.HeaderValues("Subject"); len(v) != 1 || strings.ContainsAny(v[0], "\r\n") {
				t.Errorf("Subject values %q", v)
			}
			if strings.Contains(got.Text(), "\nforged body") {
				t.Errorf("a title broke out of its line:\n%s", got.Text())
			}
		})
	}
}

func TestHTMLPartEscapesNames(t *testing.T) {
	srv := mailtest.Start(t)
	d := replyData()
	d.ReplierName = `<script>alert("x")</script>`
	d.ReplierAffiliation = `<b onmouseover="y">Club</b>`
	d.PageTitle = `<i>naps</i> & more`
	got := deliver(t, srv, srv.Config(), parleymail.Reply("en", d))
	html := got.HTML()
	for _, bad := range []string{"<script>", "<b onmouseover", "<i>naps"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML part has %q unescaped:\n%s", bad, html)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "&lt;i&gt;naps&lt;/i&gt; &amp; more"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
	if !strings.Contains(got.Text(), `<script>alert("x")</script> (<b onmouseover="y">Club</b>) replied`) {
		t.Errorf("the text part should carry the name as it is:\n%s", got.Text())
	}
}

func TestHTMLPartDropsCommentImages(t *testing.T) {
	srv := mailtest.Start(t)
	d := replyData()
	d.ReplyHTML = `<p>Look: <img src="https://tracker.example/pixel.gif" alt="my cat"></p>`
	html := deliver(t, srv, srv.Config(), parleymail.Reply("en", d)).HTML()
	if strings.Contains(html, "tracker.example") || !strings.Contains(html, "<p>Look: my cat</p>") {
		t.Errorf("HTML part:\n%s", html)
	}
}
