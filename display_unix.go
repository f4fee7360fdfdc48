//go:build linux || freebsd || openbsd || netbsd || dragonfly

package main

import (
	"errors"
	"os"
)

// noDisplay says why the window cannot open on an X11/Wayland system
// without a display (a server, an SSH session): GLFW would otherwise
// fail with a panic.
func noDisplay() error {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); the commands work without one: cordwain help")
	}
	return nil
}
