package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"syscall"
	"time"

	"github.com/parley-dev/parley/server"
)

// serve runs the server until ctx ends, then shuts down gracefully and
// closes the database cleanly.
func serve(ctx context.Context, cfg serveConfig, stderr io.Writer) (err error) {
	logs := newLogBuffer(stderr, logFlushInterval)
	defer logs.Close() // deferred first, so it runs last: after every line
	log := newLogger(cfg, logs)
	setMemoryLimit(cfg, log)
	// The listeners come first: a port in use or an address that cannot
	// be bound fails the start before the data directory is created or
	// seeded. Serve takes ln over; the deferred Close covers a start that
	// fails before it (a second Close after Serve's is harmless).
	ln, err := listen("--addr", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	var mln net.Listener
	if cfg.MetricsAddr != "" {
		if mln, err = listen("--metrics-addr", cfg.MetricsAddr); err != nil {
			return err
		}
		defer mln.Close()
	}
	if msg := baseURLWarning(cfg); msg != "" {
		log.Warn(msg, slog.String("addr", cfg.Addr), slog.String("base_url", cfg.BaseURL))
	}
	b, err := openBackend(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := b.close(); cerr != nil && err == nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
	}()
	if err := ensureAdmin(ctx, b.store, cfg, log); err != nil {
		return err
	}
	var backups *backupSocket
	srvCfg := server.Config{
		Signup: cfg.Signup, BaseURL: cfg.BaseURL, ThreadCacheBytes: cfg.ThreadCacheMB << 20, TrustedProxies: cfg.TrustedProxies, ProxyHeader: cfg.ProxyHeader, Logger: log,
		RateScale: cfg.RateScale, RatesOff: cfg.RatesOff, MaxConnsPerClient: cfg.MaxConns, SitesPerUser: cfg.SitesPerUser,
		AllowPrivateCallbacks: cfg.PrivateTargets, MaxStreamsPerClient: cfg.MaxStreams, Mail: cfg.Mail,
		MetricsToken: cfg.MetricsToken, Bus: b.bus,
	}
	if b.badger != nil {
		srvCfg.Operations = func() (int64, time.Time) {
			lsm, vlog := b.badger.Sizes()
			last := backups.Last()
			if t := lastScheduledBackup(cfg.BackupDir); t.After(last) {
				last = t
			}
			return lsm + vlog, last
		}
	}
	srv, err := server.New(ctx, b.store, srvCfg)
	if err != nil {
		return err
	}
	if b.badger != nil {
		// Closed before the store (defers run last-first): no backup
		// outlives it. A socket that cannot be made (a data path too long
		// for a Unix socket, say) costs the backup, import and export
		// commands, not the service.
		if backups, err = listenBackup(cfg.Data, b.badger, srv, log); err != nil {
			log.Warn("no backup socket: parley backup, import and export cannot reach this server", slog.Any("err", err))
		}
		defer backups.Close()
	}
	if cfg.Demo {
		if err := srv.EnsureDemo(ctx); err != nil {
			return err
		}
	}
	if b.badger != nil && cfg.BackupDir != "" && cfg.BackupEvery > 0 {
		bctx, stopBackups := context.WithCancel(ctx)
		done := make(chan struct{})
		go scheduledBackups(bctx, b.badger, cfg.BackupDir, cfg.BackupEvery, cfg.BackupKeep, log, done)
		defer func() { stopBackups(); <-done }() // before the store closes
		log.Info("scheduled backups", slog.String("dir", cfg.BackupDir), slog.Duration("every", cfg.BackupEvery), slog.Int("keep", cfg.BackupKeep))
	}
	if !cfg.Mail.Enabled() {
		log.Info("no mail server set up (--smtp-host): Parley sends no e-mail, and readers are not offered reply e-mails")
	}
	if cfg.RatesOff {
		log.Warn("rate limits are off (--rate-limits off): for load tests, never for a public site")
	}
	log.Info("parley is listening", slog.String("addr", ln.Addr().String()),
		slog.String("base_url", cfg.BaseURL), slog.String("store", b.name), slog.String("version", version))
	if cfg.Demo {
		log.Info("try the demo", slog.String("url", cfg.BaseURL+"/demo"))
	}
	served := make(chan error, 2) // by Serve and ServeMetrics
	go func() { served <- srv.Serve(ln) }()
	if mln != nil {
		log.Info("metrics are served", slog.String("url", "http://"+mln.Addr().String()+"/metrics"))
		go func() { served <- srv.ServeMetrics(mln) }() // until srv.Shutdown
	}
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return <-served
}

// listen opens the TCP listener of flag's address addr, with an error that
// names both.
func listen(flag, addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) {
			err = op.Err // not "listen tcp ADDR:" again
		}
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("%s %s: the address is in use, most likely by another server (stop it, or choose another %s)", flag, addr, flag)
		}
		return nil, fmt.Errorf("%s %s: cannot listen: %v", flag, addr, err)
	}
	return ln, nil
}

func newLogger(cfg serveConfig, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
