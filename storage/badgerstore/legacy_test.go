package badgerstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/parley-dev/parley/storage"
)

// TestLegacySiteSettings reads a site stored before the moderation
// pipeline's settings existed, as the release before wrote it: the new
// settings get their defaults, and blocked words, which held comments
// then, become suspect words, which still do.
func TestLegacySiteSettings(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	ctx := context.Background()
	legacy := `{"id":"old","name":"Old","owner_id":"ann","origins":["https://old.example"],
		"settings":{"moderation":"all","edit_window":900000000000,"max_depth":5,"max_length":10000,
		"require_name":false,"require_email":false,"allow_links":true,"allow_images":false,
		"close_after_days":0,"blocked_words":["casino","free money"],"notify_email":"","webhook_url":""},
		"created":"2026-10-01T00:00:00Z"}`
	check(t, s.db.Update(func(txn *badger.Txn) error { return txn.Set(keySite("old"), []byte(legacy)) }))

	def := storage.DefaultSiteSettings()
	for _, read := range []func() (storage.Site, error){
		func() (storage.Site, error) { return s.Site(ctx, "old") },
		func() (storage.Site, error) { all, err := s.Sites(ctx); return all[0], err },
	} {
		site, err := read()
		check(t, err)
		set := site.Settings
		if set.Moderation != storage.ModerateAll || set.MaxLinks != def.MaxLinks || set.MinSubmitTime != def.MinSubmitTime ||
			set.DuplicateWindow != def.DuplicateWindow || len(set.BlockedWords) != 0 ||
			!slices.Equal(set.SuspectWords, []string{"casino", "free money"}) {
			t.Errorf("legacy settings read as %+v", set)
		}
	}

	// Once saved, the record holds the new settings and is read as saved:
	// an owner's "no link limit" and emptied suspect list stay so.
	site, err := s.Site(ctx, "old")
	check(t, err)
	site.Settings.MaxLinks, site.Settings.SuspectWords = -1, nil
	check(t, s.UpdateSite(ctx, site))
	s.sites.clear()
	again, err := s.Site(ctx, "old")
	check(t, err)
	if again.Settings.MaxLinks != -1 || len(again.Settings.SuspectWords) != 0 {
		t.Errorf("saved settings read back as %+v", again.Settings)
	}
}

// TestLegacyNotifyMode reads sites stored before staff notification modes
// existed: they notify of every comment, as they did then. A site saved
// with a mode keeps it, and the default is not forced on a record that
// has the key.
func TestLegacyNotifyMode(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	ctx := context.Background()
	records := map[string]string{
		// Written after the moderation settings, before notify_mode.
		"mod": `{"id":"mod","name":"Mod","owner_id":"ann","origins":[],
			"settings":{"moderation":"none","edit_window":900000000000,"max_depth":5,"max_length":10000,
			"allow_links":true,"blocked_words":null,"suspect_words":["crypto"],"max_links":-1,
			"min_submit_time":0,"duplicate_window":0,"rate_limits":{},
			"notify_email":"staff@mod.example","webhook_url":""},
			"created":"2026-11-01T00:00:00Z"}`,
		// Written before both.
		"old": `{"id":"old","name":"Old","owner_id":"ann","origins":[],
			"settings":{"moderation":"all","edit_window":900000000000,"max_depth":5,"max_length":10000,
			"blocked_words":["casino"],"notify_email":"staff@old.example","webhook_url":""},
			"created":"2026-10-01T00:00:00Z"}`,
		// Written with the key: an owner's "none" stays none.
		"new": `{"id":"new","name":"New","owner_id":"ann","origins":[],
			"settings":{"moderation":"none","max_links":2,"notify_email":"staff@new.example","notify_mode":"none"},
			"created":"2026-12-01T00:00:00Z"}`,
	}
	check(t, s.db.Update(func(txn *badger.Txn) error {
		for id, rec := range records {
			if err := txn.Set(keySite(id), []byte(rec)); err != nil {
				return err
			}
		}
		return nil
	}))
	want := map[string]storage.NotifyMode{"mod": storage.NotifyAll, "old": storage.NotifyAll, "new": storage.NotifyNone}
	for id, mode := range want {
		site, err := s.Site(ctx, id)
		check(t, err)
		if site.Settings.NotifyMode != mode || site.Settings.NotifyEmail != "staff@"+id+".example" {
			t.Errorf("site %s: notify mode %q to %q, want %q", id, site.Settings.NotifyMode, site.Settings.NotifyEmail, mode)
		}
	}
	// The post-moderation record keeps its own moderation settings.
	mod, err := s.Site(ctx, "mod")
	check(t, err)
	if mod.Settings.MaxLinks != -1 || !slices.Equal(mod.Settings.SuspectWords, []string{"crypto"}) {
		t.Errorf("site mod's moderation settings read as %+v", mod.Settings)
	}
	all, err := s.Sites(ctx)
	check(t, err)
	for _, site := range all {
		if site.Settings.NotifyMode != want[site.ID] {
			t.Errorf("Sites: %s has notify mode %q, want %q", site.ID, site.Settings.NotifyMode, want[site.ID])
		}
	}

	// Saved, the legacy site keeps the mode its owner chose.
	mod.Settings.NotifyMode = storage.NotifyHeld
	check(t, s.UpdateSite(ctx, mod))
	s.sites.clear()
	again, err := s.Site(ctx, "mod")
	check(t, err)
	if again.Settings.NotifyMode != storage.NotifyHeld {
		t.Errorf("saved notify mode read back as %q", again.Settings.NotifyMode)
	}
}

// TestPageCacheBytes fills the page cache with the absence of pages under
// long keys, as counts for ever new keys do, and checks it stays within
// its byte budget.
func TestPageCacheBytes(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	ctx := context.Background()
	check(t, s.CreateSite(ctx, storage.Site{ID: "a", Created: time.Now()}))
	long := strings.Repeat("k", 2000)
	for i := range 10000 {
		keys := make([]string, 10)
		for j := range keys {
			keys[j] = fmt.Sprintf("%s-%d-%d", long, i, j)
		}
		if _, err := s.Counts(ctx, "a", keys); err != nil {
			t.Fatal(err)
		}
		if used := s.pages.size(); used > pageCacheBytes {
			t.Fatalf("after %d requests the page cache holds %d bytes, over its budget of %d", i+1, used, pageCacheBytes)
		}
	}
	if s.pages.size() == 0 {
		t.Error("the page cache kept nothing")
	}
}
