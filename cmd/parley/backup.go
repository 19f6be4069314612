package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/parley-dev/parley/server"
	"github.com/parley-dev/parley/server/importer"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// socketName is the backup socket in the data directory: only users who
// can reach the directory can reach it.
const socketName = "parley.sock"

const backupUsage = `usage:
  parley backup FILE [--data DIR]    back up the running server on DIR into FILE
  parley restore FILE --data DIR     create DIR (new or empty) from a backup FILE

A backup is one consistent snapshot taken while the server keeps running; it
is read through DIR/parley.sock, so run it as a user who can reach DIR.
Restore only into a new or empty directory, with no server running on it.`

// backupSocket serves GET /backup, POST /import and GET /export on a Unix
// socket in the data directory.
type backupSocket struct {
	path string
	srv  *http.Server
	done chan struct{}
	// last is the Unix nanoseconds of the last backup served in full.
	last atomic.Int64
}

// listenBackup starts the socket server for store in data, replacing a
// stale socket left by a server that did not stop cleanly (the store is
// open, so no other server runs on data).
func listenBackup(data string, store *badgerstore.Store, srv *server.Server, log *slog.Logger) (*backupSocket, error) {
	path := filepath.Join(data, socketName)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("backup socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("backup socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("backup socket: %w", err)
	}
	b := &backupSocket{path: path, done: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if err := store.Backup(r.Context(), w); err != nil {
			log.Warn("backup failed", slog.Any("err", err))
			panic(http.ErrAbortHandler) // cut the stream: the client sees it incomplete
		}
		b.last.Store(time.Now().UnixNano())
		log.Info("backup served")
	})
	mux.HandleFunc("POST /import", func(w http.ResponseWriter, r *http.Request) {
		opts, err := importOptions(r.Context(), store, r.URL.Query())
		var report importer.Report
		if err == nil {
			report, err = srv.Import(r.Context(), r.Body, opts)
		}
		if err == nil && opts.CreateSite && !opts.DryRun {
			err = grantOwner(r.Context(), store, opts.Site)
		}
		out := struct {
			Report importer.Report `json:"report"`
			Error  string          `json:"error,omitempty"`
		}{Report: report}
		if err != nil {
			out.Error = err.Error()
			log.Warn("import failed", slog.String("site", opts.Site.ID), slog.Any("err", err))
		} else if !opts.DryRun {
			log.Info("import done", slog.String("site", opts.Site.ID), slog.Int("comments", report.Total()))
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("GET /export", func(w http.ResponseWriter, r *http.Request) {
		site := r.URL.Query().Get("site")
		if _, err := store.Site(r.Context(), site); err != nil {
			http.Error(w, fmt.Sprintf("no site %q", site), http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		if err := srv.Export(r.Context(), w, site); err != nil {
			log.Warn("export failed", slog.String("site", site), slog.Any("err", err))
			panic(http.ErrAbortHandler) // cut the stream: the client sees it incomplete
		}
	})
	b.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(b.done)
		b.srv.Serve(ln)
	}()
	return b, nil
}

// Last (zero on nil) is when the last backup through the socket ended (zero: none).
func (b *backupSocket) Last() time.Time {
	if b == nil {
		return time.Time{}
	}
	if n := b.last.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// Close (a no-op on nil) stops the socket server, giving a backup under way a few seconds,
// and removes the socket.
func (b *backupSocket) Close() {
	if b == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.srv.Shutdown(ctx); err != nil {
		b.srv.Close()
	}
	<-b.done
	os.Remove(b.path)
}

// backupArgs reads FILE and --data DIR; dataSet says whether DIR came from
// the flag or PARLEY_DATA.
func backupArgs(args []string, getenv func(string) string) (file, data string, dataSet bool, help bool, err error) {
	data = getenv("PARLEY_DATA")
	dataSet = data != ""
	if data == "" {
		data = defaultData
	}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--data" || a == "-data":
			if i+1 == len(args) {
				return "", "", false, false, errors.New("--data needs a directory")
			}
			i++
			data, dataSet = args[i], true
		case strings.HasPrefix(a, "--data=") || strings.HasPrefix(a, "-data="):
			data, dataSet = a[strings.Index(a, "=")+1:], true
		case a == "-h" || a == "--help":
			return "", "", false, true, nil
		case strings.HasPrefix(a, "-") && a != "-":
			return "", "", false, false, fmt.Errorf("unknown flag %s\n%s", a, backupUsage)
		default:
			pos = append(pos, a)
		}
	}
	if len(pos) != 1 || pos[0] == "" {
		return "", "", false, false, errors.New(backupUsage)
	}
	return pos[0], data, dataSet, false, nil
}

// backupCmd is parley backup FILE: it streams a backup from the server
// running on the data directory into FILE.tmp, syncs it and renames it.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	file, data, _, help, err := backupArgs(args, getenv)
	if help {
		return printHelp(stderr, "backup")
	}
	if err != nil {
		return err
	}
	sock := filepath.Join(data, socketName)
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://parley/backup", nil)
	res, err := client.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return fmt.Errorf("no running parley at %s: start it, or copy the stopped directory", data)
		}
		return fmt.Errorf("backup: %w", unwrapURLError(err))
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("backup: the server answered %s", res.Status)
	}
	var n int64
	err = writeFileAtomic(file, func(w io.Writer) (err error) {
		n, err = io.Copy(w, res.Body)
		return err
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", file, n)
	return nil
}

// writeFileAtomic has write fill path.tmp, syncs it and renames it to
// path, so path is either the whole stream or absent (or its earlier
// version).
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// restoreCmd is parley restore FILE --data DIR.
func restoreCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	file, data, dataSet, help, err := backupArgs(args, getenv)
	if help {
		return printHelp(stderr, "restore")
	}
	if err != nil {
		return err
	}
	if !dataSet {
		return errors.New("restore: give the new data directory with --data DIR (or PARLEY_DATA)")
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	if err := badgerstore.Restore(data, f); err != nil {
		if errors.Is(err, badgerstore.ErrNotEmpty) {
			return fmt.Errorf("restore: %s is not empty: restore only into a new or empty directory", data)
		}
		return fmt.Errorf("restore %s: %w", file, err)
	}
	fmt.Fprintf(stdout, "restored %s into %s\n", file, data)
	return nil
}

// backupFileRE matches the names of scheduled backups, the only files
// retention deletes; they sort oldest first.
var backupFileRE = regexp.MustCompile(`^parley-\d{8}-\d{6}\.backup$`)

// backupFileLayout is the time layout of a scheduled backup's name (UTC).
const backupFileLayout = "parley-20060102-150405.backup"

// scheduledBackups writes a backup into dir every interval until ctx ends,
// keeping the newest keep of them. done is closed when it returns.
func scheduledBackups(ctx context.Context, store *badgerstore.Store, dir string, every time.Duration, keep int, log *slog.Logger, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := scheduledBackup(ctx, store, dir, now, keep); err != nil {
				if ctx.Err() == nil {
					log.Error("scheduled backup failed", slog.String("dir", dir), slog.Any("err", err))
				}
				continue
			}
		}
	}
}

// scheduledBackup writes one backup named for now into dir and deletes
// the oldest of its kind beyond keep.
func scheduledBackup(ctx context.Context, store *badgerstore.Store, dir string, now time.Time, keep int) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(dir, now.UTC().Format(backupFileLayout))
	if err := writeFileAtomic(path, func(w io.Writer) error { return store.Backup(ctx, w) }); err != nil {
		return err
	}
	names := backupFiles(dir)
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			return err
		}
		names = names[1:]
	}
	return nil
}

// backupFiles lists dir's scheduled backups, oldest first.
func backupFiles(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && backupFileRE.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

// lastScheduledBackup is the time in the name of dir's newest scheduled
// backup (zero: none).
func lastScheduledBackup(dir string) time.Time {
	if dir == "" {
		return time.Time{}
	}
	names := backupFiles(dir)
	if len(names) == 0 {
		return time.Time{}
	}
	t, _ := time.Parse(backupFileLayout, names[len(names)-1])
	return t
}
