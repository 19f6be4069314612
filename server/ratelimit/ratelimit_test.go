package ratelimit_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
	"unsafe"

	"github.com/parley-dev/parley/server/ratelimit"
)

// t0 is the fixed clock the tests start from.
var t0 = time.Unix(1_700_000_000, 0)

// step is one Take in a scenario: at t0+at, n events of key (default "k").
type step struct {
	at   time.Duration
	key  string
	n    int
	want ratelimit.Decision
}

var (
	allowed = ratelimit.Decision{Allowed: true}
	never   = ratelimit.Decision{RetryAfter: ratelimit.Never}
)

func refused(after time.Duration) ratelimit.Decision {
	return ratelimit.Decision{RetryAfter: after}
}

func TestTake(t *testing.T) {
	threePer3s := ratelimit.Rule{Limit: 3, Period: 3 * time.Second}
	tests := []struct {
		name  string
		rule  ratelimit.Rule
		steps []step
	}{
		{"burst of Limit allowed then refused", threePer3s, []step{
			{n: 1, want: allowed}, {n: 1, want: allowed}, {n: 1, want: allowed},
			{n: 1, want: refused(time.Second)},
			{at: 400 * time.Millisecond, n: 1, want: refused(600 * time.Millisecond)},
		}},
		{"one event refills after Period/Limit", threePer3s, []step{
			{n: 3, want: allowed},
			{at: time.Second - 1, n: 1, want: refused(1)},
			{at: time.Second, n: 1, want: allowed},
			{at: time.Second, n: 1, want: refused(time.Second)},
		}},
		{"whole allowance back after Period", threePer3s, []step{
			{n: 3, want: allowed},
			{at: 3 * time.Second, n: 3, want: allowed},
			{at: 3 * time.Second, n: 1, want: refused(time.Second)},
		}},
		{"several events at once", threePer3s, []step{
			{n: 2, want: allowed},
			{n: 2, want: refused(time.Second)},
			{n: 1, want: allowed},
			{at: 1500 * time.Millisecond, n: 2, want: refused(500 * time.Millisecond)},
			{at: 2 * time.Second, n: 2, want: allowed},
		}},
		{"more than Limit is never allowed and spends nothing", threePer3s, []step{
			{n: 4, want: never},
			{at: time.Hour, n: 4, want: never},
			{at: time.Hour, n: 3, want: allowed},
		}},
		{"interval is rounded up to a whole nanosecond", ratelimit.Rule{Limit: 3, Period: time.Second}, []step{
			{n: 3, want: allowed},
			{n: 1, want: refused(333_333_334)},
			{at: 333_333_333, n: 1, want: refused(1)},
			{at: 333_333_334, n: 1, want: allowed},
		}},
		{"give-back restores allowance", threePer3s, []step{
			{n: 3, want: allowed},
			{n: -2, want: allowed},
			{n: 2, want: allowed},
			{n: 1, want: refused(time.Second)},
		}},
		{"give-back never goes beyond a full allowance", threePer3s, []step{
			{n: -5, want: allowed},
			{n: 1, want: allowed},
			{n: -3, want: allowed},
			{n: 3, want: allowed},
			{n: 1, want: refused(time.Second)},
		}},
		{"peek reports the next event without spending", threePer3s, []step{
			{n: 0, want: allowed},
			{n: 3, want: allowed},
			{n: 0, want: refused(time.Second)},
			{at: 500 * time.Millisecond, n: 0, want: refused(500 * time.Millisecond)},
			{at: time.Second, n: 0, want: allowed},
			{at: time.Second, n: 1, want: allowed},
			{at: time.Second, n: 0, want: refused(time.Second)},
		}},
		{"keys are independent", threePer3s, []step{
			{key: "a", n: 3, want: allowed},
			{key: "a", n: 1, want: refused(time.Second)},
			{key: "b", n: 3, want: allowed},
			{key: "b", n: 1, want: refused(time.Second)},
		}},
		{"clock going back counts as fully spent, no longer", threePer3s, []step{
			{at: time.Hour, n: 3, want: allowed},
			{n: 1, want: refused(time.Second)},
			{at: time.Second, n: 1, want: allowed},
			{at: time.Second, n: 1, want: refused(time.Second)},
		}},
		{"zero Limit is unlimited", ratelimit.Rule{Limit: 0, Period: time.Second}, []step{
			{n: 1_000_000, want: allowed}, {n: 1, want: allowed}, {n: 0, want: allowed}, {n: -1, want: allowed},
		}},
		{"extreme n", threePer3s, []step{
			{n: math.MaxInt, want: never},
			{n: math.MinInt, want: allowed},
			{n: 3, want: allowed},
			{n: math.MinInt, want: allowed},
			{n: 3, want: allowed},
		}},
		{"clock before 1970", threePer3s, []step{
			{at: -60 * 365 * 24 * time.Hour, n: 3, want: allowed},
			{at: -60 * 365 * 24 * time.Hour, n: 1, want: refused(time.Second)},
		}},
		{"negative Limit is unlimited whatever the Period", ratelimit.Rule{Limit: -1}, []step{
			{n: 5, want: allowed}, {n: 5, want: allowed},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ratelimit.NewMemory(0)
			for i, s := range tt.steps {
				if s.key == "" {
					s.key = "k"
				}
				got, err := m.Take(context.Background(), s.key, tt.rule, s.n, t0.Add(s.at))
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if got != s.want {
					t.Errorf("step %d (at %v, %q, n=%d): got %+v, want %+v", i, s.at, s.key, s.n, got, s.want)
				}
			}
			if tt.rule.Limit <= 0 && m.Len() != 0 {
				t.Errorf("unlimited rule kept %d keys", m.Len())
			}
		})
	}
}

