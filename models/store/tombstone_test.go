package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// dropBranchRef deletes a branch's name without a tombstone, as an older
// Cordwain did (or a killed import left): a head nobody reaches.
func dropBranchRef(t *testing.T, s *Store, d models.ID, name string) {
	t.Helper()
	key := refKey(d, RefBranch, name)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	o, err := s.mem.Txn(false).First(tableRefs, indexID, key)
	if err != nil || o == nil {
		t.Fatalf("no branch %q", name)
	}
	err = s.write(func(tx *bolt.Tx) error { return tx.Bucket(bucketRefs).Delete([]byte(key)) },
		func(txn *memdb.Txn) error { return txn.Delete(tableRefs, o) })
	if err != nil {
		t.Fatal(err)
	}
}

// branchAt reports the head of branch name, or "" when there is none.
func branchAt(s *Store, d models.ID, name string) models.ID {
	v, err := s.Head(d, name)
	if err != nil {
		return ""
	}
	return v.ID
}

// sideFixture: store a with main at base and branch "sole" at base, and
// store b with the same (synced).
func sideFixture(t *testing.T) (a, b *Store, base *models.Version) {
	t.Helper()
	alice := testIdentity(1, "Alice")
	a, b = openTest(t, t.TempDir()), openTest(t, t.TempDir())
	base, err := a.Commit("d", DefaultBranch, snap(t, "Derby", 20), "base", alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Branch("d", "sole", base.ID); err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, b, "d")
	return a, b, base
}

func TestDeleteBranchRecordsSignedTombstone(t *testing.T) {
	alice := testIdentity(1, "Alice")
	a, _, base := sideFixture(t)
	if err := a.DeleteBranchAs("d", DefaultBranch, alice); !errors.Is(err, ErrInvalid) {
		t.Fatalf("deleting main: %v", err)
	}
	if err := a.DeleteBranchAs("d", "none", alice); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting a branch that does not exist: %v", err)
	}
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	ts, err := a.Tombstones("d")
	if err != nil || len(ts) != 1 {
		t.Fatalf("tombstones: %v, %v", ts, err)
	}
	tb := ts[0]
	if tb.Design != "d" || tb.Branch != "sole" || tb.Head != base.ID || tb.Author != alice.Author() || tb.Time.Wall == 0 {
		t.Fatalf("tombstone %+v", tb)
	}
	if err := VerifyTombstone(&tb); err != nil {
		t.Fatal(err)
	}
	if branchAt(a, "d", "sole") != "" {
		t.Fatal("the branch is still there")
	}
	// Versions stay.
	if !a.HasVersion(base.ID) {
		t.Fatal("a version went with the branch")
	}
	// DeleteBranch without an identity signs with the data directory's.
	if err := a.Branch("d", "other", base.ID); err != nil {
		t.Fatal(err)
	}
	me := testIdentity(7, "Me")
	a.SetIdentity(me)
	if err := a.DeleteBranch("d", "other"); err != nil {
		t.Fatal(err)
	}
	ts, _ = a.Tombstones("d")
	if len(ts) != 2 || ts[0].Branch != "other" || ts[0].Author != me.Author() {
		t.Fatalf("tombstones after the second delete: %+v", ts)
	}
}

// A receiver whose branch head is the deleted head, or an ancestor of it,
// loses the branch.
func TestTombstoneDeletesEqualAndAncestorHeads(t *testing.T) {
	alice := testIdentity(1, "Alice")
	a, behind, _ := sideFixture(t) // behind: sole at base
	v2, err := a.Commit("d", "sole", snap(t, "Derby", 22), "on sole", alice)
	if err != nil {
		t.Fatal(err)
	}
	equal := openTest(t, t.TempDir())
	syncTo(t, a, equal, "d") // equal: sole at v2
	if branchAt(equal, "d", "sole") != v2.ID || branchAt(behind, "d", "sole") == v2.ID {
		t.Fatal("fixture")
	}
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	mainBefore := branchAt(behind, "d", DefaultBranch)
	for name, s := range map[string]*Store{"equal": equal, "ancestor": behind} {
		syncTo(t, a, s, "d")
		if h := branchAt(s, "d", "sole"); h != "" {
			t.Fatalf("%s: the branch stays at %s", name, short(h))
		}
		if ts, _ := s.Tombstones("d"); len(ts) != 1 {
			t.Fatalf("%s: %d tombstones", name, len(ts))
		}
		if !s.HasVersion(v2.ID) {
			t.Fatalf("%s: lacks the deleted branch's version", name)
		}
		// The deleted work is not merged into main either.
		if h := branchAt(s, "d", DefaultBranch); h != mainBefore {
			t.Fatalf("%s: main moved to %s", name, short(h))
		}
	}
	// Later receives do not settle the deleted head into main.
	bob := testIdentity(2, "Bob")
	if _, err := a.Commit("d", DefaultBranch, snap(t, "Derby", 30), "main", bob); err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, behind, "d")
	head, _ := behind.Head("d", DefaultBranch)
	anc, _ := behind.Log("d", DefaultBranch)
	for _, v := range anc {
		if v.ID == v2.ID {
			t.Fatalf("main (%s) took the deleted branch's work", short(head.ID))
		}
	}
}

