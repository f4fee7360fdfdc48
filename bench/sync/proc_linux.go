// Linux only: the parent-death signal and inotify.

package main

import (
	"bytes"
	"encoding/binary"
	"syscall"
)

// childAttr makes a child get SIGTERM when this process dies.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// inotify reports names moved into or closed after writing in dir.
func inotify(dir string) (<-chan string, func(), error) {
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC)
	if err != nil {
		return nil, nil, err
	}
	if _, err := syscall.InotifyAddWatch(fd, dir, syscall.IN_MOVED_TO|syscall.IN_CLOSE_WRITE); err != nil {
		syscall.Close(fd)
		return nil, nil, err
	}
	ch := make(chan string, 256)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := syscall.Read(fd, buf)
			if err != nil || n <= 0 {
				close(ch)
				return
			}
			for off := 0; off+16 <= n; {
				l := int(binary.LittleEndian.Uint32(buf[off+12:]))
				name := string(bytes.TrimRight(buf[off+16:off+16+l], "\x00"))
				ch <- name
				off += 16 + l
			}
		}
	}()
	return ch, func() { syscall.Close(fd) }, nil
}
