// Package pgtest runs a throwaway PostgreSQL server for tests.
//
// One server (cluster) starts per test binary, on first use, listening only
// on a Unix socket in a new temporary directory, with fsync off. Each test
// gets a database of its own, so tests never see each other's data: Start
// creates an empty one, Migrated hands out one with the pgstore schema,
// emptied after its previous test. Databases are not dropped one by one
// (DROP DATABASE forces a checkpoint, which slows every next test): the
// server's files go when it stops. A package that uses it stops the server
// from its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
//
// Debian's server binaries (apt-get install postgresql) are found under
// /usr/lib/postgresql/<version>/bin, others on PATH. Without them the
// tests that need a server are skipped, or fail when the environment
// variable CI is set. PostgreSQL refuses to run as root, so under root the
// server runs as the postgres user (through runuser).
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/parley-dev/parley/storage/pgstore"
)

// missing is the message of a test that finds no PostgreSQL.
const missing = "PostgreSQL is not installed (apt-get install postgresql): skipping the PostgreSQL tests"

// errMissing: no PostgreSQL server binaries were found.
var errMissing = errors.New(missing)

var (
	once    sync.Once
	cluster *Cluster
	started error // why the cluster did not start

	templateOnce sync.Once
	templateErr  error
)

// Start returns the URL of a new, empty database.
func Start(t testing.TB) string {
	t.Helper()
	c := shared(t)
	u, err := c.CreateDatabase("")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Migrated returns the URL of a database with the current pgstore schema
// and no data. When t ends its tables are emptied (TRUNCATE, which needs
// every connection to it out of its transactions) and the database goes to
// a later call: emptying it is much faster than creating another, which
// copies a template database migrated once per test binary. t must not
// change the schema.
func Migrated(t testing.TB) string {
	t.Helper()
	c := shared(t)
	name, err := c.migrated()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.recycle(name); err != nil {
			t.Errorf("pgtest: empty database %s: %v", name, err)
		}
	})
	return c.url(name)
}

// Run runs the tests of m and then stops the cluster, if they started it;
// it returns m.Run's exit code, for os.Exit.
func Run(m *testing.M) int {
	code := m.Run()
	if cluster != nil {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	return code
}

// shared returns the cluster of this test binary, starting it on first
// use; it skips t when PostgreSQL is not installed (fails it under CI).
func shared(t testing.TB) *Cluster {
	t.Helper()
	once.Do(func() { cluster, started = StartCluster() })
	switch {
	case errors.Is(started, errMissing) && os.Getenv("CI") == "":
		t.Skip(missing)
	case started != nil:
		t.Fatal(started)
	}
	return cluster
}

// Cluster is a running throwaway PostgreSQL server.
type Cluster struct {
	dir   string // holds the data directory and the socket
	bin   string // the server binaries
	admin *pgx.Conn
	// version is the server's version number (150004 for 15.4).
	version int
	mu      sync.Mutex // serializes CREATE DATABASE on admin
	free    []string   // emptied migrated databases, guarded by mu
	n       atomic.Int64
}

// template is the database Migrated copies.
const template = "parley_template"

// StartCluster initializes and starts a new server. Stop it with Stop,
// which also removes its files.
func StartCluster() (*Cluster, error) {
	bin, err := binaries()
	if err != nil {
		return nil, err
	}
	// A Unix socket path has at most 107 bytes: keep the directory short.
	dir, err := os.MkdirTemp("", "pg")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if err := c.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c.admin, err = pgx.Connect(context.Background(), c.url("postgres"))
	if err != nil {
		c.Stop()
		return nil, fmt.Errorf("pgtest: connect: %w", err)
	}
	err = c.admin.QueryRow(context.Background(), "SELECT current_setting('server_version_num')::int").Scan(&c.version)
	if err != nil {
		c.Stop()
		return nil, fmt.Errorf("pgtest: server version: %w", err)
	}
	return c, nil
}

// binaries returns the directory of initdb and pg_ctl: the newest Debian
// install, else PATH.
func binaries() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	slices.SortFunc(found, func(a, b string) int { return version(a) - version(b) })
	if len(found) > 0 {
		return filepath.Dir(found[len(found)-1]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errMissing
}

// version is the major version in a Debian binary path (0 if none).
func version(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

func (c *Cluster) start() error {
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("pgtest: running as root needs a postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			return err
		}
	}
	data := filepath.Join(c.dir, "data")
	if err := c.run("initdb", "-D", data, "-U", "parley", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return err
	}
	opts := "-k " + c.dir + " -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	return c.run("pg_ctl", "-D", data, "-l", filepath.Join(c.dir, "log"), "-o", opts, "-w", "start")
}

// run runs one of the server binaries, as the postgres user under root.
func (c *Cluster) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", cmd.Path}, args...)...)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("pgtest: %s: %w\n%s%s", name, err, out.Bytes(), log)
	}
	return nil
}

