package ratelimit

import (
	"context"
	"hash/maphash"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// DefaultMaxKeys is the number of keys a Memory holds when NewMemory is
// given none: about 11 MB of state with keys of 40 bytes.
const DefaultMaxKeys = 100_000

const (
	maxShards = 32 // enough to keep lock contention low on a few cores
	// minShardKeys keeps small limiters in few shards: keys are not spread
	// evenly, and a tiny shard would be full while others are empty.
	minShardKeys = 64
	sampleSize   = 8 // keys looked at to choose one to evict
	// sweepDivisor spaces full sweeps of a shard at least size/sweepDivisor
	// evictions apart, which makes their cost a constant per insertion.
	sweepDivisor = 8
)

// Memory is a Limiter for one node, keeping the state in memory with a
// bounded number of keys. It never fails and never blocks on ctx. Create it
// with NewMemory; it is safe for concurrent use.
//
// The keys are spread over shards by a hash seeded at random (so clients
// cannot aim their keys at one shard), each with its own mutex and at most
// its share of maxKeys. A shard keeps its entries (key and TAT in Unix
// nanoseconds) in a slice, which eviction samples at random indexes, and a
// map from key to index.
type Memory struct {
	seed   maphash.Seed
	mask   uint64
	shards []shard
}

type shard struct {
	mu      sync.Mutex
	index   map[string]int32
	entries []entry
	max     int
	// minTAT is at most the smallest TAT held: before it nothing has
	// expired, and a sweep would be wasted.
	minTAT int64
	// evictions counts sampled evictions since the last sweep.
	evictions int
	_         [64]byte // keeps neighbouring shards' locks off one cache line
}

type entry struct {
	key string
	tat int64
}

// NewMemory returns a Memory holding at most maxKeys keys, or
// DefaultMaxKeys if maxKeys <= 0.
func NewMemory(maxKeys int) *Memory {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	maxKeys = min(maxKeys, math.MaxInt32)
	n := 1
	for n < maxShards && maxKeys/(2*n) >= minShardKeys {
		n *= 2
	}
	m := &Memory{seed: maphash.MakeSeed(), mask: uint64(n - 1), shards: make([]shard, n)}
	for i := range m.shards {
		s := &m.shards[i]
		s.max = maxKeys / n
		s.index = make(map[string]int32)
		s.minTAT = math.MaxInt64
		s.evictions = s.max // the first time the shard is full, sweep it
	}
	return m
}

// Take implements Limiter. The key is copied before it is kept, so it may
// alias a request buffer.
func (m *Memory) Take(_ context.Context, key string, rule Rule, n int, now time.Time) (Decision, error) {
	if rule.Limit <= 0 {
		return Decision{Allowed: true}, nil
	}
	if rule.Period <= 0 || rule.Period > MaxPeriod {
		return Decision{}, ErrInvalidRule
	}
	interval, burst := gcra(rule)
	t := now.UnixNano()
	s := &m.shards[maphash.String(m.seed, key)&m.mask]

	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[key]
	tat := int64(math.MinInt64)
	if ok {
		tat = s.entries[i].tat
	}
	d, next := take(tat, t, interval, burst, rule.Limit, n)
	switch {
	case next <= t:
		if ok {
			s.remove(i) // full again: the same as absent
		}
	case ok:
		s.entries[i].tat = next
		s.minTAT = min(s.minTAT, next)
	default:
		if len(s.entries) >= s.max {
			s.makeRoom(t)
		}
		key = strings.Clone(key)
		s.index[key] = int32(len(s.entries))
		s.entries = append(s.entries, entry{key, next})
		s.minTAT = min(s.minTAT, next)
	}
	return d, nil
}

// Len returns the number of keys held, for tests and metrics.
func (m *Memory) Len() int {
	total := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		total += len(s.entries)
		s.mu.Unlock()
	}
	return total
}

// makeRoom frees at least one place in a full shard at time now (Unix
// nanoseconds). It sweeps out every expired key if some may have expired
// and the last sweep is far enough back; otherwise, or if nothing had
// expired, it evicts the key with the earliest TAT, the one closest to a
// full allowance, among a uniform random sample.
func (s *shard) makeRoom(now int64) {
	if s.minTAT <= now && s.evictions >= s.max/sweepDivisor {
		s.sweep(now)
		if len(s.entries) < s.max {
			return
		}
	}
	s.evictions++
	victim := rand.IntN(len(s.entries))
	for range sampleSize - 1 {
		if j := rand.IntN(len(s.entries)); s.entries[j].tat < s.entries[victim].tat {
			victim = j
		}
	}
	s.remove(int32(victim))
}

// sweep removes the shard's expired keys and makes minTAT exact again.
func (s *shard) sweep(now int64) {
	s.evictions = 0
	s.minTAT = math.MaxInt64
	// Backwards, so that the last entry, which remove moves into place i,
	// has been looked at already.
	for i := len(s.entries) - 1; i >= 0; i-- {
		if tat := s.entries[i].tat; tat <= now {
			s.remove(int32(i))
		} else {
			s.minTAT = min(s.minTAT, tat)
		}
	}
}

// remove deletes entry i, moving the last entry into its place.
func (s *shard) remove(i int32) {
	last := int32(len(s.entries) - 1)
	delete(s.index, s.entries[i].key)
	if i != last {
		s.entries[i] = s.entries[last]
		s.index[s.entries[i].key] = i
	}
	s.entries[last] = entry{} // let the key be collected
	s.entries = s.entries[:last]
}
