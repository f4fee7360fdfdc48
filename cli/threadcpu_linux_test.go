package cli

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPU is the calling thread's CPU time (the test locks its
// goroutine to the thread): on a loaded machine wall time is mostly
// waiting for a core.
func threadCPU() time.Duration {
	// clock_gettime(CLOCK_THREAD_CPUTIME_ID): the thread's run time in
	// nanoseconds (getrusage's per-thread figures are adjusted from ticks
	// and can lag by milliseconds).
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3 /* CLOCK_THREAD_CPUTIME_ID */, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
