package server

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/parley-dev/parley/server/pagekey"
	"github.com/parley-dev/parley/storage"
)

// Thread pagination counts comments in display order, replies included,
// so a limit bounds the whole answer; a page may end inside a thread, and
// the next one carries on with that thread's remaining replies.
const (
	defaultThreadLimit = 200
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
	// Version is the page version the answer is at: a live stream
	// resumes from it (GET .../events?since=).
	Version int64 `json:"version"`
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
	// FormCheck tells the widget to fetch a form token (GET .../form)
	// when the reader starts writing.
	FormCheck bool `json:"form_check"`
	// Notify: the instance sends e-mail, so the form offers reply
	// notifications.
	Notify bool `json:"notify"`
}

func settingsView(set storage.SiteSettings) publicSettings {
	return publicSettings{
		EditWindow: int(set.EditWindow.Seconds()), MaxLength: set.MaxLength, MaxDepth: set.MaxDepth,
		RequireName: set.RequireName, RequireEmail: set.RequireEmail,
		Moderation: set.Moderation, AllowImages: set.AllowImages, FormCheck: set.MinSubmitTime > 0,
	}
}

func (s *Server) listComments(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site := siteOf(c)
	if err := s.refuseForeignRead(c, site); err != nil {
		return err
	}
	key, err := pagekey.Normalize(c.Query("page"))
	if err != nil {
		return badRequest("invalid", "page", "Give the page as ?page=ID or URL.")
	}
	// The key may alias fiber's request buffer, and the thread cache keeps it.
	key = strings.Clone(key)
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
	rd, err := s.bearerReader(c)
	if err != nil {
		return err
	}

	page, err := s.store.Page(ctx, site.ID, key)
	if errors.Is(err, storage.ErrNotFound) {
		page = storage.Page{SiteID: site.ID, Key: key}
	} else if err != nil {
		return err
	}
	set := settingsView(site.Settings)
	set.Notify = s.notifier.MailEnabled()
	pv := pageView{Key: page.Key, Title: page.Title, URL: page.URL, Locked: s.locked(page, site), Count: page.Count, Version: page.Version}
	// The page was read before its comments, so the comments are at least
	// as new as page.Version says: a cached answer is never older than the
	// version it is filed under.
	v := viewer{readerHash: rd.hash, editWindow: site.Settings.EditWindow}
	if rd.hash != "" {
		if v.votes, err = s.store.Votes(ctx, site.ID, key, rd.hash); err != nil {
			return err
		}
	}
	var comments []storage.Comment
	read := false
	if len(v.votes) == 0 {
		// Readers without a token, and readers with one who wrote none of
		// the page's comments and voted on none, see the same thread: they
		// share one answer per page version, encoded and compressed once,
		// cut from the page's tree, which cursor requests of the version
		// share too.
		k := answerKey{order, offset, limit}
		enc, err := s.threads.answer(page, set, k, rd.hash,
			func() (*threadTree, error) {
				var err error
				if comments, err = s.store.PageComments(ctx, site.ID, key); err != nil {
					return nil, err
				}
				read = true
				return newThreadTree(comments), nil
			},
			func(b []byte, t *threadTree) ([]byte, error) { return t.appendAnswer(b, pv, set, k) })
		if err != nil {
			return err
		}
		if enc != nil {
			return sendEncoded(c, enc)
		}
	}
	// A reader with their own comments or votes on the page sees them as
	// theirs (and their pending comments at all): an answer for them
	// alone, from the comments read for the shared one if it was just
	// built.
	if !read {
		if comments, err = s.store.PageComments(ctx, site.ID, key); err != nil {
			return err
		}
	}
	b, err := appendAnswerHead(nil, pv, set)
	if err != nil {
		return err
	}
	b, visible, next, err := appendThreadFor(b, comments, v, order, offset, limit)
	if err != nil {
		return err
	}
	return sendEncoded(c, encodedBytes(appendAnswerTail(b, visible, next)))
}

// threadVary is the Vary header of thread answers: they pass siteCORS
// (Origin), readers with a token get their own (Authorization), and they
// are compressed.
const threadVary = "Origin, Authorization, Accept-Encoding"

// sendEncoded answers with a ready JSON body and its ETag, or 304 when the
// client already holds it, compressed as the client accepts. Caches must
// revalidate: a thread changes with every post.
func sendEncoded(c *fiber.Ctx, enc *encoded) error {
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return sendCached(c, enc, threadVary, enc.etag, fiber.MIMEApplicationJSONCharsetUTF8)
}

// sendCached sends a cached answer of type contentType: 304 when the
// client holds etag, else the body in the encoding the client accepts.
// A cached answer may be kept compressed only, and sendNegotiated takes
// the plain body ready: it is made only for a client that takes neither
// brotli nor gzip, the one sendNegotiated sends it to
// (TestThreadAnswersInEveryEncoding holds the two to the same rule).
func sendCached(c *fiber.Ctx, enc *encoded, vary, etag, contentType string) error {
	var body []byte
	if accepts := c.Get(fiber.HeaderAcceptEncoding); !strings.Contains(accepts, "br") && !strings.Contains(accepts, "gzip") {
		var err error
		if body, err = enc.plain(); err != nil {
			return err
		}
	}
	var formErr error
	gzipped := func() []byte { b := enc.gzipped(); formErr = enc.gzip.err; return b }
	brotlied := func() []byte { b := enc.brotlied(); formErr = enc.br.err; return b }
	err := sendNegotiated(c, vary, etag, contentType, body, gzipped, brotlied)
	if formErr != nil {
		c.Response().Header.Del(fiber.HeaderContentEncoding)
		return formErr
	}
	return err
}

// Cursors are opaque to clients: the offset of the next comment in
// display order.
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
