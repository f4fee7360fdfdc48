package models

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sync"
)

// SnapshotCache remembers, per element ID, the typed value an element of a
// design last had and its element form, canonical bytes and hash, so that
// turning a design that changed in a few places into its element form
// (what every autosave does) encodes only the elements that changed. An
// element is taken from the cache only when its typed value is identical
// to the remembered one, field by field and bit by bit (floats compared by
// their bits, nil and empty lists told apart), so the result is exactly
// [Design.Snapshot]'s. It is safe for concurrent use.
type SnapshotCache struct {
	mu sync.Mutex
	m  map[ID]*cachedElement
}

type cachedElement struct {
	kind  Kind
	typed reflect.Value // a deep copy, never handed out
	el    Element
	enc   []byte
	hash  Hash
}

// NewSnapshotCache makes an empty cache.
func NewSnapshotCache() *SnapshotCache {
	return &SnapshotCache{m: map[ID]*cachedElement{}}
}

// EncodedSnapshot is a design's element form with each element's
// canonical bytes ([EncodeElement]) and hash ([ElementHash]).
type EncodedSnapshot struct {
	Elements map[ID]EncodedElement
	// Encoded counts the elements encoded by the call that made it (the
	// others came from the cache).
	Encoded int
}

// EncodedElement is one element with its canonical bytes and hash. Its
// Props and bytes are shared with the cache: never modify them.
type EncodedElement struct {
	Element
	Enc  []byte
	Hash Hash
}

// Snapshot returns the element form (Props maps shared, see
// [EncodedElement]).
func (e *EncodedSnapshot) Snapshot() Snapshot {
	s := make(Snapshot, len(e.Elements))
	for id, el := range e.Elements {
		s[id] = el.Element
	}
	return s
}

