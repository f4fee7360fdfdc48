//go:build !unix

package packaging

import "os"

// umask is 0 where files have no Unix permission bits.
func umask() os.FileMode { return 0 }
