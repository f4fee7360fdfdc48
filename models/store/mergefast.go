package store

import (
	"bytes"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"cordwain/models"
)

// The merge as the store runs it (see history.go): from two stored heads
// to the merged content and conflicts, reading only the elements the two
// sides changed since their base.

// mergeResult is a merge made by [pending.mergeChanged].
type mergeResult struct {
	root      models.Hash
	manifest  []byte                 // the merged manifest
	elements  map[models.Hash][]byte // merged elements that neither side holds
	conflicts []models.Conflict
	info      *verInfo // the merge version's record
}

// mergeChanged merges a and b (a.ID < b.ID) over base (not nil). It
// returns the same content and conflicts as [mergeContentTx].
func (p *pending) mergeChanged(base, a, b *models.Version) (*mergeResult, error) {
	h := p.s.hist
	ca, err := h.changedSince(p.tx, p.get, base, a)
	if err != nil {
		return nil, err
	}
	cb, err := h.changedSince(p.tx, p.get, base, b)
	if err != nil {
		return nil, err
	}
	all := slices.Compact(slices.Sorted(func(yield func(models.ID) bool) {
		for _, id := range ca {
			if !yield(id) {
				return
			}
		}
		for _, id := range cb {
			if !yield(id) {
				return
			}
		}
	}))
	// Elements both sides changed: only they can conflict, so only they
	// are read and need stamps. One only b changed takes b's state (a
	// left it as in base) by its hash; one only a changed keeps a's.
	var both, onlyB []models.ID
	for _, id := range cb {
		if _, ok := slices.BinarySearch(ca, id); ok {
			both = append(both, id)
		} else {
			onlyB = append(onlyB, id)
		}
	}
	// The three manifests are read at the elements the merge looks at:
	// base at those both changed, a and b at those b changed.
	w := newStampWalker(p.tx, p.get, h)
	w.want, w.subs = make(map[models.ID]struct{}, len(both)), map[models.Hash]manifest{}
	for _, id := range both {
		w.want[id] = struct{}{}
	}
	wantB := make(map[models.ID]struct{}, len(cb))
	for _, id := range cb {
		wantB[id] = struct{}{}
	}
	m0, err := w.manifest(base.Root)
	if err != nil {
		return nil, fmt.Errorf("version %s: %w", short(base.ID), err)
	}
	ma, err := h.manifestSubset(p.tx, a.Root, wantB)
	if err != nil {
		return nil, fmt.Errorf("version %s: %w", short(a.ID), err)
	}
	mb, err := h.manifestSubset(p.tx, b.Root, wantB)
	if err != nil {
		return nil, fmt.Errorf("version %s: %w", short(b.ID), err)
	}
	// They hold the entries the walk wants too.
	w.subs[a.Root], w.subs[b.Root] = ma, mb
	s0 := make(models.Snapshot, len(both))
	for _, id := range both {
		if eh, ok := m0[id]; ok {
			e, err := h.element(p.tx, id, eh)
			if err != nil {
				return nil, err
			}
			s0[id] = e
		}
	}
	sa, err := w.sideOf(m0, s0, a, ma, both)
	if err != nil {
		return nil, fmt.Errorf("version %s: %w", short(a.ID), err)
	}
	sb, err := w.sideOf(m0, s0, b, mb, both)
	if err != nil {
		return nil, fmt.Errorf("version %s: %w", short(b.ID), err)
	}
	// Every element the merger sees changed on both sides.
	delta, conflicts := models.MergeStamped(s0, sa, sb, both, both)

	// The merged manifest is a's with the delta applied. An element taken
	// whole from b keeps b's bytes; one merged from both is encoded.
	res := &mergeResult{elements: map[models.Hash][]byte{}, conflicts: conflicts}
	put := make(map[models.ID]models.Hash, len(delta.Put)+len(onlyB))
	del := delta.Del
	for _, id := range onlyB {
		hb, inB := mb[id]
		ha, inA := ma[id]
		switch {
		case inB && (!inA || ha != hb):
			put[id] = hb
		case !inB && inA:
			del = append(del, id)
		}
	}
	for id, e := range delta.Put {
		if eb, ok := sb.Snap[id]; ok && eb.Kind == e.Kind && sameMap(eb.Props, e.Props) {
			put[id] = mb[id]
			continue
		}
		if e.ID == "" {
			e.ID = id
		}
		enc, err := models.EncodeElement(e)
		if err != nil {
			return nil, fmt.Errorf("encoding merged element %s: %w", id, err)
		}
		eh := models.HashOf(enc)
		put[id] = eh
		res.elements[eh] = enc
	}
	rawA := p.tx.Bucket(bucketManifests).Get(a.Root[:])
	patched, ok := patchManifest(rawA, put, del)
	if !ok {
		full, err := h.manifest(p.tx, a.Root)
		if err != nil {
			return nil, fmt.Errorf("version %s: %w", short(a.ID), err)
		}
		merged := maps.Clone(full)
		for _, id := range del {
			delete(merged, id)
		}
		maps.Copy(merged, put)
		if patched, err = models.Canonical(merged); err != nil {
			return nil, fmt.Errorf("encoding merged manifest: %w", err)
		}
	}
	res.manifest = patched
	res.root = models.HashOf(patched)

	// The record of the merge version: against a, the delta; against b,
	// at most what either side changed.
	toA := slices.Collect(maps.Keys(put))
	toA = append(toA, del...)
	slices.Sort(toA)
	res.info = &verInfo{Changed: [][]models.ID{slices.Compact(toA), all}}
	for _, v := range []*models.Version{a, b} {
		in, err := h.infoOf(p.tx, p.get, v)
		if err != nil {
			return nil, err
		}
		res.info.Gen = max(res.info.Gen, in.Gen+1)
	}
	return res, nil
}

