package store

import (
	"container/heap"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// What the store records about each version so that a merge costs what
// the edits cost, not what the design or its history weigh.
//
// At commit and at receipt, in the transaction that stores the version,
// the changes bucket gets the version's record ([verInfo]): its
// generation (1 for a root, else one more than its highest parent's), and
// for each parent the IDs of the elements whose content differs between
// that parent and the version. A merge then
//
//   - finds the merge base by walking down from both heads in generation
//     order and stopping when only common ancestors are left (the classic
//     "paint down to common" walk), instead of listing both histories;
//   - lists each side's changed elements as the union of the records of
//     the versions between the base and the head (a superset is harmless);
//   - reads only those elements, and derives their per-property stamps
//     (stamps.go) with the same records telling which parent kept a value;
//   - writes the merged manifest by patching the side's manifest bytes.
//
// The record is a function of the DAG and the content, like the stamps,
// so it changes no version ID or wire format. It is sealed like the
// version (schema 4, seal.go): a changed byte is ErrCorrupt when the
// design is loaded or the record read. A version without a record, or a
// store without its secret (whose records cannot be checked, so are not
// read), gets it computed from its manifests when first needed, kept in
// memory only.

// verInfo is one version's record.
type verInfo struct {
	_       struct{}      `cbor:",toarray"`
	Gen     uint32        // 1 for a root, else 1 + the highest parent's
	Changed [][]models.ID // per parent, in Parents order: elements that differ

	sets []map[models.ID]struct{} // Changed as sets, built on first use
}

func (in *verInfo) changedFrom(i int, id models.ID) bool {
	if in.sets == nil {
		in.sets = make([]map[models.ID]struct{}, len(in.Changed))
		for j, ids := range in.Changed {
			m := make(map[models.ID]struct{}, len(ids))
			for _, x := range ids {
				m[x] = struct{}{}
			}
			in.sets[j] = m
		}
	}
	_, ok := in.sets[i][id]
	return ok
}

// history holds the records read so far and decoded content, shared by
// every merge of the store. Content is addressed by hash and checked
// against it when read, so what is cached never goes stale.
type histCache struct {
	mu      sync.Mutex
	info    map[models.ID]*verInfo
	mans    map[models.Hash]manifest
	manFIFO []models.Hash
	manSize int // elements listed by the cached manifests
	els     map[models.Hash]models.Element
	elFIFO  []models.Hash
	// verified remembers manifests whose bytes were checked against
	// their hash in this process (read, committed or received), so a
	// merge can look entries up in the stored bytes without hashing
	// them again (see manifestSubset).
	verified map[models.Hash]struct{}
	verFIFO  []models.Hash
	// seal checks and seals the stored records (seal.go); nil without
	// the store's secret: then no stored record is read (it could not
	// be checked) and records are derived from the content.
	seal *sealer
	// snaps remembers, per design, the element form of the typed
	// elements committed last (CommitDesign encodes only what changed).
	snaps map[models.ID]*models.SnapshotCache
	// packStale counts, per design checked out, the elements its pack
	// (packs.go) misses or that were committed since.
	packStale map[models.ID]int
}

const maxSnapshotCaches = 16

// snapshotCache returns design's snapshot cache.
func (h *histCache) snapshotCache(design models.ID) *models.SnapshotCache {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.snaps[design]
	if c == nil {
		if len(h.snaps) >= maxSnapshotCaches || h.snaps == nil {
			h.snaps = map[models.ID]*models.SnapshotCache{}
		}
		c = models.NewSnapshotCache()
		h.snaps[design] = c
	}
	return c
}

// forget drops the records and content read so far.
func (h *histCache) forget() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.info = map[models.ID]*verInfo{}
	h.mans, h.manFIFO, h.manSize = map[models.Hash]manifest{}, nil, 0
	h.els, h.elFIFO = map[models.Hash]models.Element{}, nil
	h.verified, h.verFIFO = map[models.Hash]struct{}{}, nil
}

