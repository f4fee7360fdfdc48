package store

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"cordwain/models"
)

// deletedBranchSource: a store with main at base then vm, and a branch
// "x" made at base, committed on (vx), then deleted. A stale store that
// had x at vx before the deletion is returned too.
func deletedBranchSource(t *testing.T) (src, stale *Store, vx, vm *models.Version) {
	t.Helper()
	alice := testIdentity(1, "Alice")
	src = openTest(t, t.TempDir())
	base, err := src.Commit("d", DefaultBranch, snap(t, "Derby", 20), "base", alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Branch("d", "x", base.ID); err != nil {
		t.Fatal(err)
	}
	if vx, err = src.Commit("d", "x", snap(t, "Derby", 22), "on x", alice); err != nil {
		t.Fatal(err)
	}
	if vm, err = src.Commit("d", DefaultBranch, snap(t, "Derby", 30), "on main", alice); err != nil {
		t.Fatal(err)
	}
	stale = openTest(t, t.TempDir())
	syncTo(t, src, stale, "d")
	if err := src.DeleteBranchAs("d", "x", alice); err != nil {
		t.Fatal(err)
	}
	return src, stale, vx, vm
}

func exportBundle(t *testing.T, s *Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.ExportBundle(&buf, "d"); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// onMain reports whether id is main's head or an ancestor of it.
func onMain(t *testing.T, s *Store, id models.ID) bool {
	t.Helper()
	log, err := s.Log("d", DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(log, func(v *models.Version) bool { return v.ID == id })
}

func tombIDs(t *testing.T, s *Store) []models.ID {
	t.Helper()
	ts, err := s.Tombstones("d")
	if err != nil {
		t.Fatal(err)
	}
	var out []models.ID
	for i := range ts {
		out = append(out, ts[i].ID())
	}
	return out
}

// A bundle made where a branch was deleted carries the tombstone: the
// importer keeps the deleted work out of main, lists the tombstone, and
// ends as a sync of the same design would leave it.
func TestBundleCarriesTombstones(t *testing.T) {
	src, stale, vx, vm := deletedBranchSource(t)
	data := exportBundle(t, src)

	_, b, err := DecodeBundle(bytes.NewReader(data))
	if err != nil || len(b.Tombstones) != 1 || b.Tombstones[0].Branch != "x" || b.Tombstones[0].Head != vx.ID {
		t.Fatalf("decoded tombstones: %v, %v", b, err)
	}

	dst := openTest(t, t.TempDir())
	res, err := dst.ImportBundle(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if res.Design != "d" || len(res.Added) != 3 {
		t.Fatalf("import: %+v", res)
	}
	if !dst.HasVersion(vx.ID) {
		t.Fatal("the deleted branch's version is not in the history")
	}
	if onMain(t, dst, vx.ID) {
		t.Fatal("the deleted branch's work was merged into main")
	}
	if h := branchAt(dst, "d", DefaultBranch); h != vm.ID {
		t.Fatalf("main at %s, want %s", short(h), short(vm.ID))
	}
	if h := branchAt(dst, "d", "x"); h != "" {
		t.Fatalf("x came back at %s", short(h))
	}
	if got, want := tombIDs(t, dst), tombIDs(t, src); len(got) != 1 || !slices.Equal(got, want) {
		t.Fatalf("tombstones %v, want %v", got, want)
	}

	// What sync gives.
	viaSync := openTest(t, t.TempDir())
	syncTo(t, src, viaSync, "d")
	if !slices.Equal(headIDs(dst, "d"), headIDs(viaSync, "d")) ||
		!slices.Equal(dst.Refs("d"), viaSync.Refs("d")) ||
		!slices.Equal(tombIDs(t, dst), tombIDs(t, viaSync)) ||
		!slices.Equal(stateOf(dst).history, stateOf(viaSync).history) {
		t.Fatalf("bundle and sync differ:\nbundle %v %v %v\nsync   %v %v %v",
			headIDs(dst, "d"), dst.Refs("d"), tombIDs(t, dst), headIDs(viaSync, "d"), viaSync.Refs("d"), tombIDs(t, viaSync))
	}

	// A store that still had x at the deleted head loses it, as by sync.
	if _, err := stale.ImportBundle(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if h := branchAt(stale, "d", "x"); h != "" {
		t.Fatalf("stale store: x stays at %s", short(h))
	}
	if onMain(t, stale, vx.ID) {
		t.Fatal("stale store: the deleted work reached main")
	}

	// Importing again is a no-op.
	before := stateOf(dst)
	res, err = dst.ImportBundle(bytes.NewReader(data))
	if err != nil || len(res.Added) != 0 || res.Merged != 0 {
		t.Fatalf("second import: %+v %v", res, err)
	}
	if after := stateOf(dst); !slices.Equal(before.refs, after.refs) || !slices.Equal(before.history, after.history) {
		t.Fatal("a second import changed the store")
	}
}

// encodeV1 writes b as a format 1 bundle (no tombstones), as an older
// Cordwain did.
func encodeV1(t testing.TB, design models.ID, b *Batch) []byte {
	t.Helper()
	wire := bundleWireV1{Design: design, Manifests: b.Manifests, Elements: b.Elements}
	for _, v := range b.Versions {
		vb, err := EncodeVersion(v)
		if err != nil {
			t.Fatal(err)
		}
		wire.Versions = append(wire.Versions, vb)
	}
	payload, err := models.Canonical(wire)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeBundle(&buf, bundleFormatV1, payload); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A format 1 bundle still imports: it has no tombstones, so (as before)
// the deleted branch's head is an unreached head and is merged.
func TestBundleFormat1StillImports(t *testing.T) {
	src, vs := history(t)
	all, err := src.Collect("d", nil)
	if err != nil {
		t.Fatal(err)
	}
	data := encodeV1(t, "d", all)
	if f := uint16(data[len(bundleMagic)])<<8 | uint16(data[len(bundleMagic)+1]); f != 1 {
		t.Fatalf("format %d", f)
	}
	dst := openTest(t, t.TempDir())
	res, err := dst.ImportBundle(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if res.Design != "d" || len(res.Added) != 3 || branchAt(dst, "d", DefaultBranch) != vs[2].ID {
		t.Fatalf("import: %+v", res)
	}

	del, _, vx, _ := deletedBranchSource(t)
	all, err = del.Collect("d", nil)
	if err != nil {
		t.Fatal(err)
	}
	old := openTest(t, t.TempDir())
	if _, err := old.ImportBundle(bytes.NewReader(encodeV1(t, "d", all))); err != nil {
		t.Fatal(err)
	}
	if ts, _ := old.Tombstones("d"); len(ts) != 0 || !onMain(t, old, vx.ID) {
		t.Fatalf("format 1: %d tombstones, the unreached head merged: %v", len(ts), onMain(t, old, vx.ID))
	}
}

// A bundle whose tombstone is forged is refused whole, and the store is
// left as it was.
func TestBundleTamperedTombstoneRefused(t *testing.T) {
	src, stale, _, _ := deletedBranchSource(t)
	alice, mallory := testIdentity(1, "Alice"), testIdentity(9, "Mallory")
	all, err := src.Collect("d", nil)
	if err != nil || len(all.Tombstones) != 1 {
		t.Fatalf("collect: %v", err)
	}
	encode := func(mutate func(tb *Tombstone)) []byte {
		b := *all
		tb := cloneTombstone(all.Tombstones[0])
		mutate(tb)
		b.Tombstones = []*Tombstone{tb}
		var buf bytes.Buffer
		if err := EncodeBundle(&buf, "d", &b); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	cases := map[string][]byte{
		"flipped signature": encode(func(tb *Tombstone) { tb.Signature[3] ^= 1 }),
		"branch changed":    encode(func(tb *Tombstone) { tb.Branch = "y" }),
		"signed by another key": encode(func(tb *Tombstone) {
			SignTombstone(tb, mallory.Key) // claims Alice
		}),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			for _, dst := range []*Store{openTest(t, t.TempDir()), stale} {
				before := stateOf(dst)
				tombsBefore := tombIDs(t, dst)
				_, err := dst.ImportBundle(bytes.NewReader(data))
				if !errors.Is(err, ErrBadSignature) {
					t.Fatalf("import: %v, want ErrBadSignature", err)
				}
				after := stateOf(dst)
				if !slices.Equal(before.history, after.history) || !slices.Equal(before.refs, after.refs) ||
					!slices.Equal(tombsBefore, tombIDs(t, dst)) {
					t.Fatal("a refused bundle changed the store")
				}
			}
		})
	}

	// A tombstone of another design in the payload is damage.
	t.Run("other design", func(t *testing.T) {
		tb := cloneTombstone(all.Tombstones[0])
		tb.Design = "e"
		if err := SignTombstone(tb, alice.Key); err != nil {
			t.Fatal(err)
		}
		raw, _ := EncodeTombstone(tb)
		wire := bundleWire{Design: "d", Manifests: all.Manifests, Elements: all.Elements, Tombstones: [][]byte{raw}}
		for _, v := range all.Versions {
			vb, _ := EncodeVersion(v)
			wire.Versions = append(wire.Versions, vb)
		}
		payload, err := models.Canonical(wire)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		writeBundle(&buf, BundleFormat, payload)
		dst := openTest(t, t.TempDir())
		if _, err := dst.ImportBundle(&buf); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("import: %v, want ErrCorrupt", err)
		}
		if len(dst.Designs()) != 0 {
			t.Fatal("a refused bundle changed the store")
		}
		var out bytes.Buffer
		if err := EncodeBundle(&out, "d", &Batch{Tombstones: []*Tombstone{tb}}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("encoding a tombstone of another design: %v", err)
		}
	})

	// An author the store does not accept (Options.CheckAuthor): refused.
	t.Run("author refused", func(t *testing.T) {
		s := openMembersOnly(t, alice.PeerID)
		data := encode(func(tb *Tombstone) {
			tb.Author = mallory.Author()
			SignTombstone(tb, mallory.Key)
		})
		if _, err := s.ImportBundle(bytes.NewReader(data)); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("import: %v, want ErrBadSignature", err)
		}
		if len(s.Designs()) != 0 {
			t.Fatal("a refused bundle changed the store")
		}
		// The genuine bundle is accepted by the same store.
		if _, err := s.ImportBundle(bytes.NewReader(exportBundle(t, src))); err != nil {
			t.Fatal(err)
		}
		if len(tombIDs(t, s)) != 1 {
			t.Fatal("the tombstone was not stored")
		}
	})
}
