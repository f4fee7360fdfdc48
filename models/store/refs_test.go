package store

import (
	"testing"
)

// Branches and tags travel with a design's versions: a tag is created
// where absent and never moves; a branch is created, fast-forwarded or
// merged like main.
func TestRefsTravel(t *testing.T) {
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	a, b := openTest(t, t.TempDir()), openTest(t, t.TempDir())
	base, _ := a.Commit("d", DefaultBranch, snap(t, "Derby", 20), "base", alice)
	if err := a.Tag("d", "sample 1", base.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.Branch("d", "sole", base.ID); err != nil {
		t.Fatal(err)
	}
	sole, _ := a.Commit("d", "sole", snap(t, "Derby", 22), "thicker sole", alice)
	syncTo(t, a, b, "d")
	if v, err := b.Head("d", "sole"); err != nil || v.ID != sole.ID {
		t.Fatalf("branch did not travel: %v %v", v, err)
	}
	if h, _ := b.Head("d", DefaultBranch); h.ID != base.ID {
		t.Fatalf("a travelling branch was merged into main: %s", short(h.ID))
	}
	tags := 0
	for _, r := range b.Refs("d") {
		if r.Kind == RefTag && r.Name == "sample 1" && r.Version == base.ID {
			tags++
		}
	}
	if tags != 1 {
		t.Fatalf("tag did not travel: %+v", b.Refs("d"))
	}
	// Both extend the branch: it merges; a tag of the same name made
	// elsewhere does not move ours.
	a.Commit("d", "sole", snap(t, "Derby A", 22), "a", alice)
	b.Commit("d", "sole", snap(t, "Derby", 24), "b", bob)
	c := openTest(t, t.TempDir())
	other, _ := c.Commit("d", DefaultBranch, snap(t, "Other", 30), "other", bob)
	if err := c.Tag("d", "sample 1", other.ID); err != nil {
		t.Fatal(err)
	}
	syncTo(t, c, a, "d")
	syncTo(t, a, b, "d")
	syncTo(t, b, a, "d")
	for _, s := range []*Store{a, b} {
		for _, r := range s.Refs("d") {
			if r.Kind == RefTag && r.Name == "sample 1" && r.Version != base.ID {
				t.Fatal("a tag moved")
			}
		}
	}
	ha, _ := a.Head("d", "sole")
	hb, _ := b.Head("d", "sole")
	if ha.ID != hb.ID || !IsMerge(ha) {
		t.Fatalf("branch sole: a at %s, b at %s", short(ha.ID), short(hb.ID))
	}
	m, _ := a.Snapshot(ha.ID)
	if heelOf(t, m) != 24 || designName(m) != "Derby A" {
		t.Fatalf("merged branch: heel %v name %q", heelOf(t, m), designName(m))
	}
}

// Deleting a branch travels (tombstone.go): a machine that still has the
// branch at the deleted head neither brings it back nor keeps it.
func TestDeletedBranchDoesNotComeBackFromAMachineThatHasIt(t *testing.T) {
	alice := testIdentity(1, "Alice")
	a, b := openTest(t, t.TempDir()), openTest(t, t.TempDir())
	base, _ := a.Commit("d", DefaultBranch, snap(t, "Derby", 20), "base", alice)
	if err := a.Branch("d", "sole", base.ID); err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, b, "d")
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Head("d", "sole"); err == nil {
		t.Fatal("the branch is still there after DeleteBranch")
	}
	syncTo(t, b, a, "d")
	if v, err := a.Head("d", "sole"); err == nil {
		t.Fatalf("a sync from a machine that has it brought it back at %s", short(v.ID))
	}
	syncTo(t, a, b, "d")
	if v, err := b.Head("d", "sole"); err == nil {
		t.Fatalf("the other machine keeps the deleted branch at %s", short(v.ID))
	}
}
