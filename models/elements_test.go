package models

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestNewID(t *testing.T) {
	seen := map[ID]bool{}
	for range 1000 {
		id := NewID()
		if !ValidID(id) {
			t.Fatalf("NewID() = %q, not valid", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestValidID(t *testing.T) {
	for _, tc := range []struct {
		id   ID
		want bool
	}{
		{"0123456789abcdef", true},
		{"0123456789ABCDEF", false},
		{"0123456789abcde", false},
		{"0123456789abcdef0", false},
		{"0123456789abcdeg", false},
		{"", false},
		{MetaID, false},
		{LastID, false},
	} {
		t.Run(string(tc.id), func(t *testing.T) {
			if got := ValidID(tc.id); got != tc.want {
				t.Errorf("ValidID(%q) = %v, want %v", tc.id, got, tc.want)
			}
		})
	}
	if !ValidElementID(MetaID) || !ValidElementID(LastID) || ValidElementID("x") {
		t.Error("ValidElementID disagrees with the fixed IDs")
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	designs := []*Design{sampleDesign()}
	for range 200 {
		designs = append(designs, randomDesign(r))
	}
	for i, d := range designs {
		s, err := d.Snapshot()
		if err != nil {
			t.Fatalf("design %d: Snapshot: %v", i, err)
		}
		if n := 2 + len(d.StyleLines) + len(d.Pieces) + len(d.Marks) + len(d.Materials) + len(d.Colourways) +
			len(d.Dimensions) + len(d.Images) + len(d.Underlays); len(s) != n {
			t.Fatalf("design %d: %d elements, want %d", i, len(s), n)
		}
		back, err := DesignFromSnapshot(d.ID, s)
		if err != nil {
			t.Fatalf("design %d: DesignFromSnapshot: %v", i, err)
		}
		want := *d
		want.Normalize()
		if !reflect.DeepEqual(back, &want) {
			t.Fatalf("design %d: round trip differs:\n got %+v\nwant %+v", i, back, &want)
		}
		s2, err := back.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if s.Hash() != s2.Hash() {
			t.Fatalf("design %d: hash changed over a round trip", i)
		}
	}
}

func TestSnapshotProps(t *testing.T) {
	d := sampleDesign()
	s, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	vamp := s["ccccccccccccccc1"]
	if vamp.Kind != KindPiece {
		t.Fatalf("vamp kind = %q", vamp.Kind)
	}
	// One property per field; the outline (points and all) is one property.
	for _, p := range []string{"name", "name_zh", "role", "outline", "edges", "material", "quantity", "grain_angle", "stitch_rows", "lines", "order"} {
		if _, ok := vamp.Props[p]; !ok {
			t.Errorf("vamp lacks property %q", p)
		}
	}
	if _, ok := vamp.Props["mirror"]; ok {
		t.Error("false omitempty field became a property")
	}
	var q int
	if err := DecodeCanonical(vamp.Props["quantity"], &q); err != nil || q != 1 {
		t.Errorf("quantity = %d, %v", q, err)
	}
	if s[MetaID].Kind != KindMeta || s[LastID].Kind != KindLast {
		t.Error("meta/last elements missing")
	}
}

func TestSnapshotOrderAndEmptyIndependent(t *testing.T) {
	d := sampleDesign()
	h1, err := d.Hash()
	if err != nil {
		t.Fatal(err)
	}
	d2 := sampleDesign()
	d2.Pieces[0], d2.Pieces[1] = d2.Pieces[1], d2.Pieces[0]
	d2.Pieces[1].Lines = d2.Pieces[1].Lines[:1]
	d2.Pieces[0].Edges = []AllowanceKind{} // empty, like nil
	d2.Meta.PairsPerCarton = map[string]int{"260": 4, "250": 2}
	h2, err := d2.Hash()
	if err != nil {
		t.Fatal(err)
	}
	if h1 != h2 {
		t.Error("same content in another order or with empty-vs-nil lists hashes differently")
	}
	d2.Pieces[0].Quantity = 3
	if h3, _ := d2.Hash(); h3 == h1 {
		t.Error("changed content has the same hash")
	}
}

func TestSnapshotErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *Design)
	}{
		{"duplicate ID", func(d *Design) { d.Pieces[1].ID = d.Pieces[0].ID }},
		{"duplicate across kinds", func(d *Design) { d.Marks[0].ID = d.Materials[0].ID }},
		{"empty ID", func(d *Design) { d.StyleLines[0].ID = "" }},
		{"meta ID on a piece", func(d *Design) { d.Pieces[0].ID = MetaID }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := sampleDesign()
			tc.edit(d)
			if _, err := d.Snapshot(); err == nil {
				t.Error("Snapshot succeeded")
			}
		})
	}
	var nilDesign *Design
	if _, err := nilDesign.Snapshot(); err == nil {
		t.Error("nil design: no error")
	}
}

func TestDesignFromSnapshotErrors(t *testing.T) {
	base := func() Snapshot {
		s, err := sampleDesign().Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		name  string
		edit  func(s Snapshot)
		newer bool
	}{
		{"no meta", func(s Snapshot) { delete(s, MetaID) }, false},
		{"no last", func(s Snapshot) { delete(s, LastID) }, false},
		{"unknown property", func(s Snapshot) { s[LastID].Props["heel_curve"] = []byte{0x01} }, true},
		{"unknown kind", func(s Snapshot) {
			s["ffffffffffffffff"] = Element{ID: "ffffffffffffffff", Kind: "sole", Props: Props{}}
		}, true},
		{"unknown nested field", func(s Snapshot) {
			s["bbbbbbbbbbbbbbb1"].Props["path"] = mustCanonical(t, map[string]any{"p": []any{}, "w": 1})
		}, true},
		{"wrong type", func(s Snapshot) { s["ccccccccccccccc1"].Props["quantity"] = mustCanonical(t, "two") }, false},
		{"garbage value", func(s Snapshot) { s["ccccccccccccccc1"].Props["name"] = []byte{0xff, 0x00} }, false},
		{"key and ID disagree", func(s Snapshot) {
			e := s["ccccccccccccccc1"]
			e.ID = "ccccccccccccccc9"
			s["ccccccccccccccc1"] = e
		}, false},
		{"meta kind under piece ID", func(s Snapshot) {
			e := s["ccccccccccccccc1"]
			e.Kind = KindMeta
			s["ccccccccccccccc1"] = e
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(s)
			_, err := DesignFromSnapshot("0123456789abcdef", s)
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, ErrNewerVersion); got != tc.newer {
				t.Errorf("errors.Is(ErrNewerVersion) = %v, want %v (%v)", got, tc.newer, err)
			}
			if tc.newer && !strings.Contains(err.Error(), "newer Cordwain") {
				t.Errorf("message does not say a newer version made it: %v", err)
			}
		})
	}
}

