package main

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// pct returns the p-th percentile (0..100) of ds, nearest rank.
func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	}
}

func mib(kb int64) string { return fmt.Sprintf("%.1f MiB", float64(kb)/1024) }

// status reads a field (in kB) of /proc/<pid>/status; pid "self" for us.
func status(pid, field string) int64 {
	f, err := os.Open(filepath.Join("/proc", pid, "status"))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == field {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return -1
}

// peakRSS measures how far our RSS rises above its level at start while fn
// runs. It resets VmHWM (clear_refs 5) when the kernel allows and also
// samples VmRSS, taking the larger: sampling alone can miss a short spike.
func peakRSS(fn func() error) (growthKB int64, err error) {
	runtime.GC()
	debug.FreeOSMemory()
	base := status("self", "VmRSS")
	hwmReset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	var peak atomic.Int64
	peak.Store(base)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if v := status("self", "VmRSS"); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	err = fn()
	close(stop)
	wg.Wait()
	p := peak.Load()
	if hwmReset {
		p = max(p, status("self", "VmHWM"))
	}
	return p - base, err
}

// profile starts a CPU profile for a section when -cpuprofile-dir is set.
func (b *bench) profile(name string) func() {
	if b.cpuprof == "" {
		return func() {}
	}
	os.MkdirAll(b.cpuprof, 0o755)
	path := filepath.Join(b.cpuprof, name+".pprof")
	f, err := os.Create(path)
	if err != nil {
		log.Printf("profile: %v", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close(); log.Printf("cpu profile: %s", path) }
}

// cpuTime is the CPU this process has used (user + system), all threads:
// on a shared machine it moves far less with the load than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
