package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// memSampler watches the server's resident memory while a scenario runs
// and keeps the highest value seen.
type memSampler struct {
	pid  int
	done chan struct{}
	wg   sync.WaitGroup
	peak float64
}

// startSampler samples pid's RSS every 250 ms until stop. A zero pid
// samples nothing.
func startSampler(pid int) *memSampler {
	s := &memSampler{pid: pid, done: make(chan struct{})}
	if pid == 0 {
		return s
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			if m, ok := procMemory(pid); ok && m.rss > s.peak {
				s.peak = m.rss
			}
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop ends sampling and returns the memory now, with the peak seen.
func (s *memSampler) stop(when string, inProcess bool) *MemorySample {
	close(s.done)
	s.wg.Wait()
	m := memoryNow(s.pid, when, inProcess)
	if m == nil {
		return nil
	}
	m.PeakRSSMB = max(s.peak, m.RSSMB)
	return m
}

// memoryNow reads pid's RSS and, for the in-process server, the Go heap in
// use (which then includes the load generator's own heap) and, after a
// forced collection, the live heap.
func memoryNow(pid int, when string, inProcess bool) *MemorySample {
	if pid == 0 {
		return nil
	}
	pm, ok := procMemory(pid)
	if !ok {
		return nil
	}
	m := &MemorySample{When: when, RSSMB: pm.rss, AnonMB: pm.anon, FileMB: pm.file}
	if inProcess {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		m.HeapInuseMB = float64(ms.HeapInuse) / (1 << 20)
		runtime.GC()
		runtime.ReadMemStats(&ms)
		m.LiveHeapMB = float64(ms.HeapAlloc) / (1 << 20)
	}
	return m
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux platform Go supports.
const clockTicks = 100

// procCPU returns the CPU time (user + system) a process has used so far:
// from getrusage for this process, from /proc/<pid>/stat for another.
func procCPU(pid int) (time.Duration, bool) {
	if pid == os.Getpid() {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0, false
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
	}
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name may hold spaces; the fields after it do not.
	_, rest, ok := strings.Cut(string(raw), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, true
}

// cpuMeter measures a process's CPU use over a stretch of wall time.
type cpuMeter struct {
	pid   int
	cpu   time.Duration
	start time.Time
	ok    bool
}

func startCPU(pid int) cpuMeter {
	if pid == 0 {
		return cpuMeter{}
	}
	cpu, ok := procCPU(pid)
	return cpuMeter{pid: pid, cpu: cpu, start: time.Now(), ok: ok}
}

// stop returns the CPU used since start for requests requests, or nil.
func (m cpuMeter) stop(requests int64) *CPUUse {
	if !m.ok {
		return nil
	}
	cpu, ok := procCPU(m.pid)
	if !ok {
		return nil
	}
	used := cpu - m.cpu
	u := &CPUUse{Seconds: used.Seconds(), Cores: used.Seconds() / time.Since(m.start).Seconds()}
	if requests > 0 {
		u.PerRequestUS = float64(used.Microseconds()) / float64(requests)
	}
	return u
}