// Someone committed on the branch while it was deleted elsewhere: the
// edit wins, on both sides, and both end the same.
func TestConcurrentCommitWinsOverDelete(t *testing.T) {
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	a, b, _ := sideFixture(t)
	vb, err := b.Commit("d", "sole", snap(t, "Derby", 25), "bob on sole", bob)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, b, "d")
	if h := branchAt(b, "d", "sole"); h != vb.ID {
		t.Fatalf("b: sole at %q, want Bob's %s", h, short(vb.ID))
	}
	syncTo(t, b, a, "d")
	if h := branchAt(a, "d", "sole"); h != vb.ID {
		t.Fatalf("a: sole at %q, want Bob's %s", h, short(vb.ID))
	}
	ta, _ := a.Tombstones("d")
	tb, _ := b.Tombstones("d")
	if len(ta) != 1 || len(tb) != 1 || ta[0].ID() != tb[0].ID() {
		t.Fatalf("tombstones differ: %v / %v", ta, tb)
	}
	// Deleting Bob's head then travels as well.
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, b, "d")
	if h := branchAt(b, "d", "sole"); h != "" {
		t.Fatalf("b keeps sole at %s after the second delete", short(h))
	}
}

// A machine that has not heard of the deletion sends the branch: it is
// ignored, and neither main nor the branch changes.
func TestStaleBranchDoesNotResurrect(t *testing.T) {
	alice := testIdentity(1, "Alice")
	a, b, base := sideFixture(t)
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	res, err := func() (ReceiveResult, error) {
		bt, err := b.Collect("d", nil)
		if err != nil {
			t.Fatal(err)
		}
		return a.Receive(bt)
	}()
	if err != nil {
		t.Fatal(err)
	}
	if h := branchAt(a, "d", "sole"); h != "" {
		t.Fatalf("the stale branch came back at %s (%+v)", short(h), res)
	}
	if h := branchAt(a, "d", DefaultBranch); h != base.ID {
		t.Fatalf("main moved to %s", short(h))
	}
}

// A branch of the same name can be made again at a version the deletion
// does not cover, and that one travels. At a covered version (where every
// other machine would delete it again) it is made on a new version on top
// with the same content, which no deletion covers: it stays and travels.
func TestRecreateBranchAfterDelete(t *testing.T) {
	alice := testIdentity(1, "Alice")
	a, b, base := sideFixture(t)
	a.SetIdentity(alice)
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, b, "d")
	if err := a.Branch("d", "sole", base.ID); err != nil {
		t.Fatalf("re-creating at the deleted head: %v", err)
	}
	w, err := a.Head("d", "sole")
	if err != nil {
		t.Fatal(err)
	}
	if w.ID == base.ID || len(w.Parents) != 1 || w.Parents[0] != base.ID || w.Root != base.Root || w.Author.PeerID != alice.PeerID {
		t.Fatalf("made again at %s: %+v, want a version on top of %s with its content by Alice", short(w.ID), w, short(base.ID))
	}
	if err := Verify(w); err != nil {
		t.Fatalf("the new version is not signed: %v", err)
	}
	checkHeadsIndex(t, a, "d")
	// It travels, and the deletion both stores hold does not touch it.
	syncTo(t, a, b, "d")
	if h := branchAt(b, "d", "sole"); h != w.ID {
		t.Fatalf("b: sole at %q, want %s", h, short(w.ID))
	}
	syncTo(t, b, a, "d")
	if h := branchAt(a, "d", "sole"); h != w.ID {
		t.Fatalf("a: sole at %q", h)
	}
	// main is not moved by it, and a reopened store agrees.
	if h := branchAt(a, "d", DefaultBranch); h == w.ID {
		t.Fatal("main moved to the new version")
	}
	dir := a.Dir()
	a.Close()
	a = openTest(t, dir)
	if h := branchAt(a, "d", "sole"); h != w.ID {
		t.Fatalf("after reopening: sole at %q", h)
	}

	// Deleted again, then made at a later version it does not cover.
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	v2, err := a.Commit("d", DefaultBranch, snap(t, "Derby", 27), "later", alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Branch("d", "sole", v2.ID); err != nil {
		t.Fatal(err)
	}
	if h := branchAt(a, "d", "sole"); h != v2.ID {
		t.Fatalf("sole at %q, want the later %s itself", h, short(v2.ID))
	}
	syncTo(t, a, b, "d")
	if h := branchAt(b, "d", "sole"); h != v2.ID {
		t.Fatalf("b: sole at %q, want the new %s", h, short(v2.ID))
	}
}