func TestKeySharedByTwoRulesSpendsOneAllowance(t *testing.T) {
	m := ratelimit.NewMemory(0)
	ctx := context.Background()
	loose := ratelimit.Rule{Limit: 10, Period: 10 * time.Second}
	strict := ratelimit.Rule{Limit: 1, Period: 10 * time.Second}
	if d, _ := m.Take(ctx, "k", loose, 5, t0); !d.Allowed {
		t.Fatal("first Take refused")
	}
	// Five seconds of TAT are spent; the strict rule's one event costs ten.
	if d, _ := m.Take(ctx, "k", strict, 1, t0); d != refused(5*time.Second) {
		t.Errorf("strict rule after loose: got %+v", d)
	}
	if d, _ := m.Take(ctx, "k", loose, 5, t0); !d.Allowed {
		t.Errorf("loose rule's remaining allowance: got %+v", d)
	}
}

func TestInvalidRule(t *testing.T) {
	m := ratelimit.NewMemory(0)
	for _, r := range []ratelimit.Rule{
		{Limit: 1},
		{Limit: 1, Period: -time.Second},
		{Limit: 1, Period: ratelimit.MaxPeriod + 1},
	} {
		if _, err := m.Take(context.Background(), "k", r, 1, t0); !errors.Is(err, ratelimit.ErrInvalidRule) {
			t.Errorf("%+v: got %v, want ErrInvalidRule", r, err)
		}
	}
	if m.Len() != 0 {
		t.Errorf("invalid rules kept %d keys", m.Len())
	}
}

func TestFullAllowanceDropsKey(t *testing.T) {
	m := ratelimit.NewMemory(0)
	ctx := context.Background()
	rule := ratelimit.Rule{Limit: 3, Period: 3 * time.Second}
	m.Take(ctx, "given back", rule, 2, t0)
	m.Take(ctx, "given back", rule, -2, t0)
	m.Take(ctx, "peeked after refill", rule, 1, t0)
	m.Take(ctx, "peeked after refill", rule, 0, t0.Add(time.Second))
	m.Take(ctx, "kept", rule, 1, t0)
	if got := m.Len(); got != 1 {
		t.Errorf("Len = %d, want 1 (only the key still spent)", got)
	}
}

// fasthttp hands out strings that alias buffers it reuses; the limiter must
// keep a copy.
func TestKeyIsCopied(t *testing.T) {
	m := ratelimit.NewMemory(0)
	ctx := context.Background()
	rule := ratelimit.Rule{Limit: 1, Period: time.Minute}
	buf := []byte("post:addr:aaaa")
	m.Take(ctx, unsafe.String(&buf[0], len(buf)), rule, 1, t0)
	copy(buf, "post:addr:bbbb")
	if d, _ := m.Take(ctx, "post:addr:aaaa", rule, 1, t0); d.Allowed {
		t.Error("state of the first key lost after its buffer was reused")
	}
	if d, _ := m.Take(ctx, "post:addr:bbbb", rule, 1, t0); !d.Allowed {
		t.Error("a key never used is limited")
	}
}
