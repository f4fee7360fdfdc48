package models

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// checkFastProp decodes b into a field of type t both ways: the fast path,
// when it takes b, must give exactly (bit for bit) what propDec gives.
func checkFastProp(t *testing.T, what string, b []byte, typ reflect.Type) bool {
	t.Helper()
	fast := reflect.New(typ).Elem()
	took := fastDecodeProp(b, fast)
	slow := reflect.New(typ).Elem()
	err := propDec.Unmarshal(b, slow.Addr().Interface())
	if !took {
		if !fast.IsZero() {
			t.Fatalf("%s: refused % x but set the field", what, b)
		}
		return false
	}
	if err != nil {
		t.Fatalf("%s: fast path took % x, which propDec refuses: %v", what, b, err)
	}
	if !sameTyped(fast, slow) {
		t.Fatalf("%s: % x decodes to %#v, propDec gives %#v", what, b, fast.Interface(), slow.Interface())
	}
	return true
}

// Every property of many random designs (and of the extras) decodes the
// same through the fast path as through propDec, and most take it.
func TestFastDecodeMatchesPropDec(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	designs := []*Design{extrasDesign(), sampleDesign()}
	for range 50 {
		designs = append(designs, randomDesign(r))
	}
	took, all := 0, 0
	for _, d := range designs {
		s, err := d.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		for id, e := range s {
			ki := kinds[e.Kind]
			for name, b := range e.Props {
				all++
				if checkFastProp(t, string(id)+"."+name, b, ki.typ.Field(ki.byName[name].index).Type) {
					took++
				}
			}
		}
		back, err := DesignFromSnapshot(d.ID, s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := back.Snapshot()
		if err != nil || s2.Hash() != s.Hash() {
			t.Fatalf("round trip through the fast decoder changed design %s: %v", d.ID, err)
		}
	}
	if took < all*3/4 {
		t.Fatalf("the fast path took %d of %d properties", took, all)
	}
}

// Floats in every width and the values at their edges, integers at
// theirs, and shapes the fast path must leave to propDec.
func TestFastDecodeEdges(t *testing.T) {
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1.5, 65504, -65504, 6.103515625e-05, 5.960464477539063e-08, 1e-7,
		0.1, 1.0 / 3, math.MaxFloat32, math.SmallestNonzeroFloat32, math.MaxFloat64, math.SmallestNonzeroFloat64, 123456.789,
		math.Inf(1), math.Inf(-1), math.NaN()}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		floats = append(floats, math.Float64frombits(r.Uint64()), float64(float32(r.NormFloat64()*1000)), float64(r.IntN(60000))/16)
	}
	for _, f := range floats {
		b, err := Canonical(f)
		if err != nil {
			t.Fatal(err)
		}
		checkFastProp(t, "float", b, reflect.TypeFor[float64]())
		pb, _ := Canonical(Pt(f, -f))
		checkFastProp(t, "point", pb, reflect.TypeFor[Point]())
	}
	for _, n := range []int64{0, 1, -1, 23, 24, 255, 256, -256, -257, 65535, 65536, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64} {
		b, _ := Canonical(n)
		if !checkFastProp(t, "int", b, reflect.TypeFor[int]()) {
			t.Fatalf("int %d not taken", n)
		}
	}
	for _, p := range []Path{{}, {Closed: true}, {Points: []Point{Pt(1, 2)}}, {Points: []Point{Pt(1, 2), Pt(3.25, -4)}, Closed: true}} {
		b, _ := Canonical(normalValue(reflect.ValueOf(p)))
		checkFastProp(t, "path", b, pathType)
	}
	for _, s := range []any{"", "vamp", "前帮", []ID{"a", "b"}, true, false} {
		b, _ := Canonical(s)
		if !checkFastProp(t, "value", b, reflect.TypeOf(s)) {
			t.Fatalf("%v not taken", s)
		}
	}
	// Left to propDec: wrong types, unknown path keys, trailing bytes,
	// invalid UTF-8, a duplicate key, an integer too large.
	for _, c := range []struct {
		b   []byte
		typ reflect.Type
	}{
		{[]byte{0x01}, reflect.TypeFor[float64]()},
		{[]byte{0xf9, 0x3c, 0x00}, reflect.TypeFor[int]()},
		{[]byte{0xa1, 0x61, 'x', 0xf5}, pathType},
		{[]byte{0xa2, 0x61, 'c', 0xf5, 0x61, 'c', 0xf4}, pathType},
		{[]byte{0x61, 'a', 0x00}, reflect.TypeFor[string]()},
		{[]byte{0x61, 0xff}, reflect.TypeFor[string]()},
		{[]byte{0x1b, 0xff, 0, 0, 0, 0, 0, 0, 0}, reflect.TypeFor[int]()},
		{[]byte{0x83, 0xf9, 0x3c, 0x00, 0xf9, 0x3c, 0x00, 0xf9, 0x3c, 0x00}, reflect.TypeFor[Point]()},
		{[]byte{0xf9, 0x7e, 0x00}, reflect.TypeFor[float64]()},
	} {
		if checkFastProp(t, "refused", c.b, c.typ) {
			t.Fatalf("% x into %s: taken", c.b, c.typ)
		}
	}
}

// Any bytes: the fast path never panics, and whatever it takes propDec
// decodes to the same value.
func FuzzFastDecodeProp(f *testing.F) {
	for _, v := range []any{1.5, Pt(1, 2), Path{Points: []Point{Pt(1, 2), Pt(3, 4)}, Closed: true}, "vamp", []ID{"a"}, 42, true} {
		b, _ := Canonical(v)
		f.Add(b)
	}
	types := []reflect.Type{reflect.TypeFor[float64](), reflect.TypeFor[int](), reflect.TypeFor[string](), reflect.TypeFor[bool](),
		reflect.TypeFor[[]ID](), pathType, pointType}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, typ := range types {
			checkFastProp(t, "fuzz", b, typ)
		}
	})
}
