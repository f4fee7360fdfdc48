package models

import "sync"

// ValidationMemo validates many versions of designs that share most of
// their elements, as a history received from another studio does: each
// distinct element is checked once, by its hash, and a version is then
// valid when every one of its elements passed, every reference between
// them resolves in that version, and it has its meta and last and no
// more images than allowed. That is what [DesignFromSnapshot] followed
// by [Validate] accept, without building the typed design: a version
// the memo does not pass is decided, and its problems listed, by those
// two. It is safe for concurrent use; it holds at most its limit of
// elements and then starts over.
type ValidationMemo struct {
	mu    sync.RWMutex // read for each version's lookups, written for new elements
	m     map[Hash]*verdict
	limit int
}

// verdict is what the checks of one element alone found.
type verdict struct {
	id   ID
	kind Kind
	ok   bool      // the element's own checks pass
	refs []elemRef // the elements it needs in the same version
}

// elemRef is a reference from one element to another of a kind.
type elemRef struct {
	kind Kind
	id   ID
}

// recordRefs is the refChecker of an element checked alone: every
// reference resolves, and is kept to be resolved in each version.
type recordRefs struct{ refs []elemRef }

func (r *recordRefs) has(k Kind, id ID) bool {
	r.refs = append(r.refs, elemRef{k, id})
	return true
}

// NewValidationMemo makes a memo of at most limit elements.
func NewValidationMemo(limit int) *ValidationMemo {
	return &ValidationMemo{m: map[Hash]*verdict{}, limit: limit}
}

// Validate checks the version of design id with snapshot s, whose
// elements have the hashes given (by ID, as in its manifest: the memo
// trusts that each hash is its element's). It returns what
// [DesignFromSnapshot] or [Validate] returns for it.
func (vm *ValidationMemo) Validate(id ID, s Snapshot, hashes map[ID]Hash) error {
	if vm.valid(id, s, hashes) {
		return nil
	}
	d, err := DesignFromSnapshot(id, s)
	if err != nil {
		return err
	}
	return Validate(d)
}

// valid is true when the version passes every check; false when it does
// not, or when the memo cannot tell (an element without a hash).
func (vm *ValidationMemo) valid(id ID, s Snapshot, hashes map[ID]Hash) bool {
	if id != "" && !ValidID(id) {
		return false
	}
	vs := make([]*verdict, 0, len(s))
	var missing []ID
	vm.mu.RLock()
	for eid := range s {
		h, ok := hashes[eid]
		if !ok {
			vm.mu.RUnlock()
			return false
		}
		if vd := vm.m[h]; vd != nil && vd.id == eid {
			vs = append(vs, vd)
		} else {
			missing = append(missing, eid)
		}
	}
	vm.mu.RUnlock()
	for _, eid := range missing {
		vd := vm.check(hashes[eid], s[eid])
		if vd.id != eid {
			return false // stored under another ID than its own
		}
		vs = append(vs, vd)
	}
	var meta, last bool
	images := 0
	for _, vd := range vs {
		if !vd.ok {
			return false
		}
		if e := s[vd.id]; e.ID != vd.id || e.Kind != vd.kind {
			return false // not the element the hash was checked for
		}
		switch vd.kind {
		case KindMeta:
			meta = true
		case KindLast:
			last = true
		case KindImage:
			images++
		}
		for _, r := range vd.refs {
			if to, ok := s[r.id]; !ok || to.Kind != r.kind {
				return false
			}
		}
	}
	return meta && last && images <= MaxImages
}

// check checks e, whose hash is h, alone and keeps the verdict by h.
func (vm *ValidationMemo) check(h Hash, e Element) *verdict {
	vd := checkAlone(e)
	vm.mu.Lock()
	if len(vm.m) >= vm.limit {
		clear(vm.m)
	}
	vm.m[h] = vd
	vm.mu.Unlock()
	return vd
}

// checkAlone runs on e the checks that concern it alone: those of
// [DesignFromSnapshot] (its kind known, where it may be, its ID, its
// properties decoded) and of [Validate], with its references recorded.
func checkAlone(e Element) *verdict {
	vd := &verdict{id: e.ID, kind: e.Kind}
	d := &Design{}
	if addElement(d, e.ID, e, plainDecode) != nil {
		return vd
	}
	d.Normalize()
	var c validator
	r := &recordRefs{}
	switch e.Kind {
	case KindMeta:
		c.meta(&d.Meta)
	case KindLast:
		c.last(&d.Last)
	case KindStyleLine:
		c.styleLine(&d.StyleLines[0])
	case KindPiece:
		c.piece(&d.Pieces[0], r)
	case KindMark:
		c.mark(&d.Marks[0], r)
	case KindMaterial:
		c.material(&d.Materials[0])
	case KindColourway:
		c.colourway(&d.Colourways[0], r)
	case KindDimension:
		c.dimension(&d.Dimensions[0])
	case KindImage:
		c.image(&d.Images[0])
	case KindUnderlay:
		c.underlay(&d.Underlays[0], r)
	default:
		return vd
	}
	vd.ok = len(c.errs) == 0
	vd.refs = r.refs
	return vd
}

// ElementChange is one element a version adds or changes against its
// parent: its ID, its element and hash in the version, and the parent's
// element under that ID (Had false: the parent had none).
type ElementChange struct {
	ID   ID
	Hash Hash
	New  Element
	Had  bool
	Old  Element
}

// ValidChange says whether a version is valid given that its parent is,
// from what the version adds or changes (changes) when it removes none of
// the parent's elements; kindOf gives the kind of the version's element
// of an ID (false: it has none). True means valid for sure when the parent
// is; false means not sure: run [ValidationMemo.Validate] on the whole
// version. It answers true only when nothing the parent's validity
// covered can have broken: every added or changed element passes its own
// checks (kept by hash, as Validate keeps them), keeps the kind the
// parent's element of that ID had (so the references to it still
// resolve), and its own references resolve in the version; no image is
// added (the limit on images is counted by the whole check). Nothing is
// removed, so meta, last and every reference target of the parent are
// still there.
func (vm *ValidationMemo) ValidChange(id ID, changes []ElementChange, kindOf func(ID) (Kind, bool)) bool {
	if id != "" && !ValidID(id) {
		return false
	}
	for i := range changes {
		c := &changes[i]
		if c.New.ID != c.ID || c.Had && c.Old.Kind != c.New.Kind || !c.Had && c.New.Kind == KindImage {
			return false
		}
		vm.mu.RLock()
		vd := vm.m[c.Hash]
		vm.mu.RUnlock()
		if vd == nil || vd.id != c.ID {
			vd = vm.check(c.Hash, c.New)
		}
		if vd.id != c.ID || !vd.ok || vd.kind != c.New.Kind {
			return false
		}
		for _, r := range vd.refs {
			if k, ok := kindOf(r.id); !ok || k != r.kind {
				return false
			}
		}
	}
	return true
}
