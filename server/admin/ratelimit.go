package admin

import (
	"sync"
	"time"
)

// Sign-in attempts are limited per client (IP hash) and per user name, so
// neither one address guessing many passwords nor many addresses guessing
// one account get far. Only failures count; a success clears the user
// name's record. The state is in memory: a restart forgets it, which is
// fine for a limit counted in minutes.
const (
	loginWindow   = 15 * time.Minute
	maxPerClient  = 20
	maxPerAccount = 10
	// maxKeys bounds the memory of the limiter: past it, every key is
	// pruned at once (attempts with ever new user names would otherwise
	// grow the map until their keys are looked at again).
	maxKeys = 50000
)

type limiter struct {
	mu       sync.Mutex
	now      func() time.Time
	failures map[string][]time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, failures: map[string][]time.Time{}}
}

// blocked reports how long the client or account must wait (0: not
// blocked).
func (l *limiter) blocked(client, account string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	wait := time.Duration(0)
	for key, limit := range map[string]int{"c:" + client: maxPerClient, "a:" + account: maxPerAccount} {
		recent := l.prune(key, now)
		if len(recent) >= limit {
			wait = max(wait, recent[0].Add(loginWindow).Sub(now))
		}
	}
	return wait
}

// fail records a failed attempt.
func (l *limiter) fail(client, account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.failures) > maxKeys {
		for key := range l.failures {
			l.prune(key, now)
		}
	}
	for _, key := range []string{"c:" + client, "a:" + account} {
		l.failures[key] = append(l.prune(key, now), now)
	}
}

// succeed forgets an account's failures.
func (l *limiter) succeed(account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, "a:"+account)
}

// prune drops failures older than the window and returns the rest; keys
// with none left are deleted so the map does not grow without bound.
func (l *limiter) prune(key string, now time.Time) []time.Time {
	list := l.failures[key]
	i := 0
	for i < len(list) && !now.Before(list[i].Add(loginWindow)) {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = list
	return list
}
