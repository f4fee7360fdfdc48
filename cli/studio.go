package cli

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"cordwain/canvas/samples"
	"cordwain/models/store"
	"cordwain/p2p"
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
	st, err := store.Open(dataDir, store.Options{CheckAuthor: checkAuthor})
	if err != nil {
		return nil, nil, fmt.Errorf("opening the studio in %s: %w", dataDir, err)
	}
	id, err := loadIdentity(dataDir)
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

// checkAuthor binds a version's author to its signing key: libp2p peer IDs
// must derive from the key; the store itself checks the older
// "ed25519:<hex>" form.
func checkAuthor(peerID string, pubKey []byte) error {
	if strings.HasPrefix(peerID, "ed25519:") {
		return nil
	}
	return p2p.CheckAuthor(peerID, pubKey)
}

// loadIdentity reads (or creates) this machine's identity and gives it the
// libp2p peer ID of its key, which is how other studio machines will know
// it on the network.
func loadIdentity(dataDir string) (*store.Identity, error) {
	id, err := store.LoadOrCreateIdentity(dataDir)
	if err != nil {
		return nil, err
	}
	pid, err := p2p.PeerID(id.Key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	changed := id.PeerID != pid
	id.PeerID = pid
	if strings.TrimSpace(id.Name) == "" {
		// No login name in the environment (a service, some Windows
		// set-ups): the machine's name tells the studio who it was.
		if host, err := os.Hostname(); err == nil && host != "" {
			id.Name, changed = host, true
		}
	}
	if changed {
		if err := store.SaveIdentity(dataDir, id); err != nil {
			return nil, err
		}
	}
	return id, nil
}

// openDesign opens the studio and finds the design a command names (see
// pickDesign). The caller closes the store; on error it is already closed.
func openDesign(dataDir, nameOrID string) (*store.Store, *store.Identity, store.DesignInfo, error) {
	s, id, err := OpenStudio(dataDir)
	if err != nil {
		return nil, nil, store.DesignInfo{}, err
	}
	info, err := pickDesign(s, nameOrID)
	if err != nil {
		s.Close()
		return nil, nil, store.DesignInfo{}, err
	}
	return s, id, info, nil
}