// A tombstone is refused like a forged version: a signature by another
// key, a changed field, an author that is not the key, the default
// branch. Nothing of the batch is stored.
func TestForgedTombstoneRefused(t *testing.T) {
	alice, mallory := testIdentity(1, "Alice"), testIdentity(9, "Mallory")
	_, b, base := sideFixture(t)
	good := func() *Tombstone {
		return &Tombstone{Design: "d", Branch: "sole", Head: base.ID, Author: alice.Author(), Time: models.HLC{Wall: 1}}
	}
	cases := map[string]func() *Tombstone{
		"signed by another key": func() *Tombstone {
			tb := good()
			SignTombstone(tb, mallory.Key)
			return tb
		},
		"field changed after signing": func() *Tombstone {
			tb := good()
			tb.Branch = "other"
			SignTombstone(tb, alice.Key)
			tb.Branch = "sole"
			return tb
		},
		"no signature": func() *Tombstone {
			tb := good()
			SignTombstone(tb, alice.Key)
			tb.Signature = nil
			return tb
		},
		"main": func() *Tombstone {
			tb := good()
			tb.Branch = DefaultBranch
			SignTombstone(tb, alice.Key)
			return tb
		},
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := b.Receive(&Batch{Tombstones: []*Tombstone{mk()}})
			if err == nil {
				t.Fatal("a forged tombstone was accepted")
			}
			if !errors.Is(err, ErrBadSignature) && !errors.Is(err, ErrInvalid) {
				t.Fatalf("refused as %v", err)
			}
			if ts, _ := b.Tombstones("d"); len(ts) != 0 {
				t.Fatal("something was stored")
			}
			if branchAt(b, "d", "sole") != base.ID {
				t.Fatal("the branch went")
			}
		})
	}
	// CheckAuthor (the studio's peer IDs) applies to tombstones too.
	s := openMembersOnly(t, alice.PeerID)
	syncTo(t, b, s, "d")
	tb := &Tombstone{Design: "d", Branch: "sole", Head: base.ID, Author: mallory.Author()}
	SignTombstone(tb, mallory.Key)
	if _, err := s.Receive(&Batch{Tombstones: []*Tombstone{tb}}); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("an author CheckAuthor refuses: %v", err)
	}
	if ts, _ := s.Tombstones("d"); len(ts) != 0 || branchAt(s, "d", "sole") != base.ID {
		t.Fatal("the refused tombstone acted")
	}
}

// Tombstones survive a reopen, eager and lazy, and still keep a stale
// branch out.
func TestTombstoneSurvivesReopen(t *testing.T) {
	alice := testIdentity(1, "Alice")
	dir := t.TempDir()
	a, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := a.Commit("d", DefaultBranch, snap(t, "Derby", 20), "base", alice)
	a.Branch("d", "sole", base.ID)
	b := openTest(t, t.TempDir())
	syncTo(t, a, b, "d")
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	a.Close()
	for _, lazy := range []bool{false, true} {
		s, err := Open(dir, Options{Lazy: lazy})
		if err != nil {
			t.Fatal(err)
		}
		ts, err := s.Tombstones("d")
		if err != nil || len(ts) != 1 || ts[0].Head != base.ID {
			t.Fatalf("lazy %v: %v, %v", lazy, ts, err)
		}
		if branchAt(s, "d", "sole") != "" {
			t.Fatal("the branch is back after a reopen")
		}
		syncTo(t, b, s, "d")
		if branchAt(s, "d", "sole") != "" {
			t.Fatalf("lazy %v: a stale branch came back after a reopen", lazy)
		}
		s.Close()
	}
}

