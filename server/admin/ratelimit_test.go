package admin

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-dev/parley/server/ratelimit"
)

// TestHashSlots checks that at most hashSlots hashes run at once, and that
// an attempt that finds no slot within hashWait gives up.
func TestHashSlots(t *testing.T) {
	g := newGuard(ratelimit.NewMemory(0), false, time.Now)
	var running, most atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range hashSlots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.hash(context.Background(), func() {
				n := running.Add(1)
				for {
					if m := most.Load(); n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				<-release
				running.Add(-1)
			})
		}()
	}
	for running.Load() < hashSlots {
		time.Sleep(time.Millisecond)
	}
	ran := false
	if g.hash(context.Background(), func() { ran = true }) || ran {
		t.Error("a hash ran while every slot was taken")
	}
	close(release)
	wg.Wait()
	if most.Load() != hashSlots {
		t.Errorf("%d hashes at once, want %d", most.Load(), hashSlots)
	}
	if !g.hash(context.Background(), func() { ran = true }) || !ran {
		t.Error("no slot once they were free")
	}
}

// TestReserveStopsAtTheFirstRefusal checks that a refused limit leaves the
// later ones unspent, and that release clears them.
func TestReserveStopsAtTheFirstRefusal(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := newGuard(ratelimit.NewMemory(0), false, func() time.Time { return now })
	ctx := context.Background()
	tight := ratelimit.Rule{Limit: 1, Period: time.Hour}
	limits := []limit{{"a", tight}, {"b", tight}}
	if wait, _ := g.reserve(ctx, limits); wait != 0 {
		t.Fatalf("first reservation refused for %v", wait)
	}
	if wait, _ := g.reserve(ctx, limits); wait <= 0 || wait > time.Hour {
		t.Fatalf("second reservation: wait %v", wait)
	}
	// "a" is spent, so a reservation of a then y is refused at a, and y
	// stays unspent.
	if wait, _ := g.reserve(ctx, []limit{{"a", tight}, {"y", tight}}); wait == 0 {
		t.Error("a spent limit did not refuse")
	}
	if wait, _ := g.reserve(ctx, []limit{{"y", tight}}); wait != 0 {
		t.Errorf("a limit after a refused one was spent: wait %v", wait)
	}
	g.release(ctx, limits, 1)
	if wait, _ := g.reserve(ctx, limits); wait != 0 {
		t.Errorf("after release: wait %v", wait)
	}
	off := newGuard(nil, true, time.Now)
	for range 10 {
		if wait, _ := off.reserve(ctx, limits); wait != 0 {
			t.Fatal("limits off, yet refused")
		}
	}
}