func (h *histCache) setSeal(sl *sealer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seal = sl
}

func (h *histCache) sealer() *sealer {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seal
}

// storedInfo reads v's stored record, checked against its seal; nil when
// there is none or no secret to check it with.
func (h *histCache) storedInfo(tx *bolt.Tx, v *models.Version) (*verInfo, error) {
	sl := h.sealer()
	b := tx.Bucket(bucketChanges)
	if sl == nil || b == nil {
		return nil, nil
	}
	raw := b.Get([]byte(v.ID))
	if raw == nil {
		return nil, nil
	}
	rec, ok := sl.openRecord(v.ID, raw)
	in := &verInfo{}
	if !ok || models.DecodeCanonical(rec, in) != nil || len(in.Changed) != len(v.Parents) || in.Gen == 0 {
		return nil, fmt.Errorf("%w: the record of version %s is damaged", ErrCorrupt, short(v.ID))
	}
	h.setInfo(v.ID, in)
	return in, nil
}

const (
	maxCachedManifestEntries = 200_000 // about 200 manifests of a 1,000-element design
	maxCachedElements        = 50_000
	maxVerifiedManifests     = 1 << 17
)

func newHistCache() *histCache {
	return &histCache{info: map[models.ID]*verInfo{}, mans: map[models.Hash]manifest{}, els: map[models.Hash]models.Element{},
		verified: map[models.Hash]struct{}{}}
}

// storedManifest is root's manifest bytes as stored (bbolt's memory,
// valid in tx), not yet checked against root.
func storedManifest(tx *bolt.Tx, root models.Hash) ([]byte, error) {
	raw := tx.Bucket(bucketManifests).Get(root[:])
	if raw == nil {
		return nil, fmt.Errorf("%w: manifest %s missing", ErrCorrupt, shortHash(root))
	}
	return raw, nil
}

// manifest reads and decodes a manifest through the cache.
func (h *histCache) manifest(tx *bolt.Tx, root models.Hash) (manifest, error) {
	h.mu.Lock()
	m, ok := h.mans[root]
	h.mu.Unlock()
	if ok {
		return m, nil
	}
	raw, err := storedManifest(tx, root)
	if err != nil {
		return nil, err
	}
	if m, err = parseManifest(raw, root); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.markVerified(root)
	if _, ok := h.mans[root]; !ok {
		h.mans[root] = m
		h.manFIFO = append(h.manFIFO, root)
		h.manSize += len(m)
		for h.manSize > maxCachedManifestEntries && len(h.manFIFO) > 1 {
			old := h.manFIFO[0]
			h.manFIFO = h.manFIFO[1:]
			h.manSize -= len(h.mans[old])
			delete(h.mans, old)
		}
	}
	return m, nil
}

// markVerified records that root's bytes matched it (h.mu held).
func (h *histCache) markVerified(root models.Hash) {
	if _, ok := h.verified[root]; ok {
		return
	}
	h.verified[root] = struct{}{}
	h.verFIFO = append(h.verFIFO, root)
	if len(h.verFIFO) > maxVerifiedManifests {
		delete(h.verified, h.verFIFO[0])
		h.verFIFO = h.verFIFO[1:]
	}
}

// manifestSubset returns the entries of root's manifest for the IDs in
// want (at least those: a cached whole manifest is returned as it is).
// An uncached manifest is not decoded into a map: its stored bytes are
// scanned for the wanted IDs, after checking them against root unless
// this process already did. Anything but the layout the store writes
// goes through [histCache.manifest].
func (h *histCache) manifestSubset(tx *bolt.Tx, root models.Hash, want map[models.ID]struct{}) (manifest, error) {
	h.mu.Lock()
	m, ok := h.mans[root]
	_, checked := h.verified[root]
	h.mu.Unlock()
	if ok {
		return m, nil
	}
	raw, err := storedManifest(tx, root)
	if err != nil {
		return nil, err
	}
	if !checked {
		if models.HashOf(raw) != root {
			return h.manifest(tx, root) // reports the mismatch
		}
		h.mu.Lock()
		h.markVerified(root)
		h.mu.Unlock()
	}
	m = make(manifest, len(want))
	if !manifestRefs(raw, func(id []byte, eh models.Hash) bool {
		if _, ok := want[models.ID(id)]; ok {
			m[models.ID(id)] = eh
		}
		return true
	}) {
		return h.manifest(tx, root)
	}
	return m, nil
}

