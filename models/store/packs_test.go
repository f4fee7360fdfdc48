package store

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// packStudio commits a design of 300 elements, checks it out and commits
// edits from the checkout as `cordwain edit` does (the second writes its
// pack), then closes the store. It returns the versions.
func packStudio(t *testing.T, dir string) []*models.Version {
	t.Helper()
	s, err := Open(dir, Options{NoSync: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := testIdentity(1, "A")
	d := typedDesign(300)
	v, err := s.CommitDesign(DefaultBranch, d, "first", a)
	if err != nil {
		t.Fatal(err)
	}
	vs := []*models.Version{v}
	for i := range 3 {
		d, err := s.Checkout(vs[len(vs)-1].ID)
		if err != nil {
			t.Fatal(err)
		}
		d.Meta.Notes = fmt.Sprintf("edit %d", i)
		d.StyleLines[i].Name = fmt.Sprintf("edited %d", i)
		v, err := s.CommitDesign(DefaultBranch, d, "edit", a)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func packOf(t *testing.T, dir string, design models.ID) []byte {
	t.Helper()
	db, err := bolt.Open(dir+"/"+FileName, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []byte
	db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketPacks); b != nil {
			out = bytes.Clone(b.Get([]byte(design)))
		}
		return nil
	})
	return out
}

// A checkout takes the elements of a design with a pack from it, and what
// it returns is what the elements bucket holds: the same design as a
// checkout of the same version in a store that has no pack (an eager
// open of a copy with the pack removed).
func TestPackCheckoutMatches(t *testing.T) {
	dir := t.TempDir()
	vs := packStudio(t, dir)
	design := vs[0].Design
	if packOf(t, dir, design) == nil {
		t.Fatal("no pack written by the edits after a checkout")
	}
	db, err := bolt.Open(dir+"/"+FileName, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		// Written with the first edit: the last version misses the
		// elements the two edits since changed: the meta element
		// and a style line each.
		_, _, misses, err := readSnapshotPacked(tx, design, vs[3].Root)
		if err != nil || misses != 3 {
			t.Errorf("checkout of the last version: %d elements not from the pack, %v", misses, err)
		}
		return nil
	})
	db.Close()
	s, err := Open(dir, Options{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, v := range vs {
		got, err := s.Checkout(v.ID)
		if err != nil {
			t.Fatal(err)
		}
		snap, err := s.Snapshot(v.ID) // the elements bucket
		if err != nil {
			t.Fatal(err)
		}
		want, err := models.DesignFromSnapshot(design, snap)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("version %s: checkout differs from the stored content", short(v.ID))
		}
	}
}

// A flipped byte in a pack is never content: the element is read from
// the elements bucket instead, and the checkout is the stored design.
func TestPackDamageIsNotContent(t *testing.T) {
	dir := t.TempDir()
	vs := packStudio(t, dir)
	design := vs[0].Design
	pack := packOf(t, dir, design)
	// Flip a byte of the last style line's name in the pack only: the
	// name is stored once in the pack, and elsewhere in its element.
	what := []byte("line 299")
	i := bytes.Index(pack, what)
	if i < 0 {
		t.Fatal("element not in the pack")
	}
	rewrite(t, dir, func(tx *bolt.Tx) error {
		p := bytes.Clone(tx.Bucket(bucketPacks).Get([]byte(design)))
		p[i] ^= 0x20
		return tx.Bucket(bucketPacks).Put([]byte(design), p)
	})
	s, err := Open(dir, Options{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	last := vs[len(vs)-1]
	d, err := s.Checkout(last.ID)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := d.StyleLines[len(d.StyleLines)-1].Name; got != "line 299" {
		t.Fatalf("checkout took the damaged pack's bytes: %q", got)
	}
	// A damaged element is still found where the element is read: the
	// version's content is checked against its hashes.
	rewrite(t, dir, func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketPacks) })
	e, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("eager open of the store without its pack: %v", err)
	}
	e.Close()
}

// A pack that is not well formed is ignored.
func TestPackMalformed(t *testing.T) {
	dir := t.TempDir()
	vs := packStudio(t, dir)
	design := vs[0].Design
	rewrite(t, dir, func(tx *bolt.Tx) error {
		p := tx.Bucket(bucketPacks).Get([]byte(design))
		return tx.Bucket(bucketPacks).Put([]byte(design), bytes.Clone(p[:len(p)-3]))
	})
	s, err := Open(dir, Options{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Checkout(vs[len(vs)-1].ID)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	// And an element missing from both is ErrCorrupt, as without packs.
	rewrite(t, dir, func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketPacks); err != nil {
			return err
		}
		m, _ := decodeManifest(tx.Bucket(bucketManifests).Get(vs[3].Root[:]), vs[3].Root)
		return tx.Bucket(bucketElements).Delete(bytesOf(m[models.LastID]))
	})
	s2, err := Open(dir, Options{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.Checkout(vs[3].ID); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("missing element: %v", err)
	}
}
