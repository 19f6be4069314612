package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parley-dev/parley/server/mail"
)

// serveConfig is the operator's configuration of parley serve.
type serveConfig struct {
	Addr           string
	Data           string
	Store          string // a postgres:// URL: PostgreSQL instead of Badger in Data
	BaseURL        string
	BaseURLDerived bool // BaseURL is the default from Addr: no --base-url was given
	TrustedProxies []string
	ProxyHeader    string
	LogLevel       slog.Level
	LogFormat      string
	Demo           bool
	Signup         bool   // open sign-up on the admin page
	ThreadCacheMB  int    // memory for cached threads
	AdminUser      string // first instance admin, created on first start with AdminPassword
	AdminPassword  string // from PARLEY_ADMIN_PASSWORD only: never a flag, so never in argv
	// RateScale multiplies every rate limit; RatesOff turns them off.
	RateScale      float64
	RatesOff       bool
	MaxConns       int  // open connections per client address
	SitesPerUser   int  // sites one user may own under Signup
	PrivateTargets bool // owners' spam checks and webhooks may reach private addresses
	// MaxStreams caps one client address's open live streams.
	MaxStreams int
	// MemoryLimit is Go's soft memory limit in bytes: 0 sizes it from the
	// caches, -1 sets none.
	MemoryLimit int64
	// Mail is how e-mail is sent; the zero value sends none.
	Mail mail.Config
	// MetricsAddr is the listener of /metrics ("": none); MetricsToken,
	// from PARLEY_METRICS_TOKEN only, serves /metrics on the public
	// listener to its bearer.
	MetricsAddr  string
	MetricsToken string
	// BackupDir receives a backup every BackupEvery (0: none), of which
	// the newest BackupKeep stay; "" writes none.
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
}

// serveFlagValues are the serve flags read as text, checked and converted
// into a serveConfig by parseServeConfig.
type serveFlagValues struct {
	proxies, level, demo, signup, threadCache, rates, maxConns, sitesPerUser, private, maxStreams, memLimit string
	backupEvery, backupKeep                                                                                 string
	mail                                                                                                    *mailFlags
}

