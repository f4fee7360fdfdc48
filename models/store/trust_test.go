package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"cordwain/models"
)

// diverged makes a store with a base version and two concurrent heads on
// design "d": Alice's on main, Bob's received from another store and left
// on a scratch branch (so no merge happened yet).
func diverged(t *testing.T) (s *Store, base, va, vb *models.Version) {
	t.Helper()
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	s = openTest(t, t.TempDir())
	other := openTest(t, t.TempDir())
	base, err := s.Commit("d", DefaultBranch, snap(t, "Derby", 20), "base", alice)
	if err != nil {
		t.Fatal(err)
	}
	syncTo(t, s, other, "d")
	va, _ = s.Commit("d", DefaultBranch, snap(t, "Derby", 25), "alice", alice)
	vb, _ = other.Commit("d", DefaultBranch, snap(t, "Derby B", 20), "bob", bob)
	return s, base, va, vb
}

// batchOf is vb with its content, as another store would send it.
func batchOf(t *testing.T, v *models.Version, sn models.Snapshot, extra ...*models.Version) *Batch {
	t.Helper()
	es, err := encodeSnapshot(sn)
	if err != nil {
		t.Fatal(err)
	}
	b := &Batch{Versions: append([]*models.Version{v}, extra...), Manifests: [][]byte{es.manifest}}
	for _, e := range es.elements {
		b.Elements = append(b.Elements, e)
	}
	return b
}

// Fault 2: an unsigned "merge" whose content the sender chose is refused,
// and nothing of the batch lands.
func TestReceiveRefusesForgedMerge(t *testing.T) {
	s, _, va, vb := diverged(t)
	forged := snap(t, "Mallory's derby", 99)
	es, _ := encodeSnapshot(forged)
	a, b := va, vb
	if b.ID < a.ID {
		a, b = b, a
	}
	mv := mergeVersion("d", a, b, es.root)
	batch := batchOf(t, mv, forged, vb)
	batch.Elements = append(batch.Elements, mustElements(t, snap(t, "Derby B", 20))...)
	batch.Manifests = append(batch.Manifests, mustManifest(t, snap(t, "Derby B", 20)))
	before, _ := s.Head("d", DefaultBranch)
	_, err := s.Receive(batch)
	if !errors.Is(err, ErrBadMerge) {
		t.Fatalf("forged merge: %v, want ErrBadMerge", err)
	}
	if s.HasVersion(vb.ID) || s.HasVersion(mv.ID) {
		t.Fatal("part of a refused batch was stored")
	}
	if after, _ := s.Head("d", DefaultBranch); after.ID != before.ID {
		t.Fatal("main moved on a refused batch")
	}
	// The honest merge of the same parents is accepted and is the one
	// this store makes itself.
	good, err := s.Receive(batchOf(t, vb, snap(t, "Derby B", 20)))
	if err != nil || good.Merged != 1 {
		t.Fatalf("honest receive: %+v %v", good, err)
	}
	head, _ := s.Head("d", DefaultBranch)
	m, _ := s.Snapshot(head.ID)
	if heelOf(t, m) != 25 || designName(m) != "Derby B" {
		t.Fatalf("merged content: heel %v name %q", heelOf(t, m), designName(m))
	}
}

// Fault 2, content: received versions pass the same validation as a local
// commit.
func TestReceiveValidatesContent(t *testing.T) {
	noNegativeHeel := func(_ models.ID, sn models.Snapshot) error {
		var h float64
		if err := models.DecodeCanonical(sn[models.LastID].Props["heel_height"], &h); err != nil {
			return err
		}
		if h < 0 {
			return fmt.Errorf("heel_height is %g, must be ≥ 0", h)
		}
		return nil
	}
	src := openTest(t, t.TempDir())
	dst, err := Open(t.TempDir(), Options{Validate: noNegativeHeel})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	alice := testIdentity(1, "Alice")
	if _, err := src.Commit("d", DefaultBranch, snap(t, "Derby", 25), "ok", alice); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Commit("d", DefaultBranch, snap(t, "Derby", -50), "bad", alice); err != nil {
		t.Fatal(err)
	}
	b, _ := src.Collect("d", nil)
	if _, err := dst.Receive(b); !errors.Is(err, ErrInvalid) {
		t.Fatalf("receiving heel −50: %v, want ErrInvalid", err)
	}
	if len(dst.Designs()) != 0 {
		t.Fatal("a batch with an invalid version was partly stored")
	}
	// A local commit meets the same rule.
	if _, err := dst.Commit("d", DefaultBranch, snap(t, "Derby", -50), "bad", alice); !errors.Is(err, ErrInvalid) {
		t.Fatalf("local commit of heel −50: %v", err)
	}
}

