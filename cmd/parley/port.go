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
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parley-dev/parley/server"
	"github.com/parley-dev/parley/server/importer"
	"github.com/parley-dev/parley/server/importer/native"
	"github.com/parley-dev/parley/server/live"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

const importUsage = `usage:
  parley import FORMAT FILE --site ID [--rule OLD=NEW]... [--dry-run] [--owner USER] [--data DIR]
  parley export --site ID [--out FILE] [--data DIR]

FORMAT is one of: disqus, wordpress, remark42, commento, isso, parley.
FILE may be gzipped. --dry-run reads the whole file and reports what an
import would do, storing nothing. --rule rewrites the start of the pages'
URLs (a moved blog: --rule https://old.example/=https://new.example/), and
may be given more than once. Importing the same file again adds nothing.
A Parley export creates its site when --site does not exist yet, owned by
--owner USER. With a server running on DIR, import and export go through
it (DIR/parley.sock); otherwise they open DIR themselves.
export writes FILE (default: standard output).`

// portArgs are the flags of import and export.
type portArgs struct {
	format, file, site, owner, out, data, store string
	rules                                       []string
	dryRun                                      bool
}

func parsePortArgs(args []string, getenv func(string) string, positional int) (portArgs, bool, error) {
	a := portArgs{data: getenv("PARLEY_DATA"), store: getenv("PARLEY_STORE")}
	if a.data == "" {
		a.data = defaultData
	}
	var pos []string
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !strings.HasPrefix(args[i], "-") || args[i] == "-" {
			pos = append(pos, args[i])
			continue
		}
		if name == "h" || name == "help" {
			return a, true, nil
		}
		if name == "dry-run" {
			a.dryRun = true
			continue
		}
		target := map[string]*string{"site": &a.site, "owner": &a.owner, "out": &a.out, "data": &a.data, "store": &a.store}[name]
		var rule string
		if name == "rule" {
			target = &rule
		}
		if target == nil {
			return a, false, fmt.Errorf("unknown flag %s\n%s", args[i], importUsage)
		}
		if !hasValue {
			if i+1 == len(args) {
				return a, false, fmt.Errorf("--%s needs a value", name)
			}
			i++
			value = args[i]
		}
		*target = value
		if name == "rule" {
			a.rules = append(a.rules, rule)
		}
	}
	if len(pos) != positional {
		return a, false, errors.New(importUsage)
	}
	if positional == 2 {
		a.format, a.file = pos[0], pos[1]
	}
	if a.site == "" {
		return a, false, errors.New("give the site with --site ID")
	}
	return a, false, nil
}

// importCmd is parley import FORMAT FILE --site ID.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	a, help, err := parsePortArgs(args, getenv, 2)
	if help {
		return printHelp(stderr, "import")
	}
	if err != nil {
		return err
	}
	q := importQuery(a)
	if _, err := importer.ParseFormat(a.format); err != nil {
		return err
	}
	for _, r := range a.rules {
		if _, err := importer.ParseRule(r); err != nil {
			return err
		}
	}
	f, err := os.Open(a.file)
	if err != nil {
		return err
	}
	defer f.Close()
	var report importer.Report
	// The HTTP client closes the body it is given, even when it cannot
	// connect, so it gets one that does not close the file: the direct
	// import reads it again from the start.
	res, err := (*http.Response)(nil), errNoServer
	if a.store == "" { // a shared database is written directly: its nodes hear of it
		res, err = socketRequest(ctx, a.data, "POST", "/import?"+q.Encode(), io.NopCloser(f))
	}
	switch {
	case errors.Is(err, errNoServer):
		if _, err = f.Seek(0, io.SeekStart); err == nil {
			report, err = importDirect(ctx, a, q, f)
		}
	case err == nil:
		defer res.Body.Close()
		report, err = decodeImport(res)
	}
	if err != nil {
		return err
	}
	printReport(stdout, report)
	return nil
}

// importQuery is how the import's options travel to a running server.
func importQuery(a portArgs) url.Values {
	q := url.Values{"format": {a.format}, "site": {a.site}, "rule": a.rules}
	if a.dryRun {
		q.Set("dry_run", "1")
	}
	if a.owner != "" {
		q.Set("owner", a.owner)
	}
	return q
}

// importOptions reads an import's options and finds its site: an existing
// one, or for a Parley export with an owner a new one.
func importOptions(ctx context.Context, store storage.Store, q url.Values) (importer.Options, error) {
	format, err := importer.ParseFormat(q.Get("format"))
	if err != nil {
		return importer.Options{}, err
	}
	opts := importer.Options{Format: format, DryRun: q.Get("dry_run") != ""}
	for _, r := range q["rule"] {
		rule, err := importer.ParseRule(r)
		if err != nil {
			return opts, err
		}
		opts.Rules = append(opts.Rules, rule)
	}
	id, owner := q.Get("site"), q.Get("owner")
	opts.Site, err = store.Site(ctx, id)
	switch {
	case err == nil:
		return opts, nil
	case !errors.Is(err, storage.ErrNotFound):
		return opts, err
	case format != importer.Parley || owner == "":
		return opts, fmt.Errorf("%w: no site %q: create it in the admin page first (a Parley export can create it: give --owner USER)", importer.ErrInput, id)
	}
	if _, err := store.User(ctx, owner); err != nil {
		return opts, fmt.Errorf("%w: --owner %q: no such user", importer.ErrInput, owner)
	}
	opts.Site = storage.Site{ID: id, OwnerID: owner, Settings: storage.DefaultSiteSettings()}
	opts.CreateSite = true
	return opts, nil
}

