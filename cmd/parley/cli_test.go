package main

import (
	"bytes"
	"context"
	"flag"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-dev/parley/storage/badgerstore"
)

// allCommands is every command parley has, spelled out here rather than
// taken from the commands table, so a command missing from help fails.
var allCommands = []string{"serve", "user", "health", "backup", "restore", "import", "export", "version", "help"}

func noEnv(string) string { return "" }

// runOut runs parley args and returns its stdout and stderr apart.
func runOut(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, noEnv, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"help"}} {
		out, _, err := runOut(t, args...)
		if err != nil {
			t.Errorf("parley %s: %v", args[0], err)
		}
		for _, c := range allCommands {
			if !strings.Contains(out, "\n  "+c+" ") {
				t.Errorf("parley %s does not list %s:\n%s", args[0], c, out)
			}
		}
	}
}

func TestHelpOfEveryCommand(t *testing.T) {
	for _, name := range allCommands {
		t.Run(name, func(t *testing.T) {
			out, _, err := runOut(t, "help", name)
			if err != nil || !strings.HasPrefix(out, "usage") {
				t.Fatalf("help %s: %v\n%s", name, err, out)
			}
			c, _ := findCommand(name)
			for _, d := range c.flags() {
				if d.Name != "" && !strings.Contains(out, "\n  --"+d.Name) {
					t.Errorf("help %s lacks --%s:\n%s", name, d.Name, out)
				}
				if d.Env != "" && !strings.Contains(out, d.Env) {
					t.Errorf("help %s lacks %s:\n%s", name, d.Env, out)
				}
			}
			// The same text answers the command's own -h and --help, on
			// stderr (help's own on stdout, as all its answers), and
			// parley --help COMMAND.
			for _, h := range []string{"-h", "--help"} {
				stdout, stderr, err := runOut(t, name, h)
				if name == "help" {
					stdout, stderr = stderr, stdout
				}
				if err != nil || stderr != out || stdout != "" {
					t.Errorf("%s %s: %v\n%s", name, h, err, stderr)
				}
			}
			if again, _, err := runOut(t, "--help", name); err != nil || again != out {
				t.Errorf("--help %s: %v\n%s", name, err, again)
			}
		})
	}
}

// TestServeHelpIsTheFlagSet: every serve flag shows in help with its
// variable and default, and none is defined past the docs (where help
// would not see it).
func TestServeHelpIsTheFlagSet(t *testing.T) {
	out, _, err := runOut(t, "help", "serve")
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := defineServeFlags(&serveConfig{}, noEnv)
	documented := map[string]flagDoc{}
	for _, d := range fs.Docs() {
		documented[d.Name] = d
	}
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		d, ok := documented[f.Name]
		if !ok || d.Env == "" {
			t.Errorf("--%s has no doc or no environment variable", f.Name)
			return
		}
		block := "\n  --" + f.Name + " " + d.Value + "\n      " + d.Usage + "\n      env " + d.Env + ", default: "
		if !strings.Contains(out, block) {
			t.Errorf("help serve lacks %q", block)
		}
		if d.Shown == "" && f.DefValue != d.Default {
			t.Errorf("--%s: default %q, documented %q", f.Name, f.DefValue, d.Default)
		}
	})
	if n < 20 {
		t.Errorf("only %d serve flags", n)
	}
	for _, want := range []string{
		"--addr HOST:PORT\n", "env PARLEY_ADDR, default: localhost:8080\n", "env PARLEY_DATA, default: ./parley-data\n",
		"env PARLEY_THREAD_CACHE_MB, default: 32\n", "\nenvironment:\n", "PARLEY_ADMIN_PASSWORD", "PARLEY_METRICS_TOKEN", "PARLEY_SMTP_PASSWORD",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("help serve lacks %q:\n%s", want, out)
		}
	}
	// The defaults shown are the built-in ones, whatever the environment.
	var env bytes.Buffer
	if err := run(context.Background(), []string{"serve", "-h"}, func(k string) string {
		return map[string]string{"PARLEY_ADDR": ":1234", "PARLEY_ADMIN_PASSWORD": "a secret!!"}[k]
	}, &bytes.Buffer{}, &env); err != nil || env.String() != out {
		t.Errorf("serve -h with an environment: %v\n%s", err, env.String())
	}
}

