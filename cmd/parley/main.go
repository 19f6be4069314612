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
//	parley version           print the version
//
// Every flag has a PARLEY_* environment equivalent; see parley -h.
package main

import (
	"context"
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
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		cfg, err := parseServeConfig(args, getenv, stderr)
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
	case "version":
		_, err := fmt.Fprintln(stdout, "parley", version)
		return err
	default:
		return fmt.Errorf("unknown command %q (want serve, user, health, backup, restore, import, export or version)", cmd)
	}
}