// sideOf is v as a side of the merge over the base (manifest m0, and
// content s0 over both): v's content of the elements both sides changed,
// and the stamps of their properties that differ from the base.
func (w *stampWalker) sideOf(m0 manifest, s0 models.Snapshot, v *models.Version, mv manifest, both []models.ID) (models.Side, error) {
	side := models.Side{Snap: make(models.Snapshot, len(both)), Stamp: stampOf(v), Stamps: models.PropStamps{}}
	for _, id := range both {
		if h, ok := mv[id]; ok {
			e, err := w.element(id, h)
			if err != nil {
				return side, err
			}
			side.Snap[id] = e
		}
	}
	var changed []propKey
	for _, id := range both {
		h, in := mv[id]
		h0, in0 := m0[id]
		if in == in0 && (!in || h == h0) {
			continue
		}
		changed = appendChangedProps(changed, id, s0[id], in0, side.Snap[id], in)
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

// sameMap reports whether x and y are the very same map.
func sameMap(x, y models.Props) bool {
	return len(x) == len(y) && reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
}

// keyLess orders manifest keys as canonical CBOR orders text keys:
// shorter first, then bytewise.
func keyLess(a, b []byte) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return bytes.Compare(a, b)
}

// patchManifest returns the canonical manifest raw (the layout the store
// writes) with put entries set and del entries removed, in one pass over
// its bytes without decoding it into a map: runs of untouched entries are
// copied as they are. It reports false if raw is not that layout.
func patchManifest(raw []byte, put map[models.ID]models.Hash, del []models.ID) ([]byte, bool) {
	type edit struct {
		key  []byte
		h    models.Hash
		drop bool
	}
	edits := make([]edit, 0, len(put)+len(del))
	for id, h := range put {
		edits = append(edits, edit{key: []byte(id), h: h})
	}
	for _, id := range del {
		if _, ok := put[id]; !ok {
			edits = append(edits, edit{key: []byte(id), drop: true})
		}
	}
	slices.SortFunc(edits, func(x, y edit) int { return keyLess(x.key, y.key) })
	n, rest, ok := models.ReadCBORHead(raw, 5)
	if !ok {
		return nil, false
	}
	// The map's head goes before the body once the count is known: the
	// body is written after room for the longest head.
	const room = 9
	body := make([]byte, room, room+len(rest)+len(put)*(34+3+16))
	count := n
	emit := func(e *edit) {
		if len(e.key) < 24 {
			body = append(body, 0x60|byte(len(e.key)))
		} else {
			body = models.AppendCBORHead(body, 3, uint64(len(e.key)))
		}
		body = append(body, e.key...)
		body = append(body, 0x58, 32)
		body = append(body, e.h[:]...)
	}
	// run is the start in rest of the untouched entries not yet copied.
	run, pos, ne := 0, 0, 0
	for range n {
		klen, after, ok := models.ReadCBORHead(rest[pos:], 3)
		if !ok || uint64(len(after)) < klen+34 {
			return nil, false
		}
		head := len(rest[pos:]) - len(after)
		key := after[:klen]
		if after[klen] != 0x58 || after[klen+1] != 32 {
			return nil, false
		}
		next := pos + head + int(klen) + 34
		for ne < len(edits) && keyLess(edits[ne].key, key) < 0 {
			// An entry to insert before this one.
			if !edits[ne].drop {
				body = append(body, rest[run:pos]...)
				run = pos
				emit(&edits[ne])
				count++
			}
			ne++
		}
		if ne < len(edits) && bytes.Equal(edits[ne].key, key) {
			body = append(body, rest[run:pos]...)
			run = next
			if edits[ne].drop {
				count--
			} else {
				emit(&edits[ne])
			}
			ne++
		}
		pos = next
	}
	if pos != len(rest) {
		return nil, false
	}
	body = append(body, rest[run:pos]...)
	for ; ne < len(edits); ne++ {
		if !edits[ne].drop {
			emit(&edits[ne])
			count++
		}
	}
	var head [room]byte
	h := models.AppendCBORHead(head[:0], 5, count)
	start := room - len(h)
	copy(body[start:], h)
	return body[start:], true
}

// mergeContent writes the merged content of a and b (a.ID < b.ID) over
// base and returns the merge version (not yet added) and its conflicts.
// With a base it reads only what the sides changed ([pending.mergeChanged]);
// unrelated histories (no base) merge whole snapshots.
func (p *pending) mergeContent(design models.ID, base, a, b *models.Version) (*models.Version, []models.Conflict, error) {
	if base == nil {
		merged, conflicts, err := mergeContentTx(p.tx, p.get, p.s.hist, nil, a, b)
		if err != nil {
			return nil, nil, err
		}
		es, err := encodeSnapshot(merged)
		if err != nil {
			return nil, nil, err
		}
		if err := writeContent(p.tx, es, nil); err != nil {
			return nil, nil, err
		}
		return mergeVersion(design, a, b, es.root), conflicts, nil
	}
	res, err := p.mergeChanged(base, a, b)
	if err != nil {
		return nil, nil, err
	}
	eb := p.tx.Bucket(bucketElements)
	for _, h := range slices.SortedFunc(maps.Keys(res.elements), compareHash) {
		if eb.Get(h[:]) == nil {
			if err := eb.Put(bytesOf(h), res.elements[h]); err != nil {
				return nil, nil, fmt.Errorf("writing element: %w", err)
			}
		}
	}
	mb := p.tx.Bucket(bucketManifests)
	if mb.Get(res.root[:]) == nil {
		if err := mb.Put(bytesOf(res.root), res.manifest); err != nil {
			return nil, nil, fmt.Errorf("writing manifest: %w", err)
		}
	}
	mv := mergeVersion(design, a, b, res.root)
	if p.s.hist.cachedInfo(mv.ID) == nil {
		p.s.hist.setInfo(mv.ID, res.info)
	}
	return mv, res.conflicts, nil
}

// unreached lists design's heads that no branch or tag reaches, newest
// first, walking from each ref no further down than the head's generation.
func (p *pending) unreached(design models.ID) ([]*models.Version, error) {
	refs := p.designRefs(design)
	var out []*models.Version
	for _, h := range p.heads(design) {
		reached := false
		for _, r := range refs {
			rv, err := p.get(r.Version)
			if err != nil {
				return nil, err
			}
			if reached, err = p.s.hist.isAncestor(p.tx, p.get, h, rv); err != nil {
				return nil, err
			}
			if reached {
				break
			}
		}
		if !reached {
			// A deleted branch's head stays out of main (tombstone.go).
			covered, err := p.tombsCover(design, "", h)
			if err != nil {
				return nil, err
			}
			if !covered {
				out = append(out, h)
			}
		}
	}
	return out, nil
}
