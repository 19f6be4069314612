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
	BaseURL        string
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

// parseServeConfig reads flags, each defaulting to its PARLEY_* environment
// variable and then to a built-in default. Flags win over the environment.
func parseServeConfig(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	fs := flag.NewFlagSet("parley serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var cfg serveConfig
	var proxies, level, demo, signup, threadCache, rates, maxConns, sitesPerUser, private, maxStreams, memLimit string
	fs.StringVar(&cfg.Addr, "addr", env("PARLEY_ADDR", "localhost:8080"), "listen address (PARLEY_ADDR)")
	fs.StringVar(&cfg.Data, "data", env("PARLEY_DATA", "./parley-data"), "data directory (PARLEY_DATA)")
	fs.StringVar(&cfg.BaseURL, "base-url", env("PARLEY_BASE_URL", ""), "public URL of this instance; default http://ADDR (PARLEY_BASE_URL)")
	fs.StringVar(&proxies, "trusted-proxies", env("PARLEY_TRUSTED_PROXIES", ""), "comma-separated proxy IPs or CIDRs whose client-IP header is trusted (PARLEY_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.ProxyHeader, "proxy-header", env("PARLEY_PROXY_HEADER", "X-Forwarded-For"), "header carrying the client IP from a trusted proxy (PARLEY_PROXY_HEADER)")
	fs.StringVar(&level, "log-level", env("PARLEY_LOG_LEVEL", "info"), "debug, info, warn or error (PARLEY_LOG_LEVEL)")
	fs.StringVar(&cfg.LogFormat, "log-format", env("PARLEY_LOG_FORMAT", "text"), "text or json (PARLEY_LOG_FORMAT)")
	fs.StringVar(&demo, "demo", env("PARLEY_DEMO", "true"), "create the demo site and discussion on first start (PARLEY_DEMO)")
	fs.StringVar(&signup, "signup", env("PARLEY_SIGNUP", "false"), "let anyone create an admin account and a site at /admin/signup (PARLEY_SIGNUP)")
	fs.StringVar(&cfg.AdminUser, "admin-user", env("PARLEY_ADMIN_USER", "admin"), "name of the instance admin created on first start when PARLEY_ADMIN_PASSWORD is set (PARLEY_ADMIN_USER)")
	fs.StringVar(&threadCache, "thread-cache-mb", env("PARLEY_THREAD_CACHE_MB", "32"), "memory for cached threads in MiB, 1 to 4096 (PARLEY_THREAD_CACHE_MB)")
	fs.StringVar(&rates, "rate-limits", env("PARLEY_RATE_LIMITS", "on"), "on, off, or xN to multiply every rate limit by N, e.g. x10 (PARLEY_RATE_LIMITS)")
	fs.StringVar(&maxConns, "max-conns-per-client", env("PARLEY_MAX_CONNS_PER_CLIENT", "64"), "open connections one client address may hold; trusted proxies are not counted; 0: no cap (PARLEY_MAX_CONNS_PER_CLIENT)")
	fs.StringVar(&sitesPerUser, "sites-per-user", env("PARLEY_SITES_PER_USER", "10"), "sites one user may own when --signup is on (PARLEY_SITES_PER_USER)")
	fs.StringVar(&private, "allow-private-callbacks", env("PARLEY_ALLOW_PRIVATE_CALLBACKS", "false"), "let sites' spam checks and webhooks reach loopback and private addresses (PARLEY_ALLOW_PRIVATE_CALLBACKS)")
	fs.StringVar(&maxStreams, "max-streams-per-client", env("PARLEY_MAX_STREAMS_PER_CLIENT", "8"), "live update streams one client address may hold open (PARLEY_MAX_STREAMS_PER_CLIENT)")
	fs.StringVar(&memLimit, "memory-limit", env("PARLEY_MEMORY_LIMIT", "auto"), "Go's soft memory limit: auto (the caches plus 64 MiB), off, or MiB; GOMEMLIMIT wins (PARLEY_MEMORY_LIMIT)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", env("PARLEY_METRICS_ADDR", ""), "serve Prometheus metrics at /metrics on this address, e.g. 127.0.0.1:9090; default off (PARLEY_METRICS_ADDR)")
	var backupEvery, backupKeep string
	fs.StringVar(&cfg.BackupDir, "backup-dir", env("PARLEY_BACKUP_DIR", ""), "write scheduled backups into this directory; default none (PARLEY_BACKUP_DIR)")
	fs.StringVar(&backupEvery, "backup-every", env("PARLEY_BACKUP_EVERY", ""), "interval of scheduled backups, e.g. 6h; default 24h with --backup-dir, 0 for none (PARLEY_BACKUP_EVERY)")
	fs.StringVar(&backupKeep, "backup-keep", env("PARLEY_BACKUP_KEEP", "7"), "scheduled backups to keep; older ones are deleted (PARLEY_BACKUP_KEEP)")
	mailFlags := addMailFlags(fs, env)
	cfg.MetricsToken = getenv("PARLEY_METRICS_TOKEN")
	cfg.AdminPassword = getenv("PARLEY_ADMIN_PASSWORD")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return cfg, fmt.Errorf("--log-level: %w", err)
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return cfg, errors.New("--log-format: want text or json")
	}
	mb, err := strconv.Atoi(threadCache)
	if err != nil || mb < 1 || mb > 4096 {
		return cfg, errors.New("--thread-cache-mb: want a whole number of MiB from 1 to 4096")
	}
	cfg.ThreadCacheMB = mb
	if cfg.Demo, err = parseSwitch("--demo", demo); err != nil {
		return cfg, err
	}
	if cfg.Signup, err = parseSwitch("--signup", signup); err != nil {
		return cfg, err
	}
	if cfg.PrivateTargets, err = parseSwitch("--allow-private-callbacks", private); err != nil {
		return cfg, err
	}
	if cfg.RateScale, cfg.RatesOff, err = parseRates(rates); err != nil {
		return cfg, err
	}
	if cfg.MaxConns, err = strconv.Atoi(maxConns); err != nil || cfg.MaxConns < 0 {
		return cfg, errors.New("--max-conns-per-client: want a whole number, 0 for no cap")
	}
	if cfg.SitesPerUser, err = strconv.Atoi(sitesPerUser); err != nil || cfg.SitesPerUser < 1 {
		return cfg, errors.New("--sites-per-user: want a whole number from 1")
	}
	if cfg.MaxStreams, err = strconv.Atoi(maxStreams); err != nil || cfg.MaxStreams < 1 {
		return cfg, errors.New("--max-streams-per-client: want a whole number from 1")
	}
	if cfg.MemoryLimit, err = parseMemoryLimit(memLimit); err != nil {
		return cfg, err
	}
	if cfg.BackupEvery, cfg.BackupKeep, err = parseBackupSchedule(cfg.BackupDir, backupEvery, backupKeep); err != nil {
		return cfg, err
	}
	if cfg.Mail, err = mailFlags.config(getenv("PARLEY_SMTP_PASSWORD")); err != nil {
		return cfg, err
	}
	if cfg.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(cfg.MetricsAddr); err != nil {
			return cfg, errors.New("--metrics-addr: want host:port, e.g. 127.0.0.1:9090")
		}
	}
	for _, p := range strings.Split(proxies, ",") {
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
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://" + cfg.Addr
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cfg, errors.New("--base-url: want an http(s) URL such as https://comments.example.com")
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	return cfg, nil
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
