//go:build !linux

package store

import "time"

// threadCPU is the calling thread's CPU time where the system tells it
// cheaply (Linux); elsewhere 0, and the figures report wall time only.
func threadCPU() time.Duration { return 0 }