// Stop stops the server and removes its files.
func (c *Cluster) Stop() error {
	if c.admin != nil {
		c.admin.Close(context.Background())
	}
	err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "stop")
	return errors.Join(err, os.RemoveAll(c.dir))
}

// url is the URL of database db as user parley over the socket.
func (c *Cluster) url(db string) string {
	u := url.URL{Scheme: "postgres", User: url.User("parley"), Path: "/" + db,
		RawQuery: url.Values{"host": {c.dir}}.Encode()}
	return u.String()
}

// CreateDatabase creates a new database, a copy of template if not "",
// and returns its URL.
func (c *Cluster) CreateDatabase(template string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	name, err := c.create(template)
	if err != nil {
		return "", err
	}
	return c.url(name), nil
}

// create creates a new database, a copy of template if not "", and
// returns its name. c.mu is held.
func (c *Cluster) create(template string) (string, error) {
	name := fmt.Sprintf("t_%d", c.n.Add(1))
	sql := "CREATE DATABASE " + name
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
		if c.version >= 150000 {
			// Copying the files is twice as fast as WAL-logging
			// each block (15's default), with fsync off.
			sql += " STRATEGY FILE_COPY"
		}
	}
	if _, err := c.admin.Exec(context.Background(), sql); err != nil {
		return "", fmt.Errorf("pgtest: %s: %w", sql, err)
	}
	return name, nil
}

// migrated returns the name of an empty migrated database: one emptied
// by recycle, or a new copy of the template.
func (c *Cluster) migrated() (string, error) {
	templateOnce.Do(func() { templateErr = c.migrateTemplate() })
	if templateErr != nil {
		return "", templateErr
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.free); n > 0 {
		name := c.free[n-1]
		c.free = c.free[:n-1]
		return name, nil
	}
	return c.create(template)
}

// recycle empties every table of database name but the schema version
// and makes it free for migrated.
func (c *Cluster) recycle(name string) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.url(name))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var tables string
	err = conn.QueryRow(ctx, `SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables
		WHERE schemaname = 'public' AND tablename <> 'parley_schema'`).Scan(&tables)
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "TRUNCATE "+tables); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.free = append(c.free, name)
	return nil
}

// migrateTemplate creates the template database and migrates it.
func (c *Cluster) migrateTemplate() error {
	c.mu.Lock()
	_, err := c.admin.Exec(context.Background(), "CREATE DATABASE "+template)
	c.mu.Unlock()
	if err != nil {
		return fmt.Errorf("pgtest: create the template: %w", err)
	}
	ctx := context.Background()
	s, err := pgstore.Open(ctx, c.url(template))
	if errors.Is(err, pgstore.ErrNeedsMigration) {
		err = s.Migrate(ctx)
	}
	if s != nil {
		s.Close()
	}
	if err != nil {
		return fmt.Errorf("pgtest: migrate the template: %w", err)
	}
	return nil
}