// parseManifest decodes manifest bytes checked against want, through the
// fast path for the layout the store writes.
func parseManifest(raw []byte, want models.Hash) (manifest, error) {
	if models.HashOf(raw) != want {
		return decodeManifest(raw, want) // reports the mismatch
	}
	n, _, ok := models.ReadCBORHead(raw, 5)
	if !ok {
		return decodeManifest(raw, want)
	}
	m := make(manifest, min(n, 1<<16))
	ok = manifestRefs(raw, func(id []byte, h models.Hash) bool {
		m[models.ID(id)] = h
		return true
	})
	if !ok || uint64(len(m)) != n {
		return decodeManifest(raw, want)
	}
	return m, nil
}

// element reads and decodes an element through the cache.
func (h *histCache) element(tx *bolt.Tx, id models.ID, eh models.Hash) (models.Element, error) {
	h.mu.Lock()
	e, ok := h.els[eh]
	h.mu.Unlock()
	if ok && e.ID == id {
		return e, nil
	}
	raw := tx.Bucket(bucketElements).Get(eh[:])
	if raw == nil {
		return models.Element{}, fmt.Errorf("%w: element %s (%s) missing", ErrCorrupt, id, shortHash(eh))
	}
	e, err := decodeStored(id, raw, eh)
	if err != nil {
		return e, err
	}
	h.putElement(eh, e)
	return e, nil
}

// putElement caches a decoded element.
func (h *histCache) putElement(eh models.Hash, e models.Element) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.els[eh]; !ok {
		h.els[eh] = e
		h.elFIFO = append(h.elFIFO, eh)
		for len(h.elFIFO) > maxCachedElements {
			delete(h.els, h.elFIFO[0])
			h.elFIFO = h.elFIFO[1:]
		}
	}
}

func (h *histCache) cachedInfo(id models.ID) *verInfo {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.info[id]
}

func (h *histCache) setInfo(id models.ID, in *verInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.info[id] = in
}

// infoOf returns v's record: cached, stored, or computed from content
// (then cached, not written).
func (h *histCache) infoOf(tx *bolt.Tx, get versionGetter, v *models.Version) (*verInfo, error) {
	if in := h.cachedInfo(v.ID); in != nil {
		return in, nil
	}
	if in, err := h.storedInfo(tx, v); in != nil || err != nil {
		return in, err
	}
	return h.derive(tx, get, v)
}

// derive computes v's record from content, and those of its ancestors
// that are neither cached nor stored, parents first (then cached, not
// written); v's own stored record is not looked up.
func (h *histCache) derive(tx *bolt.Tx, get versionGetter, v *models.Version) (*verInfo, error) {
	// Parents first, without recursion (histories are long).
	stack := []*models.Version{v}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		if h.cachedInfo(cur.ID) != nil {
			stack = stack[:len(stack)-1]
			continue
		}
		var missing []*models.Version
		var pinfo []*verInfo
		for _, pid := range cur.Parents {
			p, err := get(pid)
			if err != nil {
				return nil, err
			}
			pi := h.cachedInfo(p.ID)
			if pi == nil {
				if pi, err = h.storedInfo(tx, p); err != nil {
					return nil, err
				}
			}
			if pi == nil {
				missing = append(missing, p)
			}
			pinfo = append(pinfo, pi)
		}
		if len(missing) > 0 {
			stack = append(stack, missing...)
			continue
		}
		in, err := h.compute(tx, get, cur, pinfo)
		if err != nil {
			return nil, err
		}
		h.setInfo(cur.ID, in)
		stack = stack[:len(stack)-1]
	}
	return h.cachedInfo(v.ID), nil
}

