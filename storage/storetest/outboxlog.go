package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage"
)

// siteMessages lists a site's messages of one kind by id.
func (f *fixture) siteMessages(site string, kind storage.MessageKind, limit int) []string {
	f.t.Helper()
	ms, err := f.s.SiteMessages(f.ctx, site, kind, limit)
	if err != nil {
		f.t.Fatalf("SiteMessages(%s, %s): %v", site, kind, err)
	}
	for _, m := range ms {
		if m.SiteID != site || m.Kind != kind {
			f.t.Errorf("SiteMessages(%s, %s) returned %s of %s, %s", site, kind, m.ID, m.SiteID, m.Kind)
		}
	}
	return messageIDs(ms)
}

func testSiteMessages(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("blog2") // shares blog's prefix
	t0 := now()
	// Created out of enqueue order, so only a real ordering passes.
	for id, ago := range map[string]time.Duration{"m1": 3, "m2": 1, "m3": 2, "m4": 4} {
		f.enqueue(newMessage("blog", id, t0.Add(-ago*time.Minute), t0))
	}
	hook := newMessage("blog", "w1", t0, t0)
	hook.Kind, hook.To = storage.MessageWebhook, "https://hook.example/"
	f.enqueue(hook, newMessage("blog2", "x1", t0.Add(time.Minute), t0))
	// A message's state does not take it off the log.
	sent := f.message("m3")
	sent.State, sent.Attempts, sent.Done = storage.MessageSent, 1, t0
	f.finish(sent)

	if got := f.siteMessages("blog", storage.MessageMail, 0); !slices.Equal(got, []string{"m2", "m3", "m1", "m4"}) {
		t.Errorf("blog's mail = %v, want m2 m3 m1 m4", got)
	}
	if got := f.siteMessages("blog", storage.MessageMail, 2); !slices.Equal(got, []string{"m2", "m3"}) {
		t.Errorf("blog's 2 newest mails = %v, want m2 m3", got)
	}
	if got := f.siteMessages("blog", storage.MessageWebhook, 10); !slices.Equal(got, []string{"w1"}) {
		t.Errorf("blog's webhooks = %v, want [w1]", got)
	}
	if got := f.siteMessages("blog2", storage.MessageMail, 10); !slices.Equal(got, []string{"x1"}) {
		t.Errorf("blog2's mail = %v, want [x1]", got)
	}
	if got := f.siteMessages("nosuch", storage.MessageMail, 10); len(got) != 0 {
		t.Errorf("an unknown site's mail = %v, want none", got)
	}
	ms, err := f.s.SiteMessages(f.ctx, "blog", storage.MessageMail, 10)
	must(t, "SiteMessages", err)
	if ms[1].State != storage.MessageSent || string(ms[1].Payload) != string(sent.Payload) {
		t.Errorf("logged message reads %+v", ms[1])
	}
}

func testPruneMessages(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	t0 := now()
	old := t0.Add(-30 * 24 * time.Hour)
	finish := map[string]struct {
		state storage.MessageState
		done  time.Time
	}{
		"sent-old":   {storage.MessageSent, t0.Add(-2 * time.Hour)},
		"failed-old": {storage.MessageFailed, t0.Add(-time.Hour)},
		"sent-at":    {storage.MessageSent, t0}, // not before the cut
		"sent-new":   {storage.MessageSent, t0.Add(time.Minute)},
		"retry":      {storage.MessagePending, time.Time{}},
	}
	for id, fin := range finish {
		f.enqueue(newMessage("blog", id, old, old))
		m := f.message(id)
		m.State, m.Attempts, m.Done = fin.state, 1, fin.done
		if fin.state == storage.MessagePending {
			m.LastError, m.Due = "timeout", old.Add(time.Hour)
		}
		f.finish(m)
	}
	f.enqueue(newMessage("blog", "pending-old", old, old))

	must(t, "PruneMessages", f.s.PruneMessages(f.ctx, t0))
	for _, id := range []string{"sent-old", "failed-old"} {
		_, err := f.s.Message(f.ctx, id)
		wantErr(t, "Message("+id+") after pruning", err, storage.ErrNotFound)
	}
	for _, id := range []string{"sent-at", "sent-new", "retry", "pending-old"} {
		f.message(id)
	}
	got := f.siteMessages("blog", storage.MessageMail, 0)
	slices.Sort(got)
	if !slices.Equal(got, []string{"pending-old", "retry", "sent-at", "sent-new"}) {
		t.Errorf("log after pruning = %v", got)
	}
	got = f.claim(t0, time.Minute, 10)
	slices.Sort(got)
	if !slices.Equal(got, []string{"pending-old", "retry"}) {
		t.Errorf("claim after pruning = %v, want the two pending messages", got)
	}
	// A pruned id may be used again.
	f.enqueue(newMessage("blog", "sent-old", t0, t0))
	must(t, "PruneMessages again", f.s.PruneMessages(f.ctx, t0.Add(time.Hour)))
	if got := f.siteMessages("blog", storage.MessageMail, 0); len(got) != 3 || slices.Contains(got, "sent-new") {
		t.Errorf("log after the second prune = %v, want sent-old, retry, pending-old", got)
	}
}