// defineServeFlags defines every setting of parley serve on one flag set:
// the flags, each with its PARLEY_* variable and built-in default, and the
// settings read from the environment only. It is the one source of both
// parsing and parley help serve.
func defineServeFlags(cfg *serveConfig, getenv func(string) string) (*envFlagSet, *serveFlagValues) {
	fs := newEnvFlagSet("parley serve", getenv)
	v := &serveFlagValues{}
	fs.Var(&cfg.Addr, flagDoc{Name: "addr", Value: "HOST:PORT", Env: "PARLEY_ADDR", Default: "localhost:8080",
		Usage: "listen address; an empty host (:8080) or 0.0.0.0 listens on every interface"})
	fs.Var(&cfg.Data, flagDoc{Name: "data", Value: "DIR", Env: "PARLEY_DATA", Default: defaultData,
		Usage: "data directory, created on the first start"})
	fs.Var(&cfg.Store, storeFlagDoc)
	fs.Var(&cfg.BaseURL, flagDoc{Name: "base-url", Value: "URL", Env: "PARLEY_BASE_URL",
		Shown: "http://ADDR, with localhost for an empty or wildcard host",
		Usage: "public URL of this instance, used in embed snippets, feeds and e-mail links"})
	fs.Var(&v.proxies, flagDoc{Name: "trusted-proxies", Value: "LIST", Env: "PARLEY_TRUSTED_PROXIES",
		Usage: "comma-separated proxy IPs or CIDRs whose client-IP header is trusted"})
	fs.Var(&cfg.ProxyHeader, flagDoc{Name: "proxy-header", Value: "NAME", Env: "PARLEY_PROXY_HEADER", Default: "X-Forwarded-For",
		Usage: "header carrying the client IP from a trusted proxy"})
	fs.Var(&v.level, flagDoc{Name: "log-level", Value: "LEVEL", Env: "PARLEY_LOG_LEVEL", Default: "info",
		Usage: "debug, info, warn or error"})
	fs.Var(&cfg.LogFormat, flagDoc{Name: "log-format", Value: "FORMAT", Env: "PARLEY_LOG_FORMAT", Default: "text",
		Usage: "text or json"})
	fs.Var(&v.demo, flagDoc{Name: "demo", Value: "BOOL", Env: "PARLEY_DEMO", Default: "true",
		Usage: "create the demo site and discussion on first start"})
	fs.Var(&v.signup, flagDoc{Name: "signup", Value: "BOOL", Env: "PARLEY_SIGNUP", Default: "false",
		Usage: "let anyone create an admin account and a site at /admin/signup"})
	fs.Var(&cfg.AdminUser, flagDoc{Name: "admin-user", Value: "NAME", Env: "PARLEY_ADMIN_USER", Default: "admin",
		Usage: "name of the instance admin created on first start when PARLEY_ADMIN_PASSWORD is set"})
	fs.Var(&v.threadCache, flagDoc{Name: "thread-cache-mb", Value: "MIB", Env: "PARLEY_THREAD_CACHE_MB", Default: "32",
		Usage: "memory for cached threads in MiB, 1 to 4096"})
	fs.Var(&v.rates, flagDoc{Name: "rate-limits", Value: "MODE", Env: "PARLEY_RATE_LIMITS", Default: "on",
		Usage: "on, off, or xN to multiply every rate limit by N, e.g. x10"})
	fs.Var(&v.maxConns, flagDoc{Name: "max-conns-per-client", Value: "N", Env: "PARLEY_MAX_CONNS_PER_CLIENT", Default: "64",
		Usage: "open connections one client address may hold; trusted proxies are not counted; 0: no cap"})
	fs.Var(&v.sitesPerUser, flagDoc{Name: "sites-per-user", Value: "N", Env: "PARLEY_SITES_PER_USER", Default: "10",
		Usage: "sites one user may own when --signup is on"})
	fs.Var(&v.private, flagDoc{Name: "allow-private-callbacks", Value: "BOOL", Env: "PARLEY_ALLOW_PRIVATE_CALLBACKS", Default: "false",
		Usage: "let sites' spam checks and webhooks reach loopback and private addresses"})
	fs.Var(&v.maxStreams, flagDoc{Name: "max-streams-per-client", Value: "N", Env: "PARLEY_MAX_STREAMS_PER_CLIENT", Default: "8",
		Usage: "live update streams one client address may hold open"})
	fs.Var(&v.memLimit, flagDoc{Name: "memory-limit", Value: "MIB", Env: "PARLEY_MEMORY_LIMIT", Default: "auto",
		Usage: "Go's soft memory limit: auto (the caches plus 64 MiB), off, or MiB; GOMEMLIMIT wins"})
	fs.Var(&cfg.MetricsAddr, flagDoc{Name: "metrics-addr", Value: "HOST:PORT", Env: "PARLEY_METRICS_ADDR", Shown: "none (no metrics listener)",
		Usage: "serve Prometheus metrics at /metrics on this address, e.g. 127.0.0.1:9090"})
	fs.Var(&cfg.BackupDir, flagDoc{Name: "backup-dir", Value: "DIR", Env: "PARLEY_BACKUP_DIR", Shown: "none (no scheduled backups)",
		Usage: "write scheduled backups into this directory"})
	fs.Var(&v.backupEvery, flagDoc{Name: "backup-every", Value: "DURATION", Env: "PARLEY_BACKUP_EVERY", Shown: "24h with --backup-dir",
		Usage: "interval of scheduled backups, e.g. 6h; 0 for none"})
	fs.Var(&v.backupKeep, flagDoc{Name: "backup-keep", Value: "N", Env: "PARLEY_BACKUP_KEEP", Default: "7",
		Usage: "scheduled backups to keep; older ones are deleted"})
	v.mail = addMailFlags(fs)
	fs.EnvOnly(&cfg.AdminPassword, flagDoc{Env: "PARLEY_ADMIN_PASSWORD",
		Usage: "password of the instance admin created on the first start (ignored once users exist); environment only, never a flag"})
	fs.EnvOnly(&cfg.MetricsToken, flagDoc{Env: "PARLEY_METRICS_TOKEN",
		Usage: "also serve /metrics on the public listener to this bearer token; environment only"})
	return fs, v
}

