// Package p2p is Cordwain's studio networking over libp2p: the machine's
// peer identity (the same Ed25519 key that signs versions), the studio key
// that keeps outsiders out, and invite codes that carry it.
//
// The sync protocol itself (/cordwain/sync/1.0.0), discovery and presence
// are not built yet; what is here is what the store and the invite flow
// need first.
package p2p

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// ErrAuthorMismatch reports a version whose signing key is not the key of
// the peer ID it claims as author.
var ErrAuthorMismatch = errors.New("author's peer ID does not belong to the signing key")

// PeerID is the libp2p peer ID of an Ed25519 public key. For Ed25519 the
// ID embeds the key itself, so anyone can check a claimed author.
func PeerID(pub ed25519.PublicKey) (string, error) {
	if len(pub) != ed25519.PublicKeySize {
		return "", fmt.Errorf("peer ID: public key is %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	pk, err := crypto.UnmarshalEd25519PublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("peer ID: %w", err)
	}
	id, err := peer.IDFromPublicKey(pk)
	if err != nil {
		return "", fmt.Errorf("peer ID: %w", err)
	}
	return id.String(), nil
}

// HostKey converts the studio identity's Ed25519 key for a libp2p host, so
// the host's peer ID is the author ID on this machine's versions.
func HostKey(key ed25519.PrivateKey) (crypto.PrivKey, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("host key: private key is %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	k, err := crypto.UnmarshalEd25519PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	return k, nil
}

// CheckAuthor accepts a version's (author peer ID, public key) pair only
// when the peer ID is a libp2p ID derived from exactly that key. It has the
// shape of the store's Options.CheckAuthor hook.
func CheckAuthor(peerID string, pubKey []byte) error {
	key := strconv.Itoa(len(peerID)) + ":" + peerID + string(pubKey)
	if _, ok := checkedAuthors.Load(key); ok {
		return nil
	}
	if err := checkAuthor(peerID, pubKey); err != nil {
		return err
	}
	if checkedAuthorsN.Add(1) > maxCheckedAuthors {
		checkedAuthors.Clear()
		checkedAuthorsN.Store(0)
	}
	checkedAuthors.Store(key, struct{}{})
	return nil
}

// A studio has few authors, and every version received is checked: the
// pairs that passed are remembered (a pure function of the pair).
var (
	checkedAuthors  sync.Map // len(peer ID) ":" peer ID, key → struct{}
	checkedAuthorsN atomic.Int64
)

const maxCheckedAuthors = 4096

func checkAuthor(peerID string, pubKey []byte) error {
	id, err := peer.Decode(peerID)
	if err != nil {
		return fmt.Errorf("%w: %q is not a peer ID: %v", ErrAuthorMismatch, peerID, err)
	}
	want, err := PeerID(pubKey)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrAuthorMismatch, err)
	}
	if id.String() != want {
		return fmt.Errorf("%w: %s signed by the key of %s", ErrAuthorMismatch, id, want)
	}
	return nil
}

func decodePeer(s string) (peer.ID, error) { return peer.Decode(s) }
