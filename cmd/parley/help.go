package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagDoc documents one setting of a command: a flag, with the PARLEY_*
// variable it defaults to, or a variable read from the environment only.
type flagDoc struct {
	Name    string // the flag without dashes; "" for a setting of the environment only
	Value   string // what the flag takes, e.g. DIR; "" for a switch that takes nothing
	Env     string // the environment variable it defaults to; "" for none
	Default string // the built-in default
	Shown   string // what help shows as the default, when Default alone would mislead
	Usage   string
}

// envFlagSet is a flag set whose flags default to their PARLEY_* variable
// and then to a built-in default, and which keeps every flag's flagDoc for
// the help text: help is generated from the very definitions parsing uses.
type envFlagSet struct {
	*flag.FlagSet
	getenv func(string) string
	docs   []flagDoc
}

func newEnvFlagSet(name string, getenv func(string) string) *envFlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// Errors are returned and -h is answered by the caller: the flag
	// package prints nothing itself.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &envFlagSet{FlagSet: fs, getenv: getenv}
}

// Var defines the string flag d.Name: its value is the variable d.Env when
// set, else d.Default, unless the command line gives it.
func (s *envFlagSet) Var(p *string, d flagDoc) {
	v := d.Default
	if e := s.getenv(d.Env); d.Env != "" && e != "" {
		v = e
	}
	s.StringVar(p, d.Name, v, d.Usage)
	s.docs = append(s.docs, d)
}

// EnvOnly reads the variable d.Env into p: a secret, which never is a flag
// so it never shows in a process list.
func (s *envFlagSet) EnvOnly(p *string, d flagDoc) {
	*p = s.getenv(d.Env)
	s.docs = append(s.docs, d)
}

// Docs are the flags' and variables' docs in the order of their definition.
func (s *envFlagSet) Docs() []flagDoc { return s.docs }

// command is one of parley's commands as help lists it; run dispatches them.
type command struct {
	name, summary string
	usage         string           // the command's usage text
	flags         func() []flagDoc // its flags and variables
}

// commands are parley's commands in the order help lists them.
var commands = []command{
	{"serve", "start the server (the default command)", serveUsage, serveFlagDocs},
	{"user", "add users, change their passwords, list them", userUsage, docs(
		flagDoc{Name: "admin", Usage: "with add: make the user an instance admin; with passwd: make them one as well"},
		dataFlagDoc, storeFlagDoc,
	)},
	{"health", "check a running server's /healthz (for container health checks)", healthUsage, docs(
		flagDoc{Env: "PARLEY_ADDR", Shown: "unset, which checks http://127.0.0.1:8080/healthz",
			Usage: "the server's listen address, which the default URL is made from"},
	)},
	{"backup", "back up a running server into a file", backupUsage, docs(dataFlagDoc)},
	{"restore", "create a new data directory from a backup", backupUsage, docs(
		flagDoc{Name: "data", Value: "DIR", Env: "PARLEY_DATA", Shown: "none (required)",
			Usage: "the new (or empty) data directory to create"},
	)},
	{"import", "import another comment system's export into a site", importUsage, docs(importFlagDocs...)},
	{"export", "write a site's Parley export", importUsage, docs(exportFlagDocs...)},
	{"migrate", "bring a PostgreSQL database to this release's schema", migrateUsage, docs(storeFlagDoc)},
	{"version", "print the version (also parley --version)", versionUsage, docs()},
	{"help", "list the commands, or a command's flags: parley help COMMAND", helpUsage, docs()},
}

func docs(d ...flagDoc) func() []flagDoc { return func() []flagDoc { return d } }

// dataFlagDoc is --data of the commands that read a data directory.
var dataFlagDoc = flagDoc{Name: "data", Value: "DIR", Env: "PARLEY_DATA", Default: defaultData, Usage: "data directory"}

