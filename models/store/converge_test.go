package store

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// Store-level convergence: concurrent branches edited on the same and on
// different properties, merged in different orders and groupings on
// separate stores, exchanged in different orders, end with the same
// content, the same heads and the same recorded conflicts everywhere.

var convPieces = []models.ID{"c000000000000001", "c000000000000002", "c000000000000003", "c000000000000004"}

func convOpen(t *testing.T, wall int64) *Store {
	t.Helper()
	w := &fakeWall{}
	w.ms.Store(wall)
	s, err := Open(t.TempDir(), Options{Wall: w.now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func convBase(t *testing.T) models.Snapshot {
	s := snap(t, "Derby", 20)
	for _, id := range convPieces[:3] {
		s[id] = models.Element{ID: id, Kind: models.KindPiece, Props: models.Props{"name": cb(t, "n0"), "quantity": cb(t, 1)}}
	}
	return s
}

// convEdit returns a copy of s with 1-3 random edits on a small set of
// (element, property), so branches often collide, sometimes alike.
func convEdit(t *testing.T, r *rand.Rand, s models.Snapshot) models.Snapshot {
	out := maps.Clone(s)
	set := func(id models.ID, prop string, v []byte) {
		e := out[id]
		e.Props = maps.Clone(e.Props)
		if v == nil {
			delete(e.Props, prop)
		} else {
			e.Props[prop] = v
		}
		out[id] = e
	}
	for range 1 + r.IntN(3) {
		switch k := r.IntN(12); {
		case k == 0:
			set(models.MetaID, "name", cb(t, []string{"Derby", "Oxford", "Brogue"}[r.IntN(3)]))
		case k == 1:
			set(models.LastID, "heel_height", cb(t, float64(20+5*r.IntN(3))))
		case k == 2: // delete a piece
			delete(out, convPieces[r.IntN(len(convPieces))])
		case k == 3: // add (or re-add) a piece
			id := convPieces[r.IntN(len(convPieces))]
			out[id] = models.Element{ID: id, Kind: models.KindPiece, Props: models.Props{"name": cb(t, fmt.Sprint("new", r.IntN(2)))}}
		default:
			id := convPieces[r.IntN(len(convPieces))]
			if _, ok := out[id]; !ok {
				continue
			}
			switch p := r.IntN(5); p {
			case 0:
				set(id, "role", nil)
			case 1, 2:
				set(id, "name", cb(t, fmt.Sprint("n", r.IntN(3))))
			default:
				set(id, []string{"quantity", "role"}[p-3], cb(t, r.IntN(3)))
			}
		}
	}
	return out
}

// mergeTree merges heads (in the given order) with a random grouping on s
// and returns the result.
func mergeTree(t *testing.T, r *rand.Rand, s *Store, d models.ID, heads []models.ID, n *int) models.ID {
	t.Helper()
	if len(heads) == 1 {
		return heads[0]
	}
	cut := 1 + r.IntN(len(heads)-1)
	left := mergeTree(t, r, s, d, heads[:cut], n)
	right := mergeTree(t, r, s, d, heads[cut:], n)
	*n++
	br := fmt.Sprintf("m%d", *n)
	if err := s.Branch(d, br, left); err != nil {
		t.Fatal(err)
	}
	m, err := s.MergeHeads(d, br, right)
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}

func TestStoreMergesConverge(t *testing.T) {
	cases := 40
	if testing.Short() {
		cases = 10
	}
	r := rand.New(rand.NewPCG(21, 22))
	const d = models.ID("d")
	for c := range cases {
		nb := 3 + r.IntN(2)
		origin := convOpen(t, 1_780_000_000_000)
		if _, err := origin.Commit(d, DefaultBranch, convBase(t), "base", testIdentity(9, "O")); err != nil {
			t.Fatal(err)
		}
		// Branches: each on its own store with its own (skewed) clock, one
		// to three commits each.
		var branches []*Store
		var tips []models.ID
		for i := range nb {
			s := convOpen(t, 1_780_000_000_000+int64(r.IntN(5)))
			syncTo(t, origin, s, d)
			var tip models.ID
			cur, _ := s.Snapshot(mustHead(t, s, d))
			for range 1 + r.IntN(3) {
				cur = convEdit(t, r, cur)
				v, err := s.Commit(d, DefaultBranch, cur, "edit", testIdentity(byte(i+1), fmt.Sprint("B", i)))
				if err != nil && v == nil {
					t.Fatal(err)
				}
				tip = v.ID
			}
			branches = append(branches, s)
			tips = append(tips, tip)
		}
		// Mergers: each receives the branches in its own order and merges
		// them in its own order and grouping.
		var mergers []*Store
		var contents []models.Hash
		var tops []models.ID
		for range 3 {
			m := convOpen(t, 1_780_000_000_000)
			for _, i := range r.Perm(nb) {
				syncTo(t, branches[i], m, d)
			}
			order := make([]models.ID, nb)
			for j, i := range r.Perm(nb) {
				order[j] = tips[i]
			}
			checkHeadsIndex(t, m, d)
			n := 0
			top := mergeTree(t, r, m, d, order, &n)
			checkHeadsIndex(t, m, d)
			v, _ := m.Version(top)
			mergers = append(mergers, m)
			tops = append(tops, top)
			contents = append(contents, v.Root)
			// The scratch branches go (their names only, as an older
			// Cordwain deleted a branch: no tombstone, which would keep
			// their heads out of main); their merges are then heads no
			// branch reaches, which the next receive settles into main.
			for _, r := range m.Refs(d) {
				if r.Kind == RefBranch && r.Name != DefaultBranch {
					dropBranchRef(t, m, d, r.Name)
				}
			}
		}
		for j := range contents[1:] {
			if contents[j+1] != contents[0] {
				a, _ := mergers[0].Snapshot(tops[0])
				b, _ := mergers[j+1].Snapshot(tops[j+1])
				t.Fatalf("case %d: merge order changed the content:\n%v", c, models.Diff(a, b))
			}
		}
		// Exchange in different orders: every receive merges what it got
		// into main, so the stores make merges of merges; they must end on
		// the same single head, whatever the order.
		for range 4 {
			for _, i := range r.Perm(len(mergers)) {
				for _, j := range r.Perm(len(mergers)) {
					if i != j {
						syncTo(t, mergers[i], mergers[j], d)
					}
				}
			}
		}
		for _, s := range append(append([]*Store{origin}, branches...), mergers...) {
			checkHeadsIndex(t, s, d)
		}
		want := ids(mergers[0].Heads(d))
		wantConflicts := conflictKeys(mergers[0])
		for k, m := range mergers {
			if h := ids(m.Heads(d)); len(h) != 1 || !slices.Equal(h, want) {
				t.Fatalf("case %d: store %d ends with heads %v, store 0 with %v", c, k, h, want)
			}
			v := m.Heads(d)[0]
			if v.Root != contents[0] {
				t.Fatalf("case %d: final content differs from the first merges'", c)
			}
			if got := conflictKeys(m); !slices.Equal(got, wantConflicts) {
				t.Fatalf("case %d: store %d conflicts\n%v\nstore 0\n%v", c, k, got, wantConflicts)
			}
		}
	}
}

func mustHead(t *testing.T, s *Store, d models.ID) models.ID {
	t.Helper()
	h, err := s.Head(d, DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	return h.ID
}

func conflictKeys(s *Store) []string {
	var out []string
	for _, c := range s.Conflicts("d") {
		out = append(out, fmt.Sprintf("%q %x>%x", c.Key, c.Winner, c.Loser))
	}
	return out
}

// checkHeadsIndex compares the heads the store keeps (in memdb, newest
// first, and in the design's record in the file) with the versions of d's
// history that none has as parent.
func checkHeadsIndex(t *testing.T, s *Store, d models.ID) {
	t.Helper()
	hist := s.History(d)
	parent := map[models.ID]bool{}
	for _, v := range hist {
		for _, p := range v.Parents {
			parent[p] = true
		}
	}
	var want []string
	for _, v := range hist {
		if !parent[v.ID] {
			want = append(want, string(v.ID))
		}
	}
	var got []string
	for _, v := range s.Heads(d) {
		got = append(got, string(v.ID))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("heads kept %v, heads of the history %v", got, want)
	}
	var rec designRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		return models.DecodeCanonical(tx.Bucket(bucketDesigns).Get([]byte(d)), &rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	stored := make([]string, len(rec.Heads))
	for i, h := range rec.Heads {
		stored[i] = string(h)
	}
	slices.Sort(want)
	if !slices.Equal(stored, want) {
		t.Fatalf("heads in the design record %v, heads of the history %v", stored, want)
	}
}

// TestHeadsIndexAcrossReopen: diverged branches give two heads; a commit
// on one moves it; a reopened store (designs loaded lazily) and a store
// that received the versions keep the same heads as their histories.
func TestHeadsIndexAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	const d = models.ID("d")
	base := convBase(t)
	v1, err := s.Commit(d, DefaultBranch, base, "base", testIdentity(1, "A"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Branch(d, "side", v1.ID); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	cur := base
	for i := range 3 {
		cur = convEdit(t, r, cur)
		if _, err := s.Commit(d, []string{DefaultBranch, "side"}[i%2], cur, "edit", testIdentity(1, "A")); err != nil {
			t.Fatal(err)
		}
		checkHeadsIndex(t, s, d)
	}
	if n := len(s.Heads(d)); n != 2 {
		t.Fatalf("%d heads after commits on two branches, want 2", n)
	}
	other := convOpen(t, 1_780_000_000_000)
	syncTo(t, s, other, d)
	checkHeadsIndex(t, other, d)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkHeadsIndex(t, s, d)
	if n := len(s.Heads(d)); n != 2 {
		t.Fatalf("%d heads after reopening, want 2", n)
	}
}