// compute makes v's record from its parents' records and manifests.
func (h *histCache) compute(tx *bolt.Tx, get versionGetter, v *models.Version, parents []*verInfo) (*verInfo, error) {
	in := &verInfo{Gen: 1, Changed: make([][]models.ID, len(v.Parents))}
	for _, pi := range parents {
		in.Gen = max(in.Gen, pi.Gen+1)
	}
	if len(v.Parents) == 0 {
		return in, nil
	}
	mv, err := h.manifest(tx, v.Root)
	if err != nil {
		return nil, fmt.Errorf("version %s: %w", short(v.ID), err)
	}
	for i, pid := range v.Parents {
		p, err := get(pid)
		if err != nil {
			return nil, err
		}
		mp, err := h.manifest(tx, p.Root)
		if err != nil {
			return nil, fmt.Errorf("version %s: %w", short(p.ID), err)
		}
		in.Changed[i] = diffManifests(mp, mv)
	}
	return in, nil
}

// diffManifests lists the elements whose hash differs between a and b
// (present in one only included), sorted.
func diffManifests(a, b manifest) []models.ID {
	out := []models.ID{}
	for id, h := range b {
		if ha, ok := a[id]; !ok || ha != h {
			out = append(out, id)
		}
	}
	for id := range a {
		if _, ok := b[id]; !ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// writeInfo stores v's record in the changes bucket, sealed. Without the
// secret (only a read-only store lacks it) nothing is written: the record
// is derived from the content when needed.
func (h *histCache) writeInfo(tx *bolt.Tx, id models.ID, in *verInfo) error {
	sl := h.sealer()
	if sl == nil {
		return nil
	}
	b, err := encodeRecord(in)
	if err != nil {
		return fmt.Errorf("encoding the record of %s: %w", short(id), err)
	}
	if err := tx.Bucket(bucketChanges).Put([]byte(id), sl.sealRecord(id, b)); err != nil {
		return fmt.Errorf("writing the record of %s: %w", short(id), err)
	}
	return nil
}

// encodeRecord is models.Canonical of in, written directly (the writer of
// a pull writes one per version): a 2-array of Gen and Changed, a nil
// slice as null, and text that is not UTF-8 refused, like the canonical
// encoder (FuzzEncodeRecord).
func encodeRecord(in *verInfo) ([]byte, error) {
	n := 8
	for _, ids := range in.Changed {
		n += 2
		for _, id := range ids {
			n += 3 + len(id)
		}
	}
	b := make([]byte, 0, n)
	b = append(b, 0x82)
	b = models.AppendCBORHead(b, 0, uint64(in.Gen))
	if in.Changed == nil {
		return append(b, 0xf6), nil
	}
	b = models.AppendCBORHead(b, 4, uint64(len(in.Changed)))
	for _, ids := range in.Changed {
		if ids == nil {
			b = append(b, 0xf6)
			continue
		}
		b = models.AppendCBORHead(b, 4, uint64(len(ids)))
		for _, id := range ids {
			if !utf8.ValidString(string(id)) {
				return nil, fmt.Errorf("%w: element ID %q is not UTF-8", ErrCorrupt, id)
			}
			b = models.AppendCBORHead(b, 3, uint64(len(id)))
			b = append(b, id...)
		}
	}
	return b, nil
}

// recordVersion derives v's record (unless known) and writes it, in the
// transaction that writes v. No record of v is looked up in the file: v
// is being added, so none is stored (one left over would be replaced).
// changed, when not nil, is the record's Changed worked out already (a
// received version's, from the manifests it came with: [changesFrom]).
func (h *histCache) recordVersion(tx *bolt.Tx, get versionGetter, v *models.Version, changed [][]models.ID) error {
	in := h.cachedInfo(v.ID)
	var err error
	if in == nil && changed != nil {
		in, err = h.withChanges(tx, get, v, changed)
	}
	if in == nil && err == nil {
		in, err = h.derive(tx, get, v)
	}
	if err != nil {
		return err
	}
	return h.writeInfo(tx, v.ID, in)
}

// withChanges is v's record with the given Changed and the generation
// its parents' records give (then cached); nil when a parent's record is
// neither cached nor stored.
func (h *histCache) withChanges(tx *bolt.Tx, get versionGetter, v *models.Version, changed [][]models.ID) (*verInfo, error) {
	in := &verInfo{Gen: 1, Changed: changed}
	for _, pid := range v.Parents {
		pi := h.cachedInfo(pid)
		if pi == nil {
			p, err := get(pid)
			if err != nil {
				return nil, err
			}
			if pi, err = h.storedInfo(tx, p); pi == nil || err != nil {
				return nil, err
			}
		}
		in.Gen = max(in.Gen, pi.Gen+1)
	}
	h.setInfo(v.ID, in)
	return in, nil
}

// genItem is a version in the paint-down walk.
type genItem struct {
	v   *models.Version
	gen uint32
}

type genHeap []genItem

func (q genHeap) Len() int { return len(q) }
func (q genHeap) Less(i, j int) bool {
	if q[i].gen != q[j].gen {
		return q[i].gen > q[j].gen
	}
	return q[i].v.ID > q[j].v.ID
}
func (q genHeap) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *genHeap) Push(x any)   { *q = append(*q, x.(genItem)) }
func (q *genHeap) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// mergeBaseGen is [mergeBaseOf] (the common ancestor greatest by (time,
// ID), nil for unrelated histories) found by walking down from a and b in
// generation order until only common ancestors are left: the walk visits
// the versions since the histories parted, not the whole history.
func (h *histCache) mergeBaseGen(tx *bolt.Tx, get versionGetter, a, b *models.Version) (*models.Version, error) {
	const fa, fb = 1, 2
	flags := map[models.ID]uint8{}
	done := map[models.ID]uint8{}
	q := &genHeap{}
	push := func(v *models.Version, f uint8) error {
		old := flags[v.ID]
		if old|f == old {
			return nil
		}
		flags[v.ID] = old | f
		in, err := h.infoOf(tx, get, v)
		if err != nil {
			return err
		}
		heap.Push(q, genItem{v, in.Gen})
		return nil
	}
	if err := push(a, fa); err != nil {
		return nil, err
	}
	if err := push(b, fb); err != nil {
		return nil, err
	}
	common := map[models.ID]*models.Version{}
	for q.Len() > 0 {
		stale := true
		for _, it := range *q {
			if flags[it.v.ID] != fa|fb {
				stale = false
				break
			}
		}
		if stale {
			break
		}
		it := heap.Pop(q).(genItem)
		f := flags[it.v.ID]
		if done[it.v.ID] == f {
			continue
		}
		done[it.v.ID] = f
		if f == fa|fb {
			common[it.v.ID] = it.v
		}
		for _, pid := range it.v.Parents {
			p, err := get(pid)
			if err != nil {
				return nil, err
			}
			if err := push(p, f); err != nil {
				return nil, err
			}
		}
	}
	for _, it := range *q {
		common[it.v.ID] = it.v
	}
	// An ancestor of a common ancestor is older, or as old through merge
	// versions (a merge has its later parent's time): follow those.
	var best *models.Version
	seen := map[models.ID]bool{}
	var stack []*models.Version
	for _, v := range common {
		stack = append(stack, v)
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[v.ID] {
			continue
		}
		seen[v.ID] = true
		if best == nil || compareVersions(best, v) < 0 {
			best = v
		}
		for _, pid := range v.Parents {
			p, err := get(pid)
			if err != nil {
				return nil, err
			}
			if p.Time == v.Time {
				stack = append(stack, p)
			}
		}
	}
	return best, nil
}

// isAncestor reports whether x is y or an ancestor of y, walking down from
// y no further than x's generation.
func (h *histCache) isAncestor(tx *bolt.Tx, get versionGetter, x, y *models.Version) (bool, error) {
	if x.ID == y.ID {
		return true, nil
	}
	gx, err := h.infoOf(tx, get, x)
	if err != nil {
		return false, err
	}
	seen := map[models.ID]bool{y.ID: true}
	stack := []*models.Version{y}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, pid := range v.Parents {
			if pid == x.ID {
				return true, nil
			}
			if seen[pid] {
				continue
			}
			seen[pid] = true
			p, err := get(pid)
			if err != nil {
				return false, err
			}
			pi, err := h.infoOf(tx, get, p)
			if err != nil {
				return false, err
			}
			if pi.Gen > gx.Gen {
				stack = append(stack, p)
			}
		}
	}
	return false, nil
}

