package models

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"math"
	"reflect"
	"strings"
	"testing"
)

// extrasDesign is the sample derby with a dimension, an underlay and its
// image, archived.
func extrasDesign() *Design {
	d := sampleDesign()
	img := tinyImage(4, 3)
	img.ID = "f00d00000000000a"
	d.Images = []Image{img}
	d.Underlays = []Underlay{{ID: "f00d00000000000b", Image: img.ID, Origin: Pt(-10, 120), MMPerPx: 0.5, Opacity: 0.4}}
	d.Dimensions = []Dimension{{ID: "f00d00000000000c", A: Pt(10, 0), B: Pt(110, 0)}, {ID: "f00d00000000000d", A: Pt(20, 5), B: Pt(20, 65), Text: "back height"}}
	d.Meta.Archived = true
	return d
}

// Dimensions, images and underlays are elements: they round-trip through
// the element form, and moving or fading an underlay leaves its image's
// element (what the store keeps per hash) unchanged.
func TestExtrasSnapshot(t *testing.T) {
	d := extrasDesign()
	if err := Validate(d); err != nil {
		t.Fatal(err)
	}
	s, err := d.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for id, k := range map[ID]Kind{"f00d00000000000a": KindImage, "f00d00000000000b": KindUnderlay, "f00d00000000000c": KindDimension} {
		if s[id].Kind != k {
			t.Errorf("element %s has kind %q, want %q", id, s[id].Kind, k)
		}
	}
	if _, ok := s[MetaID].Props["archived"]; !ok {
		t.Error("archived is not a property of the meta element")
	}
	back, err := DesignFromSnapshot(d.ID, s)
	if err != nil {
		t.Fatal(err)
	}
	want := *d
	want.Normalize()
	if !reflect.DeepEqual(back, &want) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", back, &want)
	}

	moved := *d
	moved.Underlays = []Underlay{d.Underlays[0]}
	moved.Underlays[0].Opacity, moved.Underlays[0].MMPerPx = 0.8, 0.3
	s2, err := moved.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	m1, m2 := s.Manifest(), s2.Manifest()
	if m1["f00d00000000000a"] != m2["f00d00000000000a"] {
		t.Error("changing the underlay changed its image's element")
	}
	if m1["f00d00000000000b"] == m2["f00d00000000000b"] {
		t.Error("changing the underlay left its element as it was")
	}

	// Not archived is no property at all: designs saved before the flag
	// existed keep their hashes.
	plain := sampleDesign()
	ps, _ := plain.Snapshot()
	if _, ok := ps[MetaID].Props["archived"]; ok {
		t.Error("an unarchived design has an archived property")
	}
}

func TestValidateExtras(t *testing.T) {
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, image.NewGray(image.Rect(0, 0, 4, 3)), nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(d *Design)
		field  string
		code   string
	}{
		{"dimension NaN", func(d *Design) { d.Dimensions[0].A.X = math.NaN() }, "a.x", CodeNotFinite},
		{"dimension far", func(d *Design) { d.Dimensions[0].B.Y = 2e4 }, "b.y", CodeOutOfRange},
		{"dimension text", func(d *Design) { d.Dimensions[1].Text = strings.Repeat("x", MaxNameLen+1) }, "text", CodeTooLong},
		{"image garbage", func(d *Design) { d.Images[0].Data = []byte("not a picture") }, "data", CodeInvalidValue},
		{"image truncated", func(d *Design) { d.Images[0].Data = d.Images[0].Data[:10] }, "data", CodeInvalidValue},
		{"image empty", func(d *Design) { d.Images[0].Data = nil }, "data", CodeRequired},
		{"image too big", func(d *Design) { d.Images[0].Data = make([]byte, MaxImageBytes+1) }, "data", CodeTooLong},
		{"image format lies", func(d *Design) { d.Images[0].Data = jb.Bytes() }, "format", CodeInconsistent},
		{"image format unknown", func(d *Design) { d.Images[0].Format = "gif" }, "format", CodeInvalidValue},
		{"image size lies", func(d *Design) { d.Images[0].Width = 5 }, "width", CodeInconsistent},
		{"image too wide", func(d *Design) { d.Images[0].Width = MaxImageSide + 1 }, "width", CodeOutOfRange},
		{"underlay without image", func(d *Design) { d.Underlays[0].Image = "0000000000000009" }, "image", CodeUnknownRef},
		{"underlay opacity", func(d *Design) { d.Underlays[0].Opacity = 1.5 }, "opacity", CodeOutOfRange},
		{"underlay scale zero", func(d *Design) { d.Underlays[0].MMPerPx = 0 }, "mm_per_px", CodeOutOfRange},
		{"underlay scale NaN", func(d *Design) { d.Underlays[0].MMPerPx = math.NaN() }, "mm_per_px", CodeNotFinite},
		{"underlay origin", func(d *Design) { d.Underlays[0].Origin.X = math.Inf(1) }, "origin.x", CodeNotFinite},
		{"too many images", func(d *Design) {
			for i := range MaxImages {
				img := tinyImage(2, 2)
				img.ID = ID("f00d0000000001" + string(rune('0'+i)) + "0")
				d.Images = append(d.Images, img)
			}
		}, "images", CodeTooMany},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := extrasDesign()
			tc.change(d)
			err := Validate(d)
			var ve ValidationErrors
			if !errors.As(err, &ve) {
				t.Fatalf("Validate: %v", err)
			}
			found := false
			for _, fe := range ve {
				if fe.Field == tc.field && fe.Code == tc.code {
					found = true
				}
			}
			if !found {
				t.Fatalf("want %s %s, got %v", tc.field, tc.code, err)
			}
		})
	}
}

