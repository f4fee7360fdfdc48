// Package threadcpu reads the calling OS thread's CPU time, for benchmarks
// that report CPU beside wall time: on a loaded machine wall time is mostly
// waiting for a core. Lock the goroutine to its thread around a reading.
package threadcpu

import (
	"syscall"
	"time"
	"unsafe"
)

// Now is the calling thread's CPU time (user + system), from
// clock_gettime(CLOCK_THREAD_CPUTIME_ID): nanoseconds, unlike getrusage's
// per-thread figures, which are adjusted from ticks and can lag by
// milliseconds. 0 if the system refuses.
func Now() time.Duration {
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3 /* CLOCK_THREAD_CPUTIME_ID */, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
