package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// IdentityRecord notes a signing identity this studio's machine has used:
// its peer ID and name, when it was first used here, and why a new one
// replaced an older one. A studio remembers them so that a lost key file
// is noticed instead of silently replaced.
type IdentityRecord struct {
	PeerID string `cbor:"peer"`
	Name   string `cbor:"name"`
	Since  int64  `cbor:"since"` // Unix milliseconds
	Note   string `cbor:"note,omitempty"`
}

var identityPrefix = []byte("identity\x00")

// RecordIdentity remembers id as a signing identity of this machine
// (once; a known peer ID is a no-op).
func (s *Store) RecordIdentity(rec IdentityRecord) error {
	for _, r := range s.Identities() {
		if r.PeerID == rec.PeerID {
			return nil
		}
	}
	b, err := models.Canonical(rec)
	if err != nil {
		return fmt.Errorf("recording identity: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.closed.Load() {
		return ErrClosed
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		key := append(bytes.Clone(identityPrefix), rec.PeerID...)
		return tx.Bucket(bucketMeta).Put(key, b)
	})
}

// Identities lists the signing identities this machine has used in the
// studio, oldest first.
func (s *Store) Identities() []IdentityRecord {
	var out []IdentityRecord
	_ = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketMeta).Cursor()
		for k, v := c.Seek(identityPrefix); k != nil && bytes.HasPrefix(k, identityPrefix); k, v = c.Next() {
			var r IdentityRecord
			if models.DecodeCanonical(v, &r) == nil {
				out = append(out, r)
			}
		}
		return nil
	})
	for i := 1; i < len(out); i++ { // few records: insertion sort by time
		for j := i; j > 0 && out[j].Since < out[j-1].Since; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// SignedBy reports whether the studio holds a version signed by an author
// of that display name.
func (s *Store) SignedBy(name string) bool {
	_ = s.ensureAll() // rare: only when the key file is gone
	it, err := s.mem.Txn(false).Get(tableVersions, indexID)
	if err != nil {
		return false
	}
	for o := it.Next(); o != nil; o = it.Next() {
		v := o.(*models.Version)
		if len(v.PubKey) != 0 && v.Author.Name == name {
			return true
		}
	}
	return false
}
