package p2p

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

// Bulk collection nests, and the last end puts GOGC and the memory limit
// back as they were.
func TestBulkGCRestores(t *testing.T) {
	prev := debug.SetGCPercent(120)
	defer debug.SetGCPercent(prev)
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(prevLimit)

	end1 := bulkGC()
	if got := gcPercent(); got != bulkGCPercent {
		t.Fatalf("GOGC during a transfer = %d, want %d", got, bulkGCPercent)
	}
	if got, want := debug.SetMemoryLimit(-1), max(bulkMemoryLimit, 2*liveHeap()); got < bulkMemoryLimit || got > want {
		t.Fatalf("memory limit during a transfer = %d, want %d", got, want)
	}
	end2 := bulkGC()
	end1()
	end1() // a second call does nothing
	if got := gcPercent(); got != bulkGCPercent {
		t.Fatalf("GOGC with one transfer left = %d, want %d", got, bulkGCPercent)
	}
	end2()
	if got := gcPercent(); got != 120 {
		t.Fatalf("GOGC after the transfers = %d, want 120", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("memory limit after the transfers = %d, want none", got)
	}

	// A process that already collects less often keeps its setting.
	debug.SetGCPercent(500)
	end := bulkGC()
	if got := gcPercent(); got != 500 {
		t.Fatalf("GOGC 500 became %d during a transfer", got)
	}
	end()
}

// gcPercent reads GOGC (SetGCPercent is the only way, so it sets it back).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// A process that holds more live heap than the bulk limit gets a limit
// above it, so it does not collect without pause.
func TestBulkGCLimitAboveLiveHeap(t *testing.T) {
	prevLimit := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(prevLimit)
	floor := bulkMemoryLimit
	bulkMemoryLimit = 32 << 20 // under what the test holds
	defer func() { bulkMemoryLimit = floor }()
	hold := make([]byte, 64<<20)
	for i := range hold {
		hold[i] = byte(i)
	}
	runtime.GC()
	live := liveHeap()
	if live < 64<<20 {
		t.Fatalf("live heap %d after holding 64 MiB", live)
	}
	end := bulkGC()
	defer end()
	if got := debug.SetMemoryLimit(-1); got < 2*live {
		t.Fatalf("limit %d under twice the live heap %d", got, live)
	}
	runtime.KeepAlive(hold)
}