// parseServeConfig reads flags, each defaulting to its PARLEY_* environment
// variable and then to a built-in default. Flags win over the environment.
// -h or --help prints parley help serve to stderr and returns flag.ErrHelp.
func parseServeConfig(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	var cfg serveConfig
	fs, v := defineServeFlags(&cfg, getenv)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printHelp(stderr, "serve")
			return cfg, err
		}
		return cfg, fmt.Errorf("%w (parley help serve lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(v.level)); err != nil {
		return cfg, fmt.Errorf("--log-level: %w", err)
	}
	if err := checkStoreURL(cfg.Store); err != nil {
		return cfg, err
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, errors.New("--log-format: want text or json")
	}
	mb, err := strconv.Atoi(v.threadCache)
	if err != nil || mb < 1 || mb > 4096 {
		return cfg, errors.New("--thread-cache-mb: want a whole number of MiB from 1 to 4096")
	}
	cfg.ThreadCacheMB = mb
	if cfg.Demo, err = parseSwitch("--demo", v.demo); err != nil {
		return cfg, err
	}
	if cfg.Signup, err = parseSwitch("--signup", v.signup); err != nil {
		return cfg, err
	}
	if cfg.PrivateTargets, err = parseSwitch("--allow-private-callbacks", v.private); err != nil {
		return cfg, err
	}
	if cfg.RateScale, cfg.RatesOff, err = parseRates(v.rates); err != nil {
		return cfg, err
	}
	if cfg.MaxConns, err = strconv.Atoi(v.maxConns); err != nil || cfg.MaxConns < 0 {
		return cfg, errors.New("--max-conns-per-client: want a whole number, 0 for no cap")
	}
	if cfg.SitesPerUser, err = strconv.Atoi(v.sitesPerUser); err != nil || cfg.SitesPerUser < 1 {
		return cfg, errors.New("--sites-per-user: want a whole number from 1")
	}
	if cfg.MaxStreams, err = strconv.Atoi(v.maxStreams); err != nil || cfg.MaxStreams < 1 {
		return cfg, errors.New("--max-streams-per-client: want a whole number from 1")
	}
	if cfg.MemoryLimit, err = parseMemoryLimit(v.memLimit); err != nil {
		return cfg, err
	}
	if cfg.BackupEvery, cfg.BackupKeep, err = parseBackupSchedule(cfg.BackupDir, v.backupEvery, v.backupKeep); err != nil {
		return cfg, err
	}
	if cfg.Mail, err = v.mail.config(); err != nil {
		return cfg, err
	}
	if cfg.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(cfg.MetricsAddr); err != nil {
			return cfg, errors.New("--metrics-addr: want host:port, e.g. 127.0.0.1:9090")
		}
	}
	for _, p := range strings.Split(v.proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return cfg, fmt.Errorf("--trusted-proxies: %q is not an IP or CIDR", p)
			}
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p)
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return cfg, errors.New("--addr: want host:port or :port, e.g. localhost:8080 or :8080")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL, cfg.BaseURLDerived = defaultBaseURL(cfg.Addr), true
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cfg, errors.New("--base-url: want an http(s) URL such as https://comments.example.com")
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	return cfg, nil
}

// wildcardHost says whether addr's host is empty or unspecified (0.0.0.0,
// ::): a listener on every interface.
func wildcardHost(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "" || (ip != nil && ip.IsUnspecified())
}

// defaultBaseURL is the base URL without --base-url: http://ADDR, with
// localhost for a wildcard host, whose address no browser can load.
func defaultBaseURL(addr string) string {
	if wildcardHost(addr) {
		_, port, _ := net.SplitHostPort(addr)
		return "http://" + net.JoinHostPort("localhost", port)
	}
	return "http://" + addr
}

// baseURLWarning is the warning for a server that listens on every
// interface with no --base-url: its snippets, feeds and e-mail links would
// carry a localhost address that readers' browsers cannot load. It is ""
// when there is nothing to warn of.
func baseURLWarning(cfg serveConfig) string {
	if !cfg.BaseURLDerived || !wildcardHost(cfg.Addr) {
		return ""
	}
	return fmt.Sprintf("--addr %s listens on every interface, but no --base-url is set: embed snippets, feeds and e-mail links "+
		"will point at %s, which blogs and readers elsewhere cannot load; set --base-url (PARLEY_BASE_URL) to the public URL, "+
		"e.g. https://comments.example.com", cfg.Addr, cfg.BaseURL)
}

// parseRates reads --rate-limits: on, off, or xN (N > 0, a multiplier of
// every limit).
func parseRates(v string) (scale float64, off bool, err error) {
	switch v {
	case "on":
		return 1, false, nil
	case "off":
		return 1, true, nil
	}
	if n, ok := strings.CutPrefix(v, "x"); ok {
		if f, err := strconv.ParseFloat(n, 64); err == nil && f > 0 && f <= 1e6 {
			return f, false, nil
		}
	}
	return 0, false, errors.New("--rate-limits: want on, off or xN with N > 0 (x10 allows ten times as much)")
}

// parseSwitch reads the value of an on/off flag or variable.
func parseSwitch(name, v string) (bool, error) {
	switch v {
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	}
	return false, errors.New(name + ": want true or false")
}

// parseBackupSchedule reads --backup-every and --backup-keep: a backup
// every 24h by default when there is a --backup-dir, none without one.
func parseBackupSchedule(dir, every, keep string) (time.Duration, int, error) {
	n, err := strconv.Atoi(keep)
	if err != nil || n < 1 {
		return 0, 0, errors.New("--backup-keep: want a whole number from 1")
	}
	if every == "" {
		if dir == "" {
			return 0, n, nil
		}
		return 24 * time.Hour, n, nil
	}
	d, err := time.ParseDuration(every)
	if every == "0" {
		d, err = 0, nil
	}
	if err != nil || d < 0 || (d > 0 && d < time.Second) {
		return 0, 0, errors.New("--backup-every: want a duration of at least 1s such as 24h or 30m, or 0 for none")
	}
	if d > 0 && dir == "" {
		return 0, 0, errors.New("--backup-every: needs --backup-dir")
	}
	return d, n, nil
}
