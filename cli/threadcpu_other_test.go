//go:build !linux

package cli

import "time"

// threadCPU is the calling thread's CPU time where the system tells it
// cheaply (Linux); elsewhere 0, and the figures report wall time only.
func threadCPU() time.Duration { return 0 }
