package store

import (
	"fmt"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// Caps on what one batch may carry, so a hostile peer or file cannot make
// the store allocate without bound.
const (
	MaxBatchVersions = 1 << 20
	MaxBatchObjects  = 1 << 22
)

// Batch is a set of versions with the content they need, as sync and
// bundles carry it: versions (any order) plus manifests and element bodies
// as raw bytes, each addressed by its hash. Objects the receiver already
// has may be left out.
type Batch struct {
	Versions  []*models.Version
	Manifests [][]byte
	Elements  [][]byte
}

// ApplyResult says what [Store.Apply] did.
type ApplyResult struct {
	Added   []models.ID // new versions, parents first
	Known   int         // versions the store already had (no-ops)
	Designs []models.ID // designs that got new versions
}

// Collect returns the versions of design that are not ancestors of (or
// equal to) any version in have, parents first, with every manifest and
// element they use. Collect(design, nil) is the whole history.
func (s *Store) Collect(design models.ID, have []models.ID) (*Batch, error) {
	txn := s.mem.Txn(false)
	skip := map[models.ID]bool{}
	for _, h := range have {
		if _, err := s.version(txn, h); err != nil {
			continue // the peer has something we do not: fine
		}
		anc, err := s.ancestors(txn, h)
		if err != nil {
			return nil, fmt.Errorf("collecting %s: %w", design, err)
		}
		for id := range anc {
			skip[id] = true
		}
	}
	hist := s.History(design)
	if len(hist) == 0 {
		if _, ok := s.designInfo(txn, design); !ok {
			return nil, fmt.Errorf("collecting %s: %w: design", design, ErrNotFound)
		}
	}
	b := &Batch{}
	// History is newest first by (time, ID); parents are never newer than
	// their children in that order except through clock skew, so Apply
	// sorts anyway. Emit oldest first.
	for i := len(hist) - 1; i >= 0; i-- {
		if !skip[hist[i].ID] {
			b.Versions = append(b.Versions, hist[i])
		}
	}
	seenM := map[models.Hash]bool{}
	seenE := map[models.Hash]bool{}
	err := s.db.View(func(tx *bolt.Tx) error {
		mb, eb := tx.Bucket(bucketManifests), tx.Bucket(bucketElements)
		for _, v := range b.Versions {
			if seenM[v.Root] {
				continue
			}
			seenM[v.Root] = true
			raw := mb.Get(v.Root[:])
			m, err := decodeManifest(raw, v.Root)
			if err != nil {
				return fmt.Errorf("version %s: %w", short(v.ID), err)
			}
			b.Manifests = append(b.Manifests, append([]byte(nil), raw...))
			for id, h := range m {
				if seenE[h] {
					continue
				}
				seenE[h] = true
				eraw := eb.Get(h[:])
				if eraw == nil {
					return fmt.Errorf("%w: version %s: element %s missing", ErrCorrupt, short(v.ID), id)
				}
				b.Elements = append(b.Elements, append([]byte(nil), eraw...))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("collecting %s: %w", design, err)
	}
	return b, nil
}

// Apply adds versions received from elsewhere (sync, a bundle). Everything
// is verified before the store is touched: every version's ID and
// signature, that its parents are in the store or the batch and belong to
// the same design, and that its manifest and elements are present and
// match their hashes. Then all of it is written in one transaction: either
// the whole batch is applied or nothing is. Versions the store has are
// no-ops.
//
// Apply moves no existing branch except to fast-forward the default branch
// when exactly one new head descends from it; a design new to the store
// gets its default branch at its newest head. Diverged heads stay until
// the caller merges them with [Store.MergeHeads].
func (s *Store) Apply(b *Batch) (ApplyResult, error) {
	res, err := s.apply(b)
	if err != nil {
		return ApplyResult{}, fmt.Errorf("applying versions: %w", err)
	}
	return res, nil
}

func (s *Store) apply(b *Batch) (ApplyResult, error) {
	var res ApplyResult
	if b == nil {
		return res, nil
	}
	if len(b.Versions) > MaxBatchVersions || len(b.Manifests)+len(b.Elements) > MaxBatchObjects {
		return res, fmt.Errorf("%w: %d versions, %d objects", ErrTooLarge, len(b.Versions), len(b.Manifests)+len(b.Elements))
	}
	elements := make(map[models.Hash][]byte, len(b.Elements))
	for _, e := range b.Elements {
		elements[models.HashOf(e)] = e
	}
	manifests := make(map[models.Hash][]byte, len(b.Manifests))
	for _, m := range b.Manifests {
		manifests[models.HashOf(m)] = m
	}

	s.wmu.Lock()
	defer s.wmu.Unlock()
	txn := s.mem.Txn(false)

	// Verify each version on its own, dropping known ones.
	pending := map[models.ID]*models.Version{}
	for _, v := range b.Versions {
		if v == nil {
			return res, fmt.Errorf("%w: nil version", ErrInvalid)
		}
		if err := Verify(v); err != nil {
			return res, err
		}
		if err := s.checkAuthor(v); err != nil {
			return res, err
		}
		if err := checkName("design ID", string(v.Design)); err != nil {
			return res, fmt.Errorf("version %s: %w", short(v.ID), err)
		}
		if _, err := s.version(txn, v.ID); err == nil {
			res.Known++
			continue
		}
		pending[v.ID] = cloneVersion(v)
	}

	// Order parents first; every parent must be known or in the batch.
	var order []*models.Version
	placed := map[models.ID]*models.Version{}
	lookup := func(id models.ID) *models.Version {
		if v, ok := placed[id]; ok {
			return v
		}
		if v, err := s.version(txn, id); err == nil {
			return v
		}
		return nil
	}
	for len(pending) > 0 {
		progress := false
		for id, v := range pending {
			ready := true
			for _, p := range v.Parents {
				pv := lookup(p)
				if pv == nil {
					ready = false
					break
				}
				if pv.Design != v.Design {
					return res, fmt.Errorf("%w: version %s: parent %s belongs to another design", ErrCorrupt, short(id), short(p))
				}
			}
			if ready {
				order = append(order, v)
				placed[id] = v
				delete(pending, id)
				progress = true
			}
		}
		if !progress {
			for id, v := range pending {
				for _, p := range v.Parents {
					if lookup(p) == nil {
						return res, fmt.Errorf("version %s: %w %s", short(id), ErrUnknownParent, short(p))
					}
				}
			}
		}
	}
	if len(order) == 0 {
		return res, nil
	}

	// Content: every manifest and element must be in the batch or the file.
	var newDesigns = map[models.ID]bool{}
	usedM := map[models.Hash][]byte{}
	usedE := map[models.Hash][]byte{}
	err := s.db.View(func(tx *bolt.Tx) error {
		mb, eb := tx.Bucket(bucketManifests), tx.Bucket(bucketElements)
		for _, v := range order {
			raw, inBatch := manifests[v.Root]
			if !inBatch {
				raw = mb.Get(v.Root[:])
				if raw == nil {
					return fmt.Errorf("%w: version %s: manifest %s missing", ErrCorrupt, short(v.ID), shortHash(v.Root))
				}
			}
			m, err := decodeManifest(raw, v.Root)
			if err != nil {
				return fmt.Errorf("version %s: %w", short(v.ID), err)
			}
			if inBatch {
				usedM[v.Root] = raw
			}
			for id, h := range m {
				eraw, ok := elements[h]
				if ok {
					usedE[h] = eraw
				} else if eraw = eb.Get(h[:]); eraw == nil {
					return fmt.Errorf("%w: version %s: element %s missing", ErrCorrupt, short(v.ID), id)
				}
				if _, err := decodeElement(id, eraw, h); err != nil {
					return fmt.Errorf("version %s: %w", short(v.ID), err)
				}
			}
			if _, ok := s.designInfo(txn, v.Design); !ok {
				newDesigns[v.Design] = true
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}

	// Write: content, versions, then refs and design entries.
	designs := map[models.ID]bool{}
	for _, v := range order {
		designs[v.Design] = true
		res.Added = append(res.Added, v.ID)
		s.clock.Observe(v.Time)
	}
	var refs []*Ref
	designNames := map[models.ID]string{}
	for d := range designs {
		res.Designs = append(res.Designs, d)
		latest := newestOf(order, d)
		if cur, ok := s.designInfo(txn, d); ok && compareVersions(latest, mustVersion(s, txn, cur.Latest)) < 0 {
			designNames[d] = cur.Name
		} else {
			designNames[d] = s.nameOf(latest, elements, manifests)
		}
		if r := s.advanceDefault(txn, d, newDesigns[d], order); r != nil {
			refs = append(refs, r)
		}
	}
	var events []Event
	for d := range designs {
		events = append(events, Event{Kind: EventVersions, Design: d}, Event{Kind: EventDesigns, Design: d})
	}
	for _, r := range refs {
		events = append(events, Event{Kind: EventRefs, Design: r.Design})
	}
	for _, v := range order {
		if IsMerge(v) {
			events = append(events, Event{Kind: EventConflicts, Design: v.Design})
		}
	}
	get := s.getter(txn, placed)
	var conflicts []*ConflictRecord
	err = s.write(func(tx *bolt.Tx) error {
		mb, eb := tx.Bucket(bucketManifests), tx.Bucket(bucketElements)
		for h, raw := range usedE {
			if eb.Get(h[:]) == nil {
				if err := eb.Put(bytesOf(h), raw); err != nil {
					return fmt.Errorf("writing element: %w", err)
				}
			}
		}
		for h, raw := range usedM {
			if mb.Get(h[:]) == nil {
				if err := mb.Put(bytesOf(h), raw); err != nil {
					return fmt.Errorf("writing manifest: %w", err)
				}
			}
		}
		for _, v := range order {
			if err := writeVersion(tx, v); err != nil {
				return err
			}
		}
		for _, r := range refs {
			if err := writeRef(tx, r); err != nil {
				return err
			}
		}
		for d, name := range designNames {
			if err := writeDesign(tx, d, name); err != nil {
				return err
			}
		}
		// The conflicts of received merges go in the same transaction
		// (the batch's content is readable through tx by now).
		var err error
		if conflicts, err = receivedMergeConflicts(tx, txn, get, order); err != nil {
			return fmt.Errorf("recording conflicts of received merges: %w", err)
		}
		for _, rec := range conflicts {
			if err := writeConflict(tx, rec); err != nil {
				return err
			}
		}
		return nil
	}, func(txn *memdb.Txn) error {
		for _, v := range order {
			if err := txn.Insert(tableVersions, v); err != nil {
				return err
			}
		}
		for _, rec := range conflicts {
			if err := txn.Insert(tableConflicts, rec); err != nil {
				return err
			}
		}
		for _, r := range refs {
			if err := txn.Insert(tableRefs, r); err != nil {
				return err
			}
		}
		for d, name := range designNames {
			if err := refreshDesign(txn, d, name); err != nil {
				return err
			}
		}
		return nil
	}, events...)
	if err != nil {
		return ApplyResult{}, err
	}
	return res, nil
}

func mustVersion(s *Store, txn *memdb.Txn, id models.ID) *models.Version {
	v, err := s.version(txn, id)
	if err != nil {
		return &models.Version{}
	}
	return v
}

// newestOf is the newest version of design d in vs.
func newestOf(vs []*models.Version, d models.ID) *models.Version {
	var best *models.Version
	for _, v := range vs {
		if v.Design == d && (best == nil || compareVersions(best, v) < 0) {
			best = v
		}
	}
	return best
}

// nameOf reads the design name from v's meta element, looking in the batch
// first and then in the file.
func (s *Store) nameOf(v *models.Version, elements, manifests map[models.Hash][]byte) string {
	var name string
	_ = s.db.View(func(tx *bolt.Tx) error {
		raw, ok := manifests[v.Root]
		if !ok {
			raw = tx.Bucket(bucketManifests).Get(v.Root[:])
		}
		m, err := decodeManifest(raw, v.Root)
		if err != nil {
			return err
		}
		h, ok := m[models.MetaID]
		if !ok {
			return nil
		}
		eraw, ok := elements[h]
		if !ok {
			eraw = tx.Bucket(bucketElements).Get(h[:])
		}
		el, err := decodeElement(models.MetaID, eraw, h)
		if err != nil {
			return err
		}
		name = designName(models.Snapshot{models.MetaID: el})
		return nil
	})
	return name
}

// advanceDefault returns the default branch's new ref for design d after
// the new versions, or nil to leave it: a new design gets the branch at
// its newest head; an existing one is fast-forwarded when exactly one new
// head descends from the branch head.
func (s *Store) advanceDefault(txn *memdb.Txn, d models.ID, isNew bool, added []*models.Version) *Ref {
	children := map[models.ID]bool{}
	var mine []*models.Version
	for _, v := range added {
		if v.Design != d {
			continue
		}
		mine = append(mine, v)
		for _, p := range v.Parents {
			children[p] = true
		}
	}
	var heads []*models.Version
	for _, v := range mine {
		if !children[v.ID] {
			if c, err := txn.First(tableVersions, indexParents, string(v.ID)); err == nil && c == nil {
				heads = append(heads, v)
			}
		}
	}
	if len(heads) == 0 {
		return nil
	}
	mk := func(v *models.Version) *Ref {
		return &Ref{Key: refKey(d, RefBranch, DefaultBranch), Design: d, Kind: RefBranch, Name: DefaultBranch, Version: v.ID}
	}
	cur, err := s.refHead(txn, d, RefBranch, DefaultBranch)
	if err != nil {
		if isNew {
			return mk(newestOf(heads, d))
		}
		return nil
	}
	var desc []*models.Version
	for _, h := range heads {
		if s.reaches(txn, h, cur.ID, added) {
			desc = append(desc, h)
		}
	}
	if len(desc) == 1 {
		return mk(desc[0])
	}
	return nil
}

// reaches reports whether target is an ancestor of v, looking through the
// batch (not yet indexed) and the store.
func (s *Store) reaches(txn *memdb.Txn, v *models.Version, target models.ID, batch []*models.Version) bool {
	byID := map[models.ID]*models.Version{}
	for _, b := range batch {
		byID[b.ID] = b
	}
	seen := map[models.ID]bool{}
	stack := []*models.Version{v}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, p := range cur.Parents {
			if p == target {
				return true
			}
			if seen[p] {
				continue
			}
			seen[p] = true
			if pv, ok := byID[p]; ok {
				stack = append(stack, pv)
			} else if pv, err := s.version(txn, p); err == nil {
				stack = append(stack, pv)
			}
		}
	}
	return false
}
