package store

import (
	"crypto/ed25519"
	"errors"
	"sync/atomic"
	"testing"

	"cordwain/models"
)

// fakeWall is an injectable wall clock: each reading is 1 ms after the
// last, from a fixed start, so tests are deterministic.
type fakeWall struct{ ms atomic.Int64 }

func newFakeWall() *fakeWall {
	w := &fakeWall{}
	w.ms.Store(1_780_000_000_000)
	return w
}

func (w *fakeWall) now() int64 { return w.ms.Add(1) }

func openTest(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{Wall: newFakeWall().now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openMembersOnly is a fresh store whose only accepted author
// (Options.CheckAuthor, as a studio's member list) is peerID.
func openMembersOnly(t testing.TB, peerID string) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), Options{Wall: newFakeWall().now, CheckAuthor: func(id string, _ []byte) error {
		if id != peerID {
			return errors.New("not a member")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testIdentity derives a fixed identity from a one-byte seed.
func testIdentity(seed byte, name string) *Identity {
	s := make([]byte, ed25519.SeedSize)
	s[0] = seed
	key := ed25519.NewKeyFromSeed(s)
	return &Identity{Key: key, PeerID: PeerIDFor(key.Public().(ed25519.PublicKey)), Name: name}
}

func cb(t testing.TB, v any) []byte {
	t.Helper()
	b, err := models.Canonical(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// snap builds a small snapshot directly: a meta element with a name and a
// last with a heel height, plus extra pieces named by ID.
func snap(t testing.TB, name string, heel float64, pieces ...string) models.Snapshot {
	t.Helper()
	s := models.Snapshot{
		models.MetaID: {ID: models.MetaID, Kind: models.KindMeta, Props: models.Props{"name": cb(t, name)}},
		models.LastID: {ID: models.LastID, Kind: models.KindLast, Props: models.Props{"heel_height": cb(t, heel)}},
	}
	for _, p := range pieces {
		id := models.ID(p)
		s[id] = models.Element{ID: id, Kind: models.KindPiece, Props: models.Props{"name": cb(t, p)}}
	}
	return s
}

func heelOf(t testing.TB, s models.Snapshot) float64 {
	t.Helper()
	var h float64
	if err := models.DecodeCanonical(s[models.LastID].Props["heel_height"], &h); err != nil {
		t.Fatalf("heel_height: %v", err)
	}
	return h
}
