package models

import (
	"bytes"
	"cmp"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// KindProp is the pseudo-property name under which a [Conflict] or a
// [Change] reports an element's kind. Real property names are cbor tag
// names and never start with '@'.
const KindProp = "@kind"

// Merge is the three-way merge of two snapshots a and b that both descend
// from base, at (element, property) level:
//
//   - a property changed on one side only takes that side's value;
//   - changed alike on both sides, it takes that value;
//   - changed differently, it is a [Conflict] won by the side with the
//     larger [Stamp] (time, then author; equal stamps fall back to the
//     larger value, so the outcome never depends on argument order);
//   - modification beats deletion: an element deleted on one side and
//     modified on the other survives with the modifications, recorded as a
//     Conflict with Prop "" and a nil Loser;
//   - an element added on both sides (same ID) merges property by property
//     as if its base had no properties.
//
// base must be a common ancestor of a and b, chosen deterministically by
// the caller (the store walks the version DAG); Merge itself never looks at
// history. sa and sb are the stamps of the versions a and b. The merged
// content and the conflicts do not depend on which side is passed first:
// Merge(base, a, b, sa, sb) equals Merge(base, b, a, sb, sa), Merge(x, x,
// x) is x and Merge(base, a, base) is a.
//
// Conflicts come sorted by (Element, Prop), with Design and Merge left for
// the caller to fill in. A property conflict's nil value means the side
// removed the property (its field went back to the zero value).
//
// The inputs are not modified; the result shares Props maps and value
// bytes with them, so treat all snapshots as immutable.
//
// With one stamp per side, three concurrent branches can merge to
// different content in different orders when the same property changed on
// all of them; [MergeTracked], which carries per-property stamps through
// merges, converges whatever the order.
func Merge(base, a, b Snapshot, sa, sb Stamp) (merged Snapshot, conflicts []Conflict) {
	d, conflicts := MergeChanges(base, Side{Snap: a, Stamp: sa}, Side{Snap: b, Stamp: sb}, ChangedIDs(base, a), ChangedIDs(base, b))
	return d.Apply(a), conflicts
}

// Delta is merged content as changes over side a of the merge: the
// elements whose merged content differs from a's, and the elements of a
// the merge removes. [Delta.Apply] builds the whole snapshot.
type Delta struct {
	Put Snapshot
	Del []ID
}

// Apply returns a copy of a with d applied; a is not modified.
func (d Delta) Apply(a Snapshot) Snapshot {
	out := maps.Clone(a)
	if out == nil {
		out = Snapshot{}
	}
	for _, id := range d.Del {
		delete(out, id)
	}
	maps.Copy(out, d.Put)
	return out
}

// ChangedIDs lists, in no particular order, the IDs of the elements that
// differ between base and s: added, removed or changed. Elements that
// share their Props map with base (as unchanged elements of snapshots
// derived from one another do) are skipped without comparing values.
func ChangedIDs(base, s Snapshot) []ID {
	var out []ID
	for id, e := range s {
		if e0, ok := base[id]; !ok || !elementEqual(e, e0) {
			out = append(out, id)
		}
	}
	if len(s)-len(out) != len(base) { // some of base are not in s
		for id := range base {
			if _, ok := s[id]; !ok {
				out = append(out, id)
			}
		}
	}
	return out
}

// MergeChanges is the merge of [Merge] (or, when a side carries Stamps, of
// [MergeTracked]) for a caller that knows which elements each side
// changed since base, as the store does from its manifests: changedA and
// changedB must list every element ID whose content differs between base
// and that side (extra IDs are harmless; [ChangedIDs] computes them). Its
// cost is proportional to the number of changed elements, not to the size
// of the design: unchanged elements are never visited. It returns the
// merged content as a [Delta] over a, and the conflicts, both exactly as
// Merge would give them: Merge(base, a, b, sa, sb) is
// MergeChanges(...).Apply(a).
func MergeChanges(base Snapshot, a, b Side, changedA, changedB []ID) (Delta, []Conflict) {
	m := merger{base: base, a: a, b: b, track: a.Stamps != nil || b.Stamps != nil}
	if m.track {
		m.outStamps = PropStamps{}
	}
	m.run(changedA, changedB)
	return Delta{Put: m.put, Del: m.del}, m.conflicts
}

// MergeStamped is [MergeChanges] for a caller that knows, for every
// property that both sides changed, the stamp of each side's change
// (Side.Stamps; other properties may be left out, since a property only
// one side changed takes that side's value whatever its stamp). Conflicts
// are won by those per-property stamps, as in [MergeTracked], and the
// content and conflicts are MergeTracked's, but no stamps are computed
// for the result and only elements both sides changed are merged
// property by property, so the cost follows the changes. The store
// derives the stamps from history.
func MergeStamped(base Snapshot, a, b Side, changedA, changedB []ID) (Delta, []Conflict) {
	m := merger{base: base, a: a, b: b}
	m.run(changedA, changedB)
	return Delta{Put: m.put, Del: m.del}, m.conflicts
}

// PropStamps gives, per element and property, the stamp of the change that
// set a side's value relative to the merge base.
type PropStamps map[ID]map[string]Stamp

// Side is one side of a [MergeTracked]: a snapshot with the stamps of its
// changes relative to the base. A change without an entry in Stamps has the
// side's Stamp.
type Side struct {
	Snap   Snapshot
	Stamp  Stamp
	Stamps PropStamps
}

// MergeTracked is [Merge] with per-property stamps: each conflict is won by
// the side whose change of that property carries the larger stamp, and the
// result records, for every property that differs from base, the stamp of
// the change it kept (the larger one when both sides agree). Because the
// winner of a property is then the latest of all changes merged into it,
// merging any number of concurrent branches of one base in any order and
// grouping gives the same content. The result's Stamp is the larger of the
// two sides'.
func MergeTracked(base Snapshot, a, b Side) (Side, []Conflict) {
	m := merger{base: base, a: a, b: b, track: true, outStamps: PropStamps{}}
	m.run(ChangedIDs(base, a.Snap), ChangedIDs(base, b.Snap))
	out := Delta{Put: m.put, Del: m.del}.Apply(a.Snap)
	return Side{Snap: out, Stamp: maxStamp(a.Stamp, b.Stamp), Stamps: m.outStamps}, m.conflicts
}

func maxStamp(x, y Stamp) Stamp {
	if x.Less(y) {
		return y
	}
	return x
}

func (s Side) stamp(id ID, prop string) Stamp {
	if m := s.Stamps[id]; m != nil {
		if st, ok := m[prop]; ok {
			return st
		}
	}
	return s.Stamp
}

type merger struct {
	base      Snapshot
	a, b      Side
	track     bool
	put       Snapshot // the result's elements that differ from a's
	del       []ID     // a's elements the result drops
	outStamps PropStamps
	conflicts []Conflict
}

// run merges the elements that changed on either side; every other
// element is the same in base, a and b, so the result keeps a's.
func (m *merger) run(changedA, changedB []ID) {
	m.put = make(Snapshot, len(changedB))
	if m.track {
		// Every change needs its stamp in the result: visit them all.
		seen := make(map[ID]struct{}, len(changedA)+len(changedB))
		for _, ids := range [2][]ID{changedA, changedB} {
			for _, id := range ids {
				if _, ok := seen[id]; !ok {
					seen[id] = struct{}{}
					m.element(id)
				}
			}
		}
	} else {
		// An element only a changed is a's in the result (a's change
		// stands, or a's modification beats b's untouched copy): nothing
		// to do. One only b changed takes b's state. Only elements both
		// changed need merging.
		inA := make(map[ID]struct{}, len(changedA))
		for _, id := range changedA {
			inA[id] = struct{}{}
		}
		var both []ID
		for _, id := range changedB {
			if _, ok := inA[id]; ok {
				both = append(both, id)
				continue
			}
			if eb, ok := m.b.Snap[id]; ok {
				// a left it as in base and b changed it, so it cannot be
				// a's element: no need to compare (set would).
				m.put[id] = eb
			} else {
				m.remove(id)
			}
		}
		// In element order, so the conflicts come sorted by element;
		// each element's few are sorted by property as they come.
		slices.Sort(both)
		for i, id := range both {
			if i > 0 && both[i-1] == id {
				continue // listed twice
			}
			n := len(m.conflicts)
			m.element(id)
			if len(m.conflicts)-n > 1 {
				slices.SortFunc(m.conflicts[n:], compareConflicts)
			}
		}
		return
	}
	slices.SortFunc(m.conflicts, compareConflicts)
}

func compareConflicts(x, y Conflict) int {
	return cmp.Or(strings.Compare(string(x.Element), string(y.Element)), strings.Compare(x.Prop, y.Prop))
}

// element merges one element.
func (m *merger) element(id ID) {
	ea, inA := m.a.Snap[id]
	eb, inB := m.b.Snap[id]
	e0, in0 := m.base[id]
	switch {
	case inA && inB:
		if !m.track && ea.Kind == eb.Kind && sameProps(ea.Props, eb.Props) {
			return // the very same element on both sides: a's is kept
		}
		m.both(id, e0, in0, ea, eb)
	case inA:
		m.one(id, e0, in0, ea, m.a, m.b)
	case inB:
		m.one(id, e0, in0, eb, m.b, m.a)
	}
	// In neither: deleted on both sides (or never there): gone.
}

// set makes e the result's element id.
func (m *merger) set(id ID, e Element) {
	if ea, ok := m.a.Snap[id]; ok && ea.Kind == e.Kind && sameProps(ea.Props, e.Props) {
		return // a's very element
	}
	m.put[id] = e
}

// remove drops element id from the result.
func (m *merger) remove(id ID) {
	if _, ok := m.a.Snap[id]; ok {
		m.del = append(m.del, id)
	}
}

// one handles an element present on side s only: added by s, or deleted by
// the other side o.
func (m *merger) one(id ID, e0 Element, in0 bool, e Element, s, o Side) {
	if !in0 {
		m.take(id, e, e0, s)
		return
	}
	if elementEqual(e, e0) {
		m.remove(id) // deleted by o, untouched by s
		return
	}
	// Modification beats deletion.
	m.take(id, e, e0, s)
	enc := appendElement(nil, e)
	m.conflicts = append(m.conflicts, Conflict{Element: id, Winner: enc, WinnerStamp: s.Stamp, LoserStamp: o.Stamp})
}

// take puts side s's element into the result whole.
func (m *merger) take(id ID, e, e0 Element, s Side) {
	m.set(id, e)
	if !m.track {
		return
	}
	for name, v := range e.Props {
		if v0, ok := e0.Props[name]; !ok || !bytes.Equal(v, v0) {
			m.stampProp(id, name, s.stamp(id, name))
		}
	}
	for name := range e0.Props {
		if _, ok := e.Props[name]; !ok {
			m.stampProp(id, name, s.stamp(id, name))
		}
	}
	if e.Kind != e0.Kind {
		m.stampProp(id, KindProp, s.stamp(id, KindProp))
	}
}

// alikeStamps gives every property of e that differs from e0 the later of
// the two sides' stamps for it.
func (m *merger) alikeStamps(id ID, e, e0 Element) map[string]Stamp {
	st := map[string]Stamp{}
	later := func(p string) { st[p] = maxStamp(m.a.stamp(id, p), m.b.stamp(id, p)) }
	for name, v := range e.Props {
		if v0, ok := e0.Props[name]; !ok || !bytes.Equal(v, v0) {
			later(name)
		}
	}
	for name := range e0.Props {
		if _, ok := e.Props[name]; !ok {
			later(name)
		}
	}
	if e.Kind != e0.Kind {
		later(KindProp)
	}
	return st
}

func (m *merger) stampProp(id ID, prop string, st Stamp) {
	pm := m.outStamps[id]
	if pm == nil {
		pm = map[string]Stamp{}
		m.outStamps[id] = pm
	}
	pm[prop] = st
}

// both merges an element present on both sides.
func (m *merger) both(id ID, e0 Element, in0 bool, ea, eb Element) {
	if !m.track && ea.Kind == eb.Kind && (!in0 || e0.Kind == ea.Kind) {
		m.bothProps(id, e0, ea, eb)
		return
	}
	switch {
	case in0 && !m.track && ea.Kind == e0.Kind && sameProps(ea.Props, e0.Props):
		m.take(id, eb, e0, m.b) // a left it alone: cheap check first
		return
	case in0 && !m.track && eb.Kind == e0.Kind && sameProps(eb.Props, e0.Props):
		m.take(id, ea, e0, m.a)
		return
	case elementEqual(ea, eb):
		if !m.track {
			m.set(id, ea)
			return
		}
		// Alike on both sides: keep the later stamp of the two changes.
		m.take(id, ea, e0, Side{Stamps: PropStamps{id: m.alikeStamps(id, ea, e0)}})
		return
	case in0 && elementEqual(ea, e0):
		m.take(id, eb, e0, m.b)
		return
	case in0 && elementEqual(eb, e0):
		m.take(id, ea, e0, m.a)
		return
	}
	// Start from a's properties: most are untouched on both sides.
	out := Element{ID: id, Kind: ea.Kind, Props: maps.Clone(ea.Props)}
	if out.Props == nil {
		out.Props = Props{}
	}
	if !(in0 && ea.Kind == e0.Kind && eb.Kind == e0.Kind) && (m.track || ea.Kind != eb.Kind) {
		var k0 []byte
		if in0 {
			k0 = []byte(e0.Kind)
		}
		if v, ok := m.prop(id, KindProp, k0, in0, []byte(ea.Kind), true, []byte(eb.Kind), true); ok {
			out.Kind = Kind(v)
		}
	}
	for name, va := range ea.Props {
		v0, ok0 := e0.Props[name]
		vb, okB := eb.Props[name]
		if ok0 && okB && bytes.Equal(va, v0) && bytes.Equal(vb, v0) {
			continue // untouched on both sides: a's is in out
		}
		if v, ok := m.prop(id, name, v0, ok0, va, true, vb, okB); ok {
			out.Props[name] = v
		} else {
			delete(out.Props, name)
		}
	}
	for name, vb := range eb.Props {
		if _, inA := ea.Props[name]; inA {
			continue
		}
		v0, ok0 := e0.Props[name]
		if v, ok := m.prop(id, name, v0, ok0, nil, false, vb, true); ok {
			out.Props[name] = v
		}
	}
	// Properties only in base were removed on both sides.
	if m.track {
		for name := range e0.Props {
			_, inA := ea.Props[name]
			_, inB := eb.Props[name]
			if !inA && !inB {
				m.stampProp(id, name, maxStamp(m.a.stamp(id, name), m.b.stamp(id, name)))
			}
		}
	}
	m.set(id, out)
}

// bothProps merges an element both sides changed, kind unchanged, without
// stamps: one pass over the properties, copying a's map only when the
// result departs from a (the common case keeps most of a's values).
func (m *merger) bothProps(id ID, e0, ea, eb Element) {
	var out Props
	for name, va := range ea.Props {
		vb, okB := eb.Props[name]
		if okB && bytes.Equal(va, vb) {
			continue // alike on both sides, or untouched: a's stands
		}
		v0, ok0 := e0.Props[name]
		v, ok := m.prop(id, name, v0, ok0, va, true, vb, okB)
		if ok && bytes.Equal(v, va) {
			continue
		}
		if out == nil {
			out = maps.Clone(ea.Props)
		}
		if ok {
			out[name] = v
		} else {
			delete(out, name)
		}
	}
	for name, vb := range eb.Props {
		if _, inA := ea.Props[name]; inA {
			continue
		}
		v0, ok0 := e0.Props[name]
		if v, ok := m.prop(id, name, v0, ok0, nil, false, vb, true); ok {
			if out == nil {
				out = maps.Clone(ea.Props)
				if out == nil {
					out = Props{}
				}
			}
			out[name] = v
		}
	}
	if out != nil {
		m.put[id] = Element{ID: id, Kind: ea.Kind, Props: out}
	}
}

// prop merges one property; ok reports whether the result has it.
func (m *merger) prop(id ID, name string, v0 []byte, ok0 bool, va []byte, okA bool, vb []byte, okB bool) ([]byte, bool) {
	aChanged := !same(v0, ok0, va, okA)
	bChanged := !same(v0, ok0, vb, okB)
	switch {
	case !aChanged && !bChanged:
		return v0, ok0
	case !bChanged:
		if m.track {
			m.stampProp(id, name, m.a.stamp(id, name))
		}
		return va, okA
	case !aChanged:
		if m.track {
			m.stampProp(id, name, m.b.stamp(id, name))
		}
		return vb, okB
	}
	sta, stb := m.a.stamp(id, name), m.b.stamp(id, name)
	if same(va, okA, vb, okB) {
		if m.track {
			m.stampProp(id, name, maxStamp(sta, stb))
		}
		return va, okA
	}
	aWins := stb.Less(sta) || (sta == stb && compareValue(va, okA, vb, okB) > 0)
	c := Conflict{Element: id, Prop: name, Winner: vb, Loser: va, WinnerStamp: stb, LoserStamp: sta}
	win, winOK := vb, okB
	if aWins {
		c.Winner, c.Loser, c.WinnerStamp, c.LoserStamp = va, vb, sta, stb
		win, winOK = va, okA
	}
	m.conflicts = append(m.conflicts, c)
	if m.track {
		m.stampProp(id, name, c.WinnerStamp)
	}
	return win, winOK
}

// same compares two optional values.
func same(x []byte, okX bool, y []byte, okY bool) bool {
	return okX == okY && (!okX || bytes.Equal(x, y))
}

// compareValue orders optional values: absent first, then bytewise.
func compareValue(x []byte, okX bool, y []byte, okY bool) int {
	switch {
	case okX != okY && okX:
		return 1
	case okX != okY:
		return -1
	}
	return bytes.Compare(x, y)
}

// sameProps reports whether x and y are the very same map, which they are
// when both sides hold an element neither touched (snapshots share
// unchanged elements). Cheaper than comparing the values.
func sameProps(x, y Props) bool {
	return len(x) == len(y) && reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
}

// elementEqual compares kind and properties (not the ID).
func elementEqual(x, y Element) bool {
	if x.Kind != y.Kind || len(x.Props) != len(y.Props) {
		return false
	}
	if sameProps(x.Props, y.Props) {
		return true
	}
	for k, vx := range x.Props {
		vy, ok := y.Props[k]
		if !ok || !bytes.Equal(vx, vy) {
			return false
		}
	}
	return true
}

// Op says how a [Change] changed its element or property.
type Op string

// Change operations.
const (
	OpAdded   Op = "added"
	OpRemoved Op = "removed"
	OpChanged Op = "changed"
)

// Change is one difference between two snapshots. With Prop "" it is about
// the whole element (added or removed; Old or New is its [EncodeElement]
// bytes); otherwise about one property (Old and New are its canonical
// values, nil when absent), or about the kind with Prop [KindProp].
type Change struct {
	Element ID
	Kind    Kind // the element's kind (in b when it exists there)
	Prop    string
	Op      Op
	Old     []byte
	New     []byte
}

// Diff lists what changed from a to b, element by element and property by
// property, sorted by (Element, Prop). The history panel and the visual
// diff read it; Diff(a, a) is empty.
func Diff(a, b Snapshot) []Change {
	var out []Change
	for id, ea := range a {
		eb, ok := b[id]
		if !ok {
			out = append(out, Change{Element: id, Kind: ea.Kind, Op: OpRemoved, Old: appendElement(nil, ea)})
			continue
		}
		if ea.Kind != eb.Kind {
			out = append(out, Change{Element: id, Kind: eb.Kind, Prop: KindProp, Op: OpChanged, Old: []byte(ea.Kind), New: []byte(eb.Kind)})
		}
		for name, va := range ea.Props {
			vb, ok := eb.Props[name]
			switch {
			case !ok:
				out = append(out, Change{Element: id, Kind: eb.Kind, Prop: name, Op: OpRemoved, Old: va})
			case !bytes.Equal(va, vb):
				out = append(out, Change{Element: id, Kind: eb.Kind, Prop: name, Op: OpChanged, Old: va, New: vb})
			}
		}
		for name, vb := range eb.Props {
			if _, ok := ea.Props[name]; !ok {
				out = append(out, Change{Element: id, Kind: eb.Kind, Prop: name, Op: OpAdded, New: vb})
			}
		}
	}
	for id, eb := range b {
		if _, ok := a[id]; !ok {
			out = append(out, Change{Element: id, Kind: eb.Kind, Op: OpAdded, New: appendElement(nil, eb)})
		}
	}
	slices.SortFunc(out, func(x, y Change) int {
		return cmp.Or(strings.Compare(string(x.Element), string(y.Element)), strings.Compare(x.Prop, y.Prop))
	})
	return out
}
