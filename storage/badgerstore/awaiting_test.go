package badgerstore

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

// TestMigrateAwaiting opens a database written at schema version 1, before
// the awaiting index existed (no w/ keys, no Answered), holding binary and
// JSON records on two sites: the migration builds the index, marks as
// answered the readers' comments with an approved staff reply, and does
// so in several batches.
func TestMigrateAwaiting(t *testing.T) {
	defer func(b int) { awaitingBatchBytes = b }(awaitingBatchBytes)
	awaitingBatchBytes = 300 // a few comments per transaction

	dir := t.TempDir()
	s := mustOpen(t, dir)
	ctx := context.Background()
	for _, site := range []string{"a", "b"} {
		check(t, s.CreateSite(ctx, storage.Site{ID: site, Created: time.Now()}))
	}
	created := time.Now().UTC().Add(-time.Hour)
	var n int
	add := func(site, page, parent string, badge storage.Badge, st storage.Status) storage.Comment {
		t.Helper()
		n++
		c := storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: site, PageKey: page, ParentID: parent,
			Author: storage.Author{Name: "someone", Badge: badge}, Markdown: "hi", HTML: "<p>hi</p>",
			Created: created.Add(time.Duration(n) * time.Second), Status: st, ReaderHash: "r"}
		check(t, s.CreateComment(ctx, c, storage.Page{}))
		return c
	}
	reader := storage.BadgeNone
	ok := storage.StatusApproved
	question := add("a", "p", "", reader, ok) // answered by the owner below
	staffAnswer := add("a", "p", question.ID, storage.BadgeOwner, ok)
	followUp := add("a", "p", staffAnswer.ID, reader, ok) // a reader's reply to staff: awaits
	unanswered := add("a", "p", "", reader, ok)           // awaits
	deletedAnswer := add("a", "p", "", reader, ok)        // its staff reply was deleted: awaits
	add("a", "p", deletedAnswer.ID, storage.BadgeModerator, storage.StatusDeleted)
	readerReply := add("a", "q", "", reader, ok) // a reader's reply does not answer it
	add("a", "q", readerReply.ID, reader, storage.StatusPending)
	add("a", "q", "", reader, storage.StatusSpam)
	add("a", "q", "", storage.BadgeOwner, ok)
	other := add("b", "p", "", reader, ok)
	otherAnswered := add("b", "p", "", reader, ok)
	add("b", "p", otherAnswered.ID, storage.BadgeModerator, ok)
	// A record in the first version's JSON form, answered by staff.
	jsonQuestion := add("b", "q", "", reader, ok)
	add("b", "q", jsonQuestion.ID, storage.BadgeOwner, ok)
	// Many more, so the walk takes several transactions.
	var many []string
	for range 40 {
		many = append(many, add("a", "r", "", reader, ok).ID)
	}

	// Back to the layout of version 1: no w/ keys, no Answered, and one
	// JSON record.
	check(t, s.db.Update(func(txn *badger.Txn) error {
		var keys [][]byte
		eachKey(txn, []byte("w/"), func(k []byte) { keys = append(keys, k) })
		for _, k := range keys {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		js, err := json.Marshal(jsonQuestion)
		if err != nil {
			return err
		}
		if err := txn.Set(keyComment("b", "q", jsonQuestion.ID), js); err != nil {
			return err
		}
		return setJSON(txn, keySchema, 1)
	}))
	check(t, s.Close())

	batches := 0
	steps := slices.Clone(migrations)
	steps[1] = func(txn *badger.Txn) error {
		batches++
		return migrateAwaiting(txn)
	}
	db, err := badger.Open(badgerOptions(dir, Options{}))
	check(t, err)
	check(t, migrate(db, steps))
	check(t, db.View(func(txn *badger.Txn) error {
		if v, _ := schemaVersion(txn); v != len(migrations) {
			t.Errorf("schema version %d after the migration, want %d", v, len(migrations))
		}
		if has, _ := exists(txn, keyAwaitingCursor); has {
			t.Error("the migration left its cursor behind")
		}
		return nil
	}))
	check(t, db.Close())
	if batches < 5 {
		t.Errorf("the migration ran in %d transactions, want several", batches)
	}

	s = mustOpen(t, dir)
	for site, want := range map[string][]string{
		"a": append([]string{followUp.ID, unanswered.ID, deletedAnswer.ID, readerReply.ID}, many...),
		"b": {other.ID},
	} {
		got, total, err := s.AwaitingReply(ctx, site, 1000)
		check(t, err)
		if !slices.Equal(idsOf(got), want) || total != len(want) {
			t.Errorf("site %s awaits %v (total %d), want %v", site, idsOf(got), total, want)
		}
	}
	for _, c := range []storage.Comment{question, otherAnswered, jsonQuestion} {
		got, err := s.Comment(ctx, c.SiteID, c.ID)
		check(t, err)
		if !got.Answered {
			t.Errorf("comment %s/%s with a staff reply is not marked answered", c.SiteID, c.ID)
		}
	}
	for _, c := range []storage.Comment{unanswered, deletedAnswer, readerReply, staffAnswer} {
		if got, _ := s.Comment(ctx, c.SiteID, c.ID); got.Answered {
			t.Errorf("comment %s marked answered", c.ID)
		}
	}
	check(t, s.db.View(func(txn *badger.Txn) error { return checkAwaitingIndex(txn) }))

	// The index now follows writes, and the migration does not run again.
	_, err = s.UpdateComment(ctx, "a", unanswered.ID, func(c *storage.Comment) error { c.Answered = true; return nil })
	check(t, err)
	check(t, s.Close())
	s = mustOpen(t, dir)
	if _, total, err := s.AwaitingReply(ctx, "a", 0); err != nil || total != 3+len(many) {
		t.Errorf("after an answer and a reopen, site a has %d awaiting (%v), want %d", total, err, 3+len(many))
	}
}

// checkAwaitingIndex reports a comment whose awaiting entry (w/) is
// missing or should not be there, or an entry without its comment.
func checkAwaitingIndex(txn *badger.Txn) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("c/")})
	defer it.Close()
	want := map[string]bool{}
	for it.Rewind(); it.Valid(); it.Next() {
		var c storage.Comment
		if err := it.Item().Value(func(b []byte) error { return decodeComment(b, &c) }); err != nil {
			return err
		}
		if c.AwaitsReply() {
			want[string(keyAwaiting(c.SiteID, c.ID))] = true
		}
	}
	var errs []error
	eachKey(txn, []byte("w/"), func(k []byte) {
		if !want[string(k)] {
			errs = append(errs, errors.New("stray awaiting entry "+string(k)))
		}
		delete(want, string(k))
	})
	for k := range want {
		errs = append(errs, errors.New("missing awaiting entry "+k))
	}
	return errors.Join(errs...)
}

func idsOf(cs []storage.Comment) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
