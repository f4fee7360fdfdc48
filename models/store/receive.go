package store

import (
	"bytes"
	"cmp"
	"crypto/ed25519"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/internal/sigcheck"
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
	// Refs are branches and tags of the sender, so they travel with the
	// versions: a tag is created where absent and never moved; a branch
	// is created, fast-forwarded, or merged with the receiver's.
	Refs []Ref
	// Tombstones are the sender's deleted branches (tombstone.go): each
	// deletes the receiver's branch of that name where its head is the
	// deleted head or an ancestor of it, and keeps such a branch from
	// coming back.
	Tombstones []*Tombstone
	// Partial says more of these designs follows in a later batch (sync
	// sends a design in chunks, its refs and tombstones in the last): a
	// receive does not merge into main the heads that no branch or tag
	// reaches until a batch of the design that is not partial, so work
	// on a branch, or on a deleted one, does not land in main before its
	// refs and tombstones arrive.
	Partial bool
	// What Collect works out as it reads, so a sender need not again.
	// Receive reads none of it: it checks what it receives.
	//
	// ManifestRoots and ElementHashes are the hashes of Manifests and
	// Elements, one each in the same order.
	ManifestRoots []models.Hash
	ElementHashes []models.Hash
	// FirstUse[i] ends the elements that manifest i is the first of the
	// batch to name: Elements[FirstUse[i-1]:FirstUse[i]] (from 0 for the
	// first manifest). Versions in order, each manifest comes with the
	// first version that has it.
	FirstUse []int
	// Diffs[i] is manifest i as its delta from the manifest of that
	// version's first parent, when the parent is in the batch (Base is
	// the zero hash when not).
	Diffs []ManifestDiff
}

// Collect returns the versions of design that are not ancestors of (or
// equal to) any version in have, parents first, with every manifest and
// element they use. Collect(design, nil) is the whole history.
func (s *Store) Collect(design models.ID, have []models.ID) (*Batch, error) {
	if err := s.ensure(design); err != nil {
		return nil, fmt.Errorf("collecting %s: %w", design, err)
	}
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
	// History is newest first by (time, ID). A merge has its later
	// parent's time, so (time, ID) order can put it before that parent:
	// emit oldest first, each version after all of its parents.
	var todo []*models.Version
	for i := len(hist) - 1; i >= 0; i-- {
		if !skip[hist[i].ID] {
			todo = append(todo, hist[i])
		}
	}
	b.Versions = parentsFirst(todo)
	for _, r := range s.Refs(design) {
		b.Refs = append(b.Refs, r)
	}
	tombs, err := s.Tombstones(design)
	if err != nil {
		return nil, fmt.Errorf("collecting %s: %w", design, err)
	}
	for i := range tombs {
		b.Tombstones = append(b.Tombstones, &tombs[i])
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		return b.collectContent(tx.Bucket(bucketManifests), tx.Bucket(bucketElements))
	})
	if err != nil {
		return nil, fmt.Errorf("collecting %s: %w", design, err)
	}
	return b, nil
}

