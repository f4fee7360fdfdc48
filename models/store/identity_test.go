package store

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateIdentity(t *testing.T) {
	dir := t.TempDir()
	a, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, IdentityFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi.Mode(), err)
	}
	b, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Key, b.Key) || a.PeerID != b.PeerID || a.Name != b.Name {
		t.Fatal("reloaded identity differs")
	}
	if a.PeerID != PeerIDFor(a.Key.Public().(ed25519.PublicKey)) {
		t.Fatalf("peer ID %s", a.PeerID)
	}
	os.WriteFile(filepath.Join(dir, IdentityFile), []byte("garbage"), 0o600)
	if _, err := LoadOrCreateIdentity(dir); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("damaged key file: %v", err)
	}
}
