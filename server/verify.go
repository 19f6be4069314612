package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/moderation"
	"github.com/parley-dev/parley/server/textnorm"
	"github.com/parley-dev/parley/storage"
)

// Verified readers. A reader asks for a magic link to an address; the
// mail links to the blog's page with the code in the fragment
// (#parley-verify=CODE), which no server sees in a request line. The
// widget on that page shows a button, and only the button's POST
// confirms: the device that confirms becomes the address's reader. The
// first device to confirm an address gives it its identity (its reader
// hash); every later one gets a token for that identity, so "my
// comments" follow the reader to every device.
//
//	POST /api/v1/sites/{site}/verify          {email, page_url, lang}
//	POST /api/v1/sites/{site}/verify/confirm  {code}

// verifyFor is how long a magic link works.
const verifyFor = time.Hour

// verifyCodeLen is the random bytes of a magic link's code.
const verifyCodeLen = 32

type verifyInput struct {
	Email   string `json:"email"`
	PageURL string `json:"page_url"`
	Lang    string `json:"lang"`
}

// requestVerification queues a magic link. Its answer is the same whether
// or not the address is verified already, so it tells no one which
// addresses are.
func (s *Server) requestVerification(c *fiber.Ctx) error {
	ctx, site := c.UserContext(), siteOf(c)
	var in verifyInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	addr := strings.ToLower(strings.TrimSpace(in.Email))
	if addr == "" {
		return invalid("required", "email", "Enter the e-mail address to verify.")
	}
	if err := validEmail("email", addr); err != nil {
		return err
	}
	page, err := s.verifyPage(site, in.PageURL)
	if err != nil {
		return err
	}
	if !s.notifier.MailEnabled() {
		return forbidden("mail_off", "This Parley server sends no e-mail, so addresses cannot be verified here.")
	}
	// An inbox is protected by its own limit: the address is counted as
	// the "reader" of the request.
	if err := s.pipeline.Throttle(ctx, moderation.Verifications, site, s.ipHash(c), "to:"+hashToken(addr)); err != nil {
		return err
	}
	code := randomCode()
	v := storage.Verification{SiteID: site.ID, CodeHash: hashToken(code), Email: addr, Expires: s.cfg.Now().Add(verifyFor)}
	if err := s.store.AddVerification(ctx, v); err != nil {
		return err
	}
	page.Fragment = "parley-verify=" + code
	if err := s.notifier.Verify(ctx, site, addr, page.String(), code, in.Lang); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"sent": true})
}

