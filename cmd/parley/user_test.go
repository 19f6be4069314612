package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// runUser runs `parley user args...` with input on stdin.
func runUser(t *testing.T, dir, input string, args ...string) (string, error) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(input)
	defer func() { stdin = old }()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"user"}, args...), func(k string) string {
		if k == "PARLEY_DATA" {
			return dir
		}
		return ""
	}, &out, &errOut)
	return out.String(), err
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	if out, err := runUser(t, dir, "a long password\n", "add", "Alice", "--admin"); err != nil || !strings.Contains(out, "created user alice (instance admin)") {
		t.Fatalf("add: %q, %v", out, err)
	}
	if _, err := runUser(t, dir, "another password\n", "add", "alice"); err == nil {
		t.Error("second add of alice succeeded")
	}
	if _, err := runUser(t, dir, "short\n", "add", "bob"); err == nil {
		t.Error("a short password was accepted")
	}
	if _, err := runUser(t, dir, "a long password\n", "add", "no spaces allowed"); err == nil {
		t.Error("a bad user name was accepted")
	}
	if out, err := runUser(t, dir, "", "list"); err != nil || out != "alice admin \n" {
		t.Errorf("list: %q, %v", out, err)
	}
	// A session from before the password change.
	st, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSession(context.Background(), storage.Session{TokenHash: "old", UserName: "alice", Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := runUser(t, dir, "the new password\r\n", "passwd", "alice"); err != nil {
		t.Fatalf("passwd: %v", err)
	}
	if _, err := runUser(t, dir, "the new password\n", "passwd", "nobody"); err == nil {
		t.Error("passwd of a missing user succeeded")
	}
	st, err = badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Session(context.Background(), "old", time.Now()); err == nil {
		t.Error("the old session survived the password change")
	}
	u, err := st.User(context.Background(), "alice")
	if err != nil || !u.Admin || !admin.CheckPassword(u.PasswordHash, "the new password") {
		t.Errorf("alice after passwd: %+v, %v", u, err)
	}
	if strings.Contains(u.PasswordHash, "password") {
		t.Error("the password is stored in clear")
	}
}

func TestFirstStartCreatesAdmin(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PARLEY_ADMIN_PASSWORD": "first admin secret", "PARLEY_ADMIN_USER": "Boss"}
	cfg, err := parseServeConfig(nil, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var logs bytes.Buffer
	if err := ensureAdmin(context.Background(), st, cfg, newLogger(cfg, &logs)); err != nil {
		t.Fatal(err)
	}
	u, err := st.User(context.Background(), "boss")
	if err != nil || !u.Admin || !admin.CheckPassword(u.PasswordHash, "first admin secret") {
		t.Fatalf("boss: %+v, %v", u, err)
	}
	if strings.Contains(logs.String(), "first admin secret") {
		t.Error("the password was logged")
	}
	// With a user in place, a second start changes nothing.
	env["PARLEY_ADMIN_PASSWORD"] = "another secret!!"
	cfg.AdminPassword = env["PARLEY_ADMIN_PASSWORD"]
	if err := ensureAdmin(context.Background(), st, cfg, newLogger(cfg, &logs)); err != nil {
		t.Fatal(err)
	}
	if u, _ := st.User(context.Background(), "boss"); !admin.CheckPassword(u.PasswordHash, "first admin secret") {
		t.Error("a second start replaced the password")
	}
	if l := logs.String(); !strings.Contains(l, "PARLEY_ADMIN_PASSWORD is ignored") || strings.Contains(l, "another secret") {
		t.Errorf("the ignored password: %s", l)
	}
}

func TestFirstStartHint(t *testing.T) {
	cfg, err := parseServeConfig(nil, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := badgerstore.Open(t.TempDir(), badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var logs bytes.Buffer
	if err := ensureAdmin(context.Background(), st, cfg, newLogger(cfg, &logs)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "parley user add NAME --admin") {
		t.Errorf("no hint in the logs: %s", logs.String())
	}
}
