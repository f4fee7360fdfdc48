package models

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Elem is one element's typed value: a [Meta], [Last], [StyleLine],
// [Piece], [Mark], [Material], [Colourway], [Dimension], [Image] or
// [Underlay]. Commands carry elements by value; a nil Elem means "no
// such element".
type Elem interface {
	ElemID() ID
	ElemKind() Kind
}

// ElemID implements [Elem].
func (Meta) ElemID() ID { return MetaID }

// ElemKind implements [Elem].
func (Meta) ElemKind() Kind { return KindMeta }

// ElemID implements [Elem].
func (Last) ElemID() ID { return LastID }

// ElemKind implements [Elem].
func (Last) ElemKind() Kind { return KindLast }

// ElemID implements [Elem].
func (s StyleLine) ElemID() ID { return s.ID }

// ElemKind implements [Elem].
func (StyleLine) ElemKind() Kind { return KindStyleLine }

// ElemID implements [Elem].
func (p Piece) ElemID() ID { return p.ID }

// ElemKind implements [Elem].
func (Piece) ElemKind() Kind { return KindPiece }

// ElemID implements [Elem].
func (m Mark) ElemID() ID { return m.ID }

// ElemKind implements [Elem].
func (Mark) ElemKind() Kind { return KindMark }

// ElemID implements [Elem].
func (m Material) ElemID() ID { return m.ID }

// ElemKind implements [Elem].
func (Material) ElemKind() Kind { return KindMaterial }

// ElemID implements [Elem].
func (c Colourway) ElemID() ID { return c.ID }

// ElemKind implements [Elem].
func (Colourway) ElemKind() Kind { return KindColourway }

// ElemID implements [Elem].
func (x Dimension) ElemID() ID { return x.ID }

// ElemKind implements [Elem].
func (Dimension) ElemKind() Kind { return KindDimension }

// ElemID implements [Elem].
func (x Image) ElemID() ID { return x.ID }

// ElemKind implements [Elem].
func (Image) ElemKind() Kind { return KindImage }

// ElemID implements [Elem].
func (x Underlay) ElemID() ID { return x.ID }

// ElemKind implements [Elem].
func (Underlay) ElemKind() Kind { return KindUnderlay }

// Edit replaces one element: Before is what the command expects to find
// (nil: absent), After what it leaves (nil: deleted).
type Edit struct {
	ID     ID
	Before Elem
	After  Elem
}

// Command is one undoable change to a design, named for the Edit menu
// ("Move vamp point"). It is a list of element edits, so applying it and
// its inverse returns exactly the design it started from, and a command
// never holds a pointer into a design: designs stay immutable values that
// the editor, the render thread, autosave and sync can share.
type Command struct {
	Name  string
	Edits []Edit
}

// ErrStale is what [Command.Apply] returns (wrapped) when the design no
// longer holds what the command was made against: the element was changed
// elsewhere (a merge from a peer) since.
var ErrStale = errors.New("the design changed since")

// Empty reports whether c changes nothing.
func (c Command) Empty() bool {
	for _, e := range c.Edits {
		if !ElemEqual(e.Before, e.After) {
			return false
		}
	}
	return true
}

// Invert returns the command that undoes c.
func (c Command) Invert() Command {
	out := Command{Name: c.Name, Edits: make([]Edit, len(c.Edits))}
	for i, e := range c.Edits {
		out.Edits[len(c.Edits)-1-i] = Edit{ID: e.ID, Before: e.After, After: e.Before}
	}
	return out
}

// Then returns one command that does c, then next, under name.
func (c Command) Then(name string, next Command) Command {
	return Command{Name: name, Edits: append(slices.Clip(c.Edits), next.Edits...)}
}

// Apply returns a new design with c applied; d is not modified and shares
// every unchanged element with the result. It fails, changing nothing,
// when an element is not as the command expects (see [ErrStale]).
func (c Command) Apply(d *Design) (*Design, error) {
	return c.apply(d, true)
}

// Force applies c whatever the design holds now: each edited element
// becomes the command's After. It is how edits not yet saved are replayed
// onto a head that moved under them.
func (c Command) Force(d *Design) *Design {
	out, _ := c.apply(d, false)
	return out
}

