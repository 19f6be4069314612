package moderation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"unicode/utf8"

	"github.com/parley-dev/parley/server/outbound"
	"github.com/parley-dev/parley/server/render"
)

// The external check: the site owner's own spam service, asked about every
// new or edited comment with a POST signed with the site's signing secret
// (header Parley-Signature, see package outbound). It answers
// {"verdict": "accept" | "hold" | "refuse", "reason": "..."} within the
// outbound client's timeout. Whatever else happens (the service is down,
// slow, answers garbage or refuses the connection) the comment is held,
// never lost and never published unchecked.

// CheckRequest is the body of an external check.
type CheckRequest struct {
	Site    string       `json:"site"`
	Kind    string       `json:"kind"` // create or edit
	Page    CheckPage    `json:"page"`
	Comment CheckComment `json:"comment"`
	// Reader and IP are keyed hashes: the same reader or address hashes
	// the same way, but neither can be turned back into a token or an IP.
	Reader string `json:"reader,omitempty"`
	IP     string `json:"ip,omitempty"`
	// Reasons are what the pipeline already holds the comment for.
	Reasons []string `json:"reasons,omitempty"`
}

// CheckPage is the page of a checked comment.
type CheckPage struct {
	Key   string `json:"key"`
	URL   string `json:"url,omitempty"`
	Title string `json:"title,omitempty"`
}

// CheckComment is the checked comment.
type CheckComment struct {
	ID          string `json:"id,omitempty"` // edits only
	AuthorName  string `json:"author_name,omitempty"`
	AuthorEmail string `json:"author_email,omitempty"`
	Website     string `json:"website,omitempty"`
	Affiliation string `json:"affiliation,omitempty"`
	Markdown    string `json:"markdown"`
	HTML        string `json:"html"`
	Text        string `json:"text"`
}

// CheckAnswer is what the service answers.
type CheckAnswer struct {
	Verdict string `json:"verdict"`
	Reason  string `json:"reason,omitempty"`
}

// maxCheckAnswer bounds what is read of an answer.
const maxCheckAnswer = 16 << 10

func (p *Pipeline) checkExternal(ctx context.Context, w *Write, v *Verdict) error {
	site := w.Site
	if site.Settings.CheckURL == "" {
		return nil
	}
	a := w.Author
	req := CheckRequest{Site: site.ID, Kind: w.Kind.String(), Reader: w.Reader, IP: w.IPHash, Reasons: v.Codes(),
		Page:    CheckPage{Key: w.Page.Key, URL: w.Page.URL, Title: w.Page.Title},
		Comment: CheckComment{Markdown: w.Markdown, HTML: w.HTML, Text: render.Text(w.HTML)}}
	if w.Before != nil {
		req.Comment.ID, a = w.Before.ID, w.Before.Author
	}
	req.Comment.AuthorName, req.Comment.AuthorEmail, req.Comment.Website, req.Comment.Affiliation = a.Name, a.Email, a.Website, a.Affiliation
	ans, err := p.askExternal(ctx, site.Settings.CheckURL, []byte(site.SigningSecret), req)
	if err != nil {
		p.cfg.Logger.Warn("external check failed", slog.String("site", site.ID), slog.Any("err", err))
		v.hold("check_unavailable", failure(err), false)
		return nil
	}
	switch ans.Verdict {
	case "accept":
	case "hold":
		v.hold("check_hold", clip(ans.Reason), false)
	case "refuse":
		return &Refusal{Code: "rejected", Field: "body", Message: "The site's spam filter refused this comment."}
	default:
		p.cfg.Logger.Warn("external check answered an unknown verdict", slog.String("site", site.ID), slog.String("verdict", clip(ans.Verdict)))
		v.hold("check_unavailable", "it answered no verdict", false)
	}
	return nil
}

// failure says for moderators, in a few words, why the check failed.
func failure(err error) string {
	var se *statusError
	var ne net.Error
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, outbound.ErrForbiddenAddress):
		return "its address is not public (see --allow-private-callbacks)"
	case errors.As(err, &se):
		return "it answered " + se.Error()
	case errors.As(err, &ne) && ne.Timeout():
		return "it took too long"
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return "its answer was not JSON"
	}
	return "it could not be reached"
}

// askExternal posts req to url and decodes a 2xx answer.
func (p *Pipeline) askExternal(ctx context.Context, url string, secret []byte, req CheckRequest) (CheckAnswer, error) {
	var ans CheckAnswer
	body, err := json.Marshal(req)
	if err != nil {
		return ans, err
	}
	res, err := outbound.Post(ctx, p.cfg.HTTP, url, secret, body, p.cfg.Now())
	if err != nil {
		return ans, err
	}
	defer res.Body.Close()
	raw, err := outbound.ReadLimited(res.Body, maxCheckAnswer)
	if err != nil {
		return ans, err
	}
	if res.StatusCode/100 != 2 {
		return ans, &statusError{res.StatusCode}
	}
	return ans, json.Unmarshal(raw, &ans)
}

type statusError struct{ code int }

func (e *statusError) Error() string { return fmt.Sprintf("HTTP %d", e.code) }

// clip keeps a service's reason short and printable: it is shown to
// moderators as text.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200]) + "…"
	}
	return strings.TrimSpace(s)
}
