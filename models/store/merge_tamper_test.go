package store

import (
	"errors"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A merge looks manifests up in their stored bytes and skips the hash of
// one this process already checked; a fresh process has checked none, so
// a flipped byte in a side's stored manifest is still ErrCorrupt, and
// nothing is written.
func TestFlippedManifestCaughtByMerge(t *testing.T) {
	alice := testIdentity(1, "Alice")
	dir := t.TempDir()
	s := openTest(t, dir)
	base, err := s.Commit("d", DefaultBranch, snap(t, "Derby", 20, "0000000000000a01", "0000000000000a02"), "base", alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Branch("d", "x", base.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit("d", DefaultBranch, snap(t, "Derby", 21, "0000000000000a01", "0000000000000a02"), "main", alice); err != nil {
		t.Fatal(err)
	}
	x, err := s.Commit("d", "x", snap(t, "Derby", 22, "0000000000000a01", "0000000000000a02", "0000000000000a03"), "x", alice)
	if err != nil {
		t.Fatal(err)
	}
	var raw []byte
	s.db.View(func(tx *bolt.Tx) error {
		raw = append(raw, tx.Bucket(bucketManifests).Get(x.Root[:])...)
		return nil
	})
	if len(raw) < 40 {
		t.Fatalf("manifest of %d bytes", len(raw))
	}
	mainHead, _ := s.Head("d", DefaultBranch)
	s.Close()
	flipInFile(t, dir, raw, len(raw)-3) // inside the last entry's hash

	// An eager open refuses the file; the lazy open the window and the
	// commands use reads manifests when needed: the merge must catch it.
	if s, err := Open(dir, Options{}); err == nil || !errors.Is(err, ErrCorrupt) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("eager open: %v, want ErrCorrupt", err)
	}
	s, err = Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.MergeHeads("d", DefaultBranch, x.ID)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("merging over a flipped manifest: %v, want ErrCorrupt", err)
	}
	if h, _ := s.Head("d", DefaultBranch); h == nil || h.ID != mainHead.ID {
		t.Fatalf("main moved to %v", h)
	}
}
