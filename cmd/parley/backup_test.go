package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage/badgerstore"
)

// TestBackupRestoreEndToEnd backs up a running server through its socket,
// restores the file into a new directory and serves the same thread there.
func TestBackupRestoreEndToEnd(t *testing.T) {
	ctx := context.Background()
	env := func(string) string { return "" }
	dir := t.TempDir()
	base, stop := start(t, dir)
	if fi, err := os.Stat(filepath.Join(dir, socketName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v %v", fi, err)
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/sites/demo/comments",
		strings.NewReader(`{"page":"http://localhost:8080/backed-up","body":"keep me","author":{"name":"B"}}`))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Comment     struct{ ID string }
		ReaderToken string `json:"reader_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 201 {
		t.Fatalf("post: %s %v", res.Status, err)
	}
	res.Body.Close()
	const page = "/api/v1/sites/demo/comments?page=http://localhost:8080/backed-up"
	var before, demoBefore thread
	getJSON(t, base+page, &before, out.ReaderToken)
	getJSON(t, base+"/api/v1/sites/demo/comments?page=slow-bread", &demoBefore)
	if len(before.Comments) != 1 || before.Comments[0].ID != out.Comment.ID {
		t.Fatalf("before backup: %+v", before)
	}

	file := filepath.Join(t.TempDir(), "parley.backup")
	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"backup", file, "--data", dir}, env, &stdout, &stderr); err != nil {
		t.Fatalf("backup: %v %s", err, stderr.String())
	}
	if _, err := os.Stat(file + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
	stop()
	if _, err := os.Stat(filepath.Join(dir, socketName)); !os.IsNotExist(err) {
		t.Errorf("socket left after shutdown: %v", err)
	}
	err = run(ctx, []string{"backup", file + "2", "--data", dir}, env, &stdout, &stderr)
	if err == nil || err.Error() != "no running parley at "+dir+": start it, or copy the stopped directory" {
		t.Errorf("backup with no server = %v", err)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	if err := run(ctx, []string{"restore", file, "--data", restored}, env, &stdout, &stderr); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if err := run(ctx, []string{"restore", file, "--data", restored}, env, &stdout, &stderr); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("restore over a data directory = %v", err)
	}
	base, stop = start(t, restored)
	defer stop()
	var after, demoAfter thread
	getJSON(t, base+page, &after, out.ReaderToken)
	getJSON(t, base+"/api/v1/sites/demo/comments?page=slow-bread", &demoAfter)
	if !reflect.DeepEqual(after, before) || !reflect.DeepEqual(demoAfter, demoBefore) {
		t.Errorf("restored thread = %+v, want %+v", after, before)
	}
}

// TestScheduledBackups runs the schedule at one a second and keeps two:
// only the scheduler's own files are deleted, and the newest restores.
func TestScheduledBackups(t *testing.T) {
	dir, bdir := t.TempDir(), t.TempDir()
	other := filepath.Join(bdir, "notes.txt")
	if err := os.WriteFile(other, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stop := start(t, dir, "--backup-dir", bdir, "--backup-every", "1s", "--backup-keep", "2")
	deadline := time.Now().Add(20 * time.Second)
	seen := map[string]bool{}
	for len(seen) < 3 && time.Now().Before(deadline) {
		for _, n := range backupFiles(bdir) {
			seen[n] = true
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	if len(seen) < 3 {
		t.Fatalf("saw backups %v in 20s", seen)
	}
	names := backupFiles(bdir)
	if len(names) != 2 {
		t.Errorf("kept %v, want the newest 2", names)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("retention deleted a foreign file: %v", err)
	}
	entries, _ := os.ReadDir(bdir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	if lastScheduledBackup(bdir).IsZero() {
		t.Error("no last backup time")
	}
	f, err := os.Open(filepath.Join(bdir, names[len(names)-1]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := badgerstore.Restore(filepath.Join(t.TempDir(), "r"), f); err != nil {
		t.Errorf("restore the newest scheduled backup: %v", err)
	}
}
