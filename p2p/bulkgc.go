package p2p

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// A transfer of many designs (a new peer's first pull, and the answering
// side of it) makes garbage at a high rate: frames, decoded versions and
// elements, each dropped once stored. With the default GOGC the collector
// then runs about a sixth of the receiver's CPU. While such a transfer
// runs the process collects at a higher GOGC (bulkGCPercent), under a
// soft memory limit (unless one is already set) so a very large studio
// does not grow the heap without bound: bulkMemoryLimit, or twice the
// live heap when that is more, so a process that already holds a large
// studio does not collect without pause at the limit. Both are put back
// when the last transfer ends.
const (
	bulkGCPercent = 300
	// bulkDesigns is how many designs a transfer moves before it counts
	// as bulk.
	bulkDesigns = 8
)

// bulkMemoryLimit is the soft memory limit of a transfer, at the least.
var bulkMemoryLimit int64 = 512 << 20

var bulk struct {
	mu       sync.Mutex
	n        int
	gc       int
	limit    int64
	setLimit bool
}

// bulkGC switches the process to bulk collection and returns the function
// that ends it (call it once).
func bulkGC() func() {
	bulk.mu.Lock()
	defer bulk.mu.Unlock()
	if bulk.n == 0 {
		bulk.gc = debug.SetGCPercent(bulkGCPercent)
		if bulk.gc > bulkGCPercent || bulk.gc < 0 {
			debug.SetGCPercent(bulk.gc) // already collecting less often
		}
		bulk.limit = debug.SetMemoryLimit(-1)
		bulk.setLimit = bulk.limit == math.MaxInt64
		if bulk.setLimit {
			debug.SetMemoryLimit(max(bulkMemoryLimit, 2*liveHeap()))
		}
	}
	bulk.n++
	return sync.OnceFunc(func() {
		bulk.mu.Lock()
		defer bulk.mu.Unlock()
		bulk.n--
		if bulk.n == 0 {
			debug.SetGCPercent(bulk.gc)
			if bulk.setLimit {
				debug.SetMemoryLimit(bulk.limit)
			}
		}
	})
}

// liveHeap is the heap the last collection found live, in bytes.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(min(s[0].Value.Uint64(), math.MaxInt64/4))
}