// collectContent adds the manifests and elements of b's versions from the
// file, checked against their hashes. A version whose first parent is in
// the batch names the elements of that parent's manifest (collected
// already) and those of its delta from it: only the delta's are looked
// up, in a history where each version changes an element or two.
func (b *Batch) collectContent(mb, eb *bolt.Bucket) error {
	seenE := map[models.Hash]bool{}
	rawOf := map[models.Hash][]byte{} // the manifests collected, by root
	rootOf := make(map[models.ID]models.Hash, len(b.Versions))
	use := func(id models.ID, h models.Hash) error {
		if seenE[h] {
			return nil
		}
		seenE[h] = true
		eraw := eb.Get(h[:])
		if eraw == nil {
			return fmt.Errorf("%w: element %s missing", ErrCorrupt, id)
		}
		b.Elements = append(b.Elements, bytes.Clone(eraw))
		b.ElementHashes = append(b.ElementHashes, h)
		return nil
	}
	for _, v := range b.Versions {
		rootOf[v.ID] = v.Root
		if rawOf[v.Root] != nil {
			continue
		}
		raw := mb.Get(v.Root[:])
		if models.HashOf(raw) != v.Root {
			_, err := decodeManifest(raw, v.Root) // reports the mismatch
			return fmt.Errorf("version %s: %w", short(v.ID), err)
		}
		raw = bytes.Clone(raw)
		var diff ManifestDiff
		if len(v.Parents) > 0 {
			if base, ok := rootOf[v.Parents[0]]; ok {
				if d := diffFromParent(base, rawOf[base], raw); d != nil {
					diff = *d
				}
			}
		}
		var err error
		if diff.Base != (models.Hash{}) {
			for _, e := range diff.Put {
				if err = use(e.ID, e.Hash); err != nil {
					break
				}
			}
		} else {
			err = eachHashedManifestEntry(raw, v.Root, use)
		}
		if err != nil {
			return fmt.Errorf("version %s: %w", short(v.ID), err)
		}
		rawOf[v.Root] = raw
		b.Manifests = append(b.Manifests, raw)
		b.ManifestRoots = append(b.ManifestRoots, v.Root)
		b.FirstUse = append(b.FirstUse, len(b.Elements))
		b.Diffs = append(b.Diffs, diff)
	}
	return nil
}

// parentsFirst orders vs (oldest first) so that every version comes after
// those of its parents that are in vs; the order is otherwise kept.
func parentsFirst(vs []*models.Version) []*models.Version {
	in := make(map[models.ID]bool, len(vs))
	for _, v := range vs {
		in[v.ID] = true
	}
	out := make([]*models.Version, 0, len(vs))
	done := make(map[models.ID]bool, len(vs))
	var visit func(v *models.Version)
	byID := make(map[models.ID]*models.Version, len(vs))
	for _, v := range vs {
		byID[v.ID] = v
	}
	visit = func(v *models.Version) {
		if done[v.ID] {
			return
		}
		done[v.ID] = true
		for _, p := range v.Parents {
			if in[p] {
				visit(byID[p])
			}
		}
		out = append(out, v)
	}
	for _, v := range vs {
		visit(v)
	}
	return out
}

// ReceiveResult says what [Store.Receive] did.
type ReceiveResult struct {
	Added   []models.ID // new versions, parents first
	Known   int         // versions the store already had (no-ops)
	Designs []models.ID // designs the batch touched, sorted
	// Merged counts the heads that were merged into (or fast-forwarded)
	// the default branch of their design.
	Merged int
	// Conflicts are those recorded by the merges this receive made: the
	// properties where one side's value overrode the other's.
	Conflicts []ConflictRecord
}

// Receive is the one way versions from elsewhere (sync, bundles, JSON
// import) enter the store. Everything is verified before anything is
// written: every version's ID and signature, its author's key, that
// unsigned roots are known samples ([Options.Roots]), that its parents are
// in the store or the batch and belong to the same design, that its
// manifest and elements are present and match their hashes, that a
// signed version's content passes [Options.Validate] like a local commit,
// and that a merge version is exactly the merge this store makes of its
// parents. Then, in one transaction, the content and versions are written,
// and every head of the touched designs that no branch or tag reaches is
// merged into the default branch (a design new to the store gets the
// branch). A crash leaves all of it or none; a receive that finds heads
// left diverged (by an older program, say) merges them too, so the same
// batch received again settles the design. Known versions are no-ops.
// It is the two steps of a [Receiver] (Prepare, then Commit) on one
// batch; the checks of the first step run without the write lock.
func (s *Store) Receive(b *Batch) (ReceiveResult, error) {
	res, err := s.receive(b)
	if err != nil {
		return ReceiveResult{}, fmt.Errorf("receiving versions: %w", err)
	}
	return res, nil
}

func (s *Store) receive(b *Batch) (ReceiveResult, error) {
	if b == nil {
		return ReceiveResult{}, nil
	}
	p, err := s.prepare(b, nil)
	if err != nil {
		return ReceiveResult{}, err
	}
	return s.commitPrepared([]*Prepared{p})
}

