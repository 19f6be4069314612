package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/pgstore"
	"github.com/parley-dev/parley/storage/pgstore/pgtest"
)

// TestMigrateAwaiting upgrades a database at schema version 1, before
// comments had answered: the readers' comments with an approved staff
// reply become answered, the others await a reply, and AwaitingReply's
// queries can read the partial index.
func TestMigrateAwaiting(t *testing.T) {
	ctx := context.Background()
	url := pgtest.Start(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	run := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%.60s: %v", sql, err)
		}
	}
	// Version 1, as Migrate left it.
	run(`CREATE TABLE parley_schema (version integer NOT NULL)`)
	run(pgstore.SchemaV1)
	run(`INSERT INTO parley_schema (version) VALUES (1)`)
	for _, site := range []string{"a", "b"} {
		run(`INSERT INTO sites (id, name, owner_id, settings, signing_secret) VALUES ($1, $1, 'o', '{}', '')`, site)
		run(`INSERT INTO pages (site_id, key, url, title, locked, count, version) VALUES ($1, 'p', '', '', false, 0, 1)`, site)
	}
	n := 0
	add := func(site, parent string, badge storage.Badge, st storage.Status) string {
		t.Helper()
		n++
		id := fmt.Sprintf("0190-%03d", n)
		run(`INSERT INTO comments (site_id, id, page_key, parent_id, author_name, author_affiliation, author_website,
				author_email, author_badge, markdown, html, status, score, reader_hash, ip_hash, pinned, fingerprint, notify)
			VALUES ($1, $2, 'p', $3, 'someone', '', '', '', $4, 'hi', '<p>hi</p>', $5, 0, '', '', false, '', false)`,
			site, id, parent, string(badge), string(st))
		return id
	}
	ok := storage.StatusApproved
	question := add("a", "", "", ok)
	staffAnswer := add("a", question, storage.BadgeOwner, ok)
	followUp := add("a", staffAnswer, "", ok)
	unanswered := add("a", "", "", ok)
	deletedAnswer := add("a", "", "", ok)
	add("a", deletedAnswer, storage.BadgeModerator, storage.StatusDeleted)
	readerReply := add("a", "", "", ok)
	replyToReader := add("a", readerReply, "", ok) // a reader's reply answers nothing, and awaits
	add("a", "", "", storage.StatusSpam)
	other := add("b", "", "", ok)
	otherAnswered := add("b", "", "", ok)
	add("b", otherAnswered, storage.BadgeModerator, ok)

	s, err := pgstore.Open(ctx, url)
	if !errors.Is(err, pgstore.ErrNeedsMigration) {
		t.Fatalf("Open of a version 1 database: %v, want ErrNeedsMigration", err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	got, total, err := s.AwaitingReply(ctx, "a", 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{followUp, unanswered, deletedAnswer, readerReply, replyToReader}
	if ids := idsOf(got); !slices.Equal(ids, want) || total != len(want) {
		t.Errorf("site a awaits %v (total %d), want %v", ids, total, want)
	}
	if got, total, err := s.AwaitingReply(ctx, "b", 100); err != nil || !slices.Equal(idsOf(got), []string{other}) || total != 1 {
		t.Errorf("site b awaits %v (total %d, %v), want %s", idsOf(got), total, err, other)
	}
	for site, id := range map[string]string{"a": question, "b": otherAnswered} {
		if c, err := s.Comment(ctx, site, id); err != nil || !c.Answered {
			t.Errorf("comment %s/%s with a staff reply: answered %v (%v)", site, id, c.Answered, err)
		}
	}
	if c, _ := s.Comment(ctx, "a", staffAnswer); c.Answered {
		t.Error("the staff reply itself is marked answered")
	}

	// Both of AwaitingReply's queries can use the partial index.
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT count(*) FROM comments WHERE ` + pgstore.AwaitingWhere,
		`SELECT id FROM comments WHERE ` + pgstore.AwaitingWhere + ` ORDER BY id LIMIT 10`,
	} {
		rows, err := tx.Query(ctx, `EXPLAIN `+q, "a")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		rows.Close()
		if p := strings.Join(plan, "\n"); !strings.Contains(p, "comments_awaiting") {
			t.Errorf("%s does not read comments_awaiting:\n%s", q, p)
		}
	}
}

func idsOf(cs []storage.Comment) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
