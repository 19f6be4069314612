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
	var proxies, level, demo, signup, threadCache string
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
