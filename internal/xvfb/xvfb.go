// Package xvfb gives the GUI smoke tests (internal/smoke, internal/winsmoke)
// a virtual X display and a way to tell a drawn window from a blank one.
package xvfb

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Start starts Xvfb on a display number it picks itself (-displayfd, so
// stale sockets of killed servers do not matter) and returns its name.
// Xvfb is stopped with SIGTERM when the test ends, so it removes its
// socket and lock.
func Start(t testing.TB) string {
	t.Helper()
	// A display that takes no connection (seen once in CI: a client
	// found no server on the display Xvfb had just reported) is given
	// up and another server started.
	for attempt := 1; ; attempt++ {
		disp, stop := startOnce(t)
		if accepts(disp, 5*time.Second) {
			t.Cleanup(stop)
			return disp
		}
		stop()
		if attempt == 3 {
			t.Fatalf("Xvfb reported display %s three times, and it took no connection", disp)
		}
		t.Logf("Xvfb display %s took no connection; starting another", disp)
	}
}

// accepts says whether the X server of display (":N") completes an X
// connection setup on its socket within wait: a socket that takes a
// connection is not yet a server that answers one (CI twice saw a window
// fail to open a display whose socket had just taken a connection).
func accepts(display string, wait time.Duration) bool {
	path := socketPath(display)
	deadline := time.Now().Add(wait)
	for {
		if handshake(path, time.Second) == nil {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Check says whether display's server answers an X connection setup
// now (for a test's report when a window could not open it).
func Check(display string) error { return handshake(socketPath(display), time.Second) }

// socketPath is the Unix socket of display (":N").
func socketPath(display string) string {
	return "/tmp/.X11-unix/X" + strings.TrimPrefix(display, ":")
}

// handshake sends the X11 connection setup (little-endian, protocol 11.0,
// no authorisation) and reads the first byte of the reply: 1 is Success.
func handshake(path string, timeout time.Duration) error {
	c, err := net.DialTimeout("unix", path, timeout)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	setup := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := c.Write(setup); err != nil {
		return err
	}
	var reply [1]byte
	if _, err := io.ReadFull(c, reply[:]); err != nil {
		return err
	}
	if reply[0] != 1 {
		return fmt.Errorf("X connection setup refused (status %d)", reply[0])
	}
	return nil
}

// startOnce starts one Xvfb and returns its display and the function that
// stops it (SIGTERM, so it removes its socket and lock).
func startOnce(t testing.TB) (string, func()) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// -noreset: the server does not reset when its last client leaves
	// (the readiness check's handshake is a client), so a window that
	// connects just then does not meet a server in the middle of a reset.
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1440x900x24", "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Xvfb: %v", err)
	}
	w.Close()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	num := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		num <- strings.TrimSpace(line)
	}()
	select {
	case n := <-num:
		if n == "" {
			stop()
			t.Fatal("Xvfb exited without opening a display")
		}
		return ":" + n, stop
	case <-time.After(30 * time.Second):
		stop()
		t.Fatal("Xvfb did not come up in 30 s")
	}
	return "", stop
}

// Stats counts the distinct colours of an image (every other pixel) and
// the share of the most common one: a blank window has few colours and
// one that covers nearly everything.
func Stats(img image.Image) (distinct int, topShare float64) {
	counts := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bb, _ := img.At(x, y).RGBA()
			counts[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bb >> 8), 0}]++
		}
	}
	total, top := 0, 0
	for _, n := range counts {
		total += n
		if n > top {
			top = n
		}
	}
	return len(counts), float64(top) / float64(total)
}
