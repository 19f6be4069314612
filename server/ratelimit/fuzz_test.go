package ratelimit

import (
	"context"
	"hash/maphash"
	"testing"
	"time"
)

// FuzzTake runs sequences of Takes, three bytes each (key, n, clock step),
// under a rule chosen by the first two bytes, and checks what must hold
// whatever the sequence: decisions are well formed, RetryAfter is exact,
// no window of time allows more than its share, and the shards stay
// consistent and bounded.
func FuzzTake(f *testing.F) {
	f.Add([]byte{2, 3, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 200})
	f.Add([]byte{0, 0, 1, 5, 10, 1, 0xfd, 0, 1, 1, 0xf8, 2, 0, 0})
	f.Add([]byte{7, 15, 3, 9, 0, 3, 9, 0, 3, 0xf6, 0, 3, 3, 250, 3, 2, 60})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		limit := 1 + int(data[0]%8)
		interval := time.Duration(1+data[1]%16) * time.Millisecond
		rule := Rule{Limit: limit, Period: time.Duration(limit) * interval}
		burst := int64(rule.Period)
		ctx := context.Background()
		m, small := NewMemory(0), NewMemory(3)
		now := time.Unix(1_700_000_000, 0)
		type spent struct {
			at  int64
			net int
		}
		logs := map[string][]spent{} // allowed Takes since the clock last went back

		for ops := data[2:]; len(ops) >= 3; ops = ops[3:] {
			key := string('a' + rune(ops[0]%6))
			n := int(int8(ops[1])) % (limit + 3)
			switch step := ops[2]; {
			case step >= 240:
				now = now.Add(-time.Duration(step-239) * time.Millisecond)
				clear(logs)
			case step >= 96:
				now = now.Add(time.Duration(step-95) * time.Millisecond)
			}
			tat, held := m.tatOf(key)
			d, err := m.Take(ctx, key, rule, n, now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := small.Take(ctx, key, rule, n, now); err != nil {
				t.Fatal(err)
			}
			checkDecision(t, d, rule, n)
			if !d.Allowed && d.RetryAfter != Never {
				checkRetryAfter(t, m, key, rule, n, now, d.RetryAfter)
			}
			if n <= 0 || !d.Allowed {
				if got, after := m.tatOf(key); after && (!held || got > tat) {
					t.Fatalf("n=%d, allowed=%v spent: TAT %d (held %v) -> %d", n, d.Allowed, tat, held, got)
				}
			}
			if d.Allowed && n != 0 {
				log := append(logs[key], spent{now.UnixNano(), n})
				logs[key] = log
				net := 0
				for i := len(log) - 1; i >= 0; i-- {
					net += log[i].net
					if window := now.UnixNano() - log[i].at; int64(net)*int64(interval) > burst+window {
						t.Fatalf("%d events allowed in %v under %+v", net, time.Duration(window), rule)
					}
				}
			}
			m.check(t, 0)
			small.check(t, 3)
		}
	})
}

func checkDecision(t *testing.T, d Decision, rule Rule, n int) {
	t.Helper()
	switch {
	case d.Allowed && d.RetryAfter != 0:
		t.Fatalf("n=%d allowed with RetryAfter %v", n, d.RetryAfter)
	case d.Allowed:
	case n < 0:
		t.Fatalf("give-back of %d refused", -n)
	case n > rule.Limit:
		if d.RetryAfter != Never {
			t.Fatalf("n=%d > Limit: RetryAfter %v, want Never", n, d.RetryAfter)
		}
	case d.RetryAfter <= 0 || d.RetryAfter > time.Duration(max(n, 1))*rule.Period/time.Duration(rule.Limit):
		t.Fatalf("n=%d refused with RetryAfter %v under %+v", n, d.RetryAfter, rule)
	}
}

// checkRetryAfter replays the refused Take on a copy of the key's state: it
// must still be refused just before RetryAfter and be allowed at it.
func checkRetryAfter(t *testing.T, m *Memory, key string, rule Rule, n int, now time.Time, after time.Duration) {
	t.Helper()
	tat, ok := m.tatOf(key)
	if !ok {
		t.Fatalf("refused key %q holds no state", key)
	}
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{{now.Add(after - 1), false}, {now.Add(after), true}} {
		probe := NewMemory(0)
		probe.setTAT(key, tat)
		if d, _ := probe.Take(context.Background(), key, rule, n, tt.at); d.Allowed != tt.want {
			t.Fatalf("n=%d refused with RetryAfter %v, but at %v allowed=%v", n, after, tt.at.Sub(now), d.Allowed)
		}
	}
}

func (m *Memory) shardOf(key string) *shard {
	return &m.shards[maphash.String(m.seed, key)&m.mask]
}

func (m *Memory) tatOf(key string) (int64, bool) {
	s := m.shardOf(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[key]
	if !ok {
		return 0, false
	}
	return s.entries[i].tat, true
}

func (m *Memory) setTAT(key string, tat int64) {
	s := m.shardOf(key)
	s.index[key] = int32(len(s.entries))
	s.entries = append(s.entries, entry{key, tat})
}

// check verifies that index and entries agree and, if maxKeys > 0, that no
// more than maxKeys keys are held.
func (m *Memory) check(t *testing.T, maxKeys int) {
	t.Helper()
	for si := range m.shards {
		s := &m.shards[si]
		if len(s.index) != len(s.entries) || len(s.entries) > s.max {
			t.Fatalf("shard %d: %d indexed, %d entries, max %d", si, len(s.index), len(s.entries), s.max)
		}
		for i, e := range s.entries {
			if s.index[e.key] != int32(i) || e.tat < s.minTAT {
				t.Fatalf("shard %d: entry %d %+v, index %d, minTAT %d", si, i, e, s.index[e.key], s.minTAT)
			}
		}
	}
	if maxKeys > 0 && m.Len() > maxKeys {
		t.Fatalf("Len = %d > %d", m.Len(), maxKeys)
	}
}
