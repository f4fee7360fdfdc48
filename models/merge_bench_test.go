package models

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchDesign is a large, realistic design of 1,000 elements plus meta and
// last: 600 style lines of 13 points (4 segments), 250 pieces with 25-point
// outlines, 100 marks, 42 materials and 8 colourways.
func benchDesign(r *rand.Rand) *Design {
	d := &Design{ID: randID(r), Meta: DefaultMeta(Men), Last: DefaultLast(Men, 260)}
	d.Meta.Name, d.Meta.StyleNo = "Trail runner", "CW-BENCH"
	for i := range 42 {
		d.Materials = append(d.Materials, Material{ID: randID(r), Name: fmt.Sprintf("material %d", i), Kind: "textile", Unit: "dm2", Thickness: 1.1, Supplier: "Wenzhou Textiles"})
	}
	for i := range 600 {
		d.StyleLines = append(d.StyleLines, StyleLine{ID: randID(r), Name: fmt.Sprintf("line %d", i), Kind: LineStyle, Path: randPath(r, 4, false)})
	}
	for i := range 250 {
		d.Pieces = append(d.Pieces, Piece{ID: randID(r), Name: fmt.Sprintf("piece %d", i), Role: "overlay", Quantity: 2, Mirror: true,
			Outline: randPath(r, 8, true), Edges: []AllowanceKind{AllowLasting, AllowLap, AllowFold},
			Material: d.Materials[i%len(d.Materials)].ID, Lines: []ID{d.StyleLines[i].ID, d.StyleLines[i+250].ID}, Order: i})
	}
	for range 100 {
		d.Marks = append(d.Marks, Mark{ID: randID(r), Piece: d.Pieces[r.IntN(len(d.Pieces))].ID, Kind: MarkPunch, At: Pt(10, 20), Size: 3})
	}
	for i := range 8 {
		cw := Colourway{ID: randID(r), Name: fmt.Sprintf("colourway %d", i), Parts: map[ID]ColourwayPart{}}
		for _, p := range d.Pieces[:40] {
			cw.Parts[p.ID] = ColourwayPart{Material: p.Material, Colour: "black", Hex: "#101010"}
		}
		d.Colourways = append(d.Colourways, cw)
	}
	d.Normalize()
	return d
}

// benchEdits applies n edits to a copy of base the way a designer would:
// mostly moving style-line points and piece outlines, some renames and
// quantity changes, a few deletions and additions. The first `shared`
// edits target the same (element, property) on every side, with
// side-specific values, so they conflict.
func benchEdits(tb testing.TB, r *rand.Rand, base Snapshot, ids []ID, n, shared int, side string) Snapshot {
	out := make(Snapshot, len(base))
	for id, e := range base {
		out[id] = e
	}
	set := func(id ID, prop string, v any) {
		e := out[id]
		props := make(Props, len(e.Props)+1)
		for k, x := range e.Props {
			props[k] = x
		}
		props[prop] = mustCanonical(tb, v)
		e.Props = props
		out[id] = e
	}
	for i := range n {
		var id ID
		if i < shared {
			id = ids[i*7]
		} else {
			id = ids[r.IntN(len(ids))]
		}
		switch e := out[id]; {
		case i >= shared && i%25 == 0:
			delete(out, id)
		case i >= shared && i%25 == 1:
			nid := randID(r)
			out[nid] = Element{ID: nid, Kind: KindMark, Props: Props{"piece": mustCanonical(tb, id), "kind": mustCanonical(tb, MarkNotch), "at": mustCanonical(tb, Pt(1, 2))}}
		case e.Kind == KindStyleLine:
			set(id, "path", randPath(r, 4, false))
		case e.Kind == KindPiece && i%2 == 0:
			set(id, "outline", randPath(r, 8, true))
		case e.Kind == KindPiece:
			set(id, "quantity", 1+r.IntN(4))
		default:
			set(id, "name", fmt.Sprintf("%s %d", side, i))
		}
	}
	return out
}

func benchInputs(b *testing.B) (base, a, c Snapshot) {
	r := rand.New(rand.NewPCG(42, 42))
	d := benchDesign(r)
	base, err := d.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	ids := sortedIDs(base)
	ids = ids[:len(ids)-2] // not meta and last ("last", "meta" sort after hex)
	return base, benchEdits(b, r, base, ids, 100, 20, "a"), benchEdits(b, r, base, ids, 100, 20, "b")
}

