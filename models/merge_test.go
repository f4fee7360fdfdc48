package models

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func stamp(wall int64, author string) Stamp { return Stamp{Time: HLC{Wall: wall}, Author: author} }

var (
	s1 = stamp(1000, "peerA")
	s2 = stamp(2000, "peerB")
)

func el(id ID, kind Kind, kv ...string) Element {
	e := Element{ID: id, Kind: kind, Props: Props{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Props[kv[i]] = []byte(kv[i+1])
	}
	return e
}

func snap(es ...Element) Snapshot {
	s := Snapshot{}
	for _, e := range es {
		s[e.ID] = e
	}
	return s
}

func snapEqual(x, y Snapshot) bool {
	if len(x) != len(y) {
		return false
	}
	for id, ex := range x {
		ey, ok := y[id]
		if !ok || ex.ID != ey.ID || !elementEqual(ex, ey) {
			return false
		}
	}
	return true
}

func snapString(s Snapshot) string {
	var b bytes.Buffer
	for _, id := range sortedIDs(s) {
		e := s[id]
		fmt.Fprintf(&b, "%s(%s){", id, e.Kind)
		for _, p := range sortedProps(e.Props) {
			fmt.Fprintf(&b, "%s=%q ", p, e.Props[p])
		}
		b.WriteString("} ")
	}
	return b.String()
}

func TestMergeCases(t *testing.T) {
	const x, y = ID("00000000000000a1"), ID("00000000000000b2")
	base := snap(el(x, KindPiece, "name", "vamp", "qty", "1"), el(y, KindMaterial, "name", "calf"))
	for _, tc := range []struct {
		name      string
		a, b      Snapshot
		want      Snapshot
		conflicts []Conflict
	}{
		{"nothing changed", base, base, base, nil},
		{"a changed", snap(el(x, KindPiece, "name", "VAMP", "qty", "1"), base[y]), base,
			snap(el(x, KindPiece, "name", "VAMP", "qty", "1"), base[y]), nil},
		{"different props of one element", snap(el(x, KindPiece, "name", "VAMP", "qty", "1"), base[y]), snap(el(x, KindPiece, "name", "vamp", "qty", "2"), base[y]),
			snap(el(x, KindPiece, "name", "VAMP", "qty", "2"), base[y]), nil},
		{"alike", snap(el(x, KindPiece, "name", "V", "qty", "1"), base[y]), snap(el(x, KindPiece, "name", "V", "qty", "1"), base[y]),
			snap(el(x, KindPiece, "name", "V", "qty", "1"), base[y]), nil},
		{"conflict: later stamp wins", snap(el(x, KindPiece, "name", "A", "qty", "1"), base[y]), snap(el(x, KindPiece, "name", "B", "qty", "1"), base[y]),
			snap(el(x, KindPiece, "name", "B", "qty", "1"), base[y]),
			[]Conflict{{Element: x, Prop: "name", Winner: []byte("B"), Loser: []byte("A"), WinnerStamp: s2, LoserStamp: s1}}},
		{"property removed vs changed", snap(el(x, KindPiece, "name", "vamp"), base[y]), snap(el(x, KindPiece, "name", "vamp", "qty", "3"), base[y]),
			snap(el(x, KindPiece, "name", "vamp", "qty", "3"), base[y]),
			[]Conflict{{Element: x, Prop: "qty", Winner: []byte("3"), Loser: nil, WinnerStamp: s2, LoserStamp: s1}}},
		{"property added on one side", snap(el(x, KindPiece, "name", "vamp", "qty", "1", "mirror", "t"), base[y]), base,
			snap(el(x, KindPiece, "name", "vamp", "qty", "1", "mirror", "t"), base[y]), nil},
		{"deleted, untouched", snap(base[y]), base, snap(base[y]), nil},
		{"deleted on both", snap(base[y]), snap(base[y]), snap(base[y]), nil},
		{"modification beats deletion", snap(base[y]), snap(el(x, KindPiece, "name", "vamp", "qty", "9"), base[y]),
			snap(el(x, KindPiece, "name", "vamp", "qty", "9"), base[y]),
			[]Conflict{{Element: x, Winner: appendElement(nil, el(x, KindPiece, "name", "vamp", "qty", "9")), WinnerStamp: s2, LoserStamp: s1}}},
		{"modification beats deletion by the later side", snap(el(x, KindPiece, "name", "vamp", "qty", "9"), base[y]), snap(base[y]),
			snap(el(x, KindPiece, "name", "vamp", "qty", "9"), base[y]),
			[]Conflict{{Element: x, Winner: appendElement(nil, el(x, KindPiece, "name", "vamp", "qty", "9")), WinnerStamp: s1, LoserStamp: s2}}},
		{"added on one side", snap(base[x], base[y], el("00000000000000c3", KindMark, "piece", "x")), base,
			snap(base[x], base[y], el("00000000000000c3", KindMark, "piece", "x")), nil},
		{"added on both, alike", snap(base[x], base[y], el("00000000000000c3", KindMark, "k", "v")), snap(base[x], base[y], el("00000000000000c3", KindMark, "k", "v")),
			snap(base[x], base[y], el("00000000000000c3", KindMark, "k", "v")), nil},
		{"added on both, differently", snap(base[x], base[y], el("00000000000000c3", KindMark, "k", "v", "p", "1")), snap(base[x], base[y], el("00000000000000c3", KindMark, "k", "w", "q", "2")),
			snap(base[x], base[y], el("00000000000000c3", KindMark, "k", "w", "p", "1", "q", "2")),
			[]Conflict{{Element: "00000000000000c3", Prop: "k", Winner: []byte("w"), Loser: []byte("v"), WinnerStamp: s2, LoserStamp: s1}}},
		{"kind conflict", snap(base[x], el(y, "newkind", "name", "calf")), snap(base[x], el(y, "otherkind", "name", "calf")),
			snap(base[x], el(y, "otherkind", "name", "calf")),
			[]Conflict{{Element: y, Prop: KindProp, Winner: []byte("otherkind"), Loser: []byte("newkind"), WinnerStamp: s2, LoserStamp: s1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, conflicts := Merge(base, tc.a, tc.b, s1, s2)
			if !snapEqual(got, tc.want) {
				t.Errorf("merged\n got %s\nwant %s", snapString(got), snapString(tc.want))
			}
			if !reflect.DeepEqual(conflicts, tc.conflicts) {
				t.Errorf("conflicts\n got %+v\nwant %+v", conflicts, tc.conflicts)
			}
			// The same with the sides swapped.
			got2, conflicts2 := Merge(base, tc.b, tc.a, s2, s1)
			if !snapEqual(got2, got) || !reflect.DeepEqual(conflicts2, conflicts) {
				t.Errorf("swapping the sides changes the merge:\n%s\n%s", snapString(got), snapString(got2))
			}
		})
	}
}

func TestMergeEqualStamps(t *testing.T) {
	const x = ID("00000000000000a1")
	base := snap(el(x, KindPiece, "name", "vamp"))
	a, b := snap(el(x, KindPiece, "name", "A")), snap(el(x, KindPiece, "name", "B"))
	m1, c1 := Merge(base, a, b, s1, s1)
	m2, c2 := Merge(base, b, a, s1, s1)
	if !snapEqual(m1, m2) || !reflect.DeepEqual(c1, c2) || len(c1) != 1 {
		t.Errorf("equal stamps: result depends on argument order: %s vs %s", snapString(m1), snapString(m2))
	}
}

// Random snapshots and edits, over a small alphabet so that sides often
// touch the same properties, sometimes alike.

var (
	propNames  = []string{"a", "b", "c", "d", "e"}
	propValues = [][]byte{{0x01}, {0x02}, {0x03}, {0x61, 0x78}, {0x82, 0x01, 0x02}}
	sharedIDs  = []ID{"5555555555555551", "5555555555555552", "5555555555555553"}
)

func randElement(r *rand.Rand, id ID) Element {
	e := Element{ID: id, Kind: []Kind{KindPiece, KindMark, KindStyleLine}[r.IntN(3)], Props: Props{}}
	for _, n := range propNames {
		if r.IntN(3) > 0 {
			e.Props[n] = propValues[r.IntN(len(propValues))]
		}
	}
	return e
}

func randSnapshot(r *rand.Rand, n int) Snapshot {
	s := Snapshot{}
	for range n {
		id := randID(r)
		s[id] = randElement(r, id)
	}
	return s
}

// randEdit returns a copy of s with up to n random edits; s is untouched.
func randEdit(r *rand.Rand, s Snapshot, n int) Snapshot {
	out := make(Snapshot, len(s))
	for id, e := range s {
		out[id] = e
	}
	ids := sortedIDs(out)
	for range r.IntN(n + 1) {
		switch op := r.IntN(10); {
		case op < 1 || len(ids) == 0: // add
			var id ID
			if r.IntN(3) == 0 {
				id = sharedIDs[r.IntN(len(sharedIDs))]
			} else {
				id = randID(r)
			}
			out[id] = randElement(r, id)
		case op < 2: // delete
			delete(out, ids[r.IntN(len(ids))])
		default: // set or remove a property, rarely change the kind
			id := ids[r.IntN(len(ids))]
			e, ok := out[id]
			if !ok {
				continue
			}
			props := make(Props, len(e.Props))
			for k, v := range e.Props {
				props[k] = v
			}
			e.Props = props
			switch k := r.IntN(20); {
			case k == 0:
				e.Kind = "other"
			case k < 5:
				delete(e.Props, propNames[r.IntN(len(propNames))])
			default:
				e.Props[propNames[r.IntN(len(propNames))]] = propValues[r.IntN(len(propValues))]
			}
			out[id] = e
		}
	}
	return out
}

func TestMergeCommutative(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 500 {
		base := randSnapshot(r, r.IntN(12))
		a, b := randEdit(r, base, 8), randEdit(r, base, 8)
		sa, sb := stamp(int64(r.IntN(3)), "p1"), stamp(int64(r.IntN(3)), []string{"p1", "p2"}[r.IntN(2)])
		m1, c1 := Merge(base, a, b, sa, sb)
		m2, c2 := Merge(base, b, a, sb, sa)
		if !snapEqual(m1, m2) {
			t.Fatalf("case %d: not commutative:\n%s\n%s", i, snapString(m1), snapString(m2))
		}
		if !reflect.DeepEqual(c1, c2) {
			t.Fatalf("case %d: conflicts differ:\n%+v\n%+v", i, c1, c2)
		}
		if !slices.IsSortedFunc(c1, func(x, y Conflict) int {
			if x.Element != y.Element {
				return cmpString(string(x.Element), string(y.Element))
			}
			return cmpString(x.Prop, y.Prop)
		}) {
			t.Fatalf("case %d: conflicts not sorted", i)
		}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestMergeIdempotent(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for i := range 300 {
		base := randSnapshot(r, r.IntN(12))
		a := randEdit(r, base, 8)
		for _, tc := range []struct {
			name       string
			b0, x, y   Snapshot
			want       Snapshot
			noConflict bool
		}{
			{"x,x,x", a, a, a, a, true},
			{"base,a,base", base, a, base, a, true},
			{"base,base,a", base, base, a, a, true},
			{"base,a,a", base, a, a, a, true},
		} {
			got, c := Merge(tc.b0, tc.x, tc.y, s1, s2)
			if !snapEqual(got, tc.want) {
				t.Fatalf("case %d %s: got %s\nwant %s", i, tc.name, snapString(got), snapString(tc.want))
			}
			if tc.noConflict && len(c) != 0 {
				t.Fatalf("case %d %s: conflicts %+v", i, tc.name, c)
			}
		}
	}
}

// Merging three concurrent branches in any order and grouping gives the
// same content when per-property stamps travel with the merges.
func TestMergeTrackedConverges(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for i := range 400 {
		base := randSnapshot(r, r.IntN(10))
		sides := []Side{
			{Snap: randEdit(r, base, 8), Stamp: stamp(1, "p1")},
			{Snap: randEdit(r, base, 8), Stamp: stamp(2, "p2")},
			{Snap: randEdit(r, base, 8), Stamp: stamp(int64(1+r.IntN(3)), "p3")},
		}
		merge := func(x, y Side) Side { m, _ := MergeTracked(base, x, y); return m }
		var results []Snapshot
		for _, p := range [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 2, 0}, {2, 1, 0}} {
			x, y, z := sides[p[0]], sides[p[1]], sides[p[2]]
			results = append(results, merge(merge(x, y), z).Snap, merge(z, merge(x, y)).Snap, merge(x, merge(y, z)).Snap)
		}
		for j, got := range results[1:] {
			if !snapEqual(got, results[0]) {
				t.Fatalf("case %d: order %d differs:\n%s\n%s", i, j+1, snapString(results[0]), snapString(got))
			}
		}
		// Two sides: the tracked merge agrees with the plain one.
		plain, pc := Merge(base, sides[0].Snap, sides[1].Snap, sides[0].Stamp, sides[1].Stamp)
		tracked, tc := MergeTracked(base, sides[0], sides[1])
		if !snapEqual(plain, tracked.Snap) || !reflect.DeepEqual(pc, tc) {
			t.Fatalf("case %d: MergeTracked differs from Merge", i)
		}
	}
}

func TestMergeDoesNotModifyInputs(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for range 100 {
		base := randSnapshot(r, 10)
		a, b := randEdit(r, base, 8), randEdit(r, base, 8)
		hb, ha, hbb := base.Hash(), a.Hash(), b.Hash()
		Merge(base, a, b, s1, s2)
		MergeTracked(base, Side{Snap: a, Stamp: s1}, Side{Snap: b, Stamp: s2})
		if base.Hash() != hb || a.Hash() != ha || b.Hash() != hbb {
			t.Fatal("Merge modified its inputs")
		}
	}
}

// A merge of a real design stays a design: disjoint edits on both sides
// all arrive.
func TestMergeDesigns(t *testing.T) {
	d := sampleDesign()
	base, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	da, db := sampleDesign(), sampleDesign()
	da.Pieces[0].Quantity = 2
	da.Meta.Notes = "from a"
	db.Pieces[0].Outline.Points[1] = Pt(181, 1)
	db.Materials = db.Materials[:1]
	newLine := StyleLine{ID: NewID(), Name: "topline", Kind: LineStyle, Path: Path{Points: []Point{Pt(0, 60), Pt(40, 70), Pt(80, 72), Pt(120, 66)}}}
	db.StyleLines = append(db.StyleLines, newLine)
	a, _ := da.Snapshot()
	b, _ := db.Snapshot()
	m, conflicts := Merge(base, a, b, s1, s2)
	if len(conflicts) != 0 {
		t.Fatalf("conflicts: %+v", conflicts)
	}
	got, err := DesignFromSnapshot(d.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleDesign()
	want.Pieces[0].Quantity = 2
	want.Meta.Notes = "from a"
	want.Pieces[0].Outline.Points[1] = Pt(181, 1)
	want.Materials = want.Materials[:1]
	want.StyleLines = append(want.StyleLines, newLine)
	want.Normalize()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged design\n got %+v\nwant %+v", got, want)
	}
	if err := Validate(got); err != nil {
		t.Errorf("merged design invalid: %v", err)
	}
}

// applyDiff rebuilds b from a and Diff(a, b).
func applyDiff(t *testing.T, a Snapshot, changes []Change) Snapshot {
	out := Snapshot{}
	for id, e := range a {
		props := Props{}
		for k, v := range e.Props {
			props[k] = v
		}
		out[id] = Element{ID: id, Kind: e.Kind, Props: props}
	}
	for _, c := range changes {
		switch {
		case c.Prop == "" && c.Op == OpRemoved:
			delete(out, c.Element)
		case c.Prop == "" && c.Op == OpAdded:
			e, err := DecodeElement(c.New)
			if err != nil {
				t.Fatalf("added element does not decode: %v", err)
			}
			out[c.Element] = e
		case c.Prop == KindProp:
			e := out[c.Element]
			e.Kind = Kind(c.New)
			out[c.Element] = e
		case c.Op == OpRemoved:
			delete(out[c.Element].Props, c.Prop)
		default:
			out[c.Element].Props[c.Prop] = c.New
		}
	}
	return out
}

func TestDiff(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for i := range 300 {
		a := randSnapshot(r, r.IntN(10))
		b := randEdit(r, a, 10)
		changes := Diff(a, b)
		if got := applyDiff(t, a, changes); !snapEqual(got, b) {
			t.Fatalf("case %d: a + Diff(a, b) != b", i)
		}
		if len(Diff(a, a)) != 0 {
			t.Fatalf("case %d: Diff(a, a) not empty", i)
		}
		if !reflect.DeepEqual(Diff(a, b), changes) {
			t.Fatalf("case %d: Diff not deterministic", i)
		}
		if snapEqual(a, b) != (len(changes) == 0) {
			t.Fatalf("case %d: Diff empty for different snapshots", i)
		}
	}
}

func TestDiffKinds(t *testing.T) {
	const x, y = ID("00000000000000a1"), ID("00000000000000b2")
	a := snap(el(x, KindPiece, "name", "vamp", "qty", "1"), el(y, KindMaterial, "name", "calf"))
	b := snap(el(x, KindPiece, "name", "VAMP", "mirror", "t"), el("00000000000000c3", KindMark))
	want := []Change{
		{Element: x, Kind: KindPiece, Prop: "mirror", Op: OpAdded, New: []byte("t")},
		{Element: x, Kind: KindPiece, Prop: "name", Op: OpChanged, Old: []byte("vamp"), New: []byte("VAMP")},
		{Element: x, Kind: KindPiece, Prop: "qty", Op: OpRemoved, Old: []byte("1")},
		{Element: y, Kind: KindMaterial, Op: OpRemoved, Old: appendElement(nil, a[y])},
		{Element: "00000000000000c3", Kind: KindMark, Op: OpAdded, New: appendElement(nil, b["00000000000000c3"])},
	}
	slices.SortFunc(want, func(p, q Change) int {
		if p.Element != q.Element {
			return cmpString(string(p.Element), string(q.Element))
		}
		return cmpString(p.Prop, q.Prop)
	})
	if got := Diff(a, b); !reflect.DeepEqual(got, want) {
		t.Errorf("Diff\n got %+v\nwant %+v", got, want)
	}
}

// MergeChanges over change sets gives what Merge and MergeTracked give
// over whole snapshots, with exact change sets and with supersets.
func TestMergeChangesAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for i := range 400 {
		base := randSnapshot(r, r.IntN(12))
		a, b := randEdit(r, base, 8), randEdit(r, base, 8)
		sa, sb := stamp(int64(r.IntN(3)), "p1"), stamp(int64(r.IntN(3)), "p2")
		want, wc := Merge(base, a, b, sa, sb)
		ca, cb := ChangedIDs(base, a), ChangedIDs(base, b)
		if r.IntN(2) == 0 { // a superset: every ID of every snapshot
			ca = append(append(append(ca, sortedIDs(base)...), sortedIDs(a)...), sortedIDs(b)...)
		}
		d, c := MergeChanges(base, Side{Snap: a, Stamp: sa}, Side{Snap: b, Stamp: sb}, ca, cb)
		if got := d.Apply(a); !snapEqual(got, want) || !reflect.DeepEqual(c, wc) {
			t.Fatalf("case %d: MergeChanges differs from Merge:\n%s\n%s", i, snapString(got), snapString(want))
		}
		for _, id := range ChangedIDs(base, a) {
			if !slices.Contains(ca, id) {
				t.Fatalf("case %d: ChangedIDs missed nothing yet %s is absent", i, id)
			}
		}
		if !snapEqual(Delta{}.Apply(a), a) || len(ChangedIDs(a, a)) != 0 {
			t.Fatalf("case %d: empty delta or change set", i)
		}
	}
}

// The untracked merge takes shortcuts (b-only elements put without
// comparison, one pass over the properties of elements both sides changed);
// MergeTracked with no per-property stamps walks every case the long way
// and must give the same content and conflicts.
func TestMergeShortcutsMatchTrackedPath(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for i := range 800 {
		base := randSnapshot(r, r.IntN(14))
		a, b := randEdit(r, base, 10), randEdit(r, base, 10)
		sa, sb := stamp(int64(r.IntN(3)), "p1"), stamp(int64(r.IntN(3)), "p2")
		got, gc := Merge(base, a, b, sa, sb)
		want, wc := MergeTracked(base, Side{Snap: a, Stamp: sa}, Side{Snap: b, Stamp: sb})
		if !snapEqual(got, want.Snap) {
			t.Fatalf("case %d: content differs:\n%s\n%s", i, snapString(got), snapString(want.Snap))
		}
		if !reflect.DeepEqual(gc, wc) {
			t.Fatalf("case %d: conflicts differ:\n%+v\n%+v", i, gc, wc)
		}
	}
}
