package store

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"cordwain/models"
)

// IdentityFile is the name of the key file in the data directory.
const IdentityFile = "identity.pem"

const pemType = "CORDWAIN ED25519 SEED"

// Identity is who signs versions on this machine: an Ed25519 key, an
// opaque peer ID string and a display name. The peer ID is opaque to the
// store; until the p2p package supplies libp2p peer IDs it is
// "ed25519:" + hex of the public key (see [PeerIDFor]).
type Identity struct {
	Key    ed25519.PrivateKey
	PeerID string
	Name   string
}

// Author returns the identity as a version author.
func (id *Identity) Author() models.Author {
	return models.Author{PeerID: id.PeerID, Name: id.Name}
}

// PeerIDFor derives the default peer ID of a public key.
func PeerIDFor(pub ed25519.PublicKey) string { return "ed25519:" + hex.EncodeToString(pub) }

// NewIdentity makes an identity with a fresh key.
func NewIdentity(name string) (*Identity, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating identity key: %w", err)
	}
	return &Identity{Key: key, PeerID: PeerIDFor(key.Public().(ed25519.PublicKey)), Name: name}, nil
}

// LoadOrCreateIdentity reads dir/identity.pem, or creates it (mode 0600)
// with a new key and the user's login name as display name. The file is a
// PEM block holding the 32-byte Ed25519 seed, with "Name" and "Peer"
// headers.
func LoadOrCreateIdentity(dir string) (*Identity, error) {
	path := filepath.Join(dir, IdentityFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createIdentity(dir, path)
	}
	if err != nil {
		return nil, fmt.Errorf("loading identity: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != pemType || len(block.Bytes) != ed25519.SeedSize {
		return nil, fmt.Errorf("loading identity %s: %w: not a Cordwain key file", path, ErrCorrupt)
	}
	key := ed25519.NewKeyFromSeed(block.Bytes)
	id := &Identity{Key: key, PeerID: block.Headers["Peer"], Name: block.Headers["Name"]}
	if id.PeerID == "" {
		id.PeerID = PeerIDFor(key.Public().(ed25519.PublicKey))
	}
	return id, nil
}

func createIdentity(dir, path string) (*Identity, error) {
	name := os.Getenv("USER")
	if name == "" {
		name = os.Getenv("USERNAME")
	}
	id, err := NewIdentity(strings.TrimSpace(name))
	if err != nil {
		return nil, err
	}
	if err := SaveIdentity(dir, id); err != nil {
		return nil, err
	}
	return id, nil
}

// SaveIdentity writes id to dir/identity.pem with mode 0600, atomically.
func SaveIdentity(dir string, id *Identity) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving identity: %w", err)
	}
	block := &pem.Block{
		Type:    pemType,
		Headers: map[string]string{"Peer": id.PeerID, "Name": id.Name},
		Bytes:   id.Key.Seed(),
	}
	tmp, err := os.CreateTemp(dir, ".identity-*")
	if err != nil {
		return fmt.Errorf("saving identity: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("saving identity: %w", err)
	}
	if err := pem.Encode(tmp, block); err != nil {
		tmp.Close()
		return fmt.Errorf("saving identity: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("saving identity: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving identity: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, IdentityFile)); err != nil {
		return fmt.Errorf("saving identity: %w", err)
	}
	return nil
}
