package main

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"
)

// closeReportAfter is how long closing may take before the window reports
// what it is waiting for.
const closeReportAfter = 15 * time.Second

// closeWatch reports a close that hangs: once the window is closed, if the
// process is still closing after a while, it writes the stage it is in and
// every goroutine's stack to stderr, so a hang on a user's machine (or a
// CI run) says where it is instead of leaving a process that never exits.
// It only reports; it never ends the process itself.
type closeWatch struct {
	w     io.Writer
	after time.Duration

	mu      sync.Mutex
	timer   *time.Timer
	now     string // the stage closing is in
	stopped bool
}

func newCloseWatch(w io.Writer, after time.Duration) *closeWatch {
	return &closeWatch{w: w, after: after}
}

// start arms the report (once; later calls only name the stage if none is
// set yet).
func (c *closeWatch) start(stage string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped || c.timer != nil {
		return
	}
	c.now = stage
	c.timer = time.AfterFunc(c.after, c.report)
}

// stage names what closing waits for now.
func (c *closeWatch) stage(s string) {
	c.mu.Lock()
	c.now = s
	c.mu.Unlock()
}

// stop disarms the report: closing finished.
func (c *closeWatch) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.timer != nil {
		c.timer.Stop()
	}
}

func (c *closeWatch) report() {
	c.mu.Lock()
	stage, stopped := c.now, c.stopped
	c.mu.Unlock()
	if stopped {
		return
	}
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) || len(buf) >= 64<<20 {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	fmt.Fprintf(c.w, "cordwain: still closing %v after the window closed, waiting for %s; its goroutines:\n%s\n",
		c.after, stage, buf)
}
