package server

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/pagekey"
	"github.com/parley-dev/parley/storage"
)

// Thread pagination counts top-level comments; replies come with their thread.
const (
	defaultThreadLimit = 50
	maxThreadLimit     = 200
)

// threadAnswer is the body of GET .../comments.
type threadAnswer struct {
	Page       pageView       `json:"page"`
	Settings   publicSettings `json:"settings"`
	Comments   []commentView  `json:"comments"`
	Total      int            `json:"total"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

type pageView struct {
	Key    string `json:"key"`
	Title  string `json:"title"`
	URL    string `json:"url"`
	Locked bool   `json:"locked"`
	Count  int    `json:"count"`
}

// publicSettings are the site settings the widget needs to behave.
type publicSettings struct {
	EditWindow   int                    `json:"edit_window"` // seconds
	MaxLength    int                    `json:"max_length"`
	MaxDepth     int                    `json:"max_depth"`
	RequireName  bool                   `json:"require_name"`
	RequireEmail bool                   `json:"require_email"`
	Moderation   storage.ModerationMode `json:"moderation"`
	AllowImages  bool                   `json:"allow_images"`
}

func settingsView(set storage.SiteSettings) publicSettings {
	return publicSettings{
		EditWindow: int(set.EditWindow.Seconds()), MaxLength: set.MaxLength, MaxDepth: set.MaxDepth,
		RequireName: set.RequireName, RequireEmail: set.RequireEmail,
		Moderation: set.Moderation, AllowImages: set.AllowImages,
	}
}

func (s *Server) listComments(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	key, err := pagekey.Normalize(c.Query("page"))
	if err != nil {
		return badRequest("invalid", "page", "Give the page as ?page=ID or URL.")
	}
	order := sortOrder(c.Query("sort", string(sortOldest)))
	if order != sortOldest && order != sortNewest && order != sortTop {
		return badRequest("invalid", "sort", "Sort by oldest, newest or top.")
	}
	limit := c.QueryInt("limit", defaultThreadLimit)
	if limit < 1 || limit > maxThreadLimit {
		return badRequest("invalid", "limit", "The limit must be between 1 and 200.")
	}
	offset, err := decodeCursor(c.Query("cursor"))
	if err != nil {
		return err
	}
	rd, err := bearerReader(c)
	if err != nil {
		return err
	}

	page, err := s.store.Page(ctx, site.ID, key)
	if errors.Is(err, storage.ErrNotFound) {
		page = storage.Page{Key: key}
	} else if err != nil {
		return err
	}
	comments, err := s.store.PageComments(ctx, site.ID, key)
	if err != nil {
		return err
	}
	v := viewer{readerHash: rd.hash, editWindow: site.Settings.EditWindow}
	if rd.hash != "" {
		if v.votes, err = s.store.Votes(ctx, site.ID, key, rd.hash); err != nil {
			return err
		}
	}
	t := buildThread(comments, v, order)
	list, next := t.page(offset, limit)
	ans := threadAnswer{
		Page:     pageView{Key: page.Key, Title: page.Title, URL: page.URL, Locked: s.locked(page, site), Count: page.Count},
		Settings: settingsView(site.Settings),
		Comments: list,
		Total:    t.visible,
	}
	if next >= 0 {
		ans.NextCursor = encodeCursor(next)
	}
	return sendCached(c, ans)
}

// sendCached answers with JSON and a strong ETag, or 304 when the client
// already holds this exact answer. Caches must revalidate: a thread changes
// with every post.
func sendCached(c *fiber.Ctx, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Vary(fiber.HeaderAuthorization)
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(body)
}

// Cursors are opaque to clients: the offset of the next top-level thread.
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o" + strconv.Itoa(offset)))
}

func decodeCursor(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil && len(raw) > 1 && raw[0] == 'o' {
		if n, err := strconv.Atoi(string(raw[1:])); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, badRequest("invalid", "cursor", "The cursor is not valid; start again without it.")
}
