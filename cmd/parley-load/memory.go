package main

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// memSampler watches the server's resident memory while a scenario runs
// and keeps the highest value seen; it also resets the kernel's peak
// (VmHWM) at the start, so that at the end VmHWM is the scenario's exact
// peak.
type memSampler struct {
	pid      int
	hwmReset bool // VmHWM was reset at the start
	done     chan struct{}
	wg       sync.WaitGroup
	peak     float64
}

// startSampler samples pid's RSS every 250 ms until stop. A zero pid
// samples nothing.
func startSampler(pid int) *memSampler {
	s := &memSampler{pid: pid, done: make(chan struct{})}
	if pid == 0 {
		return s
	}
	s.hwmReset = resetPeakRSS(pid)
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

// stop ends sampling and returns the memory now, with the peak seen and
// the kernel's VmHWM.
func (s *memSampler) stop(when string, inProcess bool) *MemorySample {
	close(s.done)
	s.wg.Wait()
	pm, ok := procMemory(s.pid) // VmHWM before memoryNow's forced GC
	m := memoryNow(s.pid, when, inProcess)
	if m == nil {
		return nil
	}
	m.PeakRSSMB = max(s.peak, m.RSSMB)
	if ok && pm.hwm > 0 {
		m.HWMMB, m.HWMSince = pm.hwm, "process start"
		if s.hwmReset {
			m.HWMSince = "scenario start"
		}
	}
	return m
}

// memoryNow reads pid's RSS and, for the in-process server, the Go heap in
// use (which then includes the load generator's own heap) and, after a
// forced collection, the live heap and what the Go runtime has mapped in
// all (runtime/metrics).
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
		g := goMemory()
		m.GCLiveMB, m.HeapObjectsMB, m.GoTotalMB = g.live, g.objects, g.total
	}
	return m
}

// goMem is the Go runtime's view of this process, in MB.
type goMem struct {
	live    float64 // /gc/heap/live:bytes: the heap the last GC marked live
	objects float64 // /memory/classes/heap/objects:bytes: live and not yet swept objects
	total   float64 // /memory/classes/total:bytes: all the runtime has mapped
}

// goMemory reads runtime/metrics; call it right after runtime.GC for the
// figures of a collected heap.
func goMemory() goMem {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	mb := func(v metrics.Value) float64 {
		if v.Kind() != metrics.KindUint64 {
			return 0
		}
		return float64(v.Uint64()) / (1 << 20)
	}
	return goMem{live: mb(s[0].Value), objects: mb(s[1].Value), total: mb(s[2].Value)}
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