// verifyPage checks the page a magic link opens: it must be on one of the
// site's allowed origins, or a mail could carry the code to anyone's page.
func (s *Server) verifyPage(site storage.Site, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, invalid("required", "page_url", "Send the address of the page the link should open.")
	}
	if err := httpURL("page_url", raw); err != nil {
		return nil, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalid("invalid", "page_url", "The page address is not valid.")
	}
	if !originAllowed(u.Scheme+"://"+u.Host, site.Origins) {
		return nil, invalid("origin_not_allowed", "page_url", "The page is not on an origin this site allows.")
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

func randomCode() string {
	b := make([]byte, verifyCodeLen)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

type confirmInput struct {
	Code string `json:"code"`
}

// identityAnswer is the body of a confirmation or a sign-in: the token the
// device keeps from now on, and who it is.
type identityAnswer struct {
	ReaderToken string     `json:"reader_token"`
	Reader      readerView `json:"reader"`
}

// readerView is a verified reader as they see themselves. It goes only to
// a device that proved it is theirs, so it carries their address.
type readerView struct {
	Name        string `json:"name"`
	Email       string `json:"email,omitempty"`
	Affiliation string `json:"affiliation,omitempty"`
	Avatar      string `json:"avatar,omitempty"`
	Verified    bool   `json:"verified"`
	Member      bool   `json:"member"`
	MemberID    string `json:"member_id,omitempty"`
}

func viewReader(r storage.Reader) readerView {
	return readerView{Name: r.Name, Email: r.Email, Affiliation: r.Affiliation, Avatar: r.Avatar,
		Verified: true, Member: r.Member(), MemberID: r.MemberID}
}

// confirmVerification takes a magic link's code (once) and makes the
// calling device the address's verified reader.
func (s *Server) confirmVerification(c *fiber.Ctx) error {
	ctx, site := c.UserContext(), siteOf(c)
	var in confirmInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if len(in.Code) != base64.RawURLEncoding.EncodedLen(verifyCodeLen) {
		return linkInvalid()
	}
	rd, err := s.bearerReader(c)
	if err != nil {
		return err
	}
	if err := s.pipeline.Throttle(ctx, moderation.SignIns, site, s.ipHash(c), rd.hash); err != nil {
		return err
	}
	v, err := s.store.TakeVerification(ctx, site.ID, hashToken(in.Code))
	if errors.Is(err, storage.ErrNotFound) {
		return linkInvalid()
	}
	if err != nil {
		return err
	}
	if !s.cfg.Now().Before(v.Expires) {
		return invalid("link_expired", "code", "This link has expired. Ask for a new one.")
	}
	r, err := s.verifyAddress(ctx, site, v.Email, rd)
	if err != nil {
		return err
	}
	token := rd.token
	if r.Hash != rd.hash {
		if err := s.adoptComments(ctx, site.ID, rd.hash, r.Hash); err != nil {
			return err
		}
		token = s.identityToken(r.Hash)
	}
	s.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "reader verified", slog.String("site", site.ID))
	return c.JSON(identityAnswer{ReaderToken: token, Reader: viewReader(r)})
}

func linkInvalid() error {
	return invalid("link_invalid", "code", "This link was used already or is not valid. Ask for a new one.")
}

// verifyAddress returns the reader who holds addr on site, making the
// calling reader (or, without a token, a new one) its holder when no one
// does. A reader who verifies a new address moves to it.
func (s *Server) verifyAddress(ctx context.Context, site storage.Site, addr string, rd reader) (storage.Reader, error) {
	for range 3 { // another device may confirm the same address at the same moment
		r, err := s.store.ReaderByEmail(ctx, site.ID, addr)
		if err == nil || !errors.Is(err, storage.ErrNotFound) {
			return r, err
		}
		r = storage.Reader{SiteID: site.ID, Hash: rd.hash, Email: addr, Verified: s.cfg.Now().UTC()}
		if r.Hash == "" {
			r.Hash = newIdentityHash()
		} else if old, err := s.store.Reader(ctx, site.ID, rd.hash); err == nil {
			old.Email, old.Verified = addr, r.Verified
			r = old
		} else if !errors.Is(err, storage.ErrNotFound) {
			return r, err
		} else if r.Name, err = s.latestName(ctx, site.ID, rd.hash); err != nil {
			return r, err
		}
		if r, err = s.saveClaims(ctx, r); !errors.Is(err, storage.ErrConflict) {
			return r, err
		}
	}
	return storage.Reader{}, errors.New("server: verify an address: conflicts on every try")
}

// adoptComments gives the comments a device wrote before it joined an
// identity to that identity: the device proved it holds both its own
// token and the address's link. A device that is another verified
// reader keeps its comments; its votes stay with its old token.
func (s *Server) adoptComments(ctx context.Context, siteID, from, to string) error {
	if from == "" {
		return nil
	}
	if _, err := s.store.Reader(ctx, siteID, from); !errors.Is(err, storage.ErrNotFound) {
		return err // nil: a verified reader of its own
	}
	own, err := s.store.ReaderComments(ctx, siteID, from)
	if err != nil {
		return err
	}
	for _, cm := range own {
		_, err := s.store.UpdateComment(ctx, siteID, cm.ID, func(c *storage.Comment) error {
			if c.ReaderHash == from {
				c.ReaderHash = to
			}
			return nil
		})
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
	}
	return nil
}

// newIdentityHash is the identity of a device that confirms without a
// token: the hash of a token no one holds, so only identity tokens carry it.
func newIdentityHash() string {
	b := make([]byte, sha256.Size)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// latestName is the name of the reader's newest comment on the site.
func (s *Server) latestName(ctx context.Context, siteID, hash string) (string, error) {
	own, err := s.store.ReaderComments(ctx, siteID, hash)
	if err != nil || len(own) == 0 {
		return "", err
	}
	return own[len(own)-1].Author.Name, nil
}

// saveClaims stores r with its name claimed when no other reader holds
// the name, and returns what it stored; ErrConflict only when another
// reader holds r.Email.
func (s *Server) saveClaims(ctx context.Context, r storage.Reader) (storage.Reader, error) {
	r.NameKey = textnorm.Skeleton(r.Name)
	err := s.store.SaveReader(ctx, r)
	if errors.Is(err, storage.ErrConflict) && r.NameKey != "" {
		r.NameKey = ""
		err = s.store.SaveReader(ctx, r)
	}
	return r, err
}

// identity returns the verified identity of the reader, or nil.
func (s *Server) identity(ctx context.Context, siteID string, rd reader) (*storage.Reader, error) {
	if rd.hash == "" || rd.newToken != "" {
		return nil, nil
	}
	r, err := s.store.Reader(ctx, siteID, rd.hash)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}