// verifyAll checks every version's ID, signature and author binding,
// spread over the cores for a large batch; the first failure in batch
// order is returned.
func (s *Store) verifyAll(vs []*models.Version) error {
	return parallelRanges(len(vs), func(lo, hi int) error {
		errs := make([]error, hi-lo)
		jobs := make([]sigcheck.Job, 0, hi-lo)
		at := make([]int, 0, hi-lo)
		for i, v := range vs[lo:hi] {
			b, signed, err := checkVersion(v)
			if err != nil {
				errs[i] = err
			} else if signed {
				jobs = append(jobs, sigcheck.Job{Pub: ed25519.PublicKey(v.PubKey), Msg: b, Sig: v.Signature})
				at = append(at, i)
			}
		}
		// The signatures of a range are checked together (cheaper than
		// one by one, with the same answers).
		ok := make([]bool, len(jobs))
		sigcheck.VerifyAll(jobs, ok)
		for n, i := range at {
			if !ok[n] {
				errs[i] = badSignature(vs[lo+i])
			}
		}
		for i, err := range errs {
			if err == nil {
				err = s.checkAuthor(vs[lo+i])
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func compareHash(a, b models.Hash) int { return bytes.Compare(a[:], b[:]) }

func authorName(v *models.Version) string {
	switch {
	case IsMerge(v):
		return "(merge)"
	case IsRoot(v):
		return "(sample)"
	case v.Author.Name != "":
		return fmt.Sprintf("%q", v.Author.Name)
	}
	return v.Author.PeerID
}

// pending is what one write transaction adds. The steps of a receive
// (received versions, then the merges of the designs' heads) see each
// other through it before the memdb index is updated at the end.
type pending struct {
	s         *Store
	tx        *bolt.Tx
	txn       *memdb.Txn // the index as it was when the write began
	versions  map[models.ID]*models.Version
	order     []*models.Version
	children  map[models.ID]bool // parents of pending versions
	refs      map[string]*Ref
	gone      map[string]*Ref // refs deleted (tombstone.go)
	conflicts []*ConflictRecord
	confKeys  map[string]bool
	designs   map[models.ID]bool
	names     map[models.ID]string
	events    []Event
	changed   map[models.ID][][]models.ID // records' changes worked out when prepared
}

// update runs fn in one fsync'd bbolt transaction with a fresh pending
// set, then indexes what it added in memdb and notifies watchers. The
// caller holds s.wmu.
func (s *Store) update(fn func(p *pending) error) (*pending, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	var p *pending
	err := s.db.Update(func(tx *bolt.Tx) error {
		p = &pending{s: s, tx: tx, txn: s.mem.Txn(false), versions: map[models.ID]*models.Version{},
			children: map[models.ID]bool{}, refs: map[string]*Ref{}, gone: map[string]*Ref{}, confKeys: map[string]bool{},
			designs: map[models.ID]bool{}, names: map[models.ID]string{}}
		if err := fn(p); err != nil {
			return err
		}
		return p.writeDesigns()
	})
	if err != nil {
		return nil, err
	}
	txn := s.mem.Txn(true)
	defer txn.Abort()
	index := func() error {
		if err := insertVersions(txn, p.order); err != nil {
			return err
		}
		for _, rec := range p.conflicts {
			if err := txn.Insert(tableConflicts, rec); err != nil {
				return err
			}
		}
		for _, k := range slices.Sorted(maps.Keys(p.refs)) {
			if err := txn.Insert(tableRefs, p.refs[k]); err != nil {
				return err
			}
		}
		for _, k := range slices.Sorted(maps.Keys(p.gone)) {
			if o, err := txn.First(tableRefs, indexID, k); err == nil && o != nil {
				if err := txn.Delete(tableRefs, o); err != nil {
					return err
				}
			}
		}
		for d, name := range p.names {
			if err := refreshDesign(txn, d, name); err != nil {
				return err
			}
		}
		return nil
	}
	if err := index(); err != nil {
		return nil, fmt.Errorf("indexing (reopen the store): %w", err)
	}
	txn.Commit()
	s.notify(uniqueEvents(p.events)...)
	return p, nil
}

// uniqueEvents keeps the first of equal events: a write of many versions
// of a design tells each watcher once that the design changed, not once
// per version (which would overflow its channel into a resync).
func uniqueEvents(evs []Event) []Event {
	seen := make(map[Event]bool, len(evs))
	out := evs[:0:0]
	for _, ev := range evs {
		if !seen[ev] {
			seen[ev] = true
			out = append(out, ev)
		}
	}
	return out
}

func (p *pending) get(id models.ID) (*models.Version, error) {
	if v, ok := p.versions[id]; ok {
		return v, nil
	}
	return p.s.version(p.txn, id)
}

func (p *pending) has(id models.ID) bool {
	_, err := p.get(id)
	return err == nil
}

func (p *pending) addVersion(v *models.Version) error {
	if p.has(v.ID) {
		return nil
	}
	if err := p.s.writeVersion(p.tx, v); err != nil {
		return err
	}
	if err := p.s.hist.recordVersion(p.tx, p.get, v, p.changed[v.ID]); err != nil {
		return err
	}
	p.versions[v.ID] = v
	p.order = append(p.order, v)
	for _, par := range v.Parents {
		p.children[par] = true
	}
	p.designs[v.Design] = true
	p.events = append(p.events, Event{Kind: EventVersions, Design: v.Design}, Event{Kind: EventDesigns, Design: v.Design})
	return nil
}

func (p *pending) ref(design models.ID, kind RefKind, name string) (*Ref, bool) {
	key := refKey(design, kind, name)
	if r, ok := p.refs[key]; ok {
		return r, true
	}
	if _, ok := p.gone[key]; ok {
		return nil, false
	}
	o, err := p.txn.First(tableRefs, indexID, key)
	if err != nil || o == nil {
		return nil, false
	}
	return o.(*Ref), true
}

func (p *pending) setRef(r *Ref) error {
	if err := writeRef(p.tx, r); err != nil {
		return err
	}
	p.refs[r.Key] = r
	delete(p.gone, r.Key)
	p.events = append(p.events, Event{Kind: EventRefs, Design: r.Design})
	return nil
}

// dropRef deletes a branch or tag.
func (p *pending) dropRef(r *Ref) error {
	if err := p.tx.Bucket(bucketRefs).Delete([]byte(r.Key)); err != nil {
		return fmt.Errorf("deleting %s %q: %w", r.Kind, r.Name, err)
	}
	delete(p.refs, r.Key)
	p.gone[r.Key] = r
	p.events = append(p.events, Event{Kind: EventRefs, Design: r.Design})
	return nil
}

// designRefs lists every branch and tag of design, pending ones included.
func (p *pending) designRefs(design models.ID) []*Ref {
	byKey := map[string]*Ref{}
	if it, err := p.txn.Get(tableRefs, indexDesign, string(design)); err == nil {
		for o := it.Next(); o != nil; o = it.Next() {
			r := o.(*Ref)
			if _, gone := p.gone[r.Key]; !gone {
				byKey[r.Key] = r
			}
		}
	}
	for k, r := range p.refs {
		if r.Design == design {
			byKey[k] = r
		}
	}
	out := make([]*Ref, 0, len(byKey))
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		out = append(out, byKey[k])
	}
	return out
}

// heads lists design's versions that no version (stored or pending) has
// as parent, newest first.
func (p *pending) heads(design models.ID) []*models.Version {
	var out []*models.Version
	if it, err := p.txn.GetReverse(tableHeads, indexDesignTime+"_prefix", string(design)); err == nil {
		for o := it.Next(); o != nil; o = it.Next() {
			if v := o.(*models.Version); !p.children[v.ID] {
				out = append(out, v)
			}
		}
	}
	for _, v := range p.order {
		if v.Design == design && !p.children[v.ID] {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b *models.Version) int { return compareVersions(b, a) })
	return out
}

func (p *pending) addConflict(rec *ConflictRecord) error {
	if p.confKeys[rec.Key] {
		return nil
	}
	if o, err := p.txn.First(tableConflicts, indexID, rec.Key); err == nil && o != nil {
		return nil // recorded when this merge was first made
	}
	if err := writeConflict(p.tx, rec); err != nil {
		return err
	}
	p.confKeys[rec.Key] = true
	p.conflicts = append(p.conflicts, rec)
	p.events = append(p.events, Event{Kind: EventConflicts, Design: rec.Design})
	return nil
}

// writeDesigns writes the list entry of every design that got versions,
// named after its newest version.
func (p *pending) writeDesigns() error {
	for _, d := range slices.Sorted(maps.Keys(p.designs)) {
		newest := newestOf(p.order, d)
		if info, ok := p.s.designInfo(p.txn, d); ok {
			if cur, err := p.s.version(p.txn, info.Latest); err == nil && compareVersions(newest, cur) < 0 {
				p.names[d] = info.Name
				if err := writeDesign(p.tx, d, info.Name, cur, versionIDs(p.heads(d))); err != nil {
					return err
				}
				continue
			}
		}
		name, err := nameAt(p.tx, newest.Root)
		if err != nil {
			return fmt.Errorf("design %s: %w", d, err)
		}
		p.names[d] = name
		if err := writeDesign(p.tx, d, name, newest, versionIDs(p.heads(d))); err != nil {
			return err
		}
	}
	return nil
}

// nameAt reads the design name from the meta element of the snapshot at
// root, through tx.
func nameAt(tx *bolt.Tx, root models.Hash) (string, error) {
	raw := tx.Bucket(bucketManifests).Get(root[:])
	h, ok, err := manifestEntry(raw, root, models.MetaID)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", nil
	}
	el, err := decodeStored(models.MetaID, tx.Bucket(bucketElements).Get(h[:]), h)
	if err != nil {
		return "", err
	}
	return designName(models.Snapshot{models.MetaID: el}), nil
}

// mergeVersion is the merge version of a and b (a.ID < b.ID) with content
// root: sorted parents, no author, the later time, the fixed message.
func mergeVersion(design models.ID, a, b *models.Version, root models.Hash) *models.Version {
	mv := &models.Version{Design: design, Parents: []models.ID{a.ID, b.ID}, Time: a.Time, Message: MergeMessage, Root: root}
	if a.Time.Less(b.Time) {
		mv.Time = b.Time
	}
	mv.ID = ComputeID(mv)
	return mv
}

// derive merges a and b (ordered by ID) over their deterministic base and
// writes the merged content, returning the merge version and its
// conflicts (keyed to it).
func (p *pending) derive(design models.ID, a, b *models.Version) (*models.Version, []*ConflictRecord, error) {
	if b.ID < a.ID {
		a, b = b, a
	}
	base, err := p.s.hist.mergeBaseGen(p.tx, p.get, a, b)
	if err != nil {
		return nil, nil, err
	}
	mv, conflicts, err := p.mergeContent(design, base, a, b)
	if err != nil {
		return nil, nil, err
	}
	recs := make([]*ConflictRecord, 0, len(conflicts))
	for _, c := range conflicts {
		c.Design, c.Merge = design, mv.ID
		rec := &ConflictRecord{Conflict: c}
		rec.Key = conflictKey(&rec.Conflict)
		recs = append(recs, rec)
	}
	return mv, recs, nil
}

// checkMerge verifies a received merge version: two parents, and exactly
// the version this store's merge of them makes. It returns the merge's
// conflicts, so the designer can review them here too.
func (p *pending) checkMerge(mv *models.Version) ([]*ConflictRecord, error) {
	if len(mv.Parents) != 2 {
		return nil, fmt.Errorf("%w: merge version %s has %d parents", ErrBadMerge, short(mv.ID), len(mv.Parents))
	}
	a, err := p.get(mv.Parents[0])
	if err != nil {
		return nil, err
	}
	b, err := p.get(mv.Parents[1])
	if err != nil {
		return nil, err
	}
	want, recs, err := p.derive(mv.Design, a, b)
	if err != nil {
		return nil, fmt.Errorf("merge version %s: %w", short(mv.ID), err)
	}
	if want.ID != mv.ID {
		return nil, fmt.Errorf("%w: version %s is not the merge of %s and %s (that is %s)",
			ErrBadMerge, short(mv.ID), short(a.ID), short(b.ID), short(want.ID))
	}
	return recs, nil
}

// mergeInto merges version other into branch of design: nothing if the
// branch already holds it, a fast-forward if the branch head is an
// ancestor of it, else a merge version. A missing branch is created at
// other. It returns the branch's new head, whether the branch moved, and
// the conflicts of a new merge.
func (p *pending) mergeInto(design models.ID, branch string, other *models.Version) (*models.Version, bool, []*ConflictRecord, error) {
	ref := &Ref{Key: refKey(design, RefBranch, branch), Design: design, Kind: RefBranch, Name: branch}
	cur, ok := p.ref(design, RefBranch, branch)
	if !ok {
		ref.Version = other.ID
		return other, true, nil, p.setRef(ref)
	}
	head, err := p.get(cur.Version)
	if err != nil {
		return nil, false, nil, err
	}
	if in, err := p.s.hist.isAncestor(p.tx, p.get, other, head); err != nil {
		return nil, false, nil, err
	} else if in {
		return head, false, nil, nil
	}
	if ff, err := p.s.hist.isAncestor(p.tx, p.get, head, other); err != nil {
		return nil, false, nil, err
	} else if ff {
		ref.Version = other.ID
		return other, true, nil, p.setRef(ref)
	}
	mv, recs, err := p.derive(design, head, other)
	if err != nil {
		return nil, false, nil, err
	}
	if known, err := p.get(mv.ID); err == nil {
		mv = known
	} else if err := p.addVersion(mv); err != nil {
		return nil, false, nil, err
	}
	var added []*ConflictRecord
	for _, rec := range recs {
		before := len(p.conflicts)
		if err := p.addConflict(rec); err != nil {
			return nil, false, nil, err
		}
		if len(p.conflicts) > before {
			added = append(added, rec)
		}
	}
	ref.Version = mv.ID
	return mv, true, added, p.setRef(ref)
}

// applyRef takes a sender's branch or tag: a tag is created where absent
// and never moved (a tag of the same name elsewhere stays as it is); a
// branch is created, fast-forwarded, or merged with ours like any head.
func (p *pending) applyRef(r Ref) (int, []*ConflictRecord, error) {
	v, err := p.get(r.Version)
	if err != nil {
		return 0, nil, err
	}
	if r.Kind == RefTag {
		if _, ok := p.ref(r.Design, RefTag, r.Name); ok {
			return 0, nil, nil
		}
		return 0, nil, p.setRef(&Ref{Key: refKey(r.Design, RefTag, r.Name), Design: r.Design, Kind: RefTag, Name: r.Name, Version: r.Version})
	}
	if r.Name != DefaultBranch {
		// A branch deleted at this head or after it: the sender has not
		// heard of the deletion; it does not come back.
		if covered, err := p.tombsCover(r.Design, r.Name, v); err != nil || covered {
			return 0, nil, err
		}
	}
	_, moved, recs, err := p.mergeInto(r.Design, r.Name, v)
	if err != nil || !moved {
		return 0, recs, err
	}
	return 1, recs, nil
}

// settle merges into the default branch every head of design that no
// branch or tag reaches: versions that came from elsewhere and are not
// yet part of the studio's line. A design without a default branch gets
// it at its newest such head. Heads are merged in ID order, so every
// store settling the same versions makes the same merges.
func (p *pending) settle(design models.ID) (int, []*ConflictRecord, error) {
	orphans, err := p.unreached(design)
	if err != nil {
		return 0, nil, err
	}
	if len(orphans) == 0 {
		return 0, nil, nil
	}
	merged := 0
	if _, ok := p.ref(design, RefBranch, DefaultBranch); !ok {
		// newest first: the newest head starts the branch
		if _, _, _, err := p.mergeInto(design, DefaultBranch, orphans[0]); err != nil {
			return 0, nil, err
		}
		orphans = orphans[1:]
	}
	slices.SortFunc(orphans, func(a, b *models.Version) int { return cmp.Compare(a.ID, b.ID) })
	var conflicts []*ConflictRecord
	for _, h := range orphans {
		_, moved, recs, err := p.mergeInto(design, DefaultBranch, h)
		if err != nil {
			return 0, nil, err
		}
		if moved {
			merged++
		}
		conflicts = append(conflicts, recs...)
	}
	return merged, conflicts, nil
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
