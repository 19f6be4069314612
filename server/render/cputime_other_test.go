//go:build !linux

package render

import "time"

// cpuTime runs f and returns how long it took by the wall clock, where the
// thread's CPU time is not at hand.
func cpuTime(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}
