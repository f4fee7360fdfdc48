package store

import (
	"cmp"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// A receive has two steps. Prepare checks a batch on its own, without the
// store's write lock: every version's ID, signature and author, and the
// content of every version the store does not hold yet (manifests and
// elements present and matching their hashes, a signed version's content
// valid). Commit then takes one or more prepared batches under the write
// lock: drops versions that became known meanwhile, checks that every
// parent is known or in the batches and of the same design, orders them
// parents first, checks received merges, and writes everything in one
// transaction (one fsync) with the merges of the touched designs' heads.
// [Store.Receive] is the two steps on one batch; a [Receiver] lets a
// transfer prepare the next batches while the last ones are written, and
// write several at once.

// Prepared is a batch that passed [Receiver.Prepare]: what is left to do
// needs the store's current state, under its write lock.
type Prepared struct {
	versions []*models.Version // not held when prepared, batch order, cloned
	known    int
	refs     []Ref        // well formed; their targets are checked at commit
	tombs    []*Tombstone // verified; their heads are looked up at commit
	partial  bool         // Batch.Partial
	usedE    map[models.Hash][]byte
	usedM    map[models.Hash][]byte
	touched  map[models.ID]bool
	decoded  map[models.Hash]manifest // checked against their hash
	// changed holds, for versions whose parents are in the same batch,
	// the elements that differ from each parent (their history record's
	// Changed), worked out here so the writer need not.
	changed map[models.ID][][]models.ID
}

// Versions is how many versions new to the store the prepared batch holds.
func (p *Prepared) Versions() int {
	if p == nil {
		return 0
	}
	return len(p.versions)
}

// Receiver prepares and commits the batches of one transfer. Content
// that a transfer sends once for several chunks (the elements a design's
// versions share) is kept from the chunk it came in for the later chunks
// of the same design until [Receiver.Forget]; elements are decoded once.
// Prepare and Commit may run on different goroutines (one of each).
type Receiver struct {
	s  *Store
	mu sync.Mutex
	// pool holds checked content of prepared batches, by design, so a
	// later chunk of the design may use it before the earlier chunk is
	// written.
	pool map[models.ID]*contentPool
}

type contentPool struct {
	manifests map[models.Hash][]byte
	elements  map[models.Hash]pooledElement
}

type pooledElement struct {
	raw []byte
	el  models.Element
}

// NewReceiver starts a transfer into s.
func (s *Store) NewReceiver() *Receiver {
	return &Receiver{s: s, pool: map[models.ID]*contentPool{}}
}

// Forget drops the content kept for design's later chunks: its transfer
// is over.
func (r *Receiver) Forget(design models.ID) {
	r.mu.Lock()
	delete(r.pool, design)
	r.mu.Unlock()
}

// Prepare checks b on its own (see [Store.Receive] for what is checked).
// Nothing is written.
func (r *Receiver) Prepare(b *Batch) (*Prepared, error) {
	p, err := r.s.prepare(b, r)
	if err != nil {
		return nil, fmt.Errorf("receiving versions: %w", err)
	}
	return p, nil
}

// Commit writes prepared batches in one transaction, all or nothing.
func (r *Receiver) Commit(ps ...*Prepared) (ReceiveResult, error) {
	res, err := r.s.commitPrepared(ps)
	if err != nil {
		return ReceiveResult{}, fmt.Errorf("receiving versions: %w", err)
	}
	return res, nil
}

// pooled finds content kept for design by an earlier chunk.
func (r *Receiver) pooled(design models.ID) *contentPool {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pool[design]
}

func (cp *contentPool) lookup(h models.Hash) (pooledElement, bool) {
	if cp == nil {
		return pooledElement{}, false
	}
	pe, ok := cp.elements[h]
	return pe, ok
}

// keep adds checked content of a prepared batch for the later chunks of
// its design.
func (r *Receiver) keep(design models.ID, manifests map[models.Hash][]byte, elements map[models.Hash]pooledElement) {
	if r == nil || len(manifests)+len(elements) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	cp := r.pool[design]
	if cp == nil {
		cp = &contentPool{manifests: map[models.Hash][]byte{}, elements: map[models.Hash]pooledElement{}}
		r.pool[design] = cp
	}
	maps.Copy(cp.manifests, manifests)
	maps.Copy(cp.elements, elements)
}

// workersFor is how many goroutines share n items: up to the machine's
// cores (8 at most), with 8 items each at least.
func workersFor(n int) int { return min(runtime.GOMAXPROCS(0), 8, n/8) }

// parallel runs fn(i) for i in [0, n) on up to the machine's cores and
// returns the error of the lowest i that failed.
func parallel(n int, fn func(i int) error) error {
	workers := workersFor(n)
	if workers < 2 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				errs[i] = fn(i)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// parallelRanges runs fn on consecutive ranges [lo, hi) covering [0, n),
// one per worker as parallel has them, and returns the error of the
// lowest range that failed (fn returning its own lowest).
func parallelRanges(n int, fn func(lo, hi int) error) error {
	workers := workersFor(n)
	if workers < 2 {
		if n == 0 {
			return nil
		}
		return fn(0, n)
	}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = fn(w*n/workers, (w+1)*n/workers)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// elementSource is one distinct element a prepared batch needs.
type elementSource struct {
	id     models.ID
	h      models.Hash
	raw    []byte
	stored bool // read from the file: checked when it entered
	el     models.Element
	done   bool            // el known already (pool)
	first  *models.Version // the first version that uses it
}

func (s *Store) prepare(b *Batch, r *Receiver) (*Prepared, error) {
	p := &Prepared{usedE: map[models.Hash][]byte{}, usedM: map[models.Hash][]byte{}, touched: map[models.ID]bool{},
		decoded: map[models.Hash]manifest{}, changed: map[models.ID][][]models.ID{}}
	if b == nil {
		return p, nil
	}
	p.partial = b.Partial
	if len(b.Versions) > MaxBatchVersions || len(b.Manifests)+len(b.Elements) > MaxBatchObjects {
		return nil, fmt.Errorf("%w: %d versions, %d objects", ErrTooLarge, len(b.Versions), len(b.Manifests)+len(b.Elements))
	}
	elements := make(map[models.Hash][]byte, len(b.Elements))
	for _, e := range b.Elements {
		elements[models.HashOf(e)] = e
	}
	manifests := make(map[models.Hash][]byte, len(b.Manifests))
	for _, m := range b.Manifests {
		manifests[models.HashOf(m)] = m
	}
	if err := s.ensureBatch(b); err != nil {
		return nil, err
	}
	// Each version on its own (signatures on every core).
	if err := s.verifyAll(b.Versions); err != nil {
		return nil, err
	}
	txn := s.mem.Txn(false)
	seen := map[models.ID]bool{}
	for _, v := range b.Versions {
		if err := checkName("design ID", string(v.Design)); err != nil {
			return nil, fmt.Errorf("version %s: %w", short(v.ID), err)
		}
		p.touched[v.Design] = true
		if seen[v.ID] {
			continue
		}
		seen[v.ID] = true
		if _, err := s.version(txn, v.ID); err == nil {
			p.known++
			continue
		}
		p.versions = append(p.versions, cloneVersion(v))
	}
	// Refs: well-formed (their targets are looked up at commit).
	for _, ref := range b.Refs {
		if ref.Kind != RefBranch && ref.Kind != RefTag {
			return nil, fmt.Errorf("%w: ref %q of kind %q", ErrCorrupt, ref.Name, ref.Kind)
		}
		if err := checkName(string(ref.Kind), ref.Name); err != nil {
			return nil, err
		}
		if err := checkName("design ID", string(ref.Design)); err != nil {
			return nil, err
		}
		p.refs = append(p.refs, ref)
	}
	// Tombstones: signed by their author's key (their heads are looked
	// up at commit).
	if len(b.Tombstones) > MaxBatchTombstones {
		return nil, fmt.Errorf("%w: %d tombstones", ErrTooLarge, len(b.Tombstones))
	}
	for _, t := range b.Tombstones {
		if err := s.verifyTomb(t); err != nil {
			return nil, err
		}
		p.tombs = append(p.tombs, cloneTombstone(t))
		p.touched[t.Design] = true
	}

	// Content: every manifest and element must be in the batch, kept from
	// an earlier chunk of the design, or in the file; what a signed
	// version holds must be a valid design.
	type job struct {
		v     *models.Version
		m     manifest
		raw   []byte        // m's bytes, when in the batch or the pool
		diff  *ManifestDiff // m as its change from the first parent's job's
		check bool
	}
	var jobs []job
	jobOf := map[models.ID]job{}
	var srcs []*elementSource
	srcOf := map[models.Hash]*elementSource{}
	validating := map[models.Hash]bool{}
	keepM := map[models.Hash][]byte{}
	hasValidator := s.opts.Validate != nil || s.opts.ValidateHashed != nil
	err := s.db.View(func(tx *bolt.Tx) error {
		mb, eb := tx.Bucket(bucketManifests), tx.Bucket(bucketElements)
		for _, v := range p.versions {
			pool := r.pooled(v.Design)
			raw, inBatch := manifests[v.Root]
			pooledM := false
			if !inBatch && pool != nil {
				raw, pooledM = pool.manifests[v.Root]
			}
			if !inBatch && !pooledM {
				raw = mb.Get(v.Root[:])
				if raw == nil {
					return fmt.Errorf("%w: version %s: manifest %s missing", ErrCorrupt, short(v.ID), shortHash(v.Root))
				}
			}
			// A version after its first parent in the batch (as a
			// history arrives) differs from it by an entry or two: its
			// manifest is the parent's with the delta applied, and only
			// the delta's elements are new.
			var m manifest
			var diff *ManifestDiff
			if inBatch || pooledM {
				if len(v.Parents) > 0 {
					if pj, ok := jobOf[v.Parents[0]]; ok && pj.raw != nil {
						if diff = diffFromParent(pj.v.Root, pj.raw, raw); diff != nil {
							m = diff.apply(pj.m)
						}
					}
				}
				if m == nil {
					// Found by its hash: the batch's manifests were hashed
					// above, the pool's when their batch was.
					var err error
					if m, err = decodeHashedManifest(raw, v.Root); err != nil {
						return fmt.Errorf("version %s: %w", short(v.ID), err)
					}
				}
				p.usedM[v.Root] = raw
				keepM[v.Root] = raw
			} else {
				var err error
				if m, err = decodeManifest(raw, v.Root); err != nil {
					return fmt.Errorf("version %s: %w", short(v.ID), err)
				}
			}
			for id, h := range diff.entries(m) {
				if _, ok := srcOf[h]; ok {
					continue
				}
				src := &elementSource{id: id, h: h, first: v}
				if eraw, ok := elements[h]; ok {
					src.raw = eraw
				} else if pe, ok := pool.lookup(h); ok {
					src.raw, src.el, src.done = pe.raw, pe.el, true
				} else if eraw := eb.Get(h[:]); eraw != nil {
					src.raw, src.stored = eraw, true // valid only inside this View
				} else {
					return fmt.Errorf("%w: version %s: element %s missing", ErrCorrupt, short(v.ID), id)
				}
				if !src.stored {
					p.usedE[h] = src.raw
				}
				srcOf[h] = src
				srcs = append(srcs, src)
			}
			check := hasValidator && !IsMerge(v) && !validating[v.Root]
			if check {
				validating[v.Root] = true
			}
			j := job{v: v, m: m, diff: diff, check: check}
			if inBatch || pooledM {
				j.raw = raw
			}
			jobs = append(jobs, j)
			jobOf[v.ID] = jobs[len(jobs)-1]
			p.decoded[v.Root] = m
		}
		// Decode the distinct elements (strictly what arrives; a plain
		// parse of what the file holds) on every core, inside the View:
		// stored bytes are bbolt's memory.
		return parallel(len(srcs), func(i int) error {
			src := srcs[i]
			if src.done {
				return nil
			}
			var el models.Element
			var err error
			if src.stored {
				el, err = decodeStored(src.id, src.raw, src.h)
			} else {
				// From the batch, found by its hash: hashed already.
				el, err = decodeElementHashed(src.id, src.raw)
			}
			if err != nil {
				return fmt.Errorf("version %s: %w", short(src.first.ID), err)
			}
			src.el = el
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	// Validate the distinct contents of signed versions on every core.
	var checks []job
	for _, j := range jobs {
		if j.check {
			checks = append(checks, j)
		}
	}
	// A version whose one parent is in this batch, and not a merge (a
	// merge's content is derived, not checked), may be checked by what
	// it changes: every version here must pass for any to be stored, so
	// the parent is valid if the batch is.
	parentOf := func(v *models.Version) manifest {
		if s.opts.ValidateChange == nil || len(v.Parents) != 1 {
			return nil
		}
		pj, ok := jobOf[v.Parents[0]]
		if !ok || pj.v.Design != v.Design || IsMerge(pj.v) {
			return nil
		}
		return pj.m
	}
	err = parallel(len(checks), func(i int) error {
		j := checks[i]
		if pm := parentOf(j.v); pm != nil && s.changeValid(j.v.Design, j.m, pm, j.diff, srcOf) {
			return nil
		}
		snap := make(models.Snapshot, len(j.m))
		for id, h := range j.m {
			snap[id] = srcOf[h].el
		}
		var err error
		if s.opts.ValidateHashed != nil {
			err = s.opts.ValidateHashed(j.v.Design, snap, j.m)
		} else {
			err = s.opts.Validate(j.v.Design, snap)
		}
		if err != nil {
			return fmt.Errorf("version %s by %s: %w: %w", short(j.v.ID), authorName(j.v), ErrInvalid, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The history records' changes, from the manifests' bytes, for the
	// versions whose parents are here (those of the first of a chunk, in
	// an earlier one, are worked out by the writer).
	changed := make([][][]models.ID, len(jobs))
	parallel(len(jobs), func(i int) error {
		changed[i] = changesFrom(jobs[i].v, jobs[i].diff, keepM, func(id models.ID) *models.Version { return jobOf[id].v })
		return nil
	})
	for i, c := range changed {
		if c != nil {
			p.changed[jobs[i].v.ID] = c
		}
	}
	// What later chunks of the same design may use.
	if r != nil && len(p.versions) > 0 {
		byDesign := map[models.ID]map[models.Hash]pooledElement{}
		byDesignM := map[models.ID]map[models.Hash][]byte{}
		for _, j := range jobs {
			d := j.v.Design
			if byDesign[d] == nil {
				byDesign[d], byDesignM[d] = map[models.Hash]pooledElement{}, map[models.Hash][]byte{}
			}
			if raw, ok := keepM[j.v.Root]; ok {
				byDesignM[d][j.v.Root] = raw
			}
			for _, h := range j.diff.entries(j.m) { // the parent's are there
				if src := srcOf[h]; !src.stored {
					byDesign[d][h] = pooledElement{raw: src.raw, el: src.el}
				}
			}
		}
		for d := range byDesign {
			r.keep(d, byDesignM[d], byDesign[d])
		}
	}
	return p, nil
}

// commitPrepared writes prepared batches in one transaction.
func (s *Store) commitPrepared(ps []*Prepared) (ReceiveResult, error) {
	var res ReceiveResult
	touched := map[models.ID]bool{}
	complete := map[models.ID]bool{} // touched by a batch that is not partial
	usedE := map[models.Hash][]byte{}
	usedM := map[models.Hash][]byte{}
	var refs []Ref
	var tombs []*Tombstone
	var all []*models.Version
	changed := map[models.ID][][]models.ID{}
	for _, p := range ps {
		if p == nil {
			continue
		}
		maps.Copy(changed, p.changed)
		res.Known += p.known
		maps.Copy(touched, p.touched)
		if !p.partial {
			maps.Copy(complete, p.touched)
			for _, r := range p.refs {
				complete[r.Design] = true
			}
		}
		maps.Copy(usedE, p.usedE)
		maps.Copy(usedM, p.usedM)
		refs = append(refs, p.refs...)
		tombs = append(tombs, p.tombs...)
		all = append(all, p.versions...)
	}
	if len(all) == 0 && len(refs) == 0 && len(touched) == 0 {
		return res, nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	txn := s.mem.Txn(false)

	// Versions that became known since they were prepared are no-ops.
	waiting := make(map[models.ID]*models.Version, len(all))
	for _, v := range all {
		if _, dup := waiting[v.ID]; dup {
			continue
		}
		if _, err := s.version(txn, v.ID); err == nil {
			res.Known++
			continue
		}
		waiting[v.ID] = v
	}
	order, err := s.orderParentsFirst(txn, waiting)
	if err != nil {
		return res, err
	}
	placed := make(map[models.ID]*models.Version, len(order))
	for _, v := range order {
		placed[v.ID] = v
	}
	lookup := func(id models.ID) *models.Version {
		if v, ok := placed[id]; ok {
			return v
		}
		if v, err := s.version(txn, id); err == nil {
			return v
		}
		return nil
	}
	// A ref pointing at a version that is neither in the batch nor the
	// store (a transfer in chunks sends them last) is left for a later
	// batch.
	var okRefs []Ref
	for _, r := range refs {
		target := lookup(r.Version)
		if target == nil {
			continue
		}
		if target.Design != r.Design {
			return res, fmt.Errorf("%w: %s %q of %s points at a version of design %s", ErrCorrupt, r.Kind, r.Name, r.Design, target.Design)
		}
		touched[r.Design] = true
		okRefs = append(okRefs, r)
	}

	// The history records of the new versions compare their manifests
	// with their parents': decoded already.
	for _, p := range ps {
		if p != nil {
			for root, m := range p.decoded {
				s.hist.putManifest(root, m)
			}
		}
	}
	_, err = s.update(func(p *pending) error {
		p.changed = changed
		mb, eb := p.tx.Bucket(bucketManifests), p.tx.Bucket(bucketElements)
		for _, h := range slices.SortedFunc(maps.Keys(usedE), compareHash) {
			if eb.Get(h[:]) == nil {
				if err := eb.Put(bytesOf(h), usedE[h]); err != nil {
					return fmt.Errorf("writing element: %w", err)
				}
			}
		}
		for _, h := range slices.SortedFunc(maps.Keys(usedM), compareHash) {
			if mb.Get(h[:]) == nil {
				if err := mb.Put(bytesOf(h), usedM[h]); err != nil {
					return fmt.Errorf("writing manifest: %w", err)
				}
			}
		}
		for _, v := range order {
			if IsMerge(v) {
				// Content of a merge is not the sender's to choose: it
				// must be what this store's merge of the parents makes.
				recs, err := p.checkMerge(v)
				if err != nil {
					return err
				}
				for _, rec := range recs {
					if err := p.addConflict(rec); err != nil {
						return err
					}
				}
			}
			if err := p.addVersion(v); err != nil {
				return err
			}
			s.clock.Observe(v.Time)
		}
		if err := p.addTombs(tombs); err != nil {
			return err
		}
		// Branches here that a deletion covers go before the received
		// refs are applied: a branch of that name made again elsewhere, at
		// a version the deletion does not cover, then starts afresh
		// instead of being merged with the deleted one.
		for _, d := range slices.Sorted(maps.Keys(touched)) {
			if err := p.dropCovered(d); err != nil {
				return fmt.Errorf("deleting the branches of %s: %w", d, err)
			}
		}
		slices.SortFunc(okRefs, func(x, y Ref) int {
			return cmp.Compare(refKey(x.Design, x.Kind, x.Name), refKey(y.Design, y.Kind, y.Name))
		})
		for _, r := range okRefs {
			n, recs, err := p.applyRef(r)
			if err != nil {
				return fmt.Errorf("%s %q of %s: %w", r.Kind, r.Name, r.Design, err)
			}
			res.Merged += n
			for _, rec := range recs {
				res.Conflicts = append(res.Conflicts, *rec)
			}
		}
		// A branch the refs moved is at a version no tombstone covers
		// (applyRef ignores a covered one, and a merge is new), so the
		// branches need no second look.
		for _, d := range slices.Sorted(maps.Keys(touched)) {
			if !complete[d] {
				continue // the rest of the design follows (Batch.Partial)
			}
			n, recs, err := p.settle(d)
			if err != nil {
				return fmt.Errorf("merging the heads of %s: %w", d, err)
			}
			res.Merged += n
			for _, r := range recs {
				res.Conflicts = append(res.Conflicts, *r)
			}
		}
		return nil
	})
	if err != nil {
		return ReceiveResult{}, err
	}
	for _, v := range order {
		res.Added = append(res.Added, v.ID)
	}
	res.Designs = slices.Sorted(maps.Keys(touched))
	return res, nil
}

// orderParentsFirst orders the waiting versions so each comes after its
// parents, visiting them in ID order (the same order on every store);
// every parent must be in waiting or the store, and of the same design.
// The walk keeps its own stack: a bundle's chain may be long.
func (s *Store) orderParentsFirst(txn *memdb.Txn, waiting map[models.ID]*models.Version) ([]*models.Version, error) {
	const (
		visiting = 1
		placed   = 2
	)
	state := make(map[models.ID]int, len(waiting))
	order := make([]*models.Version, 0, len(waiting))
	type frame struct {
		v    *models.Version
		next int // the next parent to look at
	}
	for _, id := range slices.Sorted(maps.Keys(waiting)) {
		if state[id] == placed {
			continue
		}
		state[id] = visiting
		stack := []frame{{v: waiting[id]}}
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			v := top.v
			if top.next == len(v.Parents) {
				state[v.ID] = placed
				order = append(order, v)
				stack = stack[:len(stack)-1]
				continue
			}
			pid := v.Parents[top.next]
			top.next++
			pv, inBatch := waiting[pid]
			if !inBatch {
				var err error
				if pv, err = s.version(txn, pid); err != nil {
					return nil, fmt.Errorf("version %s: %w %s", short(v.ID), ErrUnknownParent, short(pid))
				}
			}
			if pv.Design != v.Design {
				return nil, fmt.Errorf("%w: version %s: parent %s belongs to another design", ErrCorrupt, short(v.ID), short(pid))
			}
			if !inBatch {
				continue
			}
			switch state[pid] {
			case placed:
			case visiting:
				return nil, fmt.Errorf("%w: version %s is its own ancestor", ErrCorrupt, short(pid))
			default:
				state[pid] = visiting
				stack = append(stack, frame{v: pv})
			}
		}
	}
	return order, nil
}

// changeValid says whether the version with manifest m is valid given
// that its parent's (pm) is, by what it adds or changes
// (Options.ValidateChange); false when it removes an element, or when
// the validator is not sure. diff, when not nil, is m's change from pm.
func (s *Store) changeValid(design models.ID, m, pm manifest, diff *ManifestDiff, srcOf map[models.Hash]*elementSource) bool {
	if diff != nil && len(diff.Del) > 0 {
		return false // an element removed: the whole check
	}
	var changes []models.ElementChange
	kept := 0
	for id, h := range diff.entries(m) {
		ph, had := pm[id]
		if had {
			kept++
			if ph == h {
				continue
			}
		}
		c := models.ElementChange{ID: id, Hash: h, New: srcOf[h].el, Had: had}
		if had {
			c.Old = srcOf[ph].el
		}
		changes = append(changes, c)
	}
	if diff == nil && kept != len(pm) {
		return false // an element removed: the whole check
	}
	return s.opts.ValidateChange(design, changes, func(id models.ID) (models.Kind, bool) {
		h, ok := m[id]
		if !ok {
			return "", false
		}
		return srcOf[h].el.Kind, true
	})
}

// changesFrom is the Changed of v's history record (per parent, the
// sorted IDs of the elements whose hash differs, present in one manifest
// only included: [diffManifests]) worked out from the manifests' bytes in
// raw (by root, checked against it); nil unless v has parents, parentOf
// finds each and raw holds every manifest, in the layout the store
// writes.
func changesFrom(v *models.Version, first *ManifestDiff, raw map[models.Hash][]byte, parentOf func(models.ID) *models.Version) [][]models.ID {
	mv, ok := raw[v.Root]
	if !ok || len(v.Parents) == 0 {
		return nil
	}
	out := make([][]models.ID, len(v.Parents))
	for i, pid := range v.Parents {
		p := parentOf(pid)
		if p == nil {
			return nil
		}
		mp, ok := raw[p.Root]
		if !ok {
			return nil
		}
		var put []ManifestEntry
		var del []models.ID
		if i == 0 && first != nil {
			put, del = first.Put, first.Del
		} else if put, del, ok = ManifestDelta(mp, mv); !ok {
			return nil
		}
		ids := make([]models.ID, 0, len(put)+len(del))
		for _, e := range put {
			ids = append(ids, e.ID)
		}
		ids = append(ids, del...)
		slices.Sort(ids)
		out[i] = ids
	}
	return out
}
