package main

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"
)

// closeReportAfter is how long closing may take before the window reports
// what it is waiting for; closeGiveUpAfter, before the process ends
// without waiting more (everything committed is already durable: a
// commit is acknowledged only once the store's file is synced, and the
// studio's lock goes with the process).
const (
	closeReportAfter = 15 * time.Second
	closeGiveUpAfter = 60 * time.Second
)

// closeWatch reports a close that hangs: once the window is closed, if the
// process is still closing after a while, it writes the stage it is in and
// every goroutine's stack to stderr, so a hang on a user's machine (or a
// CI run) says where it is instead of leaving a process that never exits.
// If closing still has not finished after giveUp, it says so and ends the
// process with status 3 (exit), rather than leave a process that holds
// the studio and never exits.
type closeWatch struct {
	w      io.Writer
	after  time.Duration
	giveUp time.Duration
	exit   func(int)

	mu      sync.Mutex
	timer   *time.Timer
	last    *time.Timer
	now     string // the stage closing is in
	stopped bool
}

func newCloseWatch(w io.Writer, after, giveUp time.Duration, exit func(int)) *closeWatch {
	return &closeWatch{w: w, after: after, giveUp: giveUp, exit: exit}
}

// start arms the report and the giving up, in that stage (once: later
// calls do nothing).
func (c *closeWatch) start(stage string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped || c.timer != nil {
		return
	}
	c.now = stage
	c.timer = time.AfterFunc(c.after, c.report)
	c.last = time.AfterFunc(c.giveUp, c.end)
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
		c.last.Stop()
	}
}

// pending is the stage closing waits in; false once it has finished.
func (c *closeWatch) pending() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now, !c.stopped
}

// end gives up waiting for a close that hangs.
func (c *closeWatch) end() {
	stage, ok := c.pending()
	if !ok {
		return
	}
	fmt.Fprintf(c.w, "cordwain: still closing %v after the window closed, waiting for %s: exiting without waiting more\n", c.giveUp, stage)
	c.exit(3)
}

func (c *closeWatch) report() {
	stage, ok := c.pending()
	if !ok {
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
