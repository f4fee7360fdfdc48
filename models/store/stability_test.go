package store

import (
	"maps"
	"testing"

	"cordwain/models"
)

// Fault 13: is a conflict, once decided, re-decided by later merges?
//
// Finding: only by a concurrent change with a later stamp, and that is
// inherent to any merge that every studio computes alike whatever the
// order (see docs/merge.md): the result for a property must be a function
// of the set of concurrent changes, not of which pair met first, or two
// studios that met the changes in different orders would never agree. So
// a decision made by a merge of some of them is provisional until every
// concurrent change has arrived; a later concurrent change overrides it
// (and the override is recorded as a conflict), an earlier one never does,
// and a designer's decision (a flip, or any edit after the merge) is a new
// change made after everything it saw, so only an edit made later by
// someone who had not seen it can override it.
func TestConflictDecisionsAreStableExceptAgainstLaterChanges(t *testing.T) {
	season := func(t *testing.T, s *Store, d models.ID) string {
		t.Helper()
		h, err := s.Head(d, DefaultBranch)
		if err != nil {
			t.Fatal(err)
		}
		sn, _ := s.Snapshot(h.ID)
		var v string
		models.DecodeCanonical(sn[models.MetaID].Props["season"], &v)
		return v
	}
	set := func(t *testing.T, s *Store, d models.ID, v, who string, seed byte) {
		t.Helper()
		h, _ := s.Head(d, DefaultBranch)
		sn, _ := s.Snapshot(h.ID)
		sn = maps.Clone(sn)
		meta := sn[models.MetaID]
		meta.Props = maps.Clone(meta.Props)
		meta.Props["season"] = cb(t, v)
		sn[models.MetaID] = meta
		if _, err := s.Commit(d, DefaultBranch, sn, "season "+v, testIdentity(seed, who)); err != nil {
			t.Fatal(err)
		}
	}
	const d = models.ID("d")
	origin := convOpen(t, 1_000)
	if _, err := origin.Commit(d, DefaultBranch, snap(t, "Derby", 20), "base", testIdentity(9, "O")); err != nil {
		t.Fatal(err)
	}
	// Wall clocks: A's edit is the earliest, then B's, then C's; D edits
	// latest of all.
	a, b, c, dd := convOpen(t, 10_000), convOpen(t, 20_000), convOpen(t, 30_000), convOpen(t, 90_000)
	for _, s := range []*Store{a, b, c, dd} {
		syncTo(t, origin, s, d)
	}
	set(t, a, d, "SS28", "A", 1)
	set(t, b, d, "SS27", "B", 2)
	set(t, c, d, "AW26", "C", 3)
	set(t, dd, d, "FW29", "D", 4)

	// C meets B: C's later change wins, and the decision is recorded.
	syncTo(t, b, c, d)
	if got := season(t, c, d); got != "AW26" {
		t.Fatalf("C after B: %s", got)
	}
	if n := len(c.Conflicts(d)); n != 1 {
		t.Fatalf("C recorded %d conflicts", n)
	}
	// A meets C: A's change is older than the one C kept: the decision
	// stands, on A and on C.
	syncTo(t, c, a, d)
	syncTo(t, a, c, d)
	if got, got2 := season(t, a, d), season(t, c, d); got != "AW26" || got2 != "AW26" {
		t.Fatalf("after A met C: A %s, C %s", got, got2)
	}
	// The designer on C settles it by hand: B's value.
	var key string
	for _, cf := range c.Conflicts(d) {
		var loser string
		models.DecodeCanonical(cf.Loser, &loser)
		if loser == "SS27" {
			key = cf.Key
		}
	}
	if key == "" {
		t.Fatalf("no conflict with SS27 as loser: %+v", c.Conflicts(d))
	}
	if _, err := c.FlipConflict(key, DefaultBranch, testIdentity(3, "C")); err != nil {
		t.Fatal(err)
	}
	// Everything C has seen (A's, B's) never undoes the flip.
	syncTo(t, a, c, d)
	syncTo(t, b, c, d)
	syncTo(t, c, a, d)
	syncTo(t, c, b, d)
	for name, s := range map[string]*Store{"A": a, "B": b, "C": c} {
		if got := season(t, s, d); got != "SS27" {
			t.Fatalf("%s after the flip: %s", name, got)
		}
	}
	// D's change is concurrent with all of it and later in time than the
	// flip: it wins everywhere once it arrives, and each studio records
	// that it overrode the hand-made decision.
	for _, s := range []*Store{a, b, c} {
		syncTo(t, dd, s, d)
		syncTo(t, s, dd, d)
	}
	for _, s := range []*Store{a, b, c, dd} {
		for _, o := range []*Store{a, b, c, dd} {
			if s != o {
				syncTo(t, s, o, d)
			}
		}
	}
	var heads []models.ID
	for name, s := range map[string]*Store{"A": a, "B": b, "C": c, "D": dd} {
		if got := season(t, s, d); got != "FW29" {
			t.Fatalf("%s after D's later change: %s", name, got)
		}
		overridden := false
		for _, cf := range s.Conflicts(d) {
			var w, l string
			models.DecodeCanonical(cf.Winner, &w)
			models.DecodeCanonical(cf.Loser, &l)
			if w == "FW29" && l == "SS27" {
				overridden = true
			}
		}
		if !overridden {
			t.Fatalf("%s: the override of the flip is not recorded", name)
		}
		h, _ := s.Head(d, DefaultBranch)
		heads = append(heads, h.ID)
	}
	for _, h := range heads[1:] {
		if h != heads[0] {
			t.Fatalf("studios end on different heads: %v", heads)
		}
	}
}