func testSubscribers(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("other")
	t0 := now()
	sub := storage.Subscriber{SiteID: "blog", Email: " Ada@Example.COM ", Lang: "de", Requested: t0}
	must(t, "PutSubscriber", f.s.PutSubscriber(f.ctx, sub))
	for _, addr := range []string{"ada@example.com", "ADA@example.com", " Ada@Example.COM"} {
		got, err := f.s.Subscriber(f.ctx, "blog", addr)
		must(t, "Subscriber("+addr+")", err)
		if got.Email != "ada@example.com" || got.SiteID != "blog" || got.Lang != "de" || !got.Requested.Equal(t0) || !got.Confirmed.IsZero() {
			t.Errorf("Subscriber(%q) = %+v", addr, got)
		}
	}
	_, err := f.s.Subscriber(f.ctx, "other", "ada@example.com")
	wantErr(t, "Subscriber on another site", err, storage.ErrNotFound)
	_, err = f.s.Subscriber(f.ctx, "blog", "bob@example.com")
	wantErr(t, "Subscriber(bob)", err, storage.ErrNotFound)

	// Putting the address again, in any case, replaces the record.
	confirmed := storage.Subscriber{SiteID: "blog", Email: "ADA@example.com", Requested: t0, Confirmed: t0.Add(time.Minute)}
	must(t, "PutSubscriber confirmed", f.s.PutSubscriber(f.ctx, confirmed))
	got, err := f.s.Subscriber(f.ctx, "blog", "ada@example.com")
	must(t, "Subscriber", err)
	if !got.Confirmed.Equal(confirmed.Confirmed) || got.Lang != "" {
		t.Errorf("replaced subscriber = %+v", got)
	}
	other := storage.Subscriber{SiteID: "other", Email: "ada@example.com", Requested: t0}
	must(t, "PutSubscriber other", f.s.PutSubscriber(f.ctx, other))

	wantErr(t, "PutSubscriber no site", f.s.PutSubscriber(f.ctx, storage.Subscriber{Email: "a@example.com"}), storage.ErrInvalid)
	wantErr(t, "PutSubscriber no e-mail", f.s.PutSubscriber(f.ctx, storage.Subscriber{SiteID: "blog", Email: "  "}), storage.ErrInvalid)

	must(t, "DeleteSubscriber", f.s.DeleteSubscriber(f.ctx, "blog", "Ada@EXAMPLE.com"))
	must(t, "DeleteSubscriber again", f.s.DeleteSubscriber(f.ctx, "blog", "ada@example.com"))
	_, err = f.s.Subscriber(f.ctx, "blog", "ada@example.com")
	wantErr(t, "Subscriber after delete", err, storage.ErrNotFound)
	if got, err := f.s.Subscriber(f.ctx, "other", "ada@example.com"); err != nil || !got.Requested.Equal(t0) {
		t.Errorf("the other site's subscriber after blog's was deleted: %+v, %v", got, err)
	}
}

func testDeleteSiteOutbox(t *testing.T, open func(t *testing.T) storage.Store) {
	f := newFixture(t, open)
	f.site("blog")
	f.site("blog2")
	t0 := now()
	f.enqueue(newMessage("blog", "pending", t0, t0), newMessage("blog", "claimed", t0, t0),
		newMessage("blog", "sent", t0, t0), newMessage("blog2", "kept", t0, t0.Add(time.Hour)))
	if got := f.claim(t0, time.Minute, 1); len(got) != 1 {
		t.Fatalf("claim = %v", got)
	}
	sent := f.message("sent")
	sent.State, sent.Done = storage.MessageSent, t0
	f.finish(sent)
	for _, s := range []storage.Subscriber{{SiteID: "blog", Email: "ada@example.com"}, {SiteID: "blog2", Email: "ada@example.com"}} {
		must(t, "PutSubscriber", f.s.PutSubscriber(f.ctx, s))
	}

	must(t, "DeleteSite", f.s.DeleteSite(f.ctx, "blog"))
	for _, id := range []string{"pending", "claimed", "sent"} {
		_, err := f.s.Message(f.ctx, id)
		wantErr(t, "Message("+id+") after DeleteSite", err, storage.ErrNotFound)
	}
	if got := f.claim(t0.Add(24*time.Hour), time.Minute, 10); !slices.Equal(got, []string{"kept"}) {
		t.Errorf("claim after DeleteSite = %v, want only blog2's message", got)
	}
	f.site("blog")
	if got := f.siteMessages("blog", storage.MessageMail, 0); len(got) != 0 {
		t.Errorf("a new site of the same id lists %v", got)
	}
	_, err := f.s.Subscriber(f.ctx, "blog", "ada@example.com")
	wantErr(t, "Subscriber after DeleteSite", err, storage.ErrNotFound)
	if _, err := f.s.Subscriber(f.ctx, "blog2", "ada@example.com"); err != nil {
		t.Errorf("blog2's subscriber after deleting blog: %v", err)
	}
	if got := f.siteMessages("blog2", storage.MessageMail, 0); !slices.Equal(got, []string{"kept"}) {
		t.Errorf("blog2's log after deleting blog = %v", got)
	}
	// The ids are free again.
	f.enqueue(newMessage("blog", "pending", t0, t0))
}
