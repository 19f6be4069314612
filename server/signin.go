package server

import (
	"errors"
	"log/slog"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/sso"
	"github.com/parley-dev/parley/storage"
)

// Sign-in with the site's own accounts (package sso). The widget sends
// the payload the blog signed; a valid one makes the caller that member,
// a verified reader of this site only, with a token for the member's one
// identity (memberHash), so every device they sign in on is the same
// reader.
//
//	POST /api/v1/sites/{site}/sso  {payload}

// maxMemberIDLen bounds the site's own user ids (numbers, UUIDs, e-mail
// addresses all fit).
const maxMemberIDLen = 255

type signInInput struct {
	Payload string `json:"payload"`
}

// ssoSecret is the site's current SSO secret.
func (s *Server) ssoSecret(site storage.Site) []byte {
	return []byte(sso.Secret(s.ssoKey, site.ID, site.Settings.SSOKeyVersion))
}

func (s *Server) signIn(c *fiber.Ctx) error {
	ctx, site := c.UserContext(), siteOf(c)
	var in signInInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if !site.Settings.SSO {
		return forbidden("sso_off", "This site has not turned on sign-in with its own accounts.")
	}
	rd, err := s.bearerReader(c)
	if err != nil {
		return err
	}
	if err := s.pipeline.Throttle(ctx, moderation.SignIns, site, s.ipHash(c), rd.hash); err != nil {
		return err
	}
	m, err := sso.Verify(s.ssoSecret(site), strings.TrimSpace(in.Payload), s.cfg.Now())
	switch {
	case errors.Is(err, sso.ErrExpired):
		return invalid("sso_expired", "payload", "The sign-in payload has expired: "+err.Error()+".")
	case errors.Is(err, sso.ErrSignature):
		return invalid("sso_signature", "payload", "The sign-in payload was refused: "+err.Error()+".")
	case err != nil:
		return invalid("sso_malformed", "payload", "The sign-in payload was refused: "+err.Error()+".")
	}
	r, err := s.member(site, m)
	if err != nil {
		return err
	}
	if r, err = s.saveMember(c, r); err != nil {
		return err
	}
	token := rd.token
	if rd.hash != r.Hash {
		token = s.identityToken(r.Hash)
	}
	s.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "member signed in", slog.String("site", site.ID))
	return c.JSON(identityAnswer{ReaderToken: token, Reader: viewReader(r)})
}

// member checks what the site's payload says about its member the way a
// comment's author fields are checked, naming the payload's field.
func (s *Server) member(site storage.Site, m sso.Member) (storage.Reader, error) {
	r := storage.Reader{SiteID: site.ID, Hash: s.memberHash(site.ID, m.ID), MemberID: m.ID,
		Email: strings.ToLower(strings.TrimSpace(m.Email)), Verified: s.cfg.Now().UTC()}
	var err error
	if len(m.ID) > maxMemberIDLen {
		return r, invalid("too_long", "payload.id", "The member id in the sign-in payload is too long.")
	}
	if r.Name, err = validName("payload.name", m.Name, maxNameLen); err != nil {
		return r, err
	}
	if r.Affiliation, err = validName("payload.affiliation", m.Affiliation, maxAffiliationLen); err != nil {
		return r, err
	}
	if r.Email != "" {
		if err := validEmail("payload.email", r.Email); err != nil {
			return r, err
		}
	}
	if m.Avatar != "" {
		u, err := url.Parse(m.Avatar)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(m.Avatar) > maxURLLen {
			return r, invalid("invalid", "payload.avatar", "The avatar in the sign-in payload must be an https URL.")
		}
		r.Avatar = u.String()
	}
	return r, nil
}

// saveMember stores a member's identity as their site describes it now,
// claiming their address and name where no other verified reader holds
// them (a reader verified by e-mail first keeps what they hold).
func (s *Server) saveMember(c *fiber.Ctx, r storage.Reader) (storage.Reader, error) {
	saved, err := s.saveClaims(c.UserContext(), r)
	if errors.Is(err, storage.ErrConflict) {
		r.Email = ""
		saved, err = s.saveClaims(c.UserContext(), r)
	}
	return saved, err
}
