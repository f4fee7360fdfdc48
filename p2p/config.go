package p2p

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Files of a studio machine's network set-up, in the data directory.
const (
	// KeyFile holds the studio key in libp2p's swarm key v1 format
	// (owner-only).
	KeyFile = "studio.key"
	// StudioFile holds the studio's name and this machine's network
	// settings.
	StudioFile = "studio.json"
	// DefaultPort is the TCP port a studio machine listens on unless told
	// otherwise (another free port is taken when it is busy), so an
	// invite made while Cordwain is not running still names a port.
	DefaultPort = 4717
)

// ErrNoStudio: this data directory has not created or joined a studio.
var ErrNoStudio = errors.New("no studio set up here: `cordwain studio create NAME` or `cordwain studio join CODE`")

// Settings are a machine's network settings for its studio.
type Settings struct {
	Name string `json:"name"`           // the studio's name
	Port int    `json:"port,omitempty"` // TCP port to listen on (0: DefaultPort)
}

// LoadStudio reads the studio this data directory belongs to.
func LoadStudio(dir string) (*Studio, Settings, error) {
	var set Settings
	raw, err := os.ReadFile(filepath.Join(dir, StudioFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, set, ErrNoStudio
	}
	if err != nil {
		return nil, set, fmt.Errorf("reading the studio: %w", err)
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, set, fmt.Errorf("reading %s: %w", StudioFile, err)
	}
	key, err := os.ReadFile(filepath.Join(dir, KeyFile))
	if err != nil {
		return nil, set, fmt.Errorf("reading the studio key: %w", err)
	}
	st, err := UnmarshalPSK(set.Name, key)
	if err != nil {
		return nil, set, err
	}
	if set.Port == 0 {
		set.Port = DefaultPort
	}
	return st, set, nil
}

// SaveStudio writes the studio key (owner-only) and settings, each
// atomically.
func SaveStudio(dir string, st *Studio, set Settings) error {
	set.Name = st.Name
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving the studio: %w", err)
	}
	js, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, KeyFile), st.MarshalPSK()); err != nil {
		return fmt.Errorf("saving the studio key: %w", err)
	}
	if err := writeAtomic(filepath.Join(dir, StudioFile), append(js, '\n')); err != nil {
		return fmt.Errorf("saving the studio: %w", err)
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
