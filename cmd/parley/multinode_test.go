package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/pgstore"
	"github.com/parley-dev/parley/storage/pgstore/pgtest"
)

// TestMain stops the throwaway PostgreSQL server the multi-node tests
// start.
func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// TestTwoNodesOnOneDatabase runs two parley serve processes on one
// PostgreSQL database, as an operator behind a load balancer would: a
// comment posted through node A is in node B's next read, and reaches a
// live stream open on node B.
func TestTwoNodesOnOneDatabase(t *testing.T) {
	db := pgtest.Start(t) // empty: the first node migrates it
	a, stopA := start(t, t.TempDir(), "--store", db)
	defer stopA()
	b, stopB := start(t, t.TempDir(), "--store", db, "--demo=false")
	defer stopB()

	const page = "http://localhost:8080/two-nodes"
	var before thread
	getJSON(t, b+"/api/v1/sites/demo/comments?page="+page, &before)
	if len(before.Comments) != 0 {
		t.Fatalf("a new page has comments: %+v", before)
	}

	// A reader on node B listens for the page's changes.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", b+"/api/v1/sites/demo/events?page="+page, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("stream on B: %v %v", res, err)
	}
	defer res.Body.Close()
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			events <- sc.Text()
		}
		close(events)
	}()

	// The form check's token comes from node B and is checked on node A:
	// it is signed with the instance's key, which lives in the database.
	var form struct {
		Token string `json:"form_token"`
	}
	getJSON(t, b+"/api/v1/sites/demo/form", &form)
	time.Sleep(3100 * time.Millisecond) // the demo site's minimum time to write
	post, err := http.NewRequest("POST", a+"/api/v1/sites/demo/comments",
		strings.NewReader(`{"page":"`+page+`","body":"posted on node A","author":{"name":"Ana"},"form_token":"`+form.Token+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	post.Header.Set("Content-Type", "application/json")
	pres, err := http.DefaultClient.Do(post)
	if err != nil || pres.StatusCode != 201 {
		t.Fatalf("post on A: %v %v", pres, err)
	}
	pres.Body.Close()

	var after thread
	getJSON(t, b+"/api/v1/sites/demo/comments?page="+page, &after)
	if len(after.Comments) != 1 || !strings.Contains(after.Comments[0].HTML, "posted on node A") {
		t.Errorf("node B's read after a post on node A: %+v", after)
	}
	waitForData(ctx, t, events, "posted on node A")

	// An import on the shared database, by the command itself, is
	// served by the running nodes at once.
	file := backup42(t, "imported on the shared database")
	out, err := runCmd(t, "import", "remark42", file, "--site", "demo", "--store", db,
		"--rule", "https://old.example/=http://localhost:8080/")
	if err != nil || !strings.Contains(out, "imported 1 new comment") {
		t.Fatalf("import into PostgreSQL: %v\n%s", err, out)
	}
	var imported thread
	getJSON(t, a+"/api/v1/sites/demo/comments?page=http://localhost:8080/imported", &imported)
	if len(imported.Comments) != 1 {
		t.Errorf("node A does not serve the imported thread: %+v", imported)
	}
	export, err := runCmd(t, "export", "--site", "demo", "--store", db)
	if err != nil || !strings.Contains(export, "imported on the shared database") || !strings.Contains(export, "posted on node A") {
		t.Errorf("export from PostgreSQL: %v\n%.300s", err, export)
	}
}

// TestAdminSessionsHoldOnEveryNode signs in on one node and uses the
// session on the other: sessions live in the database.
func TestAdminSessionsHoldOnEveryNode(t *testing.T) {
	db := pgtest.Migrated(t)
	ctx := context.Background()
	pg, err := pgstore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := admin.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	err = pg.CreateUser(ctx, storage.User{Name: "ops", PasswordHash: hash, Admin: true, Roles: map[string]storage.Role{}})
	pg.Close()
	if err != nil {
		t.Fatal(err)
	}
	a, stopA := start(t, t.TempDir(), "--store", db)
	defer stopA()
	b, stopB := start(t, t.TempDir(), "--store", db, "--demo=false")
	defer stopB()

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	login, _ := http.NewRequest("POST", a+"/admin/login", strings.NewReader(url.Values{"name": {"ops"}, "password": {"correct horse battery"}, "csrf": {"t0"}}.Encode()))
	login.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	login.Header.Set("Sec-Fetch-Site", "same-origin")                     // as a browser on the sign-in page sends
	login.AddCookie(&http.Cookie{Name: "parley_login_csrf", Value: "t0"}) // the form's double-submit token
	res, err := client.Do(login)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "parley_admin" {
			session = c
		}
	}
	if res.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("sign-in on node A: %s, cookie %v", res.Status, session)
	}
	for node, base := range map[string]string{"A": a, "B": b} {
		req, _ := http.NewRequest("GET", base+"/admin/", nil)
		req.AddCookie(session)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "ops") {
			t.Errorf("node %s with node A's session: %s", node, res.Status)
		}
	}
}

func TestMigrateCommand(t *testing.T) {
	db := pgtest.Start(t)
	out, err := runCmd(t, "migrate", "--store", db)
	if err != nil || !strings.Contains(out, "schema is at version") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	again, err := runCmd(t, "migrate", "--store", db)
	if err != nil || !strings.Contains(again, "schema is at version") || strings.Contains(again, "migrated") {
		t.Errorf("migrate again: %v %q, want the version and nothing migrated", err, again)
	}
	for _, args := range [][]string{{"migrate"}, {"migrate", "--store", "mysql://x"}, {"serve", "--store", "mysql://x"}} {
		if _, err := runCmd(t, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// waitForData waits for a server-sent event whose data contains want.
func waitForData(ctx context.Context, t *testing.T, events <-chan string, want string) {
	t.Helper()
	for {
		select {
		case line, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended before %q came", want)
			}
			if strings.HasPrefix(line, "data:") && strings.Contains(line, want) {
				return
			}
		case <-ctx.Done():
			t.Fatalf("no event with %q", want)
		}
	}
}
