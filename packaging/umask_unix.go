//go:build unix

package packaging

import (
	"os"
	"path/filepath"
	"sync"
)

// umask is the process's file mode creation mask, read once by creating
// a probe file (syscall.Umask would have to set it to read it, racing
// other goroutines that create files).
var umask = sync.OnceValue(func() os.FileMode {
	dir, err := os.MkdirTemp("", "cordwain-umask-")
	if err != nil {
		return 0o022
	}
	defer os.RemoveAll(dir)
	f, err := os.OpenFile(filepath.Join(dir, "probe"), os.O_CREATE|os.O_WRONLY, 0o666)
	if err != nil {
		return 0o022
	}
	st, err := f.Stat()
	f.Close()
	if err != nil {
		return 0o022
	}
	return 0o666 &^ st.Mode().Perm()
})
