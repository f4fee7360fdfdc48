package store

import (
	"bytes"
	"slices"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// Per-property stamps.
//
// A three-way merge decides a conflict by the stamps of the two changes.
// One stamp per side (the side version's (time, author)) is wrong once
// merges merge merges: a merge version's time is the later of its
// parents', so its single stamp can overrule a change that was in fact
// older, and three concurrent branches then merge to different content in
// different orders.
//
// So the store gives every property its own stamp, derived from history
// alone: the setter of (element, property) in version v is
//
//   - v's own stamp if v has no parents, or if v's value differs from the
//     value in every parent (a commit that changed it; or a merge that
//     took a value from neither parent);
//   - otherwise the largest setter among the parents whose value v kept
//     (a commit that left it alone inherits its parent's; a merge inherits
//     the winning side's, or the later of both when both sides agree).
//
// A value is an element's property bytes, or its kind for
// [models.KindProp]; absent when the element or property is absent. The
// setter is a function of the version DAG and the content it addresses,
// which are immutable and content-addressed, so every store holding the
// same versions computes the same setters whatever order they arrived in,
// and nothing is stored: no version ID or file format depends on it.
// Because a commit's clock reading is later than every version it descends
// from, the setter of a merged property is the latest of the concurrent
// changes merged into it, which is what makes [models.MergeTracked] over
// these stamps converge: merging concurrent branches in any order and
// grouping gives the same content.
//
// The walk for a property stops at the first version (going back) that
// changed it; it is memoised per merge, and element bodies and manifests
// are decoded once per merge.

// versionGetter finds a version by ID: in the store, or in a batch that is
// being applied.
type versionGetter func(models.ID) (*models.Version, error)

type propKey struct {
	el   models.ID
	prop string // a property name, or models.KindProp
}

type stampWalker struct {
	tx   *bolt.Tx
	get  versionGetter
	h    *histCache // decoded content and version records, shared by the store
	memo map[models.ID]map[propKey]models.Stamp
	// want, when set, is every element the walk asks about: manifests
	// are then read for those entries only (subs, per root).
	want map[models.ID]struct{}
	subs map[models.Hash]manifest
}

func newStampWalker(tx *bolt.Tx, get versionGetter, h *histCache) *stampWalker {
	w := &stampWalker{tx: tx, h: h, memo: map[models.ID]map[propKey]models.Stamp{}}
	// The walks of a merge visit the same few versions for every
	// property: each is looked up once.
	seen := map[models.ID]*models.Version{}
	w.get = func(id models.ID) (*models.Version, error) {
		if v, ok := seen[id]; ok {
			return v, nil
		}
		v, err := get(id)
		if err == nil {
			seen[id] = v
		}
		return v, err
	}
	return w
}

func (w *stampWalker) manifest(root models.Hash) (manifest, error) {
	if w.want == nil {
		return w.h.manifest(w.tx, root)
	}
	if m, ok := w.subs[root]; ok {
		return m, nil
	}
	m, err := w.h.manifestSubset(w.tx, root, w.want)
	if err != nil {
		return nil, err
	}
	if w.subs == nil {
		w.subs = map[models.Hash]manifest{}
	}
	w.subs[root] = m
	return m, nil
}

func (w *stampWalker) element(id models.ID, h models.Hash) (models.Element, error) {
	return w.h.element(w.tx, id, h)
}

// snapshot reads the content of root through the caches.
func (w *stampWalker) snapshot(root models.Hash) (models.Snapshot, error) {
	m, err := w.manifest(root)
	if err != nil {
		return nil, err
	}
	snap := make(models.Snapshot, len(m))
	for id, h := range m {
		e, err := w.element(id, h)
		if err != nil {
			return nil, err
		}
		snap[id] = e
	}
	return snap, nil
}

// propValue is an optional property value.
func propValue(e models.Element, inSnap bool, prop string) ([]byte, bool) {
	if !inSnap {
		return nil, false
	}
	if prop == models.KindProp {
		return []byte(e.Kind), true
	}
	v, ok := e.Props[prop]
	return v, ok
}

// sameValue reports whether versions x and y hold the same value of k.
func (w *stampWalker) sameValue(x, y *models.Version, k propKey) (bool, error) {
	if x.Root == y.Root {
		return true, nil
	}
	// y is a parent of x: x's record says whether the element differs.
	if i := slices.Index(x.Parents, y.ID); i >= 0 {
		in, err := w.h.infoOf(w.tx, w.get, x)
		if err != nil {
			return false, err
		}
		if !in.changedFrom(i, k.el) {
			return true, nil
		}
	}
	mx, err := w.manifest(x.Root)
	if err != nil {
		return false, err
	}
	my, err := w.manifest(y.Root)
	if err != nil {
		return false, err
	}
	hx, okX := mx[k.el]
	hy, okY := my[k.el]
	if okX && okY && hx == hy || !okX && !okY {
		return true, nil
	}
	var ex, ey models.Element
	if okX {
		if ex, err = w.element(k.el, hx); err != nil {
			return false, err
		}
	}
	if okY {
		if ey, err = w.element(k.el, hy); err != nil {
			return false, err
		}
	}
	vx, inX := propValue(ex, okX, k.prop)
	vy, inY := propValue(ey, okY, k.prop)
	return inX == inY && bytes.Equal(vx, vy), nil
}

// setter is the stamp of the change that set v's value of k (see above).
func (w *stampWalker) setter(v *models.Version, k propKey) (models.Stamp, error) {
	var chain []models.ID // versions that inherit the result unchanged
	var st models.Stamp
	for {
		if m := w.memo[v.ID]; m != nil {
			if s, ok := m[k]; ok {
				st = s
				break
			}
		}
		if len(v.Parents) == 1 {
			p, err := w.get(v.Parents[0])
			if err != nil {
				return st, err
			}
			same, err := w.sameValue(v, p, k)
			if err != nil {
				return st, err
			}
			if !same {
				st = stampOf(v)
				chain = append(chain, v.ID)
				break
			}
			chain = append(chain, v.ID)
			v = p
			continue
		}
		// A root, or a merge: the largest setter among the parents whose
		// value it kept.
		found := false
		for _, pid := range v.Parents {
			p, err := w.get(pid)
			if err != nil {
				return st, err
			}
			same, err := w.sameValue(v, p, k)
			if err != nil {
				return st, err
			}
			if !same {
				continue
			}
			ps, err := w.setter(p, k)
			if err != nil {
				return st, err
			}
			if !found || st.Less(ps) {
				st, found = ps, true
			}
		}
		if !found {
			st = stampOf(v)
		}
		chain = append(chain, v.ID)
		break
	}
	for _, id := range chain {
		m := w.memo[id]
		if m == nil {
			m = map[propKey]models.Stamp{}
			w.memo[id] = m
		}
		m[k] = st
	}
	return st, nil
}

// side is v's content as a side of a merge over base: every property whose
// value differs from base's carries its setter.
func (w *stampWalker) side(base, v *models.Version) (models.Side, error) {
	side := models.Side{Stamp: stampOf(v), Stamps: models.PropStamps{}}
	snap, err := w.snapshot(v.Root)
	if err != nil {
		return side, err
	}
	side.Snap = snap
	mb := manifest{} // a nil base is the empty design (unrelated histories)
	if base != nil {
		if v.Root == base.Root {
			return side, nil
		}
		if mb, err = w.manifest(base.Root); err != nil {
			return side, err
		}
	}
	mv, err := w.manifest(v.Root)
	if err != nil {
		return side, err
	}
	var changed []propKey
	diffElement := func(id models.ID, e0 models.Element, in0 bool, e models.Element, in bool) {
		changed = appendChangedProps(changed, id, e0, in0, e, in)
	}
	for id, h := range mv {
		h0, in0 := mb[id]
		if in0 && h0 == h {
			continue
		}
		var e0 models.Element
		if in0 {
			if e0, err = w.element(id, h0); err != nil {
				return side, err
			}
		}
		diffElement(id, e0, in0, snap[id], true)
	}
	for id, h0 := range mb {
		if _, ok := mv[id]; ok {
			continue
		}
		e0, err := w.element(id, h0)
		if err != nil {
			return side, err
		}
		diffElement(id, e0, true, models.Element{}, false)
	}
	for _, k := range changed {
		st, err := w.setter(v, k)
		if err != nil {
			return side, err
		}
		pm := side.Stamps[k.el]
		if pm == nil {
			pm = map[string]models.Stamp{}
			side.Stamps[k.el] = pm
		}
		pm[k.prop] = st
	}
	return side, nil
}

// appendChangedProps appends to dst the (element, property) pairs whose
// value differs between e0 (present if in0) and e (present if in), the
// element's kind included.
func appendChangedProps(dst []propKey, id models.ID, e0 models.Element, in0 bool, e models.Element, in bool) []propKey {
	if kindOf(e0, in0) != kindOf(e, in) {
		dst = append(dst, propKey{id, models.KindProp})
	}
	for name, x := range e.Props {
		if y, ok := e0.Props[name]; !ok || !bytes.Equal(x, y) {
			dst = append(dst, propKey{id, name})
		}
	}
	for name := range e0.Props {
		if _, ok := e.Props[name]; !ok {
			dst = append(dst, propKey{id, name})
		}
	}
	return dst
}

// kindOf is an element's kind, or "" when absent.
func kindOf(e models.Element, in bool) models.Kind {
	if !in {
		return ""
	}
	return e.Kind
}
