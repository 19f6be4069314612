package main

import (
	"log/slog"
	"math"
	"runtime/debug"
	"testing"

	"github.com/parley-dev/parley/storage/badgerstore"
)

func TestSetMemoryLimit(t *testing.T) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Skip("GOMEMLIMIT is set for this test run; it wins over --memory-limit")
	}
	t.Cleanup(func() { debug.SetMemoryLimit(math.MaxInt64) })
	log := slog.New(slog.DiscardHandler)
	for _, tt := range []struct {
		name string
		cfg  serveConfig
		want int64
	}{
		{"off", serveConfig{MemoryLimit: -1, ThreadCacheMB: 32}, math.MaxInt64},
		{"auto", serveConfig{ThreadCacheMB: 32}, 32<<20 + badgerstore.MemoryBudget() + memoryHeadroom},
		{"auto with a bigger cache", serveConfig{ThreadCacheMB: 256}, 256<<20 + badgerstore.MemoryBudget() + memoryHeadroom},
		{"given", serveConfig{MemoryLimit: 300 << 20, ThreadCacheMB: 32}, 300 << 20},
	} {
		debug.SetMemoryLimit(math.MaxInt64)
		setMemoryLimit(tt.cfg, log)
		if got := debug.SetMemoryLimit(-1); got != tt.want {
			t.Errorf("%s: limit %d, want %d", tt.name, got, tt.want)
		}
	}
	// A limit already set (GOMEMLIMIT) is left alone.
	debug.SetMemoryLimit(500 << 20)
	setMemoryLimit(serveConfig{ThreadCacheMB: 32}, log)
	if got := debug.SetMemoryLimit(-1); got != 500<<20 {
		t.Errorf("GOMEMLIMIT overridden: %d", got)
	}
}