func (c Command) apply(d *Design, check bool) (*Design, error) {
	if d == nil {
		return nil, fmt.Errorf("%s: no design", c.Name)
	}
	out := *d
	copied := map[Kind]bool{}
	for _, e := range c.Edits {
		if check {
			if cur := FindElem(&out, e.ID); !ElemEqual(cur, e.Before) {
				return nil, fmt.Errorf("%s: element %s: %w", c.Name, e.ID, ErrStale)
			}
		}
		kind := KindOfEdit(e)
		if kind == "" {
			return nil, fmt.Errorf("%s: element %s: edit without a value", c.Name, e.ID)
		}
		if e.After != nil && e.After.ElemID() != e.ID {
			return nil, fmt.Errorf("%s: element %s: value has ID %s", c.Name, e.ID, e.After.ElemID())
		}
		if !copied[kind] {
			copySlice(&out, kind)
			copied[kind] = true
		}
		if err := setElem(&out, kind, e.ID, e.After); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	return &out, nil
}

// KindOfEdit is the kind of the element an edit touches.
func KindOfEdit(e Edit) Kind {
	switch {
	case e.After != nil:
		return e.After.ElemKind()
	case e.Before != nil:
		return e.Before.ElemKind()
	}
	return ""
}

// copySlice gives out its own copy of the element slice of kind, so
// changing it leaves the design it was copied from alone.
func copySlice(d *Design, kind Kind) {
	switch kind {
	case KindStyleLine:
		d.StyleLines = slices.Clone(d.StyleLines)
	case KindPiece:
		d.Pieces = slices.Clone(d.Pieces)
	case KindMark:
		d.Marks = slices.Clone(d.Marks)
	case KindMaterial:
		d.Materials = slices.Clone(d.Materials)
	case KindColourway:
		d.Colourways = slices.Clone(d.Colourways)
	case KindDimension:
		d.Dimensions = slices.Clone(d.Dimensions)
	case KindImage:
		d.Images = slices.Clone(d.Images)
	case KindUnderlay:
		d.Underlays = slices.Clone(d.Underlays)
	}
}

// setElem puts v (nil: removes) under id in d's slice of kind, keeping the
// slice sorted by ID.
func setElem(d *Design, kind Kind, id ID, v Elem) error {
	switch kind {
	case KindMeta:
		m, ok := v.(Meta)
		if !ok {
			return fmt.Errorf("the meta element cannot be removed")
		}
		d.Meta = m
	case KindLast:
		l, ok := v.(Last)
		if !ok {
			return fmt.Errorf("the last cannot be removed")
		}
		d.Last = l
	case KindStyleLine:
		d.StyleLines = put(d.StyleLines, id, v)
	case KindPiece:
		d.Pieces = put(d.Pieces, id, v)
	case KindMark:
		d.Marks = put(d.Marks, id, v)
	case KindMaterial:
		d.Materials = put(d.Materials, id, v)
	case KindColourway:
		d.Colourways = put(d.Colourways, id, v)
	case KindDimension:
		d.Dimensions = put(d.Dimensions, id, v)
	case KindImage:
		d.Images = put(d.Images, id, v)
	case KindUnderlay:
		d.Underlays = put(d.Underlays, id, v)
	default:
		return fmt.Errorf("element %s: unknown kind %q", id, kind)
	}
	return nil
}

func put[T Elem](s []T, id ID, v Elem) []T {
	i := slices.IndexFunc(s, func(x T) bool { return x.ElemID() == id })
	switch {
	case v == nil && i >= 0:
		return slices.Delete(s, i, i+1)
	case v == nil:
		return s
	case i >= 0:
		s[i] = v.(T)
		return s
	}
	at, _ := slices.BinarySearchFunc(s, id, func(x T, id ID) int { return strings.Compare(string(x.ElemID()), string(id)) })
	return slices.Insert(s, at, v.(T))
}

// FindElem returns the element id of d, or nil.
func FindElem(d *Design, id ID) Elem {
	switch id {
	case MetaID:
		return d.Meta
	case LastID:
		return d.Last
	}
	if e := find(d.StyleLines, id); e != nil {
		return e
	}
	if e := find(d.Pieces, id); e != nil {
		return e
	}
	if e := find(d.Marks, id); e != nil {
		return e
	}
	if e := find(d.Materials, id); e != nil {
		return e
	}
	if e := find(d.Colourways, id); e != nil {
		return e
	}
	if e := find(d.Dimensions, id); e != nil {
		return e
	}
	if e := find(d.Underlays, id); e != nil {
		return e
	}
	if e := find(d.Images, id); e != nil {
		return e
	}
	return nil
}

func find[T Elem](s []T, id ID) Elem {
	for _, x := range s {
		if x.ElemID() == id {
			return x
		}
	}
	return nil
}

// ElemEqual reports whether two element values are the same (nil equals
// only nil).
func ElemEqual(a, b Elem) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return reflect.DeepEqual(a, b)
}

// SetElem is the command that makes after the value of its element in d
// (adding it when d has none).
func SetElem(name string, d *Design, after Elem) Command {
	return Command{Name: name, Edits: []Edit{{ID: after.ElemID(), Before: FindElem(d, after.ElemID()), After: after}}}
}

// RemoveElems is the command that deletes the elements ids from d (unknown
// IDs are skipped).
func RemoveElems(name string, d *Design, ids ...ID) Command {
	c := Command{Name: name}
	for _, id := range ids {
		if before := FindElem(d, id); before != nil {
			c.Edits = append(c.Edits, Edit{ID: id, Before: before})
		}
	}
	return c
}

// DiffCommand is the command that turns design a into design b, element
// by element (a and b are not modified).
func DiffCommand(name string, a, b *Design) Command {
	c := Command{Name: name}
	seen := map[ID]bool{}
	visit := func(id ID) {
		if seen[id] {
			return
		}
		seen[id] = true
		ea, eb := FindElem(a, id), FindElem(b, id)
		if !ElemEqual(ea, eb) {
			c.Edits = append(c.Edits, Edit{ID: id, Before: ea, After: eb})
		}
	}
	for _, d := range []*Design{a, b} {
		visit(MetaID)
		visit(LastID)
		for _, x := range d.StyleLines {
			visit(x.ID)
		}
		for _, x := range d.Pieces {
			visit(x.ID)
		}
		for _, x := range d.Marks {
			visit(x.ID)
		}
		for _, x := range d.Materials {
			visit(x.ID)
		}
		for _, x := range d.Colourways {
			visit(x.ID)
		}
		for _, x := range d.Dimensions {
			visit(x.ID)
		}
		for _, x := range d.Images {
			visit(x.ID)
		}
		for _, x := range d.Underlays {
			visit(x.ID)
		}
	}
	return c
}
