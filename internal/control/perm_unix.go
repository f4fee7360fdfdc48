//go:build unix

package control

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// chmodSocket makes the socket file owner-only: connecting to a Unix
// socket needs write permission on it.
func chmodSocket(addr string) error { return os.Chmod(addr, 0o600) }

// checkPrivateDir accepts a real directory (not a symbolic link) owned by
// this user that nobody else can enter.
func checkPrivateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return errors.New("not a directory")
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("open to other users (mode %v)", fi.Mode().Perm())
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("owned by user %d, not %d", st.Uid, os.Getuid())
	}
	return nil
}
