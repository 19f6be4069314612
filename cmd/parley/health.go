package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const healthUsage = `usage: parley health [URL]

GETs URL (default http://127.0.0.1:8080/healthz, or http://PARLEY_ADDR/healthz
when PARLEY_ADDR is set, with an empty or wildcard host read as loopback) and
exits 0 on a 200 answer within 2 seconds, else prints why and exits 1.
It lets a container image without a shell or curl have a health check:
  HEALTHCHECK CMD ["/parley", "health"]`

// healthTimeout bounds the whole check; tests shorten it.
var healthTimeout = 2 * time.Second

// healthCmd checks a running server's /healthz. It returns nil only on a
// 200; any other outcome is one line of error, which main prints.
func healthCmd(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	var target string
	for _, a := range args {
		switch {
		case a == "-h" || a == "--help" || a == "-help":
			return printHelp(stderr, "health")
		case strings.HasPrefix(a, "-"):
			return fmt.Errorf("health: unknown flag %s (usage: parley health [URL])", a)
		case target != "":
			return fmt.Errorf("health: unexpected argument %q (usage: parley health [URL])", a)
		}
		target = a
	}
	if target == "" {
		var err error
		if target, err = healthURL(getenv("PARLEY_ADDR")); err != nil {
			return err
		}
	}
	if u, err := url.Parse(target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("health: %q is not an http(s) URL", target)
	}

	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("health: %v", err)
	}
	client := &http.Client{
		// No proxy from the environment: the check is about this host's
		// server, and an HTTP_PROXY meant for outgoing calls must not
		// answer for it.
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
		// A redirect is not a healthy answer.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("health: GET %s: no answer within %v", target, healthTimeout)
		}
		return fmt.Errorf("health: GET %s: %v", target, unwrapURLError(err))
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 200))
	if res.StatusCode != http.StatusOK {
		msg := fmt.Sprintf("health: GET %s answered %s", target, res.Status)
		if b := oneLine(string(body)); b != "" {
			msg += ": " + b
		}
		return errors.New(msg)
	}
	return nil
}

// healthURL is the /healthz URL of a server listening on addr (PARLEY_ADDR);
// a wildcard host is reached over loopback.
func healthURL(addr string) (string, error) {
	if addr == "" {
		return "http://127.0.0.1:8080/healthz", nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("health: PARLEY_ADDR %q: want host:port or :port", addr)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

// unwrapURLError drops url.Error's repetition of the method and URL, which
// the caller already prints.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// oneLine squeezes an answer's start into one short printable line.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
