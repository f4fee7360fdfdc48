package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	fyneapp "fyne.io/fyne/v2/app"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A close that hangs says which stage it waits in and where every
// goroutine is.
func TestCloseWatchReportsAHang(t *testing.T) {
	var out syncBuffer
	exited := make(chan int, 1)
	c := newCloseWatch(&out, 20*time.Millisecond, 200*time.Millisecond, func(code int) { exited <- code })
	c.start("the window's event loop")
	c.stage("the studio's store")
	blocked := make(chan struct{})
	defer close(blocked)
	go func() { hangingCloseForTest(blocked) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "hangingCloseForTest") {
		if time.Now().After(deadline) {
			t.Fatalf("no report of the hang after 10 s: %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if s := out.String(); !strings.Contains(s, "waiting for the studio's store") {
		t.Fatalf("the report does not name the stage:\n%s", s)
	}
	select {
	case code := <-exited:
		if code != 3 {
			t.Fatalf("gave up with status %d, want 3", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a close that hangs was never given up")
	}
	if s := out.String(); !strings.Contains(s, "exiting without waiting more") {
		t.Fatalf("giving up is not said:\n%s", s)
	}
	c.stop()
}

//go:noinline
func hangingCloseForTest(ch chan struct{}) { <-ch }

// A close that finishes in time reports nothing.
func TestCloseWatchQuietWhenClosed(t *testing.T) {
	var out syncBuffer
	c := newCloseWatch(&out, 20*time.Millisecond, 40*time.Millisecond, func(int) { t.Error("a close that finished was given up") })
	c.start("the window's event loop")
	c.stop()
	c.start("again") // after stop: stays disarmed
	time.Sleep(100 * time.Millisecond)
	if s := out.String(); s != "" {
		t.Fatalf("a close that finished was reported: %q", s)
	}
}

// Fyne is left with no function to run when it stops (it would queue
// them where shutdown can lose them and wait for ever), and the ones it
// had come back to be run after the window's loop.
func TestTakeStopHooks(t *testing.T) {
	a := fyneapp.NewWithID("studio.cordwain.test.stophooks")
	ran := false
	a.Lifecycle().SetOnStopped(func() { ran = true })
	f := takeStopHooks(a)
	h, ok := a.Lifecycle().(stopHooks)
	if !ok {
		t.Fatal("Fyne's lifecycle no longer has the stop hooks this depends on: check takeStopHooks against the Fyne version")
	}
	if h.OnStopped() != nil {
		t.Fatal("Fyne still has a function to run when it stops")
	}
	if f == nil {
		t.Fatal("the stop functions were not handed back")
	}
	f()
	if !ran {
		t.Fatal("the handed-back function does not run what was set with SetOnStopped")
	}
}
