package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// backup42 writes a Remark42 backup with comments on one demo page.
func backup42(t *testing.T, texts ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"version":1,"users":[],"posts":[]}` + "\n")
	for i, text := range texts {
		pid := ""
		if i > 0 {
			pid = "c0"
		}
		b.WriteString(`{"id":"c` + string(rune('0'+i)) + `","pid":"` + pid + `","orig":"` + text +
			`","user":{"name":"Old reader","id":"u1"},"locator":{"site":"old","url":"https://old.example/imported/"},"time":"2023-05-0` + string(rune('1'+i)) + `T08:00:00Z"}` + "\n")
	}
	path := filepath.Join(t.TempDir(), "backup.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

func TestImportAndExportThroughTheRunningServer(t *testing.T) {
	dir := t.TempDir()
	base, stop := start(t, dir)
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	file := backup42(t, "first imported", "a reply")
	rule := "--rule=https://old.example/=http://localhost:8080/"

	out, err := runCmd(t, "import", "remark42", file, "--site", "demo", "--dry-run", rule, "--data", dir)
	if err != nil || !strings.Contains(out, "dry run: would import 2 new comments on 1 page") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	const page = "/api/v1/sites/demo/comments?page=http://localhost:8080/imported"
	var th thread
	getJSON(t, base+page, &th)
	if len(th.Comments) != 0 {
		t.Fatalf("a dry run stored comments: %+v", th)
	}
	out, err = runCmd(t, "import", "remark42", file, "--site", "demo", rule, "--data", dir)
	if err != nil || !strings.Contains(out, "imported 2 new comments on 1 page") || !strings.Contains(out, "2 approved") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	getJSON(t, base+page, &th)
	if len(th.Comments) != 2 {
		t.Fatalf("the running server does not serve the imported thread: %+v", th)
	}
	out, err = runCmd(t, "import", "remark42", file, "--site", "demo", rule, "--data", dir)
	if err != nil || !strings.Contains(out, "imported 0 new comments") || !strings.Contains(out, "2 already here") {
		t.Errorf("second import: %v\n%s", err, out)
	}
	if out, err = runCmd(t, "import", "remark42", file, "--site", "nosuch", "--data", dir); err == nil || !strings.Contains(out+err.Error(), `no site "nosuch"`) {
		t.Errorf("import into a missing site: %v %s", err, out)
	}
	export := filepath.Join(t.TempDir(), "demo.jsonl")
	if out, err = runCmd(t, "export", "--site", "demo", "--out", export, "--data", dir); err != nil {
		t.Fatalf("export: %v %s", err, out)
	}
	data, _ := os.ReadFile(export)
	if !strings.HasPrefix(string(data), `{"parley_export":1,"site":"demo"`) || !strings.Contains(string(data), "first imported") {
		t.Errorf("export: %.300s", data)
	}
	if _, err := runCmd(t, "export", "--site", "nosuch", "--data", dir); err == nil || !strings.Contains(err.Error(), `no site "nosuch"`) {
		t.Errorf("export of a missing site: %v", err)
	}
	stop()
	stopped = true

	// With no server running, the commands open the directory themselves.
	// A Parley export with --owner creates its site there.
	u := storage.User{Name: "kim", Roles: map[string]storage.Role{}}
	st, err := badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, err = runCmd(t, "import", "parley", export, "--site", "copy", "--owner", "kim", "--data", dir)
	if err != nil || !strings.Contains(out, "the site was created from the file") {
		t.Fatalf("import of the export into a new site: %v\n%s", err, out)
	}
	again := filepath.Join(t.TempDir(), "copy.jsonl")
	if out, err = runCmd(t, "export", "--site", "copy", "--out", again, "--data", dir); err != nil {
		t.Fatalf("export of the copy: %v %s", err, out)
	}
	copied, _ := os.ReadFile(again)
	if strings.Count(string(copied), `"type":"comment"`) != strings.Count(string(data), `"type":"comment"`) {
		t.Errorf("the copy has other comments than the original:\n%s\n%s", data, copied)
	}
	st, err = badgerstore.Open(dir, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if kim, _ := st.User(context.Background(), "kim"); kim.Role("copy") != storage.RoleOwner {
		t.Errorf("the new site's owner: roles %v", kim.Roles)
	}
}

func TestImportRefusesMistakes(t *testing.T) {
	empty := t.TempDir()
	file := backup42(t, "x")
	cases := map[string]struct {
		args []string
		want string
	}{
		"no data":        {[]string{"import", "remark42", file, "--site", "demo", "--data", empty}, "holds no Parley data"},
		"unknown format": {[]string{"import", "myspace", file, "--site", "demo", "--data", empty}, `unknown format "myspace"`},
		"no site":        {[]string{"import", "remark42", file, "--data", empty}, "--site"},
		"bad rule":       {[]string{"import", "remark42", file, "--site", "demo", "--rule", "nope", "--data", empty}, "OLD=NEW"},
		"missing file":   {[]string{"import", "remark42", filepath.Join(empty, "nope"), "--site", "demo", "--data", empty}, "no such file"},
		"unknown flag":   {[]string{"import", "remark42", file, "--site", "demo", "--bogus"}, "unknown flag --bogus"},
		"export no data": {[]string{"export", "--site", "demo", "--data", empty}, "holds no Parley data"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := runCmd(t, c.args...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v (output %q), want one saying %q", err, out, c.want)
			}
		})
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("a refused command created %d files in the directory", len(entries))
	}
}