// SnapshotCached is [Design.Snapshot] with each element's bytes and hash,
// through c: elements whose typed value equals the one c remembers for
// their ID are not encoded again.
func (d *Design) SnapshotCached(c *SnapshotCache) (*EncodedSnapshot, error) {
	if d == nil {
		return nil, errors.New("snapshot of a nil design")
	}
	if c == nil {
		return nil, errors.New("snapshot: no cache")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 2 + len(d.StyleLines) + len(d.Pieces) + len(d.Marks) + len(d.Materials) + len(d.Colourways) +
		len(d.Dimensions) + len(d.Images) + len(d.Underlays)
	out := &EncodedSnapshot{Elements: make(map[ID]EncodedElement, n)}
	err := d.eachElement(func(id ID, k Kind, v reflect.Value) error {
		if prev, dup := out.Elements[id]; dup {
			return fmt.Errorf("snapshot: ID %s used by both a %s and a %s", id, prev.Kind, k)
		}
		ce := c.m[id]
		if ce == nil || ce.kind != k || !sameAt(v.Type(), ce.typed, v) {
			e, err := element(id, k, v)
			if err != nil {
				return fmt.Errorf("snapshot: %w", err)
			}
			enc, err := EncodeElement(e)
			if err != nil {
				return fmt.Errorf("snapshot: %w", err)
			}
			ce = &cachedElement{kind: k, typed: deepCopy(v), el: e, enc: enc, hash: HashOf(enc)}
			c.m[id] = ce
			out.Encoded++
		}
		out.Elements[id] = EncodedElement{Element: ce.el, Enc: ce.enc, Hash: ce.hash}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(c.m) > len(out.Elements) {
		for id := range c.m {
			if _, ok := out.Elements[id]; !ok {
				delete(c.m, id) // deleted from the design: forget it
			}
		}
	}
	return out, nil
}

// eachElement calls fn for every element of d in Snapshot's order, with
// its ID checked.
func (d *Design) eachElement(fn func(id ID, k Kind, v reflect.Value) error) error {
	add := func(id ID, k Kind, v reflect.Value) error {
		if id != MetaID && id != LastID && !ValidID(id) {
			return fmt.Errorf("snapshot: %s has invalid ID %q", k, id)
		}
		return fn(id, k, v)
	}
	if err := add(MetaID, KindMeta, reflect.ValueOf(&d.Meta).Elem()); err != nil {
		return err
	}
	if err := add(LastID, KindLast, reflect.ValueOf(&d.Last).Elem()); err != nil {
		return err
	}
	for i := range d.StyleLines {
		if err := add(d.StyleLines[i].ID, KindStyleLine, reflect.ValueOf(&d.StyleLines[i]).Elem()); err != nil {
			return err
		}
	}
	for i := range d.Pieces {
		if err := add(d.Pieces[i].ID, KindPiece, reflect.ValueOf(&d.Pieces[i]).Elem()); err != nil {
			return err
		}
	}
	for i := range d.Marks {
		if err := add(d.Marks[i].ID, KindMark, reflect.ValueOf(&d.Marks[i]).Elem()); err != nil {
			return err
		}
	}
	for i := range d.Materials {
		if err := add(d.Materials[i].ID, KindMaterial, reflect.ValueOf(&d.Materials[i]).Elem()); err != nil {
			return err
		}
	}
	for i := range d.Colourways {
		if err := add(d.Colourways[i].ID, KindColourway, reflect.ValueOf(&d.Colourways[i]).Elem()); err != nil {
			return err
		}
	}
	for i := range d.Dimensions {
		if err := add(d.Dimensions[i].ID, KindDimension, reflect.ValueOf(&d.Dimensions[i]).Elem()); err != nil {
			return err
		}
	}
	for i := range d.Images {
		if err := add(d.Images[i].ID, KindImage, reflect.ValueOf(&d.Images[i]).Elem()); err != nil {
			return err
		}
	}
	for i := range d.Underlays {
		if err := add(d.Underlays[i].ID, KindUnderlay, reflect.ValueOf(&d.Underlays[i]).Elem()); err != nil {
			return err
		}
	}
	return nil
}

// sameTyped reports whether a and b (of one type) hold identical values:
// every field, element and map entry equal, floats by their bits, nil and
// empty slices and maps told apart. Anything it cannot compare is not the
// same (the element is then encoded again).
func sameTyped(a, b reflect.Value) bool {
	if a.Type() != b.Type() {
		return false
	}
	if a.CanAddr() && b.CanAddr() {
		// The values that make most of a design, without reflection.
		switch pa := a.Addr().Interface().(type) {
		case *Path:
			return samePath(pa, b.Addr().Interface().(*Path))
		case *Point:
			return samePoint(*pa, *b.Addr().Interface().(*Point))
		}
	}
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameTyped(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		if a.Type().Elem().Kind() == reflect.Uint8 {
			return bytes.Equal(a.Bytes(), b.Bytes()) // an image's file: megabytes
		}
		for i := range a.Len() {
			if !sameTyped(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Array:
		for i := range a.Len() {
			if !sameTyped(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		it := a.MapRange()
		for it.Next() {
			bv := b.MapIndex(it.Key())
			if !bv.IsValid() || !sameTyped(it.Value(), bv) {
				return false
			}
		}
		return true
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() && b.IsNil()
		}
		return sameTyped(a.Elem(), b.Elem())
	case reflect.Float32, reflect.Float64:
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	}
	return false
}

var pathType = reflect.TypeFor[Path]()

func samePoint(a, b Point) bool {
	return math.Float64bits(a.X) == math.Float64bits(b.X) && math.Float64bits(a.Y) == math.Float64bits(b.Y)
}

func samePath(a, b *Path) bool {
	if a.Closed != b.Closed || (a.Points == nil) != (b.Points == nil) || len(a.Points) != len(b.Points) {
		return false
	}
	for i := range a.Points {
		if !samePoint(a.Points[i], b.Points[i]) {
			return false
		}
	}
	return true
}

// deepCopy copies v so that no slice, map or pointer of the copy is shared
// with v (what the editor changes in place cannot reach the cache).
func deepCopy(v reflect.Value) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	copyInto(out, v)
	return out
}

func copyInto(dst, src reflect.Value) {
	if src.Type() == pathType {
		p := src.Interface().(Path)
		if p.Points != nil {
			pts := make([]Point, len(p.Points))
			copy(pts, p.Points)
			p.Points = pts
		}
		dst.Set(reflect.ValueOf(p))
		return
	}
	switch src.Kind() {
	case reflect.Struct:
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				copyInto(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		if src.Type().Elem().Kind() == reflect.Uint8 {
			reflect.Copy(s, src) // an image's file: megabytes
			dst.Set(s)
			return
		}
		for i := range src.Len() {
			copyInto(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Array:
		for i := range src.Len() {
			copyInto(dst.Index(i), src.Index(i))
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			k := reflect.New(src.Type().Key()).Elem()
			copyInto(k, it.Key())
			e := reflect.New(src.Type().Elem()).Elem()
			copyInto(e, it.Value())
			m.SetMapIndex(k, e)
		}
		dst.Set(m)
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		copyInto(p.Elem(), src.Elem())
		dst.Set(p)
	default:
		dst.Set(src)
	}
}

// EncodedBytes is an element's stored bytes and hash.
type EncodedBytes struct {
	Enc  []byte
	Hash Hash
}

// DesignFromSnapshotCached is [DesignFromSnapshot] that also remembers in
// c, for each element enc gives the bytes of (the bytes s was decoded
// from, checked against their hash by the caller), its typed value as
// decoded: a commit of the design through c then encodes only the
// elements the caller changes. An element whose decoded value the
// caller leaves as it is keeps its stored bytes.
func DesignFromSnapshotCached(id ID, s Snapshot, enc map[ID]EncodedBytes, c *SnapshotCache) (*Design, error) {
	seeds := make(map[ID]*cachedElement, len(s))
	d, err := designFromSnapshot(id, s, func(ki *kindInfo, e Element, eid ID, dst reflect.Value) error {
		if err := decodeProps(ki, e.Props, dst); err != nil {
			return err
		}
		if b, ok := enc[eid]; ok && b.Enc != nil {
			cp := deepCopy(dst)
			if ki.idField >= 0 {
				cp.Field(ki.idField).SetString(string(eid))
			}
			seeds[eid] = &cachedElement{kind: e.Kind, typed: cp, el: e, enc: b.Enc, hash: b.Hash}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		for eid, ce := range seeds {
			c.m[eid] = ce
		}
	}
	return d, nil
}