func mustCanonical(t testing.TB, v any) []byte {
	t.Helper()
	b, err := Canonical(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The hand-written element encoder must agree with the reflective one.
func TestAppendElementMatchesCanonical(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	names := []string{"a", "b", "name", "outline", "zz", strings.Repeat("k", 23), strings.Repeat("k", 24), strings.Repeat("j", 300), "名字"}
	for i := range 300 {
		e := Element{ID: randID(r), Kind: KindPiece, Props: Props{}}
		for range r.IntN(len(names)) {
			v := make([]byte, r.IntN(70000)>>r.IntN(16))
			for j := range v {
				v[j] = byte(r.IntN(256))
			}
			e.Props[names[r.IntN(len(names))]] = v
		}
		want := mustCanonical(t, elementWire{ID: string(e.ID), Kind: string(e.Kind), Props: e.Props})
		got, err := EncodeElement(e)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d: EncodeElement differs from canonical CBOR", i)
		}
		if HashOf(want) != ElementHash(e) {
			t.Fatalf("case %d: ElementHash is not the hash of the encoding", i)
		}
	}
}

func TestElementEncodeDecode(t *testing.T) {
	s, err := sampleDesign().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for id, e := range s {
		b, err := EncodeElement(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeElement(b)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("%s: round trip differs", id)
		}
	}
	good, _ := EncodeElement(s["ccccccccccccccc1"])
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"trailing byte", append(append([]byte{}, good...), 0)},
		{"truncated", good[:len(good)-1]},
		{"not an array", mustCanonical(t, map[string]int{"a": 1})},
		{"bad ID", appendElement(nil, Element{ID: "XYZ", Kind: KindPiece})},
		{"no kind", appendElement(nil, Element{ID: "0123456789abcdef"})},
		{"non-canonical value", appendElement(nil, Element{ID: "0123456789abcdef", Kind: KindPiece, Props: Props{"q": {0x18, 0x01}}})},
		{"two values", appendElement(nil, Element{ID: "0123456789abcdef", Kind: KindPiece, Props: Props{"q": {0x01, 0x01}}})},
		{"unsorted keys", append([]byte{0x83, 0x70}, "0123456789abcdef\x65piece\xa2\x62bb\x41\x01\x61a\x41\x01"...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := DecodeElement(tc.b); !errors.Is(err, ErrMalformed) {
				t.Errorf("DecodeElement = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestSnapshotHashDeterministic(t *testing.T) {
	s, err := sampleDesign().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	h := s.Hash()
	for range 20 { // map iteration order varies run to run
		if s.Hash() != h {
			t.Fatal("Snapshot.Hash is not deterministic")
		}
	}
	m := s.Manifest()
	if ManifestHash(m) != h {
		t.Error("ManifestHash(Manifest()) != Hash()")
	}
	want := mustCanonical(t, m)
	if HashOf(want) != h {
		t.Error("ManifestHash is not the hash of the canonical CBOR manifest")
	}
}

// An element with several faulty properties reports the same one every
// time, the first by name, whatever order its map gives them in: errors
// (and so what two studios log about one bad version) do not vary.
func TestDecodeErrorNamesTheFirstFaultyProperty(t *testing.T) {
	s, err := sampleDesign().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	piece := s["ccccccccccccccc1"]
	piece.Props["zz_unknown"] = []byte{0x01}
	piece.Props["name"] = []byte{0xff, 0x00}          // malformed
	piece.Props["quantity"] = mustCanonical(t, "two") // wrong type
	first := ""
	for i := range 200 {
		_, err := DesignFromSnapshot("0123456789abcdef", s)
		if err == nil {
			t.Fatal("no error")
		}
		if i == 0 {
			first = err.Error()
			if !strings.Contains(first, `"name"`) {
				t.Fatalf("the error is not about the first faulty property by name (name): %v", err)
			}
		} else if err.Error() != first {
			t.Fatalf("run %d reported %q, the first run %q", i, err, first)
		}
	}
}