// JSON: a design without the new elements stays schema 1 (older Cordwains
// read it); one with them is schema 2 and round-trips; a schema 1 file
// that holds them is refused.
func TestJSONExtras(t *testing.T) {
	plain, err := EncodeJSON(sampleDesign())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(plain, []byte(`"schema": 1,`)) {
		t.Fatalf("plain design not schema 1:\n%.80s", plain)
	}
	d := extrasDesign()
	b, err := EncodeJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"schema": 2,`)) || !bytes.Contains(b, []byte(`"underlays"`)) {
		t.Fatalf("design with extras not schema 2:\n%.80s", b)
	}
	back, err := DecodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	want := *d
	want.Normalize()
	if !reflect.DeepEqual(back, &want) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", back, &want)
	}
	old := bytes.Replace(b, []byte(`"schema": 2,`), []byte(`"schema": 1,`), 1)
	if _, err := DecodeJSON(old); !errors.Is(err, ErrMalformed) {
		t.Fatalf("schema 1 with underlays: %v", err)
	}
	newer := bytes.Replace(b, []byte(`"schema": 2,`), []byte(`"schema": 3,`), 1)
	if _, err := DecodeJSON(newer); !errors.Is(err, ErrNewerVersion) {
		t.Fatalf("schema 3: %v", err)
	}
	broken := extrasDesign()
	broken.Images[0].Data = []byte("junk")
	if _, err := EncodeJSON(broken); !errors.Is(err, ErrInvalid) {
		t.Fatalf("exporting a broken image: %v", err)
	}
}

// Commands add, change and remove the new kinds, and undo returns the
// identical design hash.
func TestExtrasCommands(t *testing.T) {
	d := sampleDesign()
	h0 := mustHash(t, d)
	img := tinyImage(3, 3)
	img.ID = "f00d00000000000a"
	u := Underlay{ID: "f00d00000000000b", Image: img.ID, MMPerPx: 0.25, Opacity: 0.5}
	dim := Dimension{ID: "f00d00000000000c", A: Pt(0, 0), B: Pt(30, 40)}
	add := SetElem("add image", d, img).Then("add", SetElem("", d, u)).Then("add", SetElem("", d, dim))
	d1, err := add.Apply(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(d1.Images) != 1 || len(d1.Underlays) != 1 || len(d1.Dimensions) != 1 || len(d.Images)+len(d.Underlays)+len(d.Dimensions) != 0 {
		t.Fatalf("after add: %d images, %d underlays, %d dimensions; the original has %d", len(d1.Images), len(d1.Underlays), len(d1.Dimensions), len(d.Images))
	}
	if err := Validate(d1); err != nil {
		t.Fatal(err)
	}
	fade := u
	fade.Opacity = 0.9
	c2 := SetElem("fade", d1, fade).Then("fade", RemoveElems("", d1, dim.ID))
	d2, err := c2.Apply(d1)
	if err != nil {
		t.Fatal(err)
	}
	if d2.Underlays[0].Opacity != 0.9 || len(d2.Dimensions) != 0 || d1.Underlays[0].Opacity != 0.5 {
		t.Fatal("fade and remove did not apply, or changed the design they were applied to")
	}
	if got := DiffCommand("", d, d2); len(got.Edits) != 2 {
		t.Fatalf("diff from the start: %d edits, want 2 (image, underlay)", len(got.Edits))
	}
	back, err := c2.Invert().Apply(d2)
	if err != nil {
		t.Fatal(err)
	}
	if mustHash(t, back) != mustHash(t, d1) {
		t.Fatal("undo of fade/remove is not the design before")
	}
	back, err = add.Invert().Apply(back)
	if err != nil {
		t.Fatal(err)
	}
	if mustHash(t, back) != h0 {
		t.Fatal("undo of add is not the design before")
	}
}