// importDirect imports into the data directory itself, with no server
// running on it.
func importDirect(ctx context.Context, a portArgs, q url.Values, r io.Reader) (importer.Report, error) {
	store, closeStore, err := openPortStore(ctx, a)
	if err != nil {
		return importer.Report{}, err
	}
	defer closeStore()
	opts, err := importOptions(ctx, store, q)
	if err != nil {
		return importer.Report{}, err
	}
	key, err := store.Secret(ctx, "ip-hash")
	if err != nil {
		return importer.Report{}, err
	}
	opts.HashIP = server.AddrHasher(key)
	report, err := importer.Run(ctx, store, r, opts)
	if err == nil && opts.CreateSite && !opts.DryRun {
		err = grantOwner(ctx, store, opts.Site)
	}
	return report, err
}

// grantOwner gives a site created by an import to its owner.
func grantOwner(ctx context.Context, store storage.Store, site storage.Site) error {
	_, err := store.UpdateUser(ctx, site.OwnerID, func(u *storage.User) error {
		if u.Roles == nil {
			u.Roles = map[string]storage.Role{}
		}
		u.Roles[site.ID] = storage.RoleOwner
		return nil
	})
	return err
}

// openPortStore opens the store of an import or export run by the
// command itself: the PostgreSQL database of --store, whose running nodes
// hear of every page it changes, or an existing data directory (never a
// new one).
func openPortStore(ctx context.Context, a portArgs) (storage.Store, func(), error) {
	if a.store != "" {
		if err := checkStoreURL(a.store); err != nil {
			return nil, nil, err
		}
		pg, err := openPostgres(ctx, a.store, false, nil)
		if err != nil {
			return nil, nil, err
		}
		quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		return live.Watch(pg, live.NewAnnouncer(pg.Notes(), quiet)), func() { pg.Close() }, nil
	}
	st, err := openExistingStore(a.data, badgerstore.Options{})
	if err != nil {
		return nil, nil, err
	}
	return st, func() { st.Close() }, nil
}

// decodeImport reads the running server's answer to an import.
func decodeImport(res *http.Response) (importer.Report, error) {
	var out struct {
		Report importer.Report `json:"report"`
		Error  string          `json:"error"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return out.Report, fmt.Errorf("import: the server answered %s", res.Status)
	}
	if out.Error != "" {
		return out.Report, errors.New(out.Error)
	}
	return out.Report, nil
}

// printReport writes what an import did for a person to read.
func printReport(w io.Writer, r importer.Report) {
	verb := "imported"
	if r.DryRun {
		verb = "dry run: would import"
	}
	fmt.Fprintf(w, "%s %s on %s (the file holds %s, %s)\n", verb, count(r.Total(), "new comment"), count(r.Pages, "page"),
		count(r.Threads, "thread"), count(r.Comments, "comment"))
	for _, st := range []storage.Status{storage.StatusApproved, storage.StatusPending, storage.StatusSpam, storage.StatusDeleted} {
		if n := r.Imported[st]; n > 0 {
			fmt.Fprintf(w, "  %6d %s\n", n, st)
		}
	}
	if r.Existing > 0 {
		fmt.Fprintf(w, "  %6d already here from an earlier import (skipped)\n", r.Existing)
	}
	if r.Orphans > 0 {
		fmt.Fprintf(w, "  %6d %s whose parent is missing or on another page, shown at the top level\n", r.Orphans,
			map[bool]string{true: "reply", false: "replies"}[r.Orphans == 1])
	}
	if r.Votes > 0 {
		fmt.Fprintf(w, "  %6d votes\n", r.Votes)
	}
	if r.SiteCreated {
		fmt.Fprintln(w, "  the site was created from the file")
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "  %6d skipped: %s", s.Count, s.Reason)
		if len(s.Examples) > 0 {
			fmt.Fprintf(w, " (e.g. %s)", strings.Join(s.Examples, ", "))
		}
		fmt.Fprintln(w)
	}
}

// count is n with its noun, in the plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// exportCmd is parley export --site ID [--out FILE].
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	a, help, err := parsePortArgs(args, getenv, 0)
	if help {
		return printHelp(stderr, "export")
	}
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		res, err := (*http.Response)(nil), errNoServer
		if a.store == "" {
			res, err = socketRequest(ctx, a.data, "GET", "/export?"+url.Values{"site": {a.site}}.Encode(), nil)
		}
		if errors.Is(err, errNoServer) {
			store, closeStore, err := openPortStore(ctx, a)
			if err != nil {
				return err
			}
			defer closeStore()
			return native.Write(ctx, w, store, a.site, time.Now())
		}
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
			return fmt.Errorf("export: %s", strings.TrimSpace(string(msg)))
		}
		_, err = io.Copy(w, res.Body)
		return err
	}
	if a.out == "" || a.out == "-" {
		return write(stdout)
	}
	if err := writeFileAtomic(a.out, write); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stderr, "wrote %s\n", a.out)
	return nil
}

// errNoServer: no server answers on the data directory's socket.
var errNoServer = errors.New("no server running")

// socketRequest sends a request to the server running on data.
func socketRequest(ctx context.Context, data, method, path string, body io.Reader) (*http.Response, error) {
	sock := filepath.Join(data, socketName)
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}
	req, err := http.NewRequestWithContext(ctx, method, "http://parley"+path, body)
	if err != nil {
		return nil, err
	}
	res, err := client.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return nil, errNoServer
		}
		return nil, unwrapURLError(err)
	}
	return res, nil
}
