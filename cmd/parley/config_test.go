package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestParseServeConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(serveConfig) bool
		wantErr string
	}{
		{"defaults", nil, nil, func(c serveConfig) bool {
			return c.Addr == "localhost:8080" && c.Data == "./parley-data" && c.BaseURL == "http://localhost:8080" && c.Demo && c.LogLevel == slog.LevelInfo && c.ThreadCacheMB == 32 &&
				c.RateScale == 1 && !c.RatesOff && c.MaxConns == 64 && c.SitesPerUser == 10 && !c.PrivateTargets
		}, ""},
		{"rate limits off", nil, map[string]string{"PARLEY_RATE_LIMITS": "off"},
			func(c serveConfig) bool { return c.RatesOff }, ""},
		{"rate limits raised", []string{"--rate-limits", "x100"}, nil,
			func(c serveConfig) bool { return c.RateScale == 100 && !c.RatesOff }, ""},
		{"rate limits lowered", []string{"--rate-limits", "x0.5"}, nil,
			func(c serveConfig) bool { return c.RateScale == 0.5 }, ""},
		{"bad rate limits", []string{"--rate-limits", "x0"}, nil, nil, "--rate-limits"},
		{"rate limits not a word", []string{"--rate-limits", "lots"}, nil, nil, "--rate-limits"},
		{"connection cap", []string{"--max-conns-per-client", "0", "--sites-per-user", "3", "--allow-private-callbacks", "true"}, nil,
			func(c serveConfig) bool { return c.MaxConns == 0 && c.SitesPerUser == 3 && c.PrivateTargets }, ""},
		{"bad connection cap", []string{"--max-conns-per-client", "-1"}, nil, nil, "--max-conns-per-client"},
		{"bad sites per user", nil, map[string]string{"PARLEY_SITES_PER_USER": "0"}, nil, "--sites-per-user"},
		{"thread cache", nil, map[string]string{"PARLEY_THREAD_CACHE_MB": "8"},
			func(c serveConfig) bool { return c.ThreadCacheMB == 8 }, ""},
		{"bad thread cache", []string{"--thread-cache-mb", "0"}, nil, nil, "--thread-cache-mb"},
		{"thread cache not a number", []string{"--thread-cache-mb", "lots"}, nil, nil, "--thread-cache-mb"},
		{"environment", nil, map[string]string{"PARLEY_ADDR": ":9000", "PARLEY_BASE_URL": "https://c.example/", "PARLEY_LOG_FORMAT": "json", "PARLEY_DEMO": "false"},
			func(c serveConfig) bool {
				return c.Addr == ":9000" && c.BaseURL == "https://c.example" && c.LogFormat == "json" && !c.Demo
			}, ""},
		{"flag beats environment", []string{"--addr", "127.0.0.1:1"}, map[string]string{"PARLEY_ADDR": ":9000"},
			func(c serveConfig) bool { return c.Addr == "127.0.0.1:1" }, ""},
		{"trusted proxies", []string{"--trusted-proxies", "10.0.0.1, 192.168.0.0/16"}, nil,
			func(c serveConfig) bool { return len(c.TrustedProxies) == 2 && c.TrustedProxies[1] == "192.168.0.0/16" }, ""},
		{"bad proxy", []string{"--trusted-proxies", "nope"}, nil, nil, "--trusted-proxies"},
		{"bad level", []string{"--log-level", "loud"}, nil, nil, "--log-level"},
		{"bad format", nil, map[string]string{"PARLEY_LOG_FORMAT": "xml"}, nil, "--log-format"},
		{"bad base url", []string{"--base-url", "ftp://x"}, nil, nil, "--base-url"},
		{"bad demo", []string{"--demo", "maybe"}, nil, nil, "--demo"},
		{"stray argument", []string{"extra"}, nil, nil, "unexpected argument"},
		{"mail off by default", nil, nil, func(c serveConfig) bool { return !c.Mail.Enabled() && c.MaxStreams == 8 }, ""},
		{"mail from the environment", []string{"--smtp-tls", "tls"},
			map[string]string{"PARLEY_SMTP_HOST": "smtp.example.com", "PARLEY_SMTP_USER": "u", "PARLEY_SMTP_PASSWORD": "secret", "PARLEY_SMTP_FROM": "Comments <c@example.com>"},
			func(c serveConfig) bool {
				return c.Mail.Enabled() && c.Mail.Host == "smtp.example.com" && c.Mail.Username == "u" && c.Mail.Password == "secret" &&
					c.Mail.TLS == "tls" && c.Mail.Addr() == "smtp.example.com:465"
			}, ""},
		{"mail port", []string{"--smtp-host", "localhost", "--smtp-port", "2525", "--smtp-from", "c@example.com", "--smtp-tls", "none"}, nil,
			func(c serveConfig) bool { return c.Mail.Addr() == "localhost:2525" }, ""},
		{"mail without sender", []string{"--smtp-host", "smtp.example.com"}, nil, nil, "--smtp-from"},
		{"mail bad sender", []string{"--smtp-host", "smtp.example.com", "--smtp-from", "not an address"}, nil, nil, "--smtp"},
		{"mail bad mode", []string{"--smtp-host", "h", "--smtp-from", "c@example.com", "--smtp-tls", "ssl"}, nil, nil, "--smtp-tls"},
		{"mail bad port", []string{"--smtp-host", "h", "--smtp-from", "c@example.com", "--smtp-port", "0"}, nil, nil, "--smtp-port"},
		{"mail sender without host", []string{"--smtp-from", "c@example.com"}, nil, nil, "--smtp-host"},
		{"memory limit auto", nil, nil, func(c serveConfig) bool { return c.MemoryLimit == 0 }, ""},
		{"memory limit off", []string{"--memory-limit", "off"}, nil, func(c serveConfig) bool { return c.MemoryLimit == -1 }, ""},
		{"memory limit MiB", nil, map[string]string{"PARLEY_MEMORY_LIMIT": "200"}, func(c serveConfig) bool { return c.MemoryLimit == 200<<20 }, ""},
		{"bad memory limit", []string{"--memory-limit", "lots"}, nil, nil, "--memory-limit"},
		{"tiny memory limit", []string{"--memory-limit", "2"}, nil, nil, "--memory-limit"},
		{"stream cap", []string{"--max-streams-per-client", "2"}, nil, func(c serveConfig) bool { return c.MaxStreams == 2 }, ""},
		{"bad stream cap", []string{"--max-streams-per-client", "0"}, nil, nil, "--max-streams-per-client"},
		{"metrics off by default", nil, nil, func(c serveConfig) bool { return c.MetricsAddr == "" && c.MetricsToken == "" }, ""},
		{"metrics address", []string{"--metrics-addr", "127.0.0.1:9090"}, nil, func(c serveConfig) bool { return c.MetricsAddr == "127.0.0.1:9090" }, ""},
		{"metrics from the environment", nil, map[string]string{"PARLEY_METRICS_ADDR": ":9090", "PARLEY_METRICS_TOKEN": "s3cret"},
			func(c serveConfig) bool { return c.MetricsAddr == ":9090" && c.MetricsToken == "s3cret" }, ""},
		{"bad metrics address", []string{"--metrics-addr", "9090"}, nil, nil, "--metrics-addr"},
		{"no backups by default", nil, nil, func(c serveConfig) bool { return c.BackupDir == "" && c.BackupEvery == 0 && c.BackupKeep == 7 }, ""},
		{"backup dir daily by default", []string{"--backup-dir", "/b"}, nil,
			func(c serveConfig) bool {
				return c.BackupDir == "/b" && c.BackupEvery == 24*time.Hour && c.BackupKeep == 7
			}, ""},
		{"backup schedule", []string{"--backup-dir", "/b", "--backup-every", "90m", "--backup-keep", "3"}, nil,
			func(c serveConfig) bool { return c.BackupEvery == 90*time.Minute && c.BackupKeep == 3 }, ""},
		{"backups from the environment", nil, map[string]string{"PARLEY_BACKUP_DIR": "/b", "PARLEY_BACKUP_EVERY": "6h", "PARLEY_BACKUP_KEEP": "2"},
			func(c serveConfig) bool {
				return c.BackupDir == "/b" && c.BackupEvery == 6*time.Hour && c.BackupKeep == 2
			}, ""},
		{"backup schedule off", []string{"--backup-dir", "/b", "--backup-every", "0"}, nil,
			func(c serveConfig) bool { return c.BackupDir == "/b" && c.BackupEvery == 0 }, ""},
		{"bad backup interval", []string{"--backup-dir", "/b", "--backup-every", "daily"}, nil, nil, "--backup-every"},
		{"too short backup interval", []string{"--backup-dir", "/b", "--backup-every", "10ms"}, nil, nil, "--backup-every"},
		{"backup interval without dir", []string{"--backup-every", "1h"}, nil, nil, "--backup-dir"},
		{"bad backup keep", nil, map[string]string{"PARLEY_BACKUP_KEEP": "0"}, nil, "--backup-keep"},
		{"metrics token is no flag", []string{"--metrics-token", "s3cret"}, nil, nil, "metrics-token"},
		{"bad addr", []string{"--addr", "8080"}, nil, nil, "--addr"},
		{"wildcard addr", nil, map[string]string{"PARLEY_ADDR": ":9000"},
			func(c serveConfig) bool { return c.BaseURL == "http://localhost:9000" && c.BaseURLDerived }, ""},
		{"base url given", []string{"--base-url", "https://c.example"}, nil,
			func(c serveConfig) bool { return c.BaseURL == "https://c.example" && !c.BaseURLDerived }, ""},
		{"unknown flag", []string{"--bogus"}, nil, nil, "parley help serve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseServeConfig(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(cfg) {
				t.Errorf("cfg = %+v, err %v", cfg, err)
			}
		})
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, func(string) string { return "" }, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "parley ") {
		t.Errorf("version: %q %v", out.String(), err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, io.Discard, io.Discard); err == nil {
		t.Error("unknown command accepted")
	}
}
