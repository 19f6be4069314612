package badgerstore

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/parley-dev/parley/storage"
)

// crashDirEnv, when set, turns TestSurvivesKill into the child process that
// writes into that directory and then kills itself.
const crashDirEnv = "PARLEY_BADGERSTORE_CRASH_DIR"

const crashComments = 50

// TestSurvivesKill checks that writes acknowledged before a kill -9 are
// there after reopening: the child never calls Close, so nothing is flushed
// on the way out and Open must recover from Badger's write-ahead log.
func TestSurvivesKill(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSurvivesKill$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out)
	}

	ctx := context.Background()
	s := mustOpen(t, dir)
	cs, err := s.PageComments(ctx, "crash", "page")
	check(t, err)
	if len(cs) != crashComments {
		t.Errorf("%d comments after kill, want %d", len(cs), crashComments)
	}
	if p, err := s.Page(ctx, "crash", "page"); err != nil || p.Count != crashComments {
		t.Errorf("page after kill = %+v, %v; want count %d", p, err, crashComments)
	}
}

// crashChild writes a site and comments, each acknowledged, and dies
// without closing the store.
func crashChild(dir string) {
	s, err := Open(dir, Options{GCInterval: -1})
	if err != nil {
		os.Exit(2)
	}
	ctx := context.Background()
	if err := s.CreateSite(ctx, storage.Site{ID: "crash"}); err != nil {
		os.Exit(3)
	}
	for range crashComments {
		c := storage.Comment{ID: uuid.Must(uuid.NewV7()).String(), SiteID: "crash", PageKey: "page",
			Status: storage.StatusApproved, Created: time.Now()}
		if err := s.CreateComment(ctx, c, storage.Page{}); err != nil {
			os.Exit(4)
		}
	}
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	time.Sleep(time.Minute) // the signal arrives first
}