// A flipped byte in a stored tombstone is ErrCorrupt: an eager open
// refuses the file, a lazy one the design, and the tombstones are not
// read as anything else.
func TestFlippedTombstoneByteIsDetected(t *testing.T) {
	alice := testIdentity(1, "Alice")
	dir := t.TempDir()
	a, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := a.Commit("d", DefaultBranch, snap(t, "Derby", 20), "base", alice)
	a.Branch("d", "UNIQUE-BRANCH-NAME", base.ID)
	if err := a.DeleteBranchAs("d", "UNIQUE-BRANCH-NAME", alice); err != nil {
		t.Fatal(err)
	}
	ts, _ := a.Tombstones("d")
	enc, _ := EncodeTombstone(&ts[0])
	a.Close()
	// The name inside the stored value (the key holds it too: flip the
	// value's copy, found after the encoded design ID).
	i := bytes.Index(enc, []byte("UNIQUE-BRANCH-NAME"))
	flipInFile(t, dir, enc[:i+4], i+2)
	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("eager open of a file with a flipped tombstone: %v", err)
	}
	s, err := Open(dir, Options{Lazy: true, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.LoadDesign("d"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("lazy load of the design: %v", err)
	}
	if _, err := s.Tombstones("d"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("reading the tombstones: %v", err)
	}
}

// A schema 4 file (no tombstones bucket) is upgraded by a writable open.
func TestSchema4Upgrade(t *testing.T) {
	alice := testIdentity(1, "Alice")
	dir := t.TempDir()
	a, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := a.Commit("d", DefaultBranch, snap(t, "Derby", 20), "base", alice)
	a.Branch("d", "sole", base.ID)
	a.Close()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketTombstones); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte{0, 0, 0, 0, 0, 0, 0, 4})
	})
	db.Close()
	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("read-only open of a schema 4 file: %v", err)
	}
	s, err := Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	if ts, err := s.Tombstones("d"); err != nil || len(ts) != 1 {
		t.Fatalf("after the upgrade: %v, %v", ts, err)
	}
}

