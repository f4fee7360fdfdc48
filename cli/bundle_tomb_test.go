package cli

import (
	"errors"
	"path/filepath"
	"testing"

	"cordwain/canvas/samples"
	"cordwain/models/store"
	"cordwain/p2p"
)

// A bundle whose branch deletion is by someone outside the studio is
// refused in a studio (as sync refuses it) and changes nothing; one by a
// member is taken; without a studio any signed deletion is.
func TestBundleDeletionNeedsAMember(t *testing.T) {
	dst := t.TempDir()
	if out, err := run(t, dst, "studio", "create", "Lucheng"); err != nil {
		t.Fatalf("create: %v %s", err, out)
	}
	member, err := loadIdentity(dst)
	if err != nil {
		t.Fatal(err)
	}
	outsider, err := store.NewIdentity("Outsider")
	if err != nil {
		t.Fatal(err)
	}
	// A bundle of the derby with branch x deleted by who.
	bundle := func(who *store.Identity) string {
		src := t.TempDir()
		st, id, err := OpenStudio(src)
		if err != nil {
			t.Fatal(err)
		}
		head, _ := st.Head(samples.DerbyID, store.DefaultBranch)
		if err := st.Branch(samples.DerbyID, "x", head.ID); err != nil {
			t.Fatal(err)
		}
		d, _ := st.Checkout(head.ID)
		d.Meta.Notes = "on x"
		if _, err := st.CommitDesign("x", d, "x", id); err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteBranchAs(samples.DerbyID, "x", who); err != nil {
			t.Fatal(err)
		}
		st.Close()
		file := filepath.Join(src, who.Name+".cwbundle")
		if out, err := run(t, src, "bundle", "export", "--design", string(samples.DerbyID), "-o", file); err != nil {
			t.Fatalf("export: %v %s", err, out)
		}
		return file
	}
	tombs := func(dir string) int {
		t.Helper()
		s, err := Open(dir, Read)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ts, err := s.Store.Tombstones(samples.DerbyID)
		if err != nil {
			t.Fatal(err)
		}
		return len(ts)
	}
	out, err := run(t, dst, "bundle", "import", bundle(outsider))
	if !errors.Is(err, p2p.ErrNotMember) {
		t.Fatalf("an outsider's deletion: %v %s", err, out)
	}
	if n := tombs(dst); n != 0 {
		t.Fatalf("the refused bundle left %d deletions", n)
	}
	if out, err := run(t, dst, "bundle", "import", bundle(member)); err != nil {
		t.Fatalf("a member's deletion: %v %s", err, out)
	}
	if n := tombs(dst); n != 1 {
		t.Fatalf("%d deletions after a member's bundle, want 1", n)
	}
	// No studio: nobody to be a member of.
	solo := t.TempDir()
	if out, err := run(t, solo, "bundle", "import", bundle(outsider)); err != nil {
		t.Fatalf("without a studio: %v %s", err, out)
	}
	if n := tombs(solo); n != 1 {
		t.Fatalf("%d deletions without a studio, want 1", n)
	}
}
