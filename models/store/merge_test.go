package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"cordwain/models"
)

// sync copies everything of design d from src to dst.
func syncTo(t *testing.T, src, dst *Store, d models.ID) {
	t.Helper()
	b, err := src.Collect(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Receive(b); err != nil {
		t.Fatal(err)
	}
}

func TestMergeHeadsConvergesAcrossStores(t *testing.T) {
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	sa, sb := openTest(t, t.TempDir()), openTest(t, t.TempDir())
	piece := "0123456789abcdef"
	base, err := sa.Commit("d", DefaultBranch, snap(t, "Chelsea", 20, piece), "base", alice)
	if err != nil {
		t.Fatal(err)
	}
	syncTo(t, sa, sb, "d")

	// Alice changes the heel and the piece; Bob changes the name and the
	// same piece differently.
	sA := snap(t, "Chelsea", 25, piece)
	sA[models.ID(piece)].Props["name"] = cb(t, "vamp A")
	va, _ := sa.Commit("d", DefaultBranch, sA, "alice", alice)
	sB := snap(t, "Chelsea boot", 20, piece)
	sB[models.ID(piece)].Props["name"] = cb(t, "vamp B")
	vb, _ := sb.Commit("d", DefaultBranch, sB, "bob", bob)

	// Each store merges what it receives into main at once, in the same
	// transaction: both make the same merge version.
	syncTo(t, sa, sb, "d")
	syncTo(t, sb, sa, "d")
	if h := sa.Heads("d"); len(h) != 1 || !IsMerge(h[0]) {
		t.Fatalf("heads after receiving: %v", ids(h))
	}
	if mb, err := sa.MergeBase(va.ID, vb.ID); err != nil || mb.ID != base.ID {
		t.Fatalf("merge base: %v %v", mb, err)
	}

	ma, err := sa.MergeHeads("d", DefaultBranch, vb.ID)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := sb.MergeHeads("d", DefaultBranch, va.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ma.ID != mb.ID {
		t.Fatalf("stores merged to different versions: %s vs %s", short(ma.ID), short(mb.ID))
	}
	if !IsMerge(ma) || Verify(ma) != nil || len(ma.Parents) != 2 || ma.Parents[0] > ma.Parents[1] {
		t.Fatalf("merge version shape: %+v", ma)
	}
	merged, _ := sa.Snapshot(ma.ID)
	if heelOf(t, merged) != 25 || designName(merged) != "Chelsea boot" {
		t.Fatalf("merged content: heel %v name %q", heelOf(t, merged), designName(merged))
	}
	cs := sa.Conflicts("d")
	if len(cs) != 1 || cs[0].Element != models.ID(piece) || cs[0].Prop != "name" || cs[0].Merge != ma.ID {
		t.Fatalf("conflicts: %+v", cs)
	}
	// Bob's change is later (his clock read later), so he wins.
	var winner string
	models.DecodeCanonical(merged[models.ID(piece)].Props["name"], &winner)
	if !bytes.Equal(cs[0].Winner, cb(t, winner)) {
		t.Fatalf("winner %q not the merged value", winner)
	}

	// Syncing the merge is a no-op for the other side's history.
	syncTo(t, sa, sb, "d")
	if h := sb.Heads("d"); len(h) != 1 || h[0].ID != ma.ID {
		t.Fatalf("heads after exchanging merges: %v", ids(h))
	}
	// A third store that only receives the merge records its conflicts.
	sc := openTest(t, t.TempDir())
	syncTo(t, sa, sc, "d")
	if h, _ := sc.Head("d", DefaultBranch); h.ID != ma.ID {
		t.Fatalf("receiver's main at %s, want the merge", short(h.ID))
	}
	if c := sc.Conflicts("d"); len(c) != 1 || c[0].Key != cs[0].Key || !bytes.Equal(c[0].Loser, cs[0].Loser) {
		t.Fatalf("receiver's conflicts: %+v", c)
	}
	// Merging again does nothing.
	if again, err := sa.MergeHeads("d", DefaultBranch, vb.ID); err != nil || again.ID != ma.ID {
		t.Fatalf("second merge: %v %v", again, err)
	}

	// Flip: the loser's value is committed on top.
	fv, err := sa.FlipConflict(cs[0].Key, DefaultBranch, alice)
	if err != nil {
		t.Fatal(err)
	}
	flipped, _ := sa.Snapshot(fv.ID)
	if !bytes.Equal(flipped[models.ID(piece)].Props["name"], cs[0].Loser) {
		t.Fatal("flip did not take the loser's value")
	}
	if c := sa.Conflicts("d"); c[0].FlippedBy != fv.ID {
		t.Fatalf("conflict not marked flipped: %+v", c[0])
	}

	// Diff between the two sides.
	changes, err := sa.Diff(va.ID, vb.ID)
	if err != nil || len(changes) == 0 {
		t.Fatalf("diff: %v %v", changes, err)
	}
	// Everything survives a reopen, conflicts included.
	dir := sa.Dir()
	sa.Close()
	sa = openTest(t, dir)
	if c := sa.Conflicts("d"); len(c) != 1 || c[0].FlippedBy != fv.ID {
		t.Fatalf("conflicts after reopen: %+v", c)
	}
}

func TestMergeFastForward(t *testing.T) {
	s := openTest(t, t.TempDir())
	a := testIdentity(1, "A")
	v1, _ := s.Commit("d", DefaultBranch, snap(t, "F", 1), "", a)
	s.Branch("d", "side", v1.ID)
	v2, _ := s.Commit("d", "side", snap(t, "F", 2), "", a)
	got, err := s.MergeHeads("d", DefaultBranch, v2.ID)
	if err != nil || got.ID != v2.ID {
		t.Fatalf("fast-forward: %v %v", got, err)
	}
	if _, err := s.MergeHeads("d", DefaultBranch, "f00d"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("merging an unknown version: %v", err)
	}
}

// The conflicts of a received merge are written in the transaction that
// stores the merge: a copy of the file taken the moment Apply returns (what
// kill -9 then leaves) already has them.
func TestReceivedMergeConflictsInSameTransaction(t *testing.T) {
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	sa, sb := openTest(t, t.TempDir()), openTest(t, t.TempDir())
	piece := "0123456789abcdef"
	if _, err := sa.Commit("d", DefaultBranch, snap(t, "Chelsea", 20, piece), "base", alice); err != nil {
		t.Fatal(err)
	}
	syncTo(t, sa, sb, "d")
	sA := snap(t, "Chelsea", 20, piece)
	sA[models.ID(piece)].Props["name"] = cb(t, "vamp A")
	sa.Commit("d", DefaultBranch, sA, "alice", alice)
	sB := snap(t, "Chelsea", 20, piece)
	sB[models.ID(piece)].Props["name"] = cb(t, "vamp B")
	vb, _ := sb.Commit("d", DefaultBranch, sB, "bob", bob)
	syncTo(t, sb, sa, "d")
	m, err := sa.MergeHeads("d", DefaultBranch, vb.ID)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	sc := openTest(t, dir)
	b, err := sa.Collect("d", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Receive(b); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	crashed := t.TempDir()
	if err := os.WriteFile(filepath.Join(crashed, FileName), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	sd := openTest(t, crashed)
	cs := sd.Conflicts("d")
	if len(cs) != 1 || cs[0].Merge != m.ID || cs[0].Prop != "name" {
		t.Fatalf("conflicts after a crash right after Apply: %+v", cs)
	}
	if want := sa.Conflicts("d"); cs[0].Key != want[0].Key || !bytes.Equal(cs[0].Winner, want[0].Winner) {
		t.Fatalf("received conflict %+v, merging store recorded %+v", cs[0], want[0])
	}
}

// Two studios that each started the same design (the built-in samples, or
// one JSON file imported twice) hold unrelated histories of it. They still
// merge, over an empty base, and both arrive at the same version.
func TestUnrelatedHistoriesMergeAlike(t *testing.T) {
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	sa, sb := openTest(t, t.TempDir()), openTest(t, t.TempDir())
	piece := "0123456789abcdef"
	a0, err := sa.Commit("d", DefaultBranch, snap(t, "Derby", 25, piece), "sample", alice)
	if err != nil {
		t.Fatal(err)
	}
	b0, err := sb.Commit("d", DefaultBranch, snap(t, "Derby", 25, piece), "sample", bob)
	if err != nil {
		t.Fatal(err)
	}
	if a0.ID == b0.ID {
		t.Fatal("the two first versions should differ (other author)")
	}
	sA := snap(t, "Derby", 30, piece)
	va, err := sa.Commit("d", DefaultBranch, sA, "heel 30", alice)
	if err != nil {
		t.Fatal(err)
	}
	vb, err := sb.Commit("d", DefaultBranch, snap(t, "Derby AW27", 25, piece), "rename", bob)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sa.MergeBase(va.ID, a0.ID); err != nil {
		t.Fatal(err)
	}
	syncTo(t, sa, sb, "d")
	syncTo(t, sb, sa, "d")
	if _, err := sa.MergeBase(va.ID, vb.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("MergeBase of unrelated histories = %v, want ErrNotFound", err)
	}
	ma, err := sa.MergeHeads("d", DefaultBranch, vb.ID)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := sb.MergeHeads("d", DefaultBranch, va.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ma.ID != mb.ID {
		t.Fatalf("stores merged to different versions: %s vs %s", short(ma.ID), short(mb.ID))
	}
	merged, err := sa.Snapshot(ma.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Each side's later change wins where they differ; the unchanged
	// piece is the same on both and stays.
	if heelOf(t, merged) != 30 || designName(merged) != "Derby AW27" || len(merged) != 3 {
		t.Fatalf("merged: heel %v, name %q, %d elements", heelOf(t, merged), designName(merged), len(merged))
	}
	// The merge travels: a third store receiving everything agrees.
	sc := openTest(t, t.TempDir())
	syncTo(t, sa, sc, "d")
	if h := mustHead(t, sc, "d"); h != ma.ID {
		t.Fatalf("third store's head %s, want %s", short(h), short(ma.ID))
	}
}
