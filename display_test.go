//go:build linux || freebsd || openbsd || netbsd || dragonfly

package main

import (
	"bytes"
	"strings"
	"testing"
)

// Without a display the window does not start: a clear message and exit
// status 1, not GLFW's panic.
func TestNoDisplayIsAClearError(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	var out, errb bytes.Buffer
	status := run([]string{"--data", t.TempDir()}, strings.NewReader(""), &out, &errb)
	if status != 1 || !strings.Contains(errb.String(), "no display") {
		t.Fatalf("status %d, stderr %q", status, errb.String())
	}
}
