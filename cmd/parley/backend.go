package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/parley-dev/parley/server/live"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
	"github.com/parley-dev/parley/storage/pgstore"
)

// storeFlagDoc is --store of every command that opens the store.
var storeFlagDoc = flagDoc{Name: "store", Value: "URL", Env: "PARLEY_STORE", Shown: "none (Badger in --data)",
	Usage: "a postgres:// URL: keep the data in that PostgreSQL database instead of --data (prefer the variable: a URL may carry a password)"}

// checkStoreURL refuses a --store that is not a PostgreSQL URL.
func checkStoreURL(dsn string) error {
	if dsn != "" && !pgstore.IsURL(dsn) {
		return errors.New("--store: want a postgres:// URL (without --store, the data stays in --data)")
	}
	return nil
}

// openPostgres opens the PostgreSQL store at url for a command. With
// migrate, a schema older than this binary's is migrated (serve, parley
// migrate); otherwise it is refused. A newer one is always refused.
func openPostgres(ctx context.Context, dsn string, migrate bool, log *slog.Logger) (*pgstore.Store, error) {
	pg, err := pgstore.Open(ctx, dsn)
	switch {
	case errors.Is(err, pgstore.ErrNeedsMigration) && migrate:
		if err := pg.Migrate(ctx); err != nil {
			pg.Close()
			return nil, fmt.Errorf("migrate the PostgreSQL store: %w", err)
		}
		log.Info("migrated the PostgreSQL schema", slog.Int("version", pgstore.LatestVersion()))
	case errors.Is(err, pgstore.ErrNeedsMigration):
		pg.Close()
		return nil, errors.New("the PostgreSQL schema is older than this parley's: run parley migrate first")
	case errors.Is(err, pgstore.ErrSchemaTooNew):
		return nil, fmt.Errorf("%w: a newer parley migrated this database; run that release", err)
	case err != nil:
		return nil, fmt.Errorf("open the PostgreSQL store: %w", err)
	}
	return pg, nil
}

const migrateUsage = `usage: parley migrate [--store URL]

Brings the PostgreSQL database at --store (or PARLEY_STORE) to this
release's schema and prints its version. It is safe while other nodes run
and when several nodes migrate at once; parley serve migrates on start
too, and refuses a database a newer release migrated. The Badger store in
--data needs no command: it upgrades itself when opened.`

// migrateCmd is parley migrate.
func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	dsn := getenv("PARLEY_STORE")
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		switch {
		case name == "h" || name == "help":
			return printHelp(stderr, "migrate")
		case name == "store" && hasValue:
			dsn = value
		case name == "store" && i+1 < len(args):
			i++
			dsn = args[i]
		default:
			return fmt.Errorf("unknown argument %s\n%s", args[i], migrateUsage)
		}
	}
	if dsn == "" {
		return errors.New("parley migrate needs --store postgres://... (or PARLEY_STORE)")
	}
	if err := checkStoreURL(dsn); err != nil {
		return err
	}
	pg, err := openPostgres(ctx, dsn, true, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer pg.Close()
	v, err := pg.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "the PostgreSQL schema is at version %d\n", v)
	return err
}

// backend is the store serve runs on, with what comes with it.
type backend struct {
	store  storage.Store
	badger *badgerstore.Store // the Badger store; nil on PostgreSQL
	bus    live.Bus           // how changes reach every node; nil: this process only
	name   string             // where the data is, for the log (no password)
	close  func() error
}

// openBackend opens Badger in cfg.Data, or the PostgreSQL database of
// cfg.Store with the Shared bus that carries live events between the
// nodes on it.
func openBackend(ctx context.Context, cfg serveConfig, log *slog.Logger) (*backend, error) {
	if cfg.Store == "" {
		st, err := openStore(cfg.Data, badgerstore.Options{Logger: log})
		if err != nil {
			return nil, err
		}
		return &backend{store: st, badger: st, name: cfg.Data, close: st.Close}, nil
	}
	if cfg.BackupDir != "" {
		return nil, errors.New("--backup-dir backs up the Badger store: back up PostgreSQL with its own tools (pg_dump, or your provider's backups)")
	}
	pg, err := openPostgres(ctx, cfg.Store, true, log)
	if err != nil {
		return nil, err
	}
	shared := live.NewShared(pg.Notes(), pg, log)
	return &backend{store: pg, bus: shared, name: safeURL(cfg.Store), close: func() error {
		shared.Close()
		return pg.Close()
	}}, nil
}

// safeURL is a database URL without its user and password, for logs.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres"
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}
