package moderation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/parley-dev/parley/server/textnorm"
	"github.com/parley-dev/parley/storage"
)

// The name check: a reader may not post under a name confusable with one
// of the site's staff (its owner, moderators and the instance's admins, by
// user name and by the display name their replies carry), whatever the
// letters, case, spacing or accents. Staff answer from the admin page,
// where their replies carry a badge.

// staffTTL is how long a node trusts its list of staff names: users are
// few and change rarely, and a minute's lag costs nothing.
const staffTTL = time.Minute

// staffCache keeps the skeletons of the staff names of each site.
type staffCache struct {
	mu     sync.Mutex
	read   time.Time
	users  []storage.User
	bySite map[string][]string // site id -> skeletons
}

func (p *Pipeline) checkName(ctx context.Context, w *Write, _ *Verdict) error {
	if w.Author.Name == "" {
		return nil
	}
	names, err := p.staffNames(ctx, w.Site.ID)
	if err != nil {
		return err
	}
	mine := textnorm.Skeleton(w.Author.Name)
	for _, n := range names {
		if mine != "" && mine == n {
			return &Refusal{Code: "impersonation", Field: "author.name",
				Message: "This name belongs to the site's staff. Please choose another."}
		}
	}
	return nil
}

// staffNames returns the skeletons of the names site's staff go by.
func (p *Pipeline) staffNames(ctx context.Context, siteID string) ([]string, error) {
	c := &p.staff
	c.mu.Lock()
	if p.cfg.Now().Sub(c.read) > staffTTL || c.bySite == nil {
		users, err := p.cfg.Store.Users(ctx)
		if err != nil {
			c.mu.Unlock()
			return nil, fmt.Errorf("moderation: staff: %w", err)
		}
		c.users, c.read, c.bySite = users, p.cfg.Now(), map[string][]string{}
	}
	names, ok := c.bySite[siteID]
	if !ok {
		for _, u := range c.users {
			if !u.Admin && u.Role(siteID) == "" {
				continue
			}
			for _, n := range []string{u.Name, u.DisplayName} {
				if s := textnorm.Skeleton(n); s != "" {
					names = append(names, s)
				}
			}
		}
		c.bySite[siteID] = names
	}
	c.mu.Unlock()
	return names, nil
}

// checkIdentity applies the site's posting policy and keeps verified
// readers' names and addresses theirs: no one else posts on the site with
// a verified reader's e-mail address, or under a name confusable with a
// verified reader's (textnorm.Skeleton). A member's name is the site's
// word, so it is not checked against the others.
func (p *Pipeline) checkIdentity(ctx context.Context, w *Write, _ *Verdict) error {
	id := w.Identity
	switch w.Site.Settings.Posting {
	case storage.PostVerified:
		if id == nil {
			return &Refusal{Code: "verification_required", Field: "author.email",
				Message: "This site takes comments from verified readers only. Verify your e-mail address to post."}
		}
	case storage.PostMembers:
		if id == nil || !id.Member() {
			return &Refusal{Code: "sign_in_required",
				Message: "This site takes comments from its signed-in members only. Sign in on the site to post."}
		}
	}
	mine := func(r storage.Reader) bool { return id != nil && r.Hash == id.Hash }
	if addr := strings.ToLower(w.Author.Email); addr != "" {
		r, err := p.cfg.Store.ReaderByEmail(ctx, w.Site.ID, addr)
		switch {
		case err == nil && !mine(r):
			return &Refusal{Code: "impersonation", Field: "author.email",
				Message: "This e-mail address belongs to a verified reader of this site. Verify it to post with it."}
		case err != nil && !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("moderation: verified addresses: %w", err)
		}
	}
	if id != nil && id.Member() {
		return nil
	}
	if key := textnorm.Skeleton(w.Author.Name); key != "" {
		r, err := p.cfg.Store.ReaderByName(ctx, w.Site.ID, key)
		switch {
		case err == nil && !mine(r):
			return &Refusal{Code: "impersonation", Field: "author.name",
				Message: "This name belongs to a verified reader of this site. Please choose another."}
		case err != nil && !errors.Is(err, storage.ErrNotFound):
			return fmt.Errorf("moderation: verified names: %w", err)
		}
	}
	return nil
}
