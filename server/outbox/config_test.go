package outbox

import (
	"testing"
	"time"
)

func TestDefaultBackoff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute,
		10 * time.Minute, 20 * time.Minute, 30 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		attempt := i + 1
		for range 50 {
			d := DefaultBackoff(attempt)
			if d < w*9/10 || d > w*11/10 {
				t.Fatalf("DefaultBackoff(%d) = %v, want %v ± 10%%", attempt, d, w)
			}
		}
	}
	if d := DefaultBackoff(0); d < 27*time.Second || d > 33*time.Second {
		t.Errorf("DefaultBackoff(0) = %v, want about 30s", d)
	}
	seen := map[time.Duration]bool{}
	for range 20 {
		seen[DefaultBackoff(3)] = true
	}
	if len(seen) < 2 {
		t.Error("DefaultBackoff has no jitter")
	}
}
