//go:build !linux

package main

import (
	"errors"
	"syscall"
)

// childAttr: other systems have no parent-death signal; an interrupted
// run may leave its children to be stopped by hand.
func childAttr() *syscall.SysProcAttr { return nil }

// inotify is Linux's; the Syncthing comparison needs it.
func inotify(dir string) (<-chan string, func(), error) {
	return nil, nil, errors.New("the Syncthing comparison needs Linux (inotify)")
}
