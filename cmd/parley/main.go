// Command parley runs the Parley comment server.
//
//	parley [serve] [flags]   start the server (the default)
//	parley user add NAME [--admin]   create an admin-page user (password on stdin)
//	parley user passwd NAME          change a user's password (password on stdin)
//	parley user list                 list users and their roles
//	parley health [URL]      check a running server's /healthz (exit 0 on a 200)
//	parley backup FILE [--data DIR]  back up the server running on DIR into FILE
//	parley restore FILE --data DIR   create a new data directory from a backup
//	parley import FORMAT FILE --site ID  import another comment system's export
//	parley export --site ID [--out FILE] write a site's Parley export
//	parley version           print the version (also parley --version)
//	parley help [COMMAND]    list the commands, or a command's flags (also parley -h)
//
// Every flag of serve has a PARLEY_* environment equivalent; parley help
// serve lists them with their defaults.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley:", err)
		os.Exit(1)
	}
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// run dispatches to a subcommand. It returns when ctx ends (a signal) or the
// command fails, so tests can start and stop the whole binary in-process.
// Asked for help (parley help, --help, -h, or a command's -h), it returns
// nil: help is an answer, not a failure.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "-h" || a == "-help" || a == "--help":
			cmd, args = "help", args[1:]
		case a == "-version" || a == "--version":
			cmd, args = "version", args[1:]
		case a != "" && a[0] != '-':
			cmd, args = a, args[1:]
		}
	}
	switch cmd {
	case "serve":
		cfg, err := parseServeConfig(args, getenv, stderr)
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		if err != nil {
			return err
		}
		return serve(ctx, cfg, stderr)
	case "user":
		return userCmd(ctx, args, getenv, stdout, stderr)
	case "health":
		return healthCmd(ctx, args, getenv, stderr)
	case "backup":
		return backupCmd(ctx, args, getenv, stdout, stderr)
	case "restore":
		return restoreCmd(args, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, args, getenv, stdout, stderr)
	case "export":
		return exportCmd(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, args, getenv, stdout, stderr)
	case "version":
		for _, a := range args {
			if a == "-h" || a == "-help" || a == "--help" {
				return printHelp(stderr, "version")
			}
		}
		_, err := fmt.Fprintln(stdout, "parley", version)
		return err
	case "help":
		return helpCmd(args, stdout)
	default:
		return unknownCommand(cmd)
	}
}
