package models

import (
	"bytes"
	"math"
	"reflect"
	"sync"
	"unsafe"
)

// A commit of a large design compares every element with the copy the
// snapshot cache keeps (snapcache.go), to encode only what changed. Walking
// the values with reflect costs about a quarter of the commit of a
// 1,000-element design, so each element type gets its comparison made
// once: a tree of functions over the values' memory, with the meaning of
// [sameTyped] (floats by their bits, nil and empty told apart).

// eqFunc reports whether the values of one type at a and b are the same.
type eqFunc func(a, b unsafe.Pointer) bool

var eqFuncs sync.Map // reflect.Type → eqFunc

// sameAt is sameTyped for two addressable values of type t.
func sameAt(t reflect.Type, a, b reflect.Value) bool {
	return eqFor(t)(a.Addr().UnsafePointer(), b.Addr().UnsafePointer())
}

func eqFor(t reflect.Type) eqFunc {
	if f, ok := eqFuncs.Load(t); ok {
		return f.(eqFunc)
	}
	f := compileEq(t, map[reflect.Type]*eqFunc{})
	eqFuncs.Store(t, f)
	return f
}

// compileEq builds t's comparison; busy holds the types being built, so a
// type that contains itself (through a pointer or slice) refers to its own.
func compileEq(t reflect.Type, busy map[reflect.Type]*eqFunc) eqFunc {
	if p, ok := busy[t]; ok {
		return func(a, b unsafe.Pointer) bool { return (*p)(a, b) }
	}
	slot := new(eqFunc)
	busy[t] = slot
	f := compileEqKind(t, busy)
	*slot = f
	delete(busy, t)
	return f
}

func compileEqKind(t reflect.Type, busy map[reflect.Type]*eqFunc) eqFunc {
	if rawComparable(t) {
		// Same bits: floats by their bits, as sameTyped compares them.
		n := t.Size()
		return func(a, b unsafe.Pointer) bool {
			return unsafe.String((*byte)(a), n) == unsafe.String((*byte)(b), n)
		}
	}
	switch t.Kind() {
	case reflect.Float64:
		return func(a, b unsafe.Pointer) bool {
			return math.Float64bits(*(*float64)(a)) == math.Float64bits(*(*float64)(b))
		}
	case reflect.Float32:
		return func(a, b unsafe.Pointer) bool {
			return math.Float64bits(float64(*(*float32)(a))) == math.Float64bits(float64(*(*float32)(b)))
		}
	case reflect.String:
		return func(a, b unsafe.Pointer) bool { return *(*string)(a) == *(*string)(b) }
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n := t.Size() // equal as numbers is equal as bytes
		return func(a, b unsafe.Pointer) bool {
			return unsafe.String((*byte)(a), n) == unsafe.String((*byte)(b), n)
		}
	case reflect.Struct:
		type field struct {
			off uintptr
			eq  eqFunc
		}
		fields := make([]field, t.NumField())
		for i := range fields {
			sf := t.Field(i)
			fields[i] = field{sf.Offset, compileEq(sf.Type, busy)}
		}
		return func(a, b unsafe.Pointer) bool {
			for _, f := range fields {
				if !f.eq(unsafe.Add(a, f.off), unsafe.Add(b, f.off)) {
					return false
				}
			}
			return true
		}
	case reflect.Array:
		eq, stride, n := compileEq(t.Elem(), busy), t.Elem().Size(), uintptr(t.Len())
		return func(a, b unsafe.Pointer) bool {
			for i := range n {
				if !eq(unsafe.Add(a, i*stride), unsafe.Add(b, i*stride)) {
					return false
				}
			}
			return true
		}
	case reflect.Slice:
		type header struct {
			data     unsafe.Pointer
			len, cap int
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return func(a, b unsafe.Pointer) bool {
				x, y := *(*[]byte)(a), *(*[]byte)(b)
				return (x == nil) == (y == nil) && bytes.Equal(x, y)
			}
		}
		eq, stride := compileEq(t.Elem(), busy), t.Elem().Size()
		if rawComparable(t.Elem()) { // a path's points: one comparison of memory
			return func(a, b unsafe.Pointer) bool {
				x, y := (*header)(a), (*header)(b)
				if (x.data == nil) != (y.data == nil) || x.len != y.len {
					return false
				}
				n := uintptr(x.len) * stride
				return n == 0 || unsafe.String((*byte)(x.data), n) == unsafe.String((*byte)(y.data), n)
			}
		}
		return func(a, b unsafe.Pointer) bool {
			x, y := (*header)(a), (*header)(b)
			if (x.data == nil) != (y.data == nil) || x.len != y.len {
				return false
			}
			for i := range uintptr(x.len) {
				if !eq(unsafe.Add(x.data, i*stride), unsafe.Add(y.data, i*stride)) {
					return false
				}
			}
			return true
		}
	case reflect.Pointer:
		eq := compileEq(t.Elem(), busy)
		return func(a, b unsafe.Pointer) bool {
			x, y := *(*unsafe.Pointer)(a), *(*unsafe.Pointer)(b)
			if x == nil || y == nil {
				return x == nil && y == nil
			}
			return eq(x, y)
		}
	case reflect.Map:
		// The maps elements hold, whose values compare by == exactly as
		// by their bits (no floats); any other through reflect.
		switch t {
		case reflect.TypeFor[map[ID]ColourwayPart]():
			return mapEqPlain[ID, ColourwayPart]
		case reflect.TypeFor[map[string]int]():
			return mapEqPlain[string, int]
		}
		return func(a, b unsafe.Pointer) bool {
			return sameTyped(reflect.NewAt(t, a).Elem(), reflect.NewAt(t, b).Elem())
		}
	}
	return func(a, b unsafe.Pointer) bool { return false } // as sameTyped: not comparable, not the same
}

// mapEqPlain compares maps whose values are the same exactly when == says
// so (strings, integers, and structs of those).
func mapEqPlain[K, V comparable](a, b unsafe.Pointer) bool {
	x, y := *(*map[K]V)(a), *(*map[K]V)(b)
	if (x == nil) != (y == nil) || len(x) != len(y) {
		return false
	}
	for k, v := range x {
		if w, ok := y[k]; !ok || v != w {
			return false
		}
	}
	return true
}

// plainValue reports whether == on t is equality of every bit, as
// mapEqPlain needs.
func plainValue(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	case reflect.Struct:
		for i := range t.NumField() {
			if !plainValue(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// rawComparable reports whether two values of t are the same (in
// sameTyped's sense) exactly when their memory is: numbers and booleans,
// and arrays and structs of those without padding.
func rawComparable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	case reflect.Array:
		return rawComparable(t.Elem())
	case reflect.Struct:
		var size uintptr
		for i := range t.NumField() {
			f := t.Field(i)
			if !rawComparable(f.Type) || f.Offset != size {
				return false
			}
			size += f.Type.Size()
		}
		return size == t.Size()
	}
	return false
}