// changedSince lists (a superset of) the elements whose content differs
// between base and v: every element that the records of the versions
// between them list. Any path from base to v runs through versions of a
// higher generation than base's, so the walk stops there.
func (h *histCache) changedSince(tx *bolt.Tx, get versionGetter, base, v *models.Version) ([]models.ID, error) {
	bi, err := h.infoOf(tx, get, base)
	if err != nil {
		return nil, err
	}
	if v.ID == base.ID || v.Root == base.Root {
		return nil, nil
	}
	set := map[models.ID]struct{}{}
	seen := map[models.ID]bool{v.ID: true}
	stack := []*models.Version{v}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		in, err := h.infoOf(tx, get, cur)
		if err != nil {
			return nil, err
		}
		if in.Gen <= bi.Gen {
			continue
		}
		for i, pid := range cur.Parents {
			for _, id := range in.Changed[i] {
				set[id] = struct{}{}
			}
			if !seen[pid] {
				seen[pid] = true
				p, err := get(pid)
				if err != nil {
					return nil, err
				}
				stack = append(stack, p)
			}
		}
	}
	out := make([]models.ID, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	slices.Sort(out)
	return out, nil
}

// putManifest caches a manifest the store just made.
func (h *histCache) putManifest(root models.Hash, m manifest) {
	if m == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.markVerified(root)
	if _, ok := h.mans[root]; ok {
		return
	}
	h.mans[root] = m
	h.manFIFO = append(h.manFIFO, root)
	h.manSize += len(m)
	for h.manSize > maxCachedManifestEntries && len(h.manFIFO) > 1 {
		old := h.manFIFO[0]
		h.manFIFO = h.manFIFO[1:]
		h.manSize -= len(h.mans[old])
		delete(h.mans, old)
	}
}

// recordCommit writes the record of v, a commit on head (nil for a first
// version) with content es, in the commit's transaction.
func (s *Store) recordCommit(tx *bolt.Tx, txn *memdb.Txn, v, head *models.Version, es *encodedSnapshot) error {
	in := &verInfo{Gen: 1, Changed: [][]models.ID{}}
	if head != nil {
		hi, err := s.hist.infoOf(tx, s.getter(txn, nil), head)
		if err != nil {
			return err
		}
		mp, err := s.hist.manifest(tx, head.Root)
		if err != nil {
			return err
		}
		changed := es.changed
		if changed == nil {
			changed = diffManifests(mp, es.man)
		}
		in = &verInfo{Gen: hi.Gen + 1, Changed: [][]models.ID{changed}}
	}
	if err := s.hist.writeInfo(tx, v.ID, in); err != nil {
		return err
	}
	s.hist.setInfo(v.ID, in)
	s.hist.putManifest(es.root, es.man)
	return nil
}