// TestHelpFlagsAreParsed: the flags help documents for the hand-parsed
// commands are the ones their parsers take.
func TestHelpFlagsAreParsed(t *testing.T) {
	args := func(name string) []string {
		c, _ := findCommand(name)
		var a []string
		for _, d := range c.flags() {
			if d.Name == "" {
				continue
			}
			a = append(a, "--"+d.Name)
			if d.Value != "" {
				a = append(a, strings.ToLower(d.Value)+"=x")
			}
		}
		return a
	}
	if _, _, _, help, err := backupArgs(append([]string{"file"}, args("backup")...), noEnv); err != nil || help {
		t.Errorf("backup: %v", err)
	}
	if _, _, dataSet, _, err := backupArgs(append([]string{"file"}, args("restore")...), noEnv); err != nil || !dataSet {
		t.Errorf("restore: %v", err)
	}
	if _, _, err := parsePortArgs(append([]string{"disqus", "file"}, args("import")...), noEnv, 2); err != nil {
		t.Errorf("import: %v", err)
	}
	if _, _, err := parsePortArgs(args("export"), noEnv, 0); err != nil {
		t.Errorf("export: %v", err)
	}
	// user: documented flags and no subcommand is the usage, not an
	// unknown flag.
	if _, _, err := runOut(t, append([]string{"user"}, args("user")...)...); err == nil || strings.Contains(err.Error(), "unknown flag") {
		t.Errorf("user: %v", err)
	}
}

func TestHelpOfNoSuchCommand(t *testing.T) {
	for _, args := range [][]string{{"help", "nosuch"}, {"nosuch"}} {
		_, _, err := runOut(t, args...)
		if err == nil || !strings.Contains(err.Error(), `"nosuch"`) {
			t.Fatalf("%v: %v", args, err)
		}
		for _, c := range allCommands {
			if !strings.Contains(err.Error(), c) {
				t.Errorf("%v: the error does not name %s: %v", args, c, err)
			}
		}
	}
	if _, _, err := runOut(t, "help", "serve", "user"); err == nil {
		t.Error("help with two commands accepted")
	}
}

func TestVersionFlags(t *testing.T) {
	for _, a := range []string{"--version", "-version", "version"} {
		out, _, err := runOut(t, a)
		if err != nil || out != "parley "+version+"\n" {
			t.Errorf("%s: %q %v", a, out, err)
		}
	}
}

// serveFails runs serve with args, which must fail at once, and returns
// its error.
func serveFails(t *testing.T, args ...string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	logs := &syncBuffer{}
	err := run(ctx, append([]string{"serve", "--demo", "false"}, args...), noEnv, logs, logs)
	if err == nil || ctx.Err() != nil {
		t.Fatalf("serve %v: %v (ran until the timeout: %v)\n%s", args, err, ctx.Err() != nil, logs)
	}
	return err
}

func TestServeListensBeforeCreatingData(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"port in use", []string{"--addr", addr}, []string{"--addr " + addr, "in use"}},
		{"metrics port in use", []string{"--addr", "127.0.0.1:0", "--metrics-addr", addr}, []string{"--metrics-addr " + addr, "in use"}},
		{"port out of range", []string{"--addr", "127.0.0.1:99999"}, []string{"--addr 127.0.0.1:99999", "cannot listen"}},
		{"no port", []string{"--addr", "nonsense"}, []string{"--addr"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			err := serveFails(t, append(c.args, "--data", data)...)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Count(err.Error(), addr) > 1 {
				t.Errorf("error repeats the address: %q", err)
			}
			if _, serr := os.Stat(data); !os.IsNotExist(serr) {
				t.Errorf("the failed start left %s behind (%v)", data, serr)
			}
		})
	}
}

