package models

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// seedDesigns are small, realistic designs; their JSON lives in testdata as
// golden files and fuzz seeds.
func seedDesigns() map[string]*Design {
	pump := &Design{ID: "7a1c9e04b2d35f68", Meta: DefaultMeta(Women), Last: DefaultLast(Women, 235)}
	pump.Meta.Name, pump.Meta.NameZH, pump.Meta.StyleNo = "Court pump", "浅口单鞋", "CW-25S-014"
	pump.Meta.Category, pump.Meta.Season = "pump", "SS25"
	pump.Last.HeelHeight, pump.Last.ToeShape, pump.Last.ToeSpring = 70, ToePointed, 10
	pump.Last.StickLength = 225
	satin := Material{ID: "31f0aa92c4e8b701", Name: "Satin", NameZH: "缎面", Kind: "textile", Unit: "m", Consumption: 0.12, Colour: "ivory", Pantone: "11-0507 TCX"}
	pump.Materials = []Material{satin}
	pump.Pieces = []Piece{{
		ID: "c0ffee0000000001", Name: "Vamp and quarter", NameZH: "整帮", Role: "vamp", Quantity: 1, Mirror: true, Material: satin.ID,
		Outline: Path{Closed: true, Points: []Point{Pt(0, 0), Pt(80, -4), Pt(160, -4), Pt(240, 0), Pt(235, 30), Pt(190, 45), Pt(150, 40), Pt(100, 30), Pt(40, 45), Pt(0, 55), Pt(0, 35), Pt(0, 15), Pt(0, 0)}},
		Edges:   []AllowanceKind{AllowLasting, AllowFold, AllowFold, AllowSeam}, Order: 1,
	}}
	pump.Colourways = []Colourway{{ID: "de11ca7e00000001", Name: "Ivory", NameZH: "象牙白", Parts: map[ID]ColourwayPart{"c0ffee0000000001": {Material: satin.ID, Colour: "ivory", Hex: "#F4EFE3"}}}}

	kids := &Design{ID: "b5e2d4c3a1f06978", Meta: DefaultMeta(Kids), Last: DefaultLast(Kids, 180)}
	kids.Meta.Name, kids.Meta.StyleNo, kids.Meta.Category, kids.Meta.Construction = "Runner", "CW-K-002", "sneaker", Vulcanised
	kids.Meta.Notes = "Velcro strap; 魔术贴"
	mesh := Material{ID: "9e8d7c6b5a493827", Name: "Mesh", Kind: "textile", Unit: "dm2", Thickness: 1.2}
	kids.Materials = []Material{mesh}
	kids.StyleLines = []StyleLine{{ID: "1234abcd5678ef90", Name: "centre front", Kind: LineCentre, Path: Path{Points: []Point{Pt(150, 0), Pt(152, 20), Pt(150, 40), Pt(145, 60)}}}}
	kids.Pieces = []Piece{{ID: "feedface00000001", Name: "Upper", Role: "vamp", Quantity: 2, Material: mesh.ID, StitchRows: 1,
		Outline: Path{Closed: true, Points: []Point{Pt(0, 0), Pt(60, 0), Pt(120, 0), Pt(170, 5), Pt(150, 50), Pt(60, 60), Pt(0, 50), Pt(0, 30), Pt(0, 15), Pt(0, 0)}}}}
	kids.Marks = []Mark{{ID: "0a0b0c0d0e0f1011", Piece: "feedface00000001", Kind: MarkEyelet, At: Pt(100, 40), Size: 4}}
	return map[string]*Design{"derby": sampleDesign(), "pump": pump, "kids_runner": kids}
}

func TestJSONGolden(t *testing.T) {
	for name, d := range seedDesigns() {
		t.Run(name, func(t *testing.T) {
			b, err := EncodeJSON(d)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("EncodeJSON differs from %s (run with -update if intended)", path)
			}
			back, err := DecodeJSON(want)
			if err != nil {
				t.Fatal(err)
			}
			norm := *d
			norm.Normalize()
			if !reflect.DeepEqual(back, &norm) {
				t.Errorf("round trip differs:\n got %+v\nwant %+v", back, &norm)
			}
		})
	}
}

