package models

import (
	"bytes"
	"math"
	mrand "math/rand"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// checkCached compares SnapshotCached through c with Snapshot and the
// element encoding, element by element, and returns how many elements
// were encoded.
func checkCached(t *testing.T, d *Design, c *SnapshotCache) int {
	t.Helper()
	want, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.SnapshotCached(c)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Elements) != len(want) {
		t.Fatalf("%d elements, want %d", len(got.Elements), len(want))
	}
	for id, w := range want {
		g, ok := got.Elements[id]
		if !ok {
			t.Fatalf("element %s missing", id)
		}
		enc, err := EncodeElement(w)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(g.Enc, enc) || g.Hash != HashOf(enc) {
			t.Fatalf("element %s (%s): cached bytes differ from Snapshot's", id, w.Kind)
		}
		ge, err := EncodeElement(g.Element)
		if err != nil || !bytes.Equal(ge, enc) {
			t.Fatalf("element %s: cached element differs from Snapshot's", id)
		}
	}
	if gs := got.Snapshot(); gs.Hash() != want.Hash() {
		t.Fatal("snapshot hash differs")
	}
	return got.Encoded
}

// The cached element form is Snapshot's exactly, through edits that a
// cache keyed on looks rather than bits would miss: -0 for 0, an empty
// list for none, a value changed in place in a slice or map the design
// shares with the last call, a deleted element, an ID reused by another
// kind. Unchanged elements are not encoded again.
func TestSnapshotCachedIsSnapshot(t *testing.T) {
	d := extrasDesign()
	c := NewSnapshotCache()
	n := 2 + len(d.StyleLines) + len(d.Pieces) + len(d.Marks) + len(d.Materials) + len(d.Colourways) + len(d.Dimensions) + len(d.Images) + len(d.Underlays)
	if got := checkCached(t, d, c); got != n {
		t.Fatalf("first call encoded %d of %d", got, n)
	}
	if got := checkCached(t, d, c); got != 0 {
		t.Fatalf("unchanged design: %d encoded", got)
	}
	edits := []struct {
		name string
		fn   func(d *Design)
		want int // elements encoded again
	}{
		{"point moved in place", func(d *Design) { d.Pieces[0].Outline.Points[3].X += 0.5 }, 1},
		{"zero to minus zero", func(d *Design) { d.Marks[0].At.X = 0 }, 1},
		{"minus zero", func(d *Design) { d.Marks[0].At.X = math.Copysign(0, -1) }, 1},
		{"nil edges to empty edges", func(d *Design) { d.Pieces[1].Edges = []AllowanceKind{} }, 1},
		{"map entry changed in place", func(d *Design) { d.Meta.PairsPerCarton["250"] = 3 }, 1},
		{"colourway part changed in place", func(d *Design) {
			for k, p := range d.Colourways[0].Parts {
				p.Hex = "#202020"
				d.Colourways[0].Parts[k] = p
			}
		}, 1},
		{"two elements", func(d *Design) { d.Last.HeelHeight++; d.StyleLines[0].Name = "renamed" }, 2},
		{"deleted", func(d *Design) { d.Marks = nil }, 0},
		{"ID reused by another kind", func(d *Design) {
			d.Marks = []Mark{{ID: d.Dimensions[0].ID, Piece: d.Pieces[0].ID, Kind: MarkPunch, At: Pt(1, 2), Size: 2}}
			d.Dimensions = d.Dimensions[1:]
		}, 1},
		{"nothing", func(d *Design) {}, 0},
	}
	for _, e := range edits {
		e.fn(d)
		if got := checkCached(t, d, c); got != e.want {
			t.Fatalf("%s: %d encoded, want %d", e.name, got, e.want)
		}
	}
	// A deleted element that comes back unchanged is encoded again (the
	// cache forgot it), and still equal.
	d.Marks = append(d.Marks, Mark{ID: "ddddddddddddddd1", Piece: d.Pieces[0].ID, Kind: MarkNotch, At: Pt(140, 60), Size: 2, Width: 1})
	if got := checkCached(t, d, c); got != 1 {
		t.Fatalf("re-added: %d encoded", got)
	}
	// A duplicate ID is refused as by Snapshot.
	d.StyleLines = append(d.StyleLines, d.StyleLines[0])
	if _, err := d.SnapshotCached(c); err == nil {
		t.Fatal("duplicate ID accepted")
	}
}

// Random command sequences: the cached form equals Snapshot's after every
// step.
func TestSnapshotCachedRandomEdits(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for range 20 {
		d := randomDesign(r)
		c := NewSnapshotCache()
		checkCached(t, d, c)
		for n := range 30 {
			rng := mrand.New(mrand.NewSource(int64(n)))
			nd, err := randomCommand(rng, d, n).Apply(d)
			if err != nil {
				t.Fatal(err)
			}
			d = nd
			if len(d.Pieces) > 0 && r.IntN(3) == 0 { // in place, as an editor might
				p := &d.Pieces[r.IntN(len(d.Pieces))]
				p.Outline.Points[r.IntN(len(p.Outline.Points))].Y += 1
			}
			checkCached(t, d, c)
		}
	}
}

// samePath, samePoint and copyInto handle these types field by field by
// hand: a field added to either must be added there too.
func TestSamePathCoversPathAndPoint(t *testing.T) {
	for typ, want := range map[reflect.Type][]string{
		reflect.TypeFor[Path]():  {"Points", "Closed"},
		reflect.TypeFor[Point](): {"_", "X", "Y"},
	} {
		var got []string
		for i := range typ.NumField() {
			got = append(got, typ.Field(i).Name)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s has fields %v: update samePath/samePoint (snapcache.go) and this test", typ, got)
		}
	}
	a := Path{Points: []Point{Pt(1, 2)}}
	for _, b := range []Path{{Points: []Point{Pt(1, 2)}, Closed: true}, {Points: []Point{Pt(1, 2.5)}}, {Points: []Point{Pt(math.Copysign(0, -1)+1, 2), Pt(0, 0)}}, {}} {
		if samePath(&a, &b) {
			t.Fatalf("%v and %v compare the same", a, b)
		}
	}
	if !samePath(&a, &Path{Points: []Point{Pt(1, 2)}}) || samePath(&Path{}, &Path{Points: []Point{}}) {
		t.Fatal("samePath")
	}
}
