package main

import (
	"errors"
	"log/slog"
	"math"
	"runtime/debug"
	"strconv"

	"github.com/parley-dev/parley/storage/badgerstore"
)

// memoryHeadroom is what the memory limit leaves beyond the caches: the
// runtime, requests in flight (32 KB write buffers), live streams and the
// garbage of a busy moment.
const memoryHeadroom = 64 << 20

// parseMemoryLimit reads --memory-limit: auto, off, or a number of MiB.
// It returns the limit in bytes, 0 for auto and -1 for off.
func parseMemoryLimit(v string) (int64, error) {
	switch v {
	case "auto":
		return 0, nil
	case "off":
		return -1, nil
	}
	mb, err := strconv.ParseInt(v, 10, 64)
	if err != nil || mb < 16 || mb > 1<<20 {
		return 0, errors.New("--memory-limit: want auto, off, or a number of MiB from 16")
	}
	return mb << 20, nil
}

// setMemoryLimit sets Go's soft memory limit, which makes the garbage
// collector work harder as the process nears it instead of letting the
// heap double (GOGC) under load. auto sizes it from the configured
// caches: the thread cache, Badger's memtables and caches, and
// memoryHeadroom. GOMEMLIMIT in the environment wins: Go has set it.
func setMemoryLimit(cfg serveConfig, log *slog.Logger) {
	if cfg.MemoryLimit < 0 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return
	}
	limit := cfg.MemoryLimit
	if limit == 0 {
		limit = int64(cfg.ThreadCacheMB)<<20 + badgerstore.MemoryBudget() + memoryHeadroom
	}
	debug.SetMemoryLimit(limit)
	log.Info("memory limit set", slog.Int64("mib", limit>>20))
}