func TestEncodeJSONLeavesInputAlone(t *testing.T) {
	d := sampleDesign()
	d.Pieces[0], d.Pieces[1] = d.Pieces[1], d.Pieces[0]
	first := d.Pieces[0].ID
	if _, err := EncodeJSON(d); err != nil {
		t.Fatal(err)
	}
	if d.Pieces[0].ID != first {
		t.Error("EncodeJSON reordered the caller's slice")
	}
	bad := sampleDesign()
	bad.Meta.Name = ""
	if _, err := EncodeJSON(bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("EncodeJSON(invalid) = %v", err)
	}
	if _, err := EncodeJSON(nil); err == nil {
		t.Error("EncodeJSON(nil) succeeded")
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	good, err := EncodeJSON(sampleDesign())
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("golden lacks %q", old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	for _, tc := range []struct {
		name     string
		in       []byte
		sentinel error
		msg      string
	}{
		{"empty", nil, ErrMalformed, ""},
		{"not JSON", []byte("PK\x03\x04"), ErrMalformed, ""},
		{"truncated", good[:len(good)/2], ErrMalformed, ""},
		{"array", []byte("[1,2]"), ErrMalformed, ""},
		{"no schema", edit(`"schema": 1,`, ``), ErrMalformed, "schema"},
		{"schema zero", edit(`"schema": 1`, `"schema": 0`), ErrMalformed, "schema 0"},
		{"schema string", edit(`"schema": 1`, `"schema": "1"`), ErrMalformed, ""},
		{"newer schema", edit(`"schema": 1,`, `"schema": 7, "soles": [],`), ErrNewerVersion, "made by a newer Cordwain (schema 7)"},
		{"unknown field", edit(`"schema": 1,`, `"schema": 1, "soles": [],`), ErrMalformed, "soles"},
		{"unknown nested field", edit(`"bottom_length"`, `"heel_curve": 3, "bottom_length"`), ErrMalformed, "heel_curve"},
		{"wrong type", edit(`"quantity": 1`, `"quantity": "one"`), ErrMalformed, ""},
		{"trailing data", append(append([]byte{}, good...), []byte(`{"schema":1}`)...), ErrMalformed, "after"},
		{"invalid content", edit(`"quantity": 1`, `"quantity": 0`), ErrInvalid, "quantity"},
		{"duplicate IDs", edit(`"ccccccccccccccc2"`, `"ccccccccccccccc1"`), ErrInvalid, "duplicate"},
		{"too large", append(bytes.Repeat([]byte(" "), MaxJSONSize), good...), ErrTooLarge, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := DecodeJSON(tc.in)
			if err == nil || d != nil {
				t.Fatalf("DecodeJSON = %v, %v; want an error and no design", d, err)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error %q is not %v", err, tc.sentinel)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not mention %q", err, tc.msg)
			}
		})
	}
}

func FuzzDecodeJSON(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"schema":2}`))
	f.Add([]byte(`{"schema":1,"meta":{"size_run":[1e400]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodeJSON(b)
		if err != nil {
			if d != nil {
				t.Fatal("design returned with an error")
			}
			return
		}
		if err := Validate(d); err != nil {
			t.Fatalf("DecodeJSON returned an invalid design: %v", err)
		}
		again, err := EncodeJSON(d)
		if err != nil {
			t.Fatalf("a decoded design does not encode: %v", err)
		}
		d2, err := DecodeJSON(again)
		if err != nil {
			t.Fatalf("re-encoded JSON does not decode: %v", err)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatal("JSON round trip changes the design")
		}
		if _, err := d.Snapshot(); err != nil {
			t.Fatalf("a valid design has no snapshot: %v", err)
		}
	})
}

// snapshotBytes encodes a snapshot as a CBOR array of element encodings,
// the fuzzers' input form.
func snapshotBytes(t testing.TB, s Snapshot) []byte {
	var els [][]byte
	for _, id := range sortedIDs(s) {
		els = append(els, appendElement(nil, s[id]))
	}
	raw := make([]any, len(els))
	for i, e := range els {
		raw[i] = e
	}
	return mustCanonical(t, raw)
}

// addSeedElements seeds f with every element of the seed designs, as
// the store writes them.
func addSeedElements(f *testing.F) {
	for _, d := range seedDesigns() {
		s, err := d.Snapshot()
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range s {
			f.Add(appendElement(nil, e))
		}
	}
}

func FuzzDecodeElement(f *testing.F) {
	addSeedElements(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := DecodeElement(b)
		if err != nil {
			return
		}
		again, err := EncodeElement(e)
		if err != nil {
			t.Fatalf("decoded element does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatal("DecodeElement accepted a non-canonical encoding")
		}
		if ElementHash(e) != HashOf(b) {
			t.Fatal("ElementHash differs from the hash of the bytes")
		}
		// Whatever the element, building a design with it must not panic.
		s, _ := sampleDesign().Snapshot()
		s[e.ID] = e
		_, _ = DesignFromSnapshot("0123456789abcdef", s)
	})
}

// FuzzDesignFromSnapshot feeds a CBOR array of element encodings through
// DecodeElement and DesignFromSnapshot.
func FuzzDesignFromSnapshot(f *testing.F) {
	for _, d := range seedDesigns() {
		s, err := d.Snapshot()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(snapshotBytes(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var raw [][]byte
		if err := DecodeCanonical(b, &raw); err != nil || len(raw) > 10000 {
			return
		}
		s := Snapshot{}
		for _, eb := range raw {
			e, err := DecodeElement(eb)
			if err != nil {
				return
			}
			s[e.ID] = e
		}
		d, err := DesignFromSnapshot("0123456789abcdef", s)
		if err != nil {
			return
		}
		s2, err := d.Snapshot()
		if err != nil {
			t.Fatalf("decoded design has no snapshot: %v", err)
		}
		d2, err := DesignFromSnapshot("0123456789abcdef", s2)
		if err != nil {
			t.Fatalf("second decode fails: %v", err)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatal("snapshot round trip of a decoded design differs")
		}
	})
}
