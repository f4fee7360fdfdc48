package store

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// collectHistory is a design whose history has every case Collect's
// content walk meets: pieces added, changed and removed, a version that
// goes back to an earlier content (the same manifest again), a branch and
// a merge of two heads.
func collectHistory(t *testing.T) (*Store, string, []*models.Version) {
	t.Helper()
	dir := t.TempDir()
	s := openTest(t, dir)
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	var vs []*models.Version
	commit := func(branch string, sn models.Snapshot, who *Identity) {
		t.Helper()
		v, err := s.Commit("d", branch, sn, "m", who)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	p1, p2, p3 := "0000000000000a01", "0000000000000a02", "0000000000000a03"
	commit(DefaultBranch, snap(t, "Derby", 20, p1, p2), alice)
	commit(DefaultBranch, snap(t, "Derby", 21, p1, p2), alice)
	if err := s.Branch("d", "x", vs[1].ID); err != nil {
		t.Fatal(err)
	}
	commit(DefaultBranch, snap(t, "Derby", 21, p1, p2, p3), alice) // a piece added
	commit(DefaultBranch, snap(t, "Derby", 21, p1, p3), alice)     // one removed
	commit(DefaultBranch, snap(t, "Derby", 20, p1, p2), alice)     // back to the first content
	commit("x", snap(t, "Derby boot", 21, p1, p2), bob)
	if _, err := s.MergeHeads("d", DefaultBranch, vs[5].ID); err != nil {
		t.Fatal(err)
	}
	h, _ := s.Head("d", DefaultBranch)
	if !IsMerge(h) {
		t.Fatal("no merge")
	}
	vs = append(vs, h)
	return s, dir, vs
}

// TestCollectWorksOutFirstUseAndDiffs holds what Collect works out for a
// sender (FirstUse, Diffs, the hashes) to what the manifests say, worked
// out independently: each manifest's new elements are those no earlier
// manifest of the batch names, and each diff patches its base into the
// manifest. With the whole history and with part of it (whose oldest
// versions' parents are not in the batch, so have no diff).
func TestCollectWorksOutFirstUseAndDiffs(t *testing.T) {
	s, _, vs := collectHistory(t)
	for _, have := range [][]models.ID{nil, {vs[2].ID}} {
		b, err := s.Collect("d", have)
		if err != nil {
			t.Fatal(err)
		}
		n := len(b.Manifests)
		if len(b.ManifestRoots) != n || len(b.FirstUse) != n || len(b.Diffs) != n || len(b.ElementHashes) != len(b.Elements) {
			t.Fatalf("lengths: %d manifests, %d roots, %d first uses, %d diffs; %d elements, %d hashes",
				n, len(b.ManifestRoots), len(b.FirstUse), len(b.Diffs), len(b.Elements), len(b.ElementHashes))
		}
		for j, e := range b.Elements {
			if models.HashOf(e) != b.ElementHashes[j] {
				t.Fatalf("element %d: hash", j)
			}
		}
		rootOf := map[models.ID]models.Hash{}
		firstWith := map[models.Hash]*models.Version{}
		for _, v := range b.Versions {
			rootOf[v.ID] = v.Root
			if firstWith[v.Root] == nil {
				firstWith[v.Root] = v
			}
		}
		named := map[models.Hash]bool{}
		diffs := 0
		for i, m := range b.Manifests {
			root := b.ManifestRoots[i]
			if models.HashOf(m) != root {
				t.Fatalf("manifest %d: hash", i)
			}
			if i > 0 && b.ManifestRoots[i-1] == root {
				t.Fatalf("manifest %d twice", i)
			}
			var fresh []models.Hash
			hs, ok := ManifestElements(m)
			if !ok {
				t.Fatalf("manifest %d does not decode", i)
			}
			for _, h := range hs {
				if !named[h] {
					named[h] = true
					fresh = append(fresh, h)
				}
			}
			lo := 0
			if i > 0 {
				lo = b.FirstUse[i-1]
			}
			got := slices.Clone(b.ElementHashes[lo:b.FirstUse[i]])
			slices.SortFunc(got, compareHash)
			slices.SortFunc(fresh, compareHash)
			if !slices.Equal(got, fresh) {
				t.Fatalf("manifest %d: first uses %d elements, want %d", i, len(got), len(fresh))
			}
			// The diff is from the manifest of the first version with this
			// one's first parent, when that parent is in the batch.
			v := firstWith[root]
			var want models.Hash
			if len(v.Parents) > 0 {
				want = rootOf[v.Parents[0]]
			}
			d := b.Diffs[i]
			if d.Base != want {
				t.Fatalf("manifest %d: diff base %s, want %s", i, shortHash(d.Base), shortHash(want))
			}
			if d.Base == (models.Hash{}) {
				continue
			}
			diffs++
			base := b.Manifests[slices.Index(b.ManifestRoots, d.Base)]
			patched, ok := PatchManifest(base, d.Put, d.Del)
			if !ok || !bytes.Equal(patched, m) {
				t.Fatalf("manifest %d: its diff does not patch its base into it", i)
			}
		}
		if len(b.Elements) != len(named) {
			t.Fatalf("%d elements collected, the manifests name %d", len(b.Elements), len(named))
		}
		if diffs == 0 || diffs == n {
			t.Fatalf("%d of %d manifests with a diff: the test does not cover both ways", diffs, n)
		}
	}
}

// TestCollectFindsDamagedManifest: a manifest damaged in the file is
// reported, whether Collect reads it whole or as its delta from its
// parent's.
func TestCollectFindsDamagedManifest(t *testing.T) {
	for _, i := range []int{0, 3} { // the first version's, a later one's
		s, dir, vs := collectHistory(t)
		raw := s.rawManifest(t, vs[i].Root)
		s.Close()
		flipInFile(t, dir, raw, len(raw)-3) // inside the last entry's hash
		s2, err := Open(dir, Options{Lazy: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s2.Collect("d", nil)
		s2.Close()
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("manifest of version %d damaged: Collect: %v, want ErrCorrupt", i, err)
		}
	}
}

func (s *Store) rawManifest(t *testing.T, root models.Hash) []byte {
	t.Helper()
	var raw []byte
	s.db.View(func(tx *bolt.Tx) error {
		raw = bytes.Clone(tx.Bucket(bucketManifests).Get(root[:]))
		return nil
	})
	if len(raw) < 40 {
		t.Fatalf("manifest of %d bytes", len(raw))
	}
	return raw
}