// Fault 4: heads that are still diverged (stored by an older program, a
// killed import) are merged whenever a receive touches the design, and a
// receive stores and merges in one transaction.
func TestReceiveSettlesLeftoverHeads(t *testing.T) {
	s, _, _, vb := diverged(t)
	// Bob's head stored without a merge: as a scratch branch then
	// deleted, which leaves exactly the state a killed import left.
	if _, err := s.Receive(batchOf(t, vb, snap(t, "Derby B", 20))); err != nil {
		t.Fatal(err)
	}
	head, _ := s.Head("d", DefaultBranch)
	if !IsMerge(head) {
		t.Fatal("receive did not merge the new head")
	}
	// Build the leftover state by hand: a head nobody reaches.
	alice := testIdentity(1, "Alice")
	if err := s.Branch("d", "scratch", head.ID); err != nil {
		t.Fatal(err)
	}
	lone, err := s.Commit("d", "scratch", snap(t, "Derby B", 31), "lone", alice)
	if err != nil {
		t.Fatal(err)
	}
	dropBranchRef(t, s, "d", "scratch") // no tombstone: a head nobody reaches
	// Receiving known versions again settles it.
	res, err := s.Receive(batchOf(t, vb, snap(t, "Derby B", 20)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Known != 1 || len(res.Added) != 0 || res.Merged != 1 {
		t.Fatalf("re-receive: %+v", res)
	}
	if h, _ := s.Head("d", DefaultBranch); h.ID != lone.ID {
		t.Fatalf("main at %s, want fast-forward to the leftover head %s", short(h.ID), short(lone.ID))
	}
}

// Fault 9: bytes after a bundle are refused, not dropped.
func TestBundleRefusesTrailingBytes(t *testing.T) {
	s, _, _, _ := diverged(t)
	var a bytes.Buffer
	if err := s.ExportBundle(&a, "d"); err != nil {
		t.Fatal(err)
	}
	dst := openTest(t, t.TempDir())
	for name, data := range map[string][]byte{
		"two bundles": append(bytes.Clone(a.Bytes()), a.Bytes()...),
		"one byte":    append(bytes.Clone(a.Bytes()), '\n'),
	} {
		if _, err := dst.ImportBundle(bytes.NewReader(data)); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%s: %v, want ErrCorrupt", name, err)
		}
	}
	if len(dst.Designs()) != 0 {
		t.Fatal("a refused bundle left versions")
	}
	if _, err := dst.ImportBundle(bytes.NewReader(a.Bytes())); err != nil {
		t.Fatalf("the bundle alone: %v", err)
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// Fault 5: opening never writes: not a read-only open, not a read-write
// open of a good file, and not an open that finds damage (bbolt's older
// meta page, the state before the damage, must survive).
func TestOpenWritesNothing(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	alice := testIdentity(1, "Alice")
	for i := range 5 {
		if _, err := s.Commit("d", DefaultBranch, snap(t, "Derby", float64(20+i)), "edit", alice); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	path := filepath.Join(dir, FileName)
	sum := fileSum(t, path)
	for _, ro := range []bool{true, false} {
		s, err := Open(dir, Options{ReadOnly: ro})
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Designs()
		s.Close()
		if fileSum(t, path) != sum {
			t.Fatalf("open (read-only %v) changed the file", ro)
		}
	}
	// Damage a version's bytes in place (bbolt's page checksums do not
	// cover values), then open twice: refused, file untouched.
	// Every copy: bbolt leaves stale ones in free pages, and which copy
	// comes first in the file depends on page allocation.
	data, _ := os.ReadFile(path)
	if !bytes.Contains(data, []byte("edit")) {
		t.Fatal("no message bytes in the file")
	}
	data = bytes.ReplaceAll(data, []byte("edit"), []byte("Edit"))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	damaged := fileSum(t, path)
	for range 2 {
		if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("open of a damaged file: %v", err)
		}
		if fileSum(t, path) != damaged {
			t.Fatal("a failed open wrote to the damaged file")
		}
	}
}

// Fault 8: a new store is seeded in the transaction that creates it: the
// file either does not exist or holds the whole seed.
func TestSeedIsPartOfCreation(t *testing.T) {
	seed, err := RootBatch([]Root{
		{Design: "s1", Snap: snap(t, "Sample 1", 20), Message: "Sample 1", Time: models.HLC{Wall: 1}},
		{Design: "s2", Snap: snap(t, "Sample 2", 30), Message: "Sample 2", Time: models.HLC{Wall: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	known := map[models.ID]bool{}
	for _, v := range seed.Versions {
		known[v.ID] = true
	}
	opts := Options{Seed: seed, Roots: func(id models.ID) bool { return known[id] }}
	dir := t.TempDir()
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Designs()); n != 2 {
		t.Fatalf("%d designs after creation", n)
	}
	s.Close()
	// A leftover temporary file from a killed creation is not a studio.
	if err := os.WriteFile(filepath.Join(dir, FileName+".new"), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir2 := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir2, FileName+".new"), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir2, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if n := len(s2.Designs()); n != 2 {
		t.Fatalf("%d designs after a creation over a leftover", n)
	}
	// Two stores seeded alike hold the same root IDs, and unknown
	// unsigned roots are refused.
	for _, v := range seed.Versions {
		if !s2.HasVersion(v.ID) {
			t.Fatal("seed root missing")
		}
	}
	bad, _ := RootBatch([]Root{{Design: "s3", Snap: snap(t, "Forged", 1), Message: "x", Time: models.HLC{Wall: 1}}})
	if _, err := s2.Receive(bad); !errors.Is(err, ErrUnknownRoot) {
		t.Fatalf("unknown unsigned root: %v", err)
	}
}

// Fault 1: text that is not UTF-8 is refused at commit (message, names in
// content), so nothing stored can fail to decode.
func TestCommitRefusesInvalidText(t *testing.T) {
	s := openTest(t, t.TempDir())
	alice := testIdentity(1, "Alice")
	if _, err := s.Commit("d", DefaultBranch, snap(t, "Derby", 20), "bad\xff", alice); !errors.Is(err, ErrInvalid) {
		t.Fatalf("message: %v", err)
	}
	sn := snap(t, "Derby", 20)
	sn[models.MetaID].Props["notes"] = []byte{0x63, 'a', 0xff, 'b'} // CBOR text "a\xffb"
	if _, err := s.Commit("d", DefaultBranch, sn, "ok", alice); err == nil {
		t.Fatal("content with invalid UTF-8 committed")
	}
	if _, err := models.Canonical("a\xffb"); !errors.Is(err, models.ErrInvalidText) {
		t.Fatalf("Canonical of invalid text: %v", err)
	}
	if len(s.Designs()) != 0 {
		t.Fatal("something was stored")
	}
	dir := s.Dir()
	s.Close()
	if _, err := Open(dir, Options{}); err != nil {
		t.Fatalf("studio no longer opens: %v", err)
	}
}

func mustElements(t *testing.T, sn models.Snapshot) [][]byte {
	es, err := encodeSnapshot(sn)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, e := range es.elements {
		out = append(out, e)
	}
	return out
}

func mustManifest(t *testing.T, sn models.Snapshot) []byte {
	es, err := encodeSnapshot(sn)
	if err != nil {
		t.Fatal(err)
	}
	return es.manifest
}

// A forged signature by a key seen often (so checked with its tables,
// internal/sigcheck) is refused like any other, and nothing lands.
func TestForgedSignatureAfterManyGood(t *testing.T) {
	alice := testIdentity(1, "Alice")
	src := openTest(t, t.TempDir())
	for i := range 30 {
		if _, err := src.Commit("d", DefaultBranch, snap(t, fmt.Sprintf("Derby %d", i), 20), fmt.Sprintf("v%d", i), alice); err != nil {
			t.Fatal(err)
		}
	}
	full, err := src.Collect("d", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openTest(t, t.TempDir()).Receive(full); err != nil {
		t.Fatal(err) // 30 good signatures by the key first
	}
	for _, at := range []int{0, 7, 40, 63} {
		dst := openTest(t, t.TempDir())
		b := *full
		b.Versions = append([]*models.Version(nil), full.Versions...)
		bad := cloneVersion(b.Versions[25])
		bad.Signature = append([]byte(nil), bad.Signature...)
		bad.Signature[at] ^= 0x10
		b.Versions[25] = bad
		if _, err := dst.Receive(&b); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("signature byte %d flipped: %v", at, err)
		}
		if len(dst.Designs()) != 0 {
			t.Fatal("store touched")
		}
	}
}
