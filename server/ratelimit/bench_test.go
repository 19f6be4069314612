package ratelimit_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/ratelimit"
)

// BenchmarkTakeHotKey has every goroutine spend one key: after the burst
// every Take is refused, the common case of a client being limited.
func BenchmarkTakeHotKey(b *testing.B) {
	m := ratelimit.NewMemory(0)
	rule := ratelimit.Rule{Limit: 10, Period: time.Minute}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Take(context.Background(), "post:addr:0123456789abcdef", rule, 1, t0)
		}
	})
}

// BenchmarkTakeHotKeyAllowed is the same with a limit never reached: every
// Take writes the key's TAT.
func BenchmarkTakeHotKeyAllowed(b *testing.B) {
	m := ratelimit.NewMemory(0)
	rule := ratelimit.Rule{Limit: 1 << 40, Period: time.Hour}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Take(context.Background(), "post:addr:0123456789abcdef", rule, 1, t0)
		}
	})
}

// BenchmarkTakeDistinctKeys spreads Takes over ten times DefaultMaxKeys
// keys, so nearly every Take inserts a key and evicts one.
func BenchmarkTakeDistinctKeys(b *testing.B) {
	for _, bb := range []struct {
		name string
		rule ratelimit.Rule
		tick time.Duration // each goroutine's clock step per Take
	}{
		{"fixed clock, sampled eviction", ratelimit.Rule{Limit: 5, Period: time.Minute}, 0},
		{"keys expiring, sweeps", ratelimit.Rule{Limit: 1, Period: 10 * time.Millisecond}, time.Microsecond},
	} {
		b.Run(bb.name, func(b *testing.B) {
			keys := make([]string, 10*ratelimit.DefaultMaxKeys)
			for i := range keys {
				keys[i] = fmt.Sprintf("post:addr:%016x", uint64(i)*0x9e3779b97f4a7c15)
			}
			m := ratelimit.NewMemory(0)
			var start atomic.Int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := int(start.Add(1) * 7919)
				now := t0
				for pb.Next() {
					i++
					now = now.Add(bb.tick)
					m.Take(context.Background(), keys[i%len(keys)], bb.rule, 1, now)
				}
			})
		})
	}
}
