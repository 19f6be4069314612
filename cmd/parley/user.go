package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/parley-dev/parley/server/admin"
	"github.com/parley-dev/parley/storage"
	"github.com/parley-dev/parley/storage/badgerstore"
)

// stdin is where passwords are read from; tests replace it.
var stdin io.Reader = os.Stdin

const userUsage = `usage:
  parley user add NAME [--admin] [--data DIR]   create a user; the password is read from stdin
  parley user passwd NAME [--data DIR]          set a user's password, read from stdin
  parley user list [--data DIR]                 list users, their roles and admin flag

On a terminal the password is prompted for twice without echo; otherwise the
first line of standard input is the password, e.g.
  printf '%s\n' "$PASSWORD" | parley user add alice --admin
Never put a password in the command line: other users can read it.
The server must be stopped: only one process can open the data directory.
list and passwd refuse a directory that holds no Parley data; add creates
the data in a new or empty directory, as for the first admin before the
first start.`

// userCmd manages the admin page's users.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	data, dsn := getenv("PARLEY_DATA"), getenv("PARLEY_STORE")
	if data == "" {
		data = defaultData
	}
	var pos []string
	isAdmin := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--admin" || a == "-admin":
			isAdmin = true
		case a == "--data" || a == "-data":
			if i+1 == len(args) {
				return errors.New("--data needs a directory")
			}
			i++
			data = args[i]
		case strings.HasPrefix(a, "--data=") || strings.HasPrefix(a, "-data="):
			data = a[strings.Index(a, "=")+1:]
		case a == "--store" || a == "-store":
			if i+1 == len(args) {
				return errors.New("--store needs a postgres:// URL")
			}
			i++
			dsn = args[i]
		case strings.HasPrefix(a, "--store=") || strings.HasPrefix(a, "-store="):
			dsn = a[strings.Index(a, "=")+1:]
		case a == "-h" || a == "--help" || a == "-help":
			return printHelp(stderr, "user")
		case strings.HasPrefix(a, "-"):
			return fmt.Errorf("unknown flag %s\n%s", a, userUsage)
		default:
			pos = append(pos, a)
		}
	}
	open := openExistingStore // list and passwd need the users there
	switch {
	case len(pos) == 2 && pos[0] == "add":
		open = openNewOrExistingStore
	case len(pos) == 2 && pos[0] == "passwd", len(pos) == 1 && pos[0] == "list":
	default:
		return errors.New(userUsage)
	}
	var store storage.Store
	var err error
	if dsn != "" {
		if err := checkStoreURL(dsn); err != nil {
			return err
		}
		// A new database gets its schema: the first admin may come first.
		store, err = openPostgres(ctx, dsn, true, slog.New(slog.NewTextHandler(stderr, nil)))
	} else {
		store, err = open(data, badgerstore.Options{})
	}
	if err != nil {
		return err
	}
	defer store.Close()
	switch {
	case pos[0] == "list" && len(pos) == 1:
		return listUsers(ctx, store, stdout)
	case pos[0] == "add" && len(pos) == 2:
		name := strings.ToLower(pos[1])
		if !admin.UserNamePattern.MatchString(name) {
			return errors.New("the user name must be 2 to 40 lower-case letters, digits, dots, dashes or underscores")
		}
		hash, err := readNewPassword(stderr)
		if err != nil {
			return err
		}
		err = store.CreateUser(ctx, storage.User{Name: name, PasswordHash: hash, Admin: isAdmin, Roles: map[string]storage.Role{}})
		if errors.Is(err, storage.ErrConflict) {
			return fmt.Errorf("user %q exists; change the password with: parley user passwd %s", name, name)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created user %s%s\n", name, map[bool]string{true: " (instance admin)"}[isAdmin])
		return nil
	case pos[0] == "passwd" && len(pos) == 2:
		hash, err := readNewPassword(stderr)
		if err != nil {
			return err
		}
		_, err = store.UpdateUser(ctx, strings.ToLower(pos[1]), func(u *storage.User) error {
			u.PasswordHash = hash
			if isAdmin {
				u.Admin = true
			}
			return nil
		})
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("no user %q", pos[1])
		}
		if err != nil {
			return err
		}
		// Whoever signed in with the old password is signed out.
		if err := store.DeleteUserSessions(ctx, strings.ToLower(pos[1])); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions are signed out\n", strings.ToLower(pos[1]))
		return nil
	}
	return errors.New(userUsage)
}

func listUsers(ctx context.Context, store storage.Store, w io.Writer) error {
	users, err := store.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		var roles []string
		for site, r := range u.Roles {
			roles = append(roles, site+":"+string(r))
		}
		slices.Sort(roles)
		flag := ""
		if u.Admin {
			flag = " admin"
		}
		fmt.Fprintf(w, "%s%s %s\n", u.Name, flag, strings.Join(roles, ","))
	}
	return nil
}

// readNewPassword reads a password (twice, without echo, on a terminal;
// else one line of stdin) and returns its hash.
func readNewPassword(stderr io.Writer) (string, error) {
	var pw string
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		pw = string(a)
	} else {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	return admin.HashPassword(pw)
}

// ensureAdmin makes sure a fresh instance can be administered: with no user
// yet it creates the instance admin from PARLEY_ADMIN_PASSWORD, or logs how
// to create one. The password itself is never logged.
func ensureAdmin(ctx context.Context, store storage.Store, cfg serveConfig, log *slog.Logger) error {
	users, err := store.Users(ctx)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		if cfg.AdminPassword != "" {
			log.Warn("PARLEY_ADMIN_PASSWORD is ignored: users exist already, and it only creates the first admin; "+
				"change a password with `parley user passwd NAME`, and remove the variable from the environment",
				slog.Int("users", len(users)))
		}
		return nil
	}
	if cfg.AdminPassword == "" {
		log.Warn("no admin account yet: stop the server and run `parley user add NAME --admin` (it reads the password from stdin), "+
			"or start it once with PARLEY_ADMIN_PASSWORD set (and PARLEY_ADMIN_USER, default admin)",
			slog.String("admin_url", cfg.BaseURL+"/admin/"))
		return nil
	}
	name := strings.ToLower(cfg.AdminUser)
	if !admin.UserNamePattern.MatchString(name) {
		return fmt.Errorf("PARLEY_ADMIN_USER %q: want 2 to 40 lower-case letters, digits, dots, dashes or underscores", cfg.AdminUser)
	}
	hash, err := admin.HashPassword(cfg.AdminPassword)
	if err != nil {
		return fmt.Errorf("PARLEY_ADMIN_PASSWORD: %w", err)
	}
	if err := store.CreateUser(ctx, storage.User{Name: name, PasswordHash: hash, Admin: true, Roles: map[string]storage.Role{}}); err != nil {
		return err
	}
	log.Info("created the instance admin from PARLEY_ADMIN_PASSWORD", slog.String("user", name), slog.String("admin_url", cfg.BaseURL+"/admin/"))
	return nil
}
