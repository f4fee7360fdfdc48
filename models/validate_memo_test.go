package models

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// fullCheck is what the memo stands in for: the typed design built and
// validated whole.
func fullCheck(id ID, s Snapshot) error {
	d, err := DesignFromSnapshot(id, s)
	if err != nil {
		return err
	}
	return Validate(d)
}

// memoAgrees fails t unless the memo's own verdict on s is the whole
// check's (valid exactly when it passes) and the memo's Validate returns
// the whole check's error.
func memoAgrees(t *testing.T, vm *ValidationMemo, what string, id ID, s Snapshot) (valid bool) {
	t.Helper()
	want := fullCheck(id, s)
	m := s.Manifest()
	if fast := vm.valid(id, s, m); fast != (want == nil) {
		t.Fatalf("%s: the memo says valid=%v, the whole check says %v", what, fast, want)
	}
	got := vm.Validate(id, s, m)
	if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
		t.Fatalf("%s: the memo returns %v, the whole check %v", what, got, want)
	}
	return want == nil
}

// One memo sees every design, valid and broken, in an order where an
// element checked in one version meets another whose references it
// lacks: its verdict by hash must not carry a version's context.
func TestValidationMemoAgrees(t *testing.T) {
	vm := NewValidationMemo(1 << 20)
	r := rand.New(rand.NewPCG(11, 12))
	snap := func(d *Design) Snapshot {
		s, err := d.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	id := ID("0123456789abcdef")
	var valid, invalid int
	count := func(ok bool) {
		if ok {
			valid++
		} else {
			invalid++
		}
	}
	for range 2 { // the second time from the memo
		count(memoAgrees(t, vm, "sample", id, snap(sampleDesign())))
	}
	for _, tc := range validateProblems {
		d := sampleDesign()
		tc.edit(d)
		s, err := d.Snapshot()
		if err != nil {
			continue // the element form refuses it already
		}
		sid := id
		if d.ID != "" {
			sid = d.ID
		}
		count(memoAgrees(t, vm, tc.name, sid, s))
	}
	mutations := []struct {
		name string
		edit func(s Snapshot, ids []ID)
	}{
		{"an element deleted", func(s Snapshot, ids []ID) { delete(s, ids[r.IntN(len(ids))]) }},
		{"the meta deleted", func(s Snapshot, _ []ID) { delete(s, MetaID) }},
		{"the last deleted", func(s Snapshot, _ []ID) { delete(s, LastID) }},
		{"an element under another ID", func(s Snapshot, ids []ID) {
			from := ids[r.IntN(len(ids))]
			s[randID(r)] = s[from]
			delete(s, from)
		}},
		{"an element with another kind", func(s Snapshot, ids []ID) {
			from := ids[r.IntN(len(ids))]
			e := s[from]
			ks := slices.Sorted(maps.Keys(kinds))
			e.Kind = ks[r.IntN(len(ks))]
			s[from] = e
		}},
		{"an element's properties from another", func(s Snapshot, ids []ID) {
			a, b := s[ids[r.IntN(len(ids))]], s[ids[r.IntN(len(ids))]]
			a.Props = b.Props
			s[a.ID] = a
		}},
		{"a third image", func(s Snapshot, _ []ID) {
			for range 3 {
				img := tinyImage(2, 3)
				img.ID = randID(r)
				d := &Design{Images: []Image{img}}
				one, err := d.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				s[img.ID] = one[img.ID]
			}
		}},
		{"an element with an invalid ID", func(s Snapshot, ids []ID) {
			from := ids[r.IntN(len(ids))]
			e := s[from]
			delete(s, from)
			e.ID = "L1"
			s[e.ID] = e
		}},
		{"a reference to an element of another kind", func(s Snapshot, ids []ID) {
			// Every material a piece or colourway names becomes a style
			// line with the same ID.
			for _, id := range ids {
				if e := s[id]; e.Kind == KindMaterial {
					line := StyleLine{ID: id, Kind: LineStyle, Path: Path{Points: []Point{Pt(1, 1), Pt(2, 2), Pt(3, 3), Pt(4, 4)}}}
					one, err := (&Design{StyleLines: []StyleLine{line}}).Snapshot()
					if err != nil {
						t.Fatal(err)
					}
					s[id] = one[id]
				}
			}
		}},
		{"a second piece's material gone", func(s Snapshot, ids []ID) {
			for _, id := range ids {
				if s[id].Kind == KindMaterial {
					delete(s, id)
					return
				}
			}
		}},
	}
	for i := range 300 {
		d := randomDesign(r)
		base := snap(d)
		count(memoAgrees(t, vm, "random design", id, base))
		ids := slices.Sorted(maps.Keys(base))
		for _, mu := range mutations {
			s := maps.Clone(base)
			mu.edit(s, ids)
			count(memoAgrees(t, vm, mu.name, id, s))
		}
		if i%50 == 0 {
			count(memoAgrees(t, vm, "a bad design ID", "nope", base))
		}
	}
	// Both answers were met often: the memo is not a check that always
	// says no (which would agree only by falling back every time).
	if valid < 300 || invalid < 300 {
		t.Fatalf("%d valid and %d invalid versions checked", valid, invalid)
	}
}

// The verdict kept for an element is keyed by its hash; a caller that
// hands another element under that hash (the store never does) gets the
// whole check, not the kept verdict.
func TestValidationMemoElementUnderAnotherHash(t *testing.T) {
	vm := NewValidationMemo(100)
	d := sampleDesign()
	s, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	m := s.Manifest()
	if err := vm.Validate("0123456789abcdef", s, m); err != nil {
		t.Fatal(err)
	}
	// The vamp's material removed, and the hash of the material given
	// to a style line.
	var mat, line, mark ID
	for id, e := range s {
		switch e.Kind {
		case KindMaterial:
			mat = id
		case KindStyleLine:
			line = id
		case KindMark:
			mark = id // nothing refers to a mark
		}
	}
	s2 := maps.Clone(s)
	m2 := maps.Clone(m)
	delete(s2, line)
	s2[line] = s[mat]
	if err := vm.Validate("0123456789abcdef", s2, m2); err == nil {
		t.Fatal("an element stored under another's ID passed")
	}
	// A mark's ID, hash and properties, said to be a material.
	s3 := maps.Clone(s)
	s3[mark] = Element{ID: mark, Kind: KindMaterial, Props: s[mark].Props}
	if err := vm.Validate("0123456789abcdef", s3, m); err == nil {
		t.Fatal("an element of another kind under a kept hash passed")
	}
}

// FuzzValidationMemo: whatever is done to a design's elements, the memo
// decides as the whole check does.
func FuzzValidationMemo(f *testing.F) {
	f.Add(uint64(1), []byte{0, 1, 2})
	f.Add(uint64(7), []byte{3, 3, 9, 200, 17})
	f.Add(uint64(42), []byte{5, 0, 5, 1, 5, 2})
	vm := NewValidationMemo(1 << 16)
	f.Fuzz(func(t *testing.T, seed uint64, ops []byte) {
		r := rand.New(rand.NewPCG(seed, 1))
		s, err := randomDesign(r).Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		other, err := randomDesign(r).Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		s = mutate(s, other, ops)
		memoAgrees(t, vm, "fuzzed", "0123456789abcdef", s)
	})
}

// Goroutines sharing a memo (the store validates a batch on every core),
// with a limit small enough that it starts over while they run, all get
// the whole check's answers; run with -race.
func TestValidationMemoConcurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	type version struct {
		s    Snapshot
		m    map[ID]Hash
		want bool
	}
	var vs []version
	for range 40 {
		s, err := randomDesign(r).Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, version{s, s.Manifest(), true})
		broken := maps.Clone(s)
		delete(broken, LastID)
		vs = append(vs, version{broken, broken.Manifest(), false})
	}
	vm := NewValidationMemo(50)
	done := make(chan string, 4)
	for g := range 4 {
		go func() {
			msg := ""
			for i := range 3 * len(vs) {
				v := vs[(i+g*13)%len(vs)]
				if (vm.Validate("0123456789abcdef", v.s, v.m) == nil) != v.want {
					msg = fmt.Sprintf("goroutine %d: version %d answered wrong", g, i)
					break
				}
			}
			done <- msg
		}()
	}
	for range 4 {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}
