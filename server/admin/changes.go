package admin

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-dev/parley/storage"
)

// settingsChanges says in one line what a settings change changed, for the
// audit log: "moderation: none → all; max links: 2 → 5". Moderators read
// the log too, so addresses that may carry a token (the spam check's and
// the webhook's URLs, the notification e-mail) and the signing secret are
// only said to have changed.
func settingsChanges(was, now storage.Site) string {
	var out []string
	change := func(what, a, b string) {
		if a != b {
			out = append(out, what+": "+a+" → "+b)
		}
	}
	hidden := func(what, a, b string) {
		switch {
		case a == b:
		case a == "":
			out = append(out, what+": set")
		case b == "":
			out = append(out, what+": removed")
		default:
			out = append(out, what+": changed")
		}
	}
	list := func(what string, a, b []string) {
		if d := listChange(a, b); d != "" {
			out = append(out, what+": "+d)
		}
	}
	onOff := func(v bool) string {
		if v {
			return "on"
		}
		return "off"
	}
	num := func(n int, zero string) string {
		if n == 0 && zero != "" {
			return zero
		}
		return strconv.Itoa(n)
	}
	a, b := was.Settings, now.Settings
	change("name", strconv.Quote(was.Name), strconv.Quote(now.Name))
	list("origins", was.Origins, now.Origins)
	change("moderation", string(a.Moderation), string(b.Moderation))
	change("edit window", minutesText(a.EditWindow), minutesText(b.EditWindow))
	change("longest comment", num(a.MaxLength, ""), num(b.MaxLength, ""))
	change("close pages after", days(a.CloseAfterDays), days(b.CloseAfterDays))
	change("name required", onOff(a.RequireName), onOff(b.RequireName))
	change("e-mail required", onOff(a.RequireEmail), onOff(b.RequireEmail))
	change("links allowed", onOff(a.AllowLinks), onOff(b.AllowLinks))
	change("images allowed", onOff(a.AllowImages), onOff(b.AllowImages))
	list("blocked words", a.BlockedWords, b.BlockedWords)
	list("suspect words", a.SuspectWords, b.SuspectWords)
	links := func(n int) string {
		if n < 0 {
			return "no limit"
		}
		return strconv.Itoa(n)
	}
	change("max links", links(a.MaxLinks), links(b.MaxLinks))
	change("form check", seconds(a.MinSubmitTime), seconds(b.MinSubmitTime))
	change("duplicate window", hours(a.DuplicateWindow), hours(b.DuplicateWindow))
	change("comment rate", num(a.RateLimits.Posts, "default"), num(b.RateLimits.Posts, "default"))
	change("edit rate", num(a.RateLimits.Edits, "default"), num(b.RateLimits.Edits, "default"))
	change("vote rate", num(a.RateLimits.Votes, "default"), num(b.RateLimits.Votes, "default"))
	change("report rate", num(a.RateLimits.Flags, "default"), num(b.RateLimits.Flags, "default"))
	hidden("spam check URL", a.CheckURL, b.CheckURL)
	hidden("notification e-mail", a.NotifyEmail, b.NotifyEmail)
	change("e-mail about", string(a.NotifyMode), string(b.NotifyMode))
	hidden("webhook URL", a.WebhookURL, b.WebhookURL)
	policy := func(p storage.PostingPolicy) string {
		if p == "" {
			return string(storage.PostAnyone)
		}
		return string(p)
	}
	change("who may post", policy(a.Posting), policy(b.Posting))
	change("verified readers trusted", onOff(a.TrustVerified), onOff(b.TrustVerified))
	change("sign-in (SSO)", onOff(a.SSO), onOff(b.SSO))
	if a.SSOKeyVersion != b.SSOKeyVersion {
		out = append(out, "SSO secret: "+versionText(a.SSOKeyVersion)+" → "+versionText(b.SSOKeyVersion))
	}
	if was.SigningSecret != now.SigningSecret {
		if was.SigningSecret == "" {
			out = append(out, "signing secret: made")
		} else {
			out = append(out, "signing secret: renewed")
		}
	}
	if len(out) == 0 {
		return "nothing changed"
	}
	return strings.Join(out, "; ")
}

// listChange says which entries b adds to a and which it drops:
// "added “casino”, “free money”; removed “viagra”", at most five of each.
func listChange(a, b []string) string {
	var added, removed []string
	for _, w := range b {
		if !slices.Contains(a, w) {
			added = append(added, w)
		}
	}
	for _, w := range a {
		if !slices.Contains(b, w) {
			removed = append(removed, w)
		}
	}
	quote := func(ws []string) string {
		const most = 5
		var q []string
		for i, w := range ws {
			if i == most {
				q = append(q, fmt.Sprintf("and %d more", len(ws)-most))
				break
			}
			q = append(q, "“"+w+"”")
		}
		return strings.Join(q, ", ")
	}
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "added "+quote(added))
	}
	if len(removed) > 0 {
		parts = append(parts, "removed "+quote(removed))
	}
	return strings.Join(parts, ", ")
}

func minutesText(d time.Duration) string { return strconv.Itoa(int(d.Minutes())) + " min" }

func seconds(d time.Duration) string {
	if d == 0 {
		return "off"
	}
	return strconv.Itoa(int(d.Seconds())) + " s"
}

func hours(d time.Duration) string {
	if d == 0 {
		return "off"
	}
	return strconv.Itoa(int(d.Hours())) + " h"
}

func days(n int) string {
	if n == 0 {
		return "never"
	}
	return strconv.Itoa(n) + " days"
}
