package models

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// leaves lists the settable scalar and slice values inside v (an
// addressable value), depth first.
func leaves(v reflect.Value, out []reflect.Value) []reflect.Value {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out = leaves(v.Field(i), out)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			out = leaves(v.Index(i), out)
		}
	case reflect.Slice:
		out = append(out, v) // the slice itself: nil, empty, longer
		for i := range v.Len() {
			out = leaves(v.Index(i), out)
		}
	case reflect.Pointer:
		out = append(out, v)
		if !v.IsNil() {
			out = leaves(v.Elem(), out)
		}
	case reflect.Map:
		out = append(out, v)
	default:
		out = append(out, v)
	}
	return out
}

// perturb changes one leaf in a way sameTyped must see.
func perturb(v reflect.Value, r *rand.Rand) {
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		switch r.IntN(3) {
		case 0:
			v.SetFloat(v.Float() + 0.25)
		case 1:
			v.SetFloat(math.Copysign(0, -1)) // -0 differs from 0 by its bits
			if math.Signbit(v.Float()) && v.Float() == 0 && r.IntN(2) == 0 {
				v.SetFloat(0)
			}
		default:
			v.SetFloat(math.NaN())
		}
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(v.Uint() + 1)
	case reflect.Slice:
		switch {
		case v.IsNil():
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		case v.Len() == 0:
			v.Set(reflect.Zero(v.Type()))
		default:
			v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
		}
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		} else {
			v.Set(reflect.Zero(v.Type()))
		}
	case reflect.Map:
		switch {
		case v.Len() > 0 && r.IntN(3) > 0:
			// Change one entry's value, or drop the entry.
			k := v.MapKeys()[r.IntN(v.Len())]
			if r.IntN(2) == 0 {
				v.SetMapIndex(k, reflect.Value{})
				return
			}
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			ls := leaves(e, nil)
			perturb(ls[r.IntN(len(ls))], r)
			v.SetMapIndex(k, e)
		case v.IsNil():
			v.Set(reflect.MakeMap(v.Type()))
		default:
			v.Set(reflect.Zero(v.Type()))
		}
	}
}

// The maps compared with == hold values whose == is bitwise.
func TestMapEqPlainTypes(t *testing.T) {
	for _, tt := range []reflect.Type{reflect.TypeFor[ColourwayPart](), reflect.TypeFor[int]()} {
		if !plainValue(tt) {
			t.Fatalf("%s is compared with == but == is not bitwise on it", tt)
		}
	}
}

// The compiled comparison gives sameTyped's answer: on every element of
// the seed designs and a large random one, on copies, and on copies with
// one leaf changed (each leaf in turn).
func TestSameAtMatchesSameTyped(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	designs := []*Design{benchDesign(rand.New(rand.NewPCG(42, 42)))}
	for _, d := range seedDesigns() {
		designs = append(designs, d)
	}
	checked, differ := 0, 0
	for _, d := range designs {
		err := d.eachElement(func(id ID, k Kind, v reflect.Value) error {
			c := deepCopy(v)
			if !sameAt(v.Type(), v, c) || !sameTyped(v, c) {
				t.Fatalf("%s %s: a copy is not the same", k, id)
			}
			n := len(leaves(c, nil))
			for i := range min(n, 40) {
				c := deepCopy(v)
				ls := leaves(c, nil)
				leaf := ls[(i*7919+r.IntN(n))%n]
				perturb(leaf, r)
				want := sameTyped(v, c)
				if got := sameAt(v.Type(), v, c); got != want {
					t.Fatalf("%s %s, leaf %s changed: sameAt %v, sameTyped %v", k, id, leaf.Type(), got, want)
				}
				checked++
				if !want {
					differ++
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked == 0 || differ < checked/2 {
		t.Fatalf("%d changes checked, %d seen as different: the changes do not exercise the comparison", checked, differ)
	}
}

// BenchmarkSnapshotCached is the element form of a 1,000-element design
// with one line moved, through the snapshot cache (what a commit from the
// window or `edit` makes first).
func BenchmarkSnapshotCached(b *testing.B) {
	d := benchDesign(rand.New(rand.NewPCG(42, 42)))
	c := NewSnapshotCache()
	if _, err := d.SnapshotCached(c); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		l := &d.StyleLines[k%len(d.StyleLines)]
		l.Path.Points = append([]Point(nil), l.Path.Points...)
		l.Path.Points[0].X += 0.05
		k++
		if _, err := d.SnapshotCached(c); err != nil {
			b.Fatal(err)
		}
	}
}