func TestDataInUse(t *testing.T) {
	// Badger's lock: a second open of a directory fails, in this process
	// as in another, with the error badgerLocked recognizes.
	held := t.TempDir()
	st, err := badgerstore.Open(held, badgerstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := badgerstore.Open(held, badgerstore.Options{}); !badgerLocked(err) {
		t.Fatalf("second open: %v, not recognized as Badger's lock", err)
	}
	want := "the data directory " + held + " is in use by a running parley (stop it first, or use parley backup/import/export, which go through it)"
	file := backup42(t, "x")
	// With no socket to go through, import and export open the directory
	// themselves and meet the lock.
	for _, args := range [][]string{
		{"user", "list", "--data", held},
		{"user", "add", "alice", "--data", held},
		{"import", "remark42", file, "--site", "demo", "--data", held},
		{"export", "--site", "demo", "--data", held},
		{"serve", "--addr", "127.0.0.1:0", "--data", held},
	} {
		_, _, err := runOut(t, args...)
		if err == nil || err.Error() != want {
			t.Errorf("%v: %v\nwant: %s", args, err, want)
		}
	}

	// The usual case: parley runs on the directory.
	dir := t.TempDir()
	_, stop := start(t, dir, "--demo", "false")
	defer stop()
	want = strings.ReplaceAll(want, held, dir)
	for _, args := range [][]string{
		{"user", "list", "--data", dir},
		{"user", "passwd", "alice", "--data", dir},
		{"serve", "--addr", "127.0.0.1:0", "--data", dir},
	} {
		_, _, err := runOut(t, args...)
		if err == nil || err.Error() != want {
			t.Errorf("%v: %v\nwant: %s", args, err, want)
		}
	}
}

func TestUserRefusesDirectoryWithoutData(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	empty := t.TempDir()
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir  string
		args []string
	}{
		{missing, []string{"list"}},
		{missing, []string{"passwd", "alice"}},
		{empty, []string{"list"}},
		{other, []string{"list"}},
		{other, []string{"add", "alice"}}, // files, but not Parley's: a wrong path
	} {
		_, err := runUser(t, c.dir, "a long password\n", append(c.args, "--data", c.dir)...)
		want := c.dir + " holds no Parley data: start parley once with --data " + c.dir + ", or check the path"
		if err == nil || err.Error() != want {
			t.Errorf("user %v on %s: %v\nwant: %s", c.args, c.dir, err, want)
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a refused command created %s", missing)
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("a refused command wrote into %s: %v", empty, entries)
	}
	if entries, _ := os.ReadDir(other); len(entries) != 1 {
		t.Errorf("a refused command wrote into %s: %v", other, entries)
	}
	// add creates the first admin in a directory not made yet, as the
	// README's first account does before the first start; list sees it.
	if out, err := runUser(t, missing, "a long password\n", "add", "alice", "--admin"); err != nil || !strings.Contains(out, "created user alice") {
		t.Fatalf("add into a new directory: %q %v", out, err)
	}
	if out, err := runUser(t, missing, "", "list"); err != nil || out != "alice admin \n" {
		t.Errorf("list: %q %v", out, err)
	}
}

func TestBaseURLDefault(t *testing.T) {
	for _, c := range []struct {
		args          []string
		env           map[string]string
		base          string
		warn          bool
		warnsAboutURL string
	}{
		{[]string{"--addr", ":8080"}, nil, "http://localhost:8080", true, "http://localhost:8080"},
		{[]string{"--addr", "0.0.0.0:8080"}, nil, "http://localhost:8080", true, "http://localhost:8080"},
		{[]string{"--addr", "[::]:9000"}, nil, "http://localhost:9000", true, "http://localhost:9000"},
		{nil, map[string]string{"PARLEY_ADDR": ":8080"}, "http://localhost:8080", true, "http://localhost:8080"},
		{[]string{"--addr", ":8080", "--base-url", "https://c.example"}, nil, "https://c.example", false, ""},
		{[]string{"--addr", "0.0.0.0:8080"}, map[string]string{"PARLEY_BASE_URL": "https://c.example"}, "https://c.example", false, ""},
		{nil, nil, "http://localhost:8080", false, ""},
		{[]string{"--addr", "127.0.0.1:8080"}, nil, "http://127.0.0.1:8080", false, ""},
		{[]string{"--addr", "[::1]:8080"}, nil, "http://[::1]:8080", false, ""},
	} {
		cfg, err := parseServeConfig(c.args, func(k string) string { return c.env[k] }, &bytes.Buffer{})
		if err != nil || cfg.BaseURL != c.base {
			t.Errorf("%v %v: base URL %q, %v; want %q", c.args, c.env, cfg.BaseURL, err, c.base)
		}
		msg := baseURLWarning(cfg)
		if (msg != "") != c.warn || !strings.Contains(msg, c.warnsAboutURL) || (c.warn && !strings.Contains(msg, "--base-url (PARLEY_BASE_URL)")) {
			t.Errorf("%v %v: warning %q", c.args, c.env, msg)
		}
	}
}

// TestServeWarnsOfWildcardAddr starts the server on every interface with
// no --base-url and reads its warning in the logs.
func TestServeWarnsOfWildcardAddr(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", ":0", "--demo", "false", "--data", t.TempDir()}, noEnv, logs, logs)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "parley is listening") {
		select {
		case err := <-done:
			t.Fatalf("run ended: %v\n%s", err, logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no start:\n%s", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if l := logs.String(); !strings.Contains(l, "level=WARN") || !strings.Contains(l, "no --base-url is set") ||
		!strings.Contains(l, "http://localhost:0") || !strings.Contains(l, "set --base-url (PARLEY_BASE_URL) to the public URL") {
		t.Errorf("no warning about the base URL:\n%s", l)
	}

	// On loopback, the default is right: no warning.
	_, quiet, stop := startEnv(t, t.TempDir(), nil, "--demo", "false")
	stop()
	if strings.Contains(quiet.String(), "no --base-url") {
		t.Errorf("warned on loopback:\n%s", quiet)
	}
}

// TestAdminPasswordIgnoredWhenUsersExist: the variable only makes the
// first admin; later starts say it was ignored.
func TestAdminPasswordIgnoredWhenUsersExist(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PARLEY_ADMIN_PASSWORD": "first admin secret"}
	_, logs, stop := startEnv(t, dir, env, "--demo", "false")
	stop()
	if l := logs.String(); !strings.Contains(l, "created the instance admin") || strings.Contains(l, "ignored") {
		t.Fatalf("first start:\n%s", l)
	}
	env["PARLEY_ADMIN_PASSWORD"] = "another secret!!"
	_, logs, stop = startEnv(t, dir, env, "--demo", "false")
	stop()
	l := logs.String()
	if !strings.Contains(l, "PARLEY_ADMIN_PASSWORD is ignored: users exist already") || !strings.Contains(l, "parley user passwd NAME") {
		t.Errorf("no word of the ignored PARLEY_ADMIN_PASSWORD:\n%s", l)
	}
	if strings.Contains(l, "another secret") {
		t.Error("the password was logged")
	}
	// Without the variable, nothing is said.
	_, logs, stop = startEnv(t, dir, nil, "--demo", "false")
	stop()
	if strings.Contains(logs.String(), "PARLEY_ADMIN_PASSWORD") {
		t.Errorf("spoke of an unset PARLEY_ADMIN_PASSWORD:\n%s", logs)
	}
}
