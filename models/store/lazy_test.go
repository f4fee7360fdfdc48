package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// A lazy open reads no history, yet nothing that changed in the file gets
// through: a version is verified when it enters and sealed; a design's
// versions are checked against their seals when first read.

func lazyStore(t *testing.T, n int) (string, []*models.Version) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	a := testIdentity(1, "A")
	var vs []*models.Version
	for i := range n {
		v, err := s.Commit("d", DefaultBranch, snap(t, "Loafer", float64(i)), fmt.Sprintf("UNIQUE-MESSAGE-%03d", i), a)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if _, err := s.Commit("other", DefaultBranch, snap(t, "Derby", 1), "other design", a); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return dir, vs
}

func flipAll(t *testing.T, dir string, what []byte) {
	t.Helper()
	path := filepath.Join(dir, FileName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, what) {
		t.Fatalf("%q not in the file", what)
	}
	flipped := bytes.Clone(what)
	flipped[0] ^= 0x20 // 'U' → 'u': still valid CBOR, different content
	if err := os.WriteFile(path, bytes.ReplaceAll(data, what, flipped), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A flipped byte in an old version (the 4th of 60) is caught when its
// design is read, by the seal instead of the signature; other designs
// still read, the damaged one stays refused, and nothing is written.
func TestLazyOpenCatchesAFlippedByteInAnOldVersion(t *testing.T) {
	for _, ro := range []bool{false, true} {
		dir, vs := lazyStore(t, 60)
		flipAll(t, dir, []byte("UNIQUE-MESSAGE-003"))
		path := filepath.Join(dir, FileName)
		sum := fileSum(t, path)
		s, err := Open(dir, Options{Lazy: true, ReadOnly: ro})
		if err != nil {
			t.Fatalf("lazy open: %v", err)
		}
		if got := len(s.Designs()); got != 2 {
			t.Fatalf("%d designs", got)
		}
		if h := s.History("other"); len(h) != 1 {
			t.Fatalf("the intact design: %d versions", len(h))
		}
		err = s.LoadDesign("d")
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), short(vs[3].ID)) {
			t.Fatalf("load of the damaged design: %v (want ErrCorrupt naming %s)", err, short(vs[3].ID))
		}
		if _, err := s.Head("d", DefaultBranch); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("head of the damaged design: %v", err)
		}
		if _, err := s.Commit("d", DefaultBranch, snap(t, "Loafer", 99), "on damage", testIdentity(1, "A")); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("commit on the damaged design: %v", err)
		}
		if len(s.History("d")) != 0 {
			t.Fatal("the damaged design lists versions")
		}
		s.Close()
		if fileSum(t, path) != sum {
			t.Fatalf("read-only %v: the lazy open changed the file", ro)
		}
	}
}

// Every kind of damage an eager open reports is reported by a lazy one
// when the design is read.
func TestLazyOpenDetectsDamage(t *testing.T) {
	cases := map[string]func(t *testing.T, dir string, vs []*models.Version){
		"tampered signature": func(t *testing.T, dir string, vs []*models.Version) {
			rewrite(t, dir, func(tx *bolt.Tx) error {
				v := cloneVersion(vs[3])
				v.Signature[0] ^= 1
				enc, _ := EncodeVersion(v)
				return tx.Bucket(bucketVersions).Put([]byte(v.ID), enc)
			})
		},
		"re-signed by another key under the old ID": func(t *testing.T, dir string, vs []*models.Version) {
			rewrite(t, dir, func(tx *bolt.Tx) error {
				v := cloneVersion(vs[1])
				v.Message = "forged"
				Sign(v, testIdentity(9, "M").Key)
				enc, _ := EncodeVersion(v)
				return tx.Bucket(bucketVersions).Put([]byte(vs[1].ID), enc)
			})
		},
		"flipped seal": func(t *testing.T, dir string, vs []*models.Version) {
			rewrite(t, dir, func(tx *bolt.Tx) error {
				b := tx.Bucket(bucketIndex)
				k := indexKey("d", vs[2].ID)
				seal := bytes.Clone(b.Get(k))
				seal[5] ^= 1
				return b.Put(k, seal)
			})
		},
		"missing parent": func(t *testing.T, dir string, vs []*models.Version) {
			rewrite(t, dir, func(tx *bolt.Tx) error {
				tx.Bucket(bucketIndex).Delete(indexKey("d", vs[0].ID))
				return tx.Bucket(bucketVersions).Delete([]byte(vs[0].ID))
			})
		},
		"version gone, index left": func(t *testing.T, dir string, vs []*models.Version) {
			rewrite(t, dir, func(tx *bolt.Tx) error { return tx.Bucket(bucketVersions).Delete([]byte(vs[2].ID)) })
		},
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			dir, vs := lazyStore(t, 5)
			damage(t, dir, vs)
			s, err := Open(dir, Options{Lazy: true, ReadOnly: true})
			if err != nil {
				t.Fatalf("lazy open: %v", err)
			}
			defer s.Close()
			if err := s.LoadDesign("d"); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("load: %v", err)
			}
		})
	}
	t.Run("missing element", func(t *testing.T) {
		dir, vs := lazyStore(t, 5)
		rewrite(t, dir, func(tx *bolt.Tx) error {
			m, _ := decodeManifest(tx.Bucket(bucketManifests).Get(vs[2].Root[:]), vs[2].Root)
			return tx.Bucket(bucketElements).Delete(bytesOf(m[models.LastID]))
		})
		s, err := Open(dir, Options{Lazy: true, ReadOnly: true})
		if err != nil {
			t.Fatalf("lazy open: %v", err)
		}
		defer s.Close()
		if _, err := s.Snapshot(vs[2].ID); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("snapshot: %v", err)
		}
	})
}