// Without the secret, tombstones are checked by their signatures (a
// read-only open) and sealed again under a new secret (a writable one),
// like versions.
func TestTombstoneResealedWhenSecretLost(t *testing.T) {
	alice := testIdentity(1, "Alice")
	dir := t.TempDir()
	a, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := a.Commit("d", DefaultBranch, snap(t, "Derby", 20), "base", alice)
	a.Branch("d", "sole", base.ID)
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if err := os.Remove(filepath.Join(dir, SealFile)); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(dir, Options{Lazy: true, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if ts, err := ro.Tombstones("d"); err != nil || len(ts) != 1 {
		t.Fatalf("read-only, without the secret: %v, %v", ts, err)
	}
	ro.Close()
	s, err := Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	if ts, err := s.Tombstones("d"); err != nil || len(ts) != 1 || ts[0].Head != base.ID {
		t.Fatalf("resealed: %v, %v", ts, err)
	}
	s.Close()
	// Sealed under the new secret: an eager open checks it.
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// Sync sends a large design in several batches, refs and tombstones in
// the last: a deleted branch's versions that arrive in an earlier
// (partial) batch are not merged into main before the tombstone comes.
func TestPartialBatchLeavesHeadsForTheLastOne(t *testing.T) {
	alice := testIdentity(1, "Alice")
	a := openTest(t, t.TempDir())
	base, _ := a.Commit("d", DefaultBranch, snap(t, "Derby", 20), "base", alice)
	a.Branch("d", "exp", base.ID)
	ve, err := a.Commit("d", "exp", snap(t, "Derby", 33), "experiment", alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteBranchAs("d", "exp", alice); err != nil {
		t.Fatal(err)
	}
	all, err := a.Collect("d", nil)
	if err != nil {
		t.Fatal(err)
	}
	first := &Batch{Versions: all.Versions, Manifests: all.Manifests, Elements: all.Elements, Partial: true}
	last := &Batch{Refs: all.Refs, Tombstones: all.Tombstones}
	b := openTest(t, t.TempDir())
	if _, err := b.Receive(first); err != nil {
		t.Fatal(err)
	}
	if h := branchAt(b, "d", DefaultBranch); h != "" {
		t.Fatalf("a partial batch made main at %s", short(h))
	}
	if _, err := b.Receive(last); err != nil {
		t.Fatal(err)
	}
	if h := branchAt(b, "d", DefaultBranch); h != base.ID {
		t.Fatalf("main at %q, want %s (the deleted work %s stays out)", h, short(base.ID), short(ve.ID))
	}
	if branchAt(b, "d", "exp") != "" || !b.HasVersion(ve.ID) {
		t.Fatal("the deleted branch is back, or its version is missing")
	}
	// The same batches received whole (not partial) also end there.
	c := openTest(t, t.TempDir())
	if _, err := c.Receive(all); err != nil {
		t.Fatal(err)
	}
	if h := branchAt(c, "d", DefaultBranch); h != base.ID {
		t.Fatalf("whole: main at %q", h)
	}
}

// compactionFixture: store a where "sole" was deleted at base (t1), made
// again at a later main version v2 and deleted there (t2: its head
// descends from t1's), and a store b that has the versions (synced before
// any deletion) and no tombstone. a keeps t2 alone.
func compactionFixture(t *testing.T) (a, b *Store, t1, t2 *Tombstone) {
	t.Helper()
	alice := testIdentity(1, "Alice")
	a, b, _ = sideFixture(t)
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	ts, err := a.Tombstones("d")
	if err != nil || len(ts) != 1 {
		t.Fatalf("tombstones: %v %v", ts, err)
	}
	t1 = cloneTombstone(&ts[0])
	v2, err := a.Commit("d", DefaultBranch, snap(t, "Derby", 27), "later", alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Branch("d", "sole", v2.ID); err != nil {
		t.Fatal(err)
	}
	syncTo(t, a, b, "d") // b: the versions and sole at v2; t1 covers nothing of b's sole
	if branchAt(b, "d", "sole") != v2.ID {
		t.Fatal("fixture")
	}
	if err := a.DeleteBranchAs("d", "sole", alice); err != nil {
		t.Fatal(err)
	}
	ts, err = a.Tombstones("d")
	if err != nil || len(ts) != 1 || ts[0].Head != v2.ID {
		t.Fatalf("the second delete left %d tombstones (%v), want the one at v2", len(ts), err)
	}
	t2 = cloneTombstone(&ts[0])
	return a, b, t1, t2
}

// A tombstone whose head is an ancestor of another's of the same branch
// is dropped, in whatever order the two arrive, and a redundant one
// received is a no-op. Every store ends with the same set.
func TestTombstoneCompactionOrderIndependent(t *testing.T) {
	a, b, t1, t2 := compactionFixture(t)
	want := tombIDs(t, a)
	if !slices.Equal(want, []models.ID{t2.ID()}) {
		t.Fatalf("a keeps %v", want)
	}
	orders := map[string][][]*Tombstone{
		"t1 then t2":     {{t1}, {t2}},
		"t2 then t1":     {{t2}, {t1}},
		"one batch 1, 2": {{t1, t2}},
		"one batch 2, 1": {{t2, t1}},
	}
	for name, batches := range orders {
		t.Run(name, func(t *testing.T) {
			s := openTest(t, t.TempDir())
			syncTo(t, b, s, "d")
			for _, ts := range batches {
				if _, err := s.Receive(&Batch{Tombstones: ts}); err != nil {
					t.Fatal(err)
				}
			}
			if got := tombIDs(t, s); !slices.Equal(got, want) {
				t.Fatalf("tombstones %v, want %v", got, want)
			}
			if h := branchAt(s, "d", "sole"); h != "" {
				t.Fatalf("sole stays at %s", short(h))
			}
		})
	}
	// Redundant, received after: a no-op, not an error, no event.
	syncTo(t, a, b, "d")
	before := stateOf(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := b.Watch(ctx)
	if _, err := b.Receive(&Batch{Tombstones: []*Tombstone{t1}}); err != nil {
		t.Fatalf("a redundant tombstone: %v", err)
	}
	if got := tombIDs(t, b); !slices.Equal(got, want) {
		t.Fatalf("after a redundant one: %v", got)
	}
	if after := stateOf(b); !slices.Equal(before.refs, after.refs) || !slices.Equal(before.history, after.history) {
		t.Fatal("a redundant tombstone changed the store")
	}
	select {
	case ev := <-events:
		t.Fatalf("a redundant tombstone notified %+v", ev)
	default:
	}
}

// Tombstones of heads where neither is an ancestor of the other both
// stay; of one head, the lower ID stays, whatever the order.
func TestTombstoneCompactionKeepsUnrelatedAndLowerID(t *testing.T) {
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	a, b, base := sideFixture(t)
	va, err := a.Commit("d", "sole", snap(t, "Derby", 24), "alice on sole", alice)
	if err != nil {
		t.Fatal(err)
	}
	vb, err := b.Commit("d", "sole", snap(t, "Derby", 26), "bob on sole", bob)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(head models.ID, who *Identity) *Tombstone {
		tb := &Tombstone{Design: "d", Branch: "sole", Head: head, Author: who.Author(), Time: models.HLC{Wall: 5}}
		if err := SignTombstone(tb, who.Key); err != nil {
			t.Fatal(err)
		}
		return tb
	}
	ta, tb := sign(va.ID, alice), sign(vb.ID, bob)
	same1, same2 := sign(base.ID, alice), sign(base.ID, bob)
	lower := same1.ID()
	if same2.ID() < lower {
		lower = same2.ID()
	}
	var sets [][]models.ID
	for _, order := range [][]*Tombstone{{ta, tb, same1, same2}, {same2, same1, tb, ta}} {
		s := openTest(t, t.TempDir())
		syncTo(t, a, s, "d")
		syncTo(t, b, s, "d")
		for _, x := range order {
			if _, err := s.Receive(&Batch{Tombstones: []*Tombstone{x}}); err != nil {
				t.Fatal(err)
			}
		}
		ts, _ := s.Tombstones("d")
		if len(ts) != 2 {
			t.Fatalf("%d tombstones, want the two unrelated heads: %+v", len(ts), ts)
		}
		for _, x := range ts {
			if x.Head == base.ID {
				t.Fatal("the tombstone of the common ancestor stays")
			}
		}
		sets = append(sets, tombIDs(t, s))
	}
	if !slices.Equal(sets[0], sets[1]) {
		t.Fatalf("orders differ: %v / %v", sets[0], sets[1])
	}
	// Same head alone: the lower ID, in either order.
	for _, order := range [][]*Tombstone{{same1, same2}, {same2, same1}} {
		s := openTest(t, t.TempDir())
		syncTo(t, a, s, "d")
		for _, x := range order {
			if _, err := s.Receive(&Batch{Tombstones: []*Tombstone{x}}); err != nil {
				t.Fatal(err)
			}
		}
		if got := tombIDs(t, s); !slices.Equal(got, []models.ID{lower}) {
			t.Fatalf("same head: %v, want %s", got, lower)
		}
	}
}

// A store that kept a redundant tombstone (an older program never
// dropped any) drops it when the one that covers it arrives again, so it
// ends like the others; the compaction survives a reopen.
func TestTombstoneCompactionReopenAndOldPile(t *testing.T) {
	a, b, t1, t2 := compactionFixture(t)
	want := tombIDs(t, a)
	dir := b.Dir()
	syncTo(t, a, b, "d")
	// Put t1 back beside t2, as an older program left it.
	if err := b.db.Update(func(tx *bolt.Tx) error { return b.writeTomb(tx, t1) }); err != nil {
		t.Fatal(err)
	}
	if got := tombIDs(t, b); len(got) != 2 {
		t.Fatalf("fixture: %v", got)
	}
	if _, err := b.Receive(&Batch{Tombstones: []*Tombstone{t2}}); err != nil {
		t.Fatal(err)
	}
	if got := tombIDs(t, b); !slices.Equal(got, want) {
		t.Fatalf("after t2 again: %v, want %v", got, want)
	}
	b.Close()
	for _, lazy := range []bool{false, true} {
		s, err := Open(dir, Options{Wall: newFakeWall().now, Lazy: lazy})
		if err != nil {
			t.Fatal(err)
		}
		if got := tombIDs(t, s); !slices.Equal(got, want) {
			t.Fatalf("lazy %v: after a reopen %v, want %v", lazy, got, want)
		}
		if _, err := s.Receive(&Batch{Tombstones: []*Tombstone{t1}}); err != nil {
			t.Fatal(err)
		}
		if got := tombIDs(t, s); !slices.Equal(got, want) {
			t.Fatalf("lazy %v: t1 after a reopen: %v", lazy, got)
		}
		s.Close()
	}
}
