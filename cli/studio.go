package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"cordwain/canvas/samples"
	"cordwain/models/store"
)

// OpenStudio opens the studio store in dataDir and this machine's signing
// identity. A studio created by this call is seeded with the built-in
// sample designs, one signed version each, so a first start shows
// something to work on; a studio whose designs were all deleted stays empty.
func OpenStudio(dataDir string) (*store.Store, *store.Identity, error) {
	if info, err := os.Stat(dataDir); err == nil && !info.IsDir() {
		return nil, nil, fmt.Errorf("opening the studio: %s is a file, not a directory", dataDir)
	}
	_, err := os.Stat(filepath.Join(dataDir, store.FileName))
	fresh := errors.Is(err, fs.ErrNotExist)
	st, err := store.Open(dataDir, store.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("opening the studio in %s: %w", dataDir, err)
	}
	id, err := store.LoadOrCreateIdentity(dataDir)
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("opening the studio in %s: %w", dataDir, err)
	}
	if fresh {
		for _, d := range samples.All() {
			if _, err := st.CommitDesign("main", d, "Sample design "+d.Meta.StyleNo, id); err != nil {
				st.Close()
				return nil, nil, fmt.Errorf("creating the sample studio in %s: %w", dataDir, err)
			}
		}
	}
	return st, id, nil
}
