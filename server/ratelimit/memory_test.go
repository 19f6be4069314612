package ratelimit_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/ratelimit"
)

func TestMemoryStaysBounded(t *testing.T) {
	rule := ratelimit.Rule{Limit: 5, Period: time.Minute}
	for _, tt := range []struct {
		name    string
		maxKeys int
		tick    time.Duration // clock step per Take
		full    bool          // no key expires: the bound should be nearly reached
	}{
		{"one key", 1, 0, true},
		{"one small shard", 50, 0, true},
		{"several shards, fixed clock", 2000, 0, true},
		{"several shards, keys expiring", 2000, 10 * time.Millisecond, false},
		{"all shards", 20_000, time.Microsecond, true},
		{"all shards, keys expiring", 20_000, time.Millisecond, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := ratelimit.NewMemory(tt.maxKeys)
			ctx := context.Background()
			now := t0
			for i := range 10 * tt.maxKeys {
				now = now.Add(tt.tick)
				if d, _ := m.Take(ctx, fmt.Sprintf("post:addr:%d", i), rule, 1, now); !d.Allowed {
					t.Fatalf("fresh key %d refused", i)
				}
				if i%97 == 0 && m.Len() > tt.maxKeys {
					t.Fatalf("after %d keys: Len = %d > %d", i+1, m.Len(), tt.maxKeys)
				}
			}
			if got := m.Len(); got > tt.maxKeys || tt.full && got < tt.maxKeys*9/10 {
				t.Errorf("Len = %d, want at most %d (and most of it used: %v)", got, tt.maxKeys, tt.full)
			}
		})
	}
}

func TestDefaultMaxKeys(t *testing.T) {
	m := ratelimit.NewMemory(0)
	rule := ratelimit.Rule{Limit: 1, Period: time.Hour}
	for i := range 2 * ratelimit.DefaultMaxKeys {
		m.Take(context.Background(), fmt.Sprint(i), rule, 1, t0)
	}
	if got := m.Len(); got > ratelimit.DefaultMaxKeys {
		t.Errorf("Len = %d > DefaultMaxKeys", got)
	}
}

// The guarantee: a full shard evicts, among 8 sampled keys, the one closest
// to a full allowance. Keys being refused are lost only when every sampled
// key is spent as much, which a flood of one-shot keys never is.
func TestLimitedKeysSurviveFloodOfOneShotKeys(t *testing.T) {
	rule := ratelimit.Rule{Limit: 5, Period: time.Minute}
	const maxKeys = 2000
	for _, tt := range []struct {
		name        string
		limited     int // keys spent and refused, as a share of maxKeys below
		minSurvivor int
	}{
		{"limited keys are 5% of the bound: all survive", maxKeys / 20, maxKeys / 20},
		{"limited keys are 25% of the bound: at least 98% survive", maxKeys / 4, maxKeys / 4 * 98 / 100},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := ratelimit.NewMemory(maxKeys)
			ctx := context.Background()
			now := t0
			for i := range tt.limited {
				key := fmt.Sprint("limited:", i)
				m.Take(ctx, key, rule, rule.Limit, now)
				if d, _ := m.Take(ctx, key, rule, 1, now); d.Allowed {
					t.Fatal("spent key allowed")
				}
			}
			// The flood lasts 0.2 s: too short for the limited keys to
			// regain an event (12 s), long enough to vary the TATs.
			for i := range 10 * maxKeys {
				now = now.Add(10 * time.Microsecond)
				m.Take(ctx, fmt.Sprint("flood:", i), rule, 1, now)
			}
			survivors := 0
			for i := range tt.limited {
				if d, _ := m.Take(ctx, fmt.Sprint("limited:", i), rule, 0, now); !d.Allowed {
					survivors++
				}
			}
			if survivors < tt.minSurvivor {
				t.Errorf("%d of %d limited keys survived, want at least %d", survivors, tt.limited, tt.minSurvivor)
			}
			t.Logf("%d of %d limited keys survived %d one-shot keys", survivors, tt.limited, 10*maxKeys)
		})
	}
}

func TestExpiredKeysAreSweptFirst(t *testing.T) {
	const maxKeys = 64 // one shard
	m := ratelimit.NewMemory(maxKeys)
	ctx := context.Background()
	short := ratelimit.Rule{Limit: 1, Period: time.Second}
	long := ratelimit.Rule{Limit: 1, Period: time.Hour}
	for i := range maxKeys / 2 {
		m.Take(ctx, fmt.Sprint("long:", i), long, 1, t0)
		m.Take(ctx, fmt.Sprint("short:", i), short, 1, t0)
	}
	// The short keys have expired; the new keys are fresher than the long
	// ones, so only a sweep of expired keys makes room without losing one.
	later := t0.Add(2 * time.Second)
	for i := range maxKeys / 2 {
		m.Take(ctx, fmt.Sprint("new:", i), short, 1, later)
	}
	for i := range maxKeys / 2 {
		if d, _ := m.Take(ctx, fmt.Sprint("long:", i), long, 0, later); d.Allowed {
			t.Errorf("long:%d was evicted while expired keys were held", i)
		}
		if d, _ := m.Take(ctx, fmt.Sprint("new:", i), short, 0, later); d.Allowed {
			t.Errorf("new:%d was evicted", i)
		}
	}
	if got := m.Len(); got != maxKeys {
		t.Errorf("Len = %d, want %d", got, maxKeys)
	}
}

func TestConcurrentTakesOnOneKey(t *testing.T) {
	rule := ratelimit.Rule{Limit: 1000, Period: time.Minute}
	for _, n := range []int{1, 3} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			m := ratelimit.NewMemory(0)
			var taken atomic.Int64
			var wg sync.WaitGroup
			for range 4 * runtime.GOMAXPROCS(0) * 8 {
				wg.Go(func() {
					for range 100 {
						if d, _ := m.Take(context.Background(), "hot", rule, n, t0); d.Allowed {
							taken.Add(int64(n))
						}
					}
				})
			}
			wg.Wait()
			if want := int64(rule.Limit / n * n); taken.Load() != want {
				t.Errorf("%d events allowed, want exactly %d", taken.Load(), want)
			}
		})
	}
}

func TestConcurrentTakesOnManyKeysStayBounded(t *testing.T) {
	const maxKeys = 500
	m := ratelimit.NewMemory(maxKeys)
	rule := ratelimit.Rule{Limit: 2, Period: 50 * time.Millisecond}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			now := t0
			for i := range 5000 {
				now = now.Add(time.Duration(i%7) * time.Millisecond)
				key := fmt.Sprint(g, ":", i%(maxKeys*2))
				m.Take(context.Background(), key, rule, i%4-1, now)
			}
		})
	}
	wg.Wait()
	if got := m.Len(); got > maxKeys {
		t.Errorf("Len = %d > %d", got, maxKeys)
	}
}

// The package doc promises about 10 MB for DefaultMaxKeys keys.
func TestMemoryFootprint(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := ratelimit.NewMemory(ratelimit.DefaultMaxKeys)
	rule := ratelimit.Rule{Limit: 10, Period: time.Minute}
	for i := range ratelimit.DefaultMaxKeys {
		m.Take(context.Background(), fmt.Sprintf("post:addr:%032x", i), rule, 1, t0)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perKey := float64(after.HeapAlloc-before.HeapAlloc) / float64(m.Len())
	t.Logf("%d keys of 42 bytes: %.0f bytes per key", m.Len(), perKey)
	if perKey > 200 {
		t.Errorf("%.0f bytes per key, want at most 200", perKey)
	}
	runtime.KeepAlive(m)
}
