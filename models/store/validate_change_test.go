package store

import (
	"errors"
	"sync/atomic"
	"testing"

	"cordwain/models"
)

// A received version whose one parent is in the same batch is checked by
// what it changes when the validator is sure of it; a version that
// removes an element, has no parent in the batch, or that the validator
// is not sure of gets the whole check, and one that fails it refuses the
// batch.
func TestReceiveChecksVersionsByWhatTheyChange(t *testing.T) {
	alice := testIdentity(1, "Alice")
	src := openTest(t, t.TempDir())
	commit := func(heel float64, pieces ...string) {
		t.Helper()
		if _, err := src.Commit("a", DefaultBranch, snap(t, "Derby", heel, pieces...), "a", alice); err != nil {
			t.Fatal(err)
		}
	}
	commit(30, "0123456789abcdef")                     // v1: no parent, whole check
	commit(30, "0123456789abcdef", "1123456789abcdef") // v2: a piece added, by change
	commit(30, "1123456789abcdef")                     // v3: a piece removed, whole check
	commit(35, "1123456789abcdef")                     // v4: the last changed: not sure, whole check
	var whole, byChange, sure atomic.Int32
	heelOK := func(s models.Snapshot) error {
		if heelOf(t, s) < 0 {
			return errors.New("negative heel")
		}
		return nil
	}
	open := func() *Store {
		dst, err := Open(t.TempDir(), Options{Wall: newFakeWall().now,
			ValidateHashed: func(_ models.ID, s models.Snapshot, _ map[models.ID]models.Hash) error {
				whole.Add(1)
				return heelOK(s)
			},
			ValidateChange: func(_ models.ID, changes []models.ElementChange, kindOf func(models.ID) (models.Kind, bool)) bool {
				byChange.Add(1)
				for _, c := range changes {
					// This history adds pieces and changes the last, and
					// nothing else: what the parent had is told.
					if c.Had != (c.ID == models.LastID) || (c.Had && (c.Old.ID != c.ID || heelOf(t, models.Snapshot{c.ID: c.Old}) == heelOf(t, models.Snapshot{c.ID: c.New}))) {
						t.Errorf("change of %s: had %v, old %+v", c.ID, c.Had, c.Old)
					}
					if c.ID == models.LastID {
						return false
					}
					if k, ok := kindOf(c.ID); !ok || k != c.New.Kind {
						t.Errorf("kindOf(%s) = %v, %v; the element is a %s", c.ID, k, ok, c.New.Kind)
					}
				}
				sure.Add(1)
				return true
			}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { dst.Close() })
		return dst
	}
	dst := open()
	if _, err := dst.Receive(collect(t, src, "a")); err != nil {
		t.Fatalf("Receive: %v", err)
	}
	if w, c, s := whole.Load(), byChange.Load(), sure.Load(); w != 3 || c != 2 || s != 1 {
		t.Fatalf("%d whole checks, %d by change (%d sure); want 3, 2 (1)", w, c, s)
	}
	if n := len(dst.History("a")); n != 4 {
		t.Fatalf("%d versions stored, want 4", n)
	}

	// A bad version after good ones: the validator is not sure of it, the
	// whole check refuses it, and nothing of the batch is stored.
	commit(-5, "1123456789abcdef")
	commit(-5, "1123456789abcdef", "2123456789abcdef") // sure by change, on a bad parent
	whole.Store(0)
	dst = open()
	if _, err := dst.Receive(collect(t, src, "a")); !errors.Is(err, ErrInvalid) {
		t.Fatalf("a batch with a bad version: %v", err)
	}
	if n := len(dst.History("a")); n != 0 {
		t.Fatalf("%d versions stored from a refused batch", n)
	}
}