// Without the secret (lost, or the file copied alone), versions are
// verified by their signatures: damage is still caught, a read-only open
// writes nothing, and a writable open seals again under a new secret.
func TestLostSealKey(t *testing.T) {
	dir, vs := lazyStore(t, 8)
	if err := os.Remove(filepath.Join(dir, SealFile)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	sum := fileSum(t, path)
	s, err := Open(dir, Options{Lazy: true, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.seal != nil || len(s.History("d")) != 8 {
		t.Fatalf("unsealed read: seal %v, %d versions", s.seal != nil, len(s.History("d")))
	}
	s.Close()
	if fileSum(t, path) != sum {
		t.Fatal("a read-only open changed the file")
	}
	s, err = Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.seal == nil || len(s.History("d")) != 8 {
		t.Fatal("not sealed again")
	}
	s.Close()
	// Sealed again: a flipped byte is caught by the new seals.
	flipAll(t, dir, []byte("UNIQUE-MESSAGE-005"))
	s, err = Open(dir, Options{Lazy: true, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.LoadDesign("d"); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), short(vs[5].ID)) {
		t.Fatalf("load: %v", err)
	}
	// Damage with the secret lost: the writable open that would seal
	// again verifies first, refuses, and writes nothing.
	dir2, _ := lazyStore(t, 4)
	flipAll(t, dir2, []byte("UNIQUE-MESSAGE-001"))
	os.Remove(filepath.Join(dir2, SealFile))
	sum2 := fileSum(t, filepath.Join(dir2, FileName))
	if _, err := Open(dir2, Options{Lazy: true}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("writable open of a damaged, unsealed file: %v", err)
	}
	if fileSum(t, filepath.Join(dir2, FileName)) != sum2 {
		t.Fatal("the refused open changed the file")
	}
}

// A schema 2 file (no index, no seals) is upgraded by a writable open,
// which verifies and seals every version; a read-only open asks for that.
func TestUpgradeSealsOldFile(t *testing.T) {
	dir, _ := lazyStore(t, 6)
	rewrite(t, dir, func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketIndex); err != nil {
			return err
		}
		tx.Bucket(bucketMeta).Delete(keySealCheck)
		return tx.Bucket(bucketMeta).Put(keySchema, []byte{0, 0, 0, 0, 0, 0, 0, 2})
	})
	os.Remove(filepath.Join(dir, SealFile))
	if _, err := Open(dir, Options{Lazy: true, ReadOnly: true}); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "open the studio for writing once") {
		t.Fatalf("read-only open of schema 2: %v", err)
	}
	s, err := Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.History("d")) != 6 || s.seal == nil {
		t.Fatal("upgrade lost versions or did not seal")
	}
	s.Close()
}

// A branch pointing at a version that is gone is reported when its
// design is loaded (a lazy open lists refs without looking them up).
func TestLazyRefToMissingVersion(t *testing.T) {
	dir, vs := lazyStore(t, 5)
	rewrite(t, dir, func(tx *bolt.Tx) error {
		last := vs[len(vs)-1]
		tx.Bucket(bucketIndex).Delete(indexKey("d", last.ID))
		return tx.Bucket(bucketVersions).Delete([]byte(last.ID))
	})
	s, err := Open(dir, Options{Lazy: true, ReadOnly: true})
	if err != nil {
		t.Fatalf("lazy open: %v", err)
	}
	defer s.Close()
	if err := s.LoadDesign("d"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("load: %v", err)
	}
	if err := s.LoadDesign("other"); err != nil {
		t.Fatalf("the intact design: %v", err)
	}
}