// BenchmarkMerge3 is the DESIGN.md target: three-way merge of a
// 1,000-element design with 100 edits a side, some overlapping (≤ 2 ms),
// the same work bench/merge_compare times in Yjs and Automerge. Like them
// it starts from what each side already knows about its own edits: the
// IDs of the elements each side changed since the base (the store reads
// them off its manifests; Yjs keeps state vectors, Automerge its change
// graph), and produces the merged content as changes over side a (Yjs and
// Automerge apply the other side's changes into a in place). It times
// [MergeChanges]: per changed element, deciding every property, the
// conflicts with both values, and the result. BenchmarkMerge3Full adds
// finding the changed elements and building the whole merged snapshot.
// Run: go test -run '^$' -bench Merge3 -benchmem ./models/
func BenchmarkMerge3(b *testing.B) {
	base, a, c := benchInputs(b)
	sa, sc := Side{Snap: a, Stamp: stamp(1, "peerA")}, Side{Snap: c, Stamp: stamp(2, "peerB")}
	ca, cc := ChangedIDs(base, a), ChangedIDs(base, c)
	_, conflicts := MergeChanges(base, sa, sc, ca, cc)
	if len(conflicts) < 10 {
		b.Fatalf("only %d conflicts; the edits should overlap", len(conflicts))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		MergeChanges(base, sa, sc, ca, cc)
	}
	b.ReportMetric(float64(len(conflicts)), "conflicts")
	b.ReportMetric(float64(len(ca)+len(cc)), "changed")
}

// BenchmarkMerge3Full is [Merge] on whole snapshots: finding the changed
// elements (2 × 1,000 lookups), merging them and building the full merged
// snapshot map.
func BenchmarkMerge3Full(b *testing.B) {
	base, a, c := benchInputs(b)
	sa, sc := stamp(1, "peerA"), stamp(2, "peerB")
	b.ReportAllocs()
	for b.Loop() {
		Merge(base, a, c, sa, sc)
	}
}

// BenchmarkMerge3Tracked is the same merge carrying per-property stamps.
func BenchmarkMerge3Tracked(b *testing.B) {
	base, a, c := benchInputs(b)
	sa, sc := Side{Snap: a, Stamp: stamp(1, "peerA")}, Side{Snap: c, Stamp: stamp(2, "peerB")}
	b.ReportAllocs()
	for b.Loop() {
		MergeTracked(base, sa, sc)
	}
}

func BenchmarkDiff(b *testing.B) {
	base, a, _ := benchInputs(b)
	b.ReportAllocs()
	for b.Loop() {
		Diff(base, a)
	}
}

func BenchmarkSnapshot(b *testing.B) {
	d := benchDesign(rand.New(rand.NewPCG(42, 42)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Snapshot(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDesignFromSnapshot is the typed form of a 1,000-element design
// as a checkout makes it (Store.Checkout calls DesignFromSnapshotCached
// with every element's stored bytes): each element decoded, and a copy
// of each kept for the next commit's element form.
func BenchmarkDesignFromSnapshot(b *testing.B) {
	d := benchDesign(rand.New(rand.NewPCG(42, 42)))
	s, err := d.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	enc := make(map[ID]EncodedBytes, len(s))
	for id, e := range s {
		raw := appendElement(nil, e)
		enc[id] = EncodedBytes{Enc: raw, Hash: HashOf(raw)}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DesignFromSnapshotCached(d.ID, s, enc, NewSnapshotCache()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateReceived checks a received version of a 1,000-element
// design: "whole" builds the typed design and validates it (what a
// version received without its elements' hashes costs); "memo" is the
// path a received history takes, with every element's verdict already
// kept (a history's versions share most of their elements) and one
// element changed since the last version checked, so each round checks
// one element alone and the references of all.
func BenchmarkValidateReceived(b *testing.B) {
	d := benchDesign(rand.New(rand.NewPCG(42, 42)))
	s, err := d.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	m := s.Manifest()
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := fullCheck(d.ID, s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("memo", func(b *testing.B) {
		vm := NewValidationMemo(1 << 20)
		if err := vm.Validate(d.ID, s, m); err != nil {
			b.Fatal(err)
		}
		p := d.Pieces[0]
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			p.Quantity = 1 + i%MaxQuantity
			one, err := (&Design{Pieces: []Piece{p}}).Snapshot()
			if err != nil {
				b.Fatal(err)
			}
			s[p.ID] = one[p.ID]
			m[p.ID] = ElementHash(one[p.ID])
			b.StartTimer()
			if err := vm.Validate(d.ID, s, m); err != nil {
				b.Fatal(err)
			}
		}
	})
}
