package models

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// changesOf lists what child adds or changes against parent, and whether
// it removes any of parent's elements.
func changesOf(parent, child Snapshot) (changes []ElementChange, removes bool) {
	for id, e := range child {
		old, had := parent[id]
		h := HashOf(encodeForHash(e))
		if had && HashOf(encodeForHash(old)) == h {
			continue
		}
		changes = append(changes, ElementChange{ID: id, Hash: h, New: e, Had: had, Old: old})
	}
	for id := range parent {
		if _, ok := child[id]; !ok {
			removes = true
		}
	}
	return changes, removes
}

func encodeForHash(e Element) []byte {
	b, err := EncodeElement(e)
	if err != nil {
		panic(err)
	}
	return b
}

func kindsOf(s Snapshot) func(ID) (Kind, bool) {
	return func(id ID) (Kind, bool) {
		e, ok := s[id]
		return e.Kind, ok
	}
}

// mutate applies a fuzz's operations to a copy of s: an element removed,
// its kind changed, a property's bytes taken from another element, cut
// or deleted, an element moved under another's ID, an element of other
// added, an element replaced by one of other (as an edit would), an
// image added.
func mutate(s Snapshot, other Snapshot, ops []byte) Snapshot {
	s = maps.Clone(s)
	ks := slices.Sorted(maps.Keys(kinds))
	for i := 0; i+1 < len(ops) && i < 40; i += 2 {
		ids := slices.Sorted(maps.Keys(s))
		if len(ids) == 0 {
			break
		}
		at := ids[int(ops[i+1])%len(ids)]
		e := s[at]
		names := slices.Sorted(maps.Keys(e.Props))
		oids := slices.Sorted(maps.Keys(other))
		switch ops[i] % 9 {
		case 0:
			delete(s, at)
			continue
		case 1:
			e.Kind = ks[int(ops[i+1])%len(ks)]
		case 2: // a property's bytes from another element's
			o := s[ids[int(ops[i])%len(ids)]]
			if on := slices.Sorted(maps.Keys(o.Props)); len(on) > 0 {
				e.Props = maps.Clone(e.Props)
				name := on[int(ops[i+1])%len(on)]
				e.Props[name] = o.Props[name]
			}
		case 3: // a property's bytes cut
			if len(names) > 0 {
				e.Props = maps.Clone(e.Props)
				name := names[int(ops[i+1])%len(names)]
				e.Props[name] = e.Props[name][:len(e.Props[name])/2]
			}
		case 4: // moved under another element's ID
			delete(s, at)
			s[ids[0]] = e
			continue
		case 5:
			if len(names) > 0 {
				e.Props = maps.Clone(e.Props)
				delete(e.Props, names[int(ops[i+1])%len(names)])
			}
		case 6: // an element of another design, references and all
			if o := other[oids[int(ops[i+1])%len(oids)]]; s[o.ID].ID == "" {
				s[o.ID] = o
			}
			continue
		case 7: // an element of another design under this ID
			e = other[oids[int(ops[i+1])%len(oids)]]
			e.ID = at
		case 8: // an image added
			img := tinyImage(1+int(ops[i+1])%5, 2)
			img.ID = ID("ffffffffffff" + string("0123456789abcdef"[ops[i+1]%16]) + "abc")
			if is, err := (&Design{Images: []Image{img}}).Snapshot(); err == nil && s[img.ID].ID == "" {
				s[img.ID] = is[img.ID]
			}
			continue
		}
		s[at] = e
	}
	return s
}

// FuzzValidChange: whatever a version does to a valid parent, when the
// memo says it is valid given its parent, the whole check agrees.
func FuzzValidChange(f *testing.F) {
	f.Add(uint64(1), []byte{2, 2, 7, 3})
	f.Add(uint64(2), []byte{1, 1})
	f.Add(uint64(3), []byte{6, 7, 6, 9, 7, 1})
	f.Add(uint64(4), []byte{8, 1, 8, 2, 8, 3})
	f.Add(uint64(5), []byte{0, 0, 7, 5})
	vm := NewValidationMemo(1 << 16)
	f.Fuzz(func(t *testing.T, seed uint64, ops []byte) {
		r := rand.New(rand.NewPCG(seed, 2))
		parent, err := randomDesign(r).Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if fullCheck("0123456789abcdef", parent) != nil {
			return // the rule holds only from a valid parent
		}
		other, err := randomDesign(r).Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		child := mutate(parent, other, ops)
		changes, removes := changesOf(parent, child)
		if removes {
			return // not ValidChange's case: the whole check runs
		}
		if vm.ValidChange("0123456789abcdef", changes, kindsOf(child)) {
			if err := fullCheck("0123456789abcdef", child); err != nil {
				t.Fatalf("ValidChange passed a version the whole check refuses: %v", err)
			}
		}
	})
}

// The everyday edits pass without the whole check; the edits that can
// break a valid parent do not.
func TestValidChangeDecides(t *testing.T) {
	vm := NewValidationMemo(1 << 16)
	d := sampleDesign()
	parent, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := fullCheck("0123456789abcdef", parent); err != nil {
		t.Fatal(err)
	}
	edit := func(f func(d *Design)) Snapshot {
		e := sampleDesign()
		f(e)
		s, err := e.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	valid := []struct {
		name  string
		child Snapshot
	}{
		{"heel raised", edit(func(d *Design) { d.Last.HeelHeight += 5 })},
		{"piece renamed", edit(func(d *Design) { d.Pieces[0].Name = "vamp 2" })},
		{"a material added", edit(func(d *Design) {
			d.Materials = append(d.Materials, Material{ID: "9e9e9e9e9e9e9e91", Name: "lining", Unit: "dm2"})
		})},
	}
	for _, tc := range valid {
		changes, removes := changesOf(parent, tc.child)
		if removes || len(changes) == 0 {
			t.Fatalf("%s: %d changes, removes %v", tc.name, len(changes), removes)
		}
		if fullCheck("0123456789abcdef", tc.child) != nil {
			t.Fatalf("%s: not valid", tc.name)
		}
		if !vm.ValidChange("0123456789abcdef", changes, kindsOf(tc.child)) {
			t.Errorf("%s: a valid everyday edit was not passed", tc.name)
		}
	}
	var piece, mark ID
	for id, e := range parent {
		switch e.Kind {
		case KindPiece:
			piece = id
		case KindMark:
			mark = id
		}
	}
	invalid := map[string]Snapshot{
		"heel height negative": edit(func(d *Design) { d.Last.HeelHeight = -5 }),
		"a piece said to be a material": func() Snapshot {
			s := maps.Clone(parent)
			e := s[piece]
			e.Kind = KindMaterial
			s[piece] = e
			return s
		}(),
		"a mark on a piece that is not there": func() Snapshot {
			s := maps.Clone(parent)
			other := edit(func(d *Design) { d.Marks[0].Piece = "9999999999999999" })
			s[mark] = other[mark]
			return s
		}(),
	}
	for name, child := range invalid {
		changes, _ := changesOf(parent, child)
		if vm.ValidChange("0123456789abcdef", changes, kindsOf(child)) {
			t.Errorf("%s: passed", name)
		}
	}
}