var (
	siteFlagDoc    = flagDoc{Name: "site", Value: "ID", Shown: "none (required)", Usage: "the site"}
	importFlagDocs = []flagDoc{
		siteFlagDoc,
		{Name: "rule", Value: "OLD=NEW", Usage: "rewrite the start of the pages' URLs; may be given more than once"},
		{Name: "dry-run", Usage: "read the whole file and report what an import would do, storing nothing"},
		{Name: "owner", Value: "USER", Usage: "owner of the site a Parley export creates when --site does not exist"},
		dataFlagDoc, storeFlagDoc,
	}
	exportFlagDocs = []flagDoc{
		siteFlagDoc,
		{Name: "out", Value: "FILE", Shown: "standard output", Usage: "the file to write"},
		dataFlagDoc, storeFlagDoc,
	}
)

const serveUsage = `usage: parley [serve] [flags]

Starts the server and runs it until SIGINT or SIGTERM. Every flag may be
set by its environment variable instead; a flag wins over the variable.`

const versionUsage = `usage: parley version   (or parley --version)

Prints "parley VERSION".`

const helpUsage = `usage: parley help [COMMAND]   (or parley --help, parley -h)

Lists the commands or, given one, its usage, flags, environment variables
and defaults. Every command also answers -h and --help.`

// serveFlagDocs are serve's flags and variables, from the flag set itself.
func serveFlagDocs() []flagDoc {
	fs, _ := defineServeFlags(&serveConfig{}, func(string) string { return "" })
	return fs.Docs()
}

func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// unknownCommand is the error for a command parley does not have.
func unknownCommand(name string) error {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return fmt.Errorf("unknown command %q: the commands are %s and %s (parley help lists them)",
		name, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// helpCmd is parley help [COMMAND]; its answer goes to stdout.
func helpCmd(args []string, stdout io.Writer) error {
	switch {
	case len(args) == 0:
		return printOverview(stdout)
	case len(args) > 1:
		return errors.New(helpUsage)
	case args[0] == "-h" || args[0] == "-help" || args[0] == "--help":
		return printHelp(stdout, "help")
	}
	if _, ok := findCommand(args[0]); !ok {
		return unknownCommand(args[0])
	}
	return printHelp(stdout, args[0])
}

// printOverview lists the commands.
func printOverview(w io.Writer) error {
	var b strings.Builder
	b.WriteString("Parley is a self-hosted comment service.\n\nusage: parley [COMMAND] [ARGS]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
	}
	b.WriteString("\nWithout a command parley serves. Every flag of serve has a PARLEY_*\n" +
		"environment variable. parley help COMMAND (or parley COMMAND -h) lists a\n" +
		"command's flags, their variables and defaults.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// printHelp writes the help of command name: its usage, then its flags and
// environment variables with their defaults.
func printHelp(w io.Writer, name string) error {
	c, ok := findCommand(name)
	if !ok {
		return unknownCommand(name)
	}
	var b strings.Builder
	b.WriteString(c.usage + "\n")
	var flags, env []flagDoc
	for _, d := range c.flags() {
		if d.Name == "" {
			env = append(env, d)
		} else {
			flags = append(flags, d)
		}
	}
	if len(flags) > 0 {
		b.WriteString("\nflags:\n")
		for _, d := range flags {
			fmt.Fprintf(&b, "  --%s", d.Name)
			if d.Value != "" {
				b.WriteString(" " + d.Value)
			}
			fmt.Fprintf(&b, "\n      %s\n      %s\n", d.Usage, defaultLine(d))
		}
	}
	if len(env) > 0 {
		b.WriteString("\nenvironment:\n")
		for _, d := range env {
			fmt.Fprintf(&b, "  %s\n      %s\n", d.Env, d.Usage)
			if d.Shown != "" || d.Default != "" {
				fmt.Fprintf(&b, "      %s\n", defaultLine(flagDoc{Default: d.Default, Shown: d.Shown}))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// defaultLine is "env PARLEY_X, default D" for d.
func defaultLine(d flagDoc) string {
	def := d.Shown
	if def == "" {
		def = d.Default
	}
	if def == "" {
		def = "none"
		if d.Value == "" && d.Name != "" {
			def = "off"
		}
	}
	if d.Env == "" {
		return "default: " + def
	}
	return "env " + d.Env + ", default: " + def
}
