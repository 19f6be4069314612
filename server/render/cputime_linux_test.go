//go:build linux

package render

import (
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// cpuTime runs f and returns the CPU time its thread spent on it. On a
// shared machine the wall clock also counts the time other jobs held the
// processor; thread CPU time does not, so ratios between two renders stay
// meaningful under load.
func cpuTime(f func()) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := threadClock()
	f()
	return threadClock() - start
}

func threadClock() time.Duration {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, err := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime,
		uintptr(unsafe.Pointer(&ts)), 0); err != 0 {
		return time.Duration(time.Now().UnixNano())
	}
	return time.Duration(ts.Nano())
}
