package store

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// checkName refuses names that cannot be keys: empty, over 256 bytes, not
// UTF-8, or holding NUL (the key separator).
func checkName(what, name string) error {
	if name == "" || len(name) > 256 || !utf8.ValidString(name) {
		return fmt.Errorf("%w: %s %q", ErrInvalid, what, name)
	}
	for i := 0; i < len(name); i++ {
		if name[i] == 0 {
			return fmt.Errorf("%w: %s holds NUL", ErrInvalid, what)
		}
	}
	return nil
}

// designName reads the design name from a snapshot's meta element.
func designName(snap models.Snapshot) string {
	el, ok := snap[models.MetaID]
	if !ok {
		return ""
	}
	var name string
	if err := models.DecodeCanonical(el.Props["name"], &name); err != nil {
		return ""
	}
	return name
}

// writeContent stores the objects of es that the file lacks; elements
// that known (a stored manifest, may be nil) lists under the same ID are
// stored already.
func writeContent(tx *bolt.Tx, es *encodedSnapshot, known manifest) error {
	eb := tx.Bucket(bucketElements)
	for h, b := range es.newElements(known) {
		if eb.Get(h[:]) != nil {
			continue
		}
		if err := eb.Put(bytesOf(h), b); err != nil {
			return fmt.Errorf("writing element: %w", err)
		}
	}
	mb := tx.Bucket(bucketManifests)
	if mb.Get(es.root[:]) == nil {
		if err := mb.Put(bytesOf(es.root), es.manifest); err != nil {
			return fmt.Errorf("writing manifest: %w", err)
		}
	}
	return nil
}

func bytesOf(h models.Hash) []byte { return append([]byte(nil), h[:]...) }

// writeVersion stores v and indexes it under its design, sealed (seal.go).
func (s *Store) writeVersion(tx *bolt.Tx, v *models.Version) error {
	b, err := EncodeVersion(v)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketVersions).Put([]byte(v.ID), b); err != nil {
		return fmt.Errorf("writing version %s: %w", short(v.ID), err)
	}
	return s.writeIndex(tx, v, b)
}

func writeRef(tx *bolt.Tx, r *Ref) error {
	if err := tx.Bucket(bucketRefs).Put([]byte(r.Key), []byte(r.Version)); err != nil {
		return fmt.Errorf("writing %s %q: %w", r.Kind, r.Name, err)
	}
	return nil
}

func writeDesign(tx *bolt.Tx, id models.ID, name string, latest *models.Version, heads []models.ID) error {
	t := latest.Time
	b, err := models.Canonical(designRecord{Name: name, Latest: latest.ID, Time: &t, Heads: sortedIDs(heads)})
	if err != nil {
		return fmt.Errorf("encoding design %s: %w", id, err)
	}
	if err := tx.Bucket(bucketDesigns).Put([]byte(id), b); err != nil {
		return fmt.Errorf("writing design %s: %w", id, err)
	}
	return nil
}

// write runs durable in one fsync'd bbolt transaction, then index in one
// memdb transaction, then sends events. The caller holds s.wmu.
func (s *Store) write(durable func(tx *bolt.Tx) error, index func(txn *memdb.Txn) error, events ...Event) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if err := s.db.Update(durable); err != nil {
		return err
	}
	txn := s.mem.Txn(true)
	defer txn.Abort()
	if err := index(txn); err != nil {
		// On disk but not indexed: only a programming error gets here; a
		// reopen recovers the consistent state from the file.
		return fmt.Errorf("indexing (reopen the store): %w", err)
	}
	txn.Commit()
	s.notify(events...)
	return nil
}

// refreshDesign inserts or refreshes a design's list entry after versions
// were added.
func refreshDesign(txn *memdb.Txn, id models.ID, name string) error {
	latest, err := latestVersion(txn, id)
	if err != nil {
		return err
	}
	if latest == nil {
		return fmt.Errorf("design %s has no versions", id)
	}
	return txn.Insert(tableDesigns, &DesignInfo{ID: id, Name: name, Latest: latest.ID, Time: latest.Time})
}

// Commit records snap as a new version of design on branch, signed by
// author, and returns it once it is on disk. A design the store does not
// know yet is created, with the branch pointing at its first version. The
// parent is the branch head. When snap equals the head's content nothing
// is written and Commit returns the head with ErrNoChange.
func (s *Store) Commit(design models.ID, branch string, snap models.Snapshot, msg string, author *Identity) (*models.Version, error) {
	return s.commitChecked(design, branch, snap, msg, author, nil, nil)
}

// typedCheck is what Options.ValidateDesign said of the typed design a
// commit's content was made from; done is false without ValidateDesign.
type typedCheck struct {
	invalid error
	done    bool
}

// commitChecked is Commit; typed, when not nil and done, is the verdict
// on the design snap was made from, which stands instead of validating
// snap by Options.Validate; enc, when not nil, is snap with its elements'
// bytes and hashes.
func (s *Store) commitChecked(design models.ID, branch string, snap models.Snapshot, msg string, author *Identity, typed *typedCheck, enc *models.EncodedSnapshot) (*models.Version, error) {
	v, err := s.commit(design, branch, snap, msg, author, typed, enc)
	if err != nil && !errors.Is(err, ErrNoChange) {
		return nil, fmt.Errorf("committing to %s/%s: %w", design, branch, err)
	}
	if err != nil {
		return v, fmt.Errorf("committing to %s/%s: %w", design, branch, err)
	}
	return v, nil
}

func (s *Store) commit(design models.ID, branch string, snap models.Snapshot, msg string, author *Identity, typed *typedCheck, enc *models.EncodedSnapshot) (*models.Version, error) {
	if err := checkName("design ID", string(design)); err != nil {
		return nil, err
	}
	if err := checkName("branch", branch); err != nil {
		return nil, err
	}
	if author == nil {
		return nil, fmt.Errorf("%w: no author", ErrInvalid)
	}
	if len(msg) > MaxVersionSize/2 {
		return nil, fmt.Errorf("%w: message of %d bytes", ErrTooLarge, len(msg))
	}
	if !utf8.ValidString(msg) {
		return nil, fmt.Errorf("%w: the message is not valid UTF-8 text: %q", ErrInvalid, msg)
	}
	if a := author.Author(); !utf8.ValidString(a.Name) || !utf8.ValidString(a.PeerID) {
		return nil, fmt.Errorf("%w: the author's name is not valid UTF-8 text: %q", ErrInvalid, a.Name)
	}
	if enc != nil && (typed == nil || !typed.done) {
		snap = enc.Snapshot()
	}
	if typed != nil && typed.done {
		if typed.invalid != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalid, typed.invalid)
		}
	} else if s.opts.Validate != nil {
		if err := s.opts.Validate(design, snap); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	var es *encodedSnapshot
	var err error
	if enc != nil {
		es, err = encodedFrom(enc)
	} else {
		es, err = encodeSnapshot(snap)
	}
	if err != nil {
		return nil, err
	}
	if err := s.ensure(design); err != nil {
		return nil, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()

	rtxn := s.mem.Txn(false)
	_, known := s.designInfo(rtxn, design)
	head, err := s.refHead(rtxn, design, RefBranch, branch)
	if err != nil && (known || !errors.Is(err, ErrNotFound)) {
		return nil, err
	}
	if es.manifest == nil {
		if err := s.finishManifest(es, head); err != nil {
			return nil, err
		}
	}
	v := &models.Version{Design: design, Author: author.Author(), Message: msg, Root: es.root}
	if head == nil {
		v.Time = s.clock.Now()
	} else {
		if head.Root == es.root {
			return cloneVersion(head), ErrNoChange
		}
		v.Parents = []models.ID{head.ID}
		v.Time = s.clock.After(head.Time)
	}
	if err := Sign(v, author.Key); err != nil {
		return nil, err
	}
	ref := &Ref{Key: refKey(design, RefBranch, branch), Design: design, Kind: RefBranch, Name: branch, Version: v.ID}
	var name string
	if enc != nil {
		name = designName(models.Snapshot{models.MetaID: enc.Elements[models.MetaID].Element})
	} else {
		name = designName(snap)
	}
	stored := cloneVersion(v)
	packed := false
	err = s.write(func(tx *bolt.Tx) error {
		// Elements the head holds under the same ID are stored: only the
		// others are looked up, checked and written.
		var hm manifest
		if head != nil {
			if hm, err = s.hist.manifest(tx, head.Root); err != nil {
				return err
			}
		}
		if err := checkNewElements(tx, es, s.hist, hm); err != nil {
			return err
		}
		if err := writeContent(tx, es, hm); err != nil {
			return err
		}
		if packed, err = s.hist.maybeWritePack(tx, design, es); err != nil {
			return err
		}
		if err := s.writeVersion(tx, v); err != nil {
			return err
		}
		if err := s.recordCommit(tx, rtxn, v, head, es); err != nil {
			return err
		}
		if err := writeRef(tx, ref); err != nil {
			return err
		}
		return writeDesign(tx, design, name, v, headsAfter(rtxn, v))
	}, func(txn *memdb.Txn) error { return indexCommit(txn, stored, ref, name) },
		Event{Kind: EventVersions, Design: design}, Event{Kind: EventRefs, Design: design}, Event{Kind: EventDesigns, Design: design})
	if err != nil {
		return nil, err
	}
	if packed {
		s.hist.packWritten(design)
	}
	return v, nil
}

// indexCommit indexes a version committed on a branch: the version, the
// moved branch, and the design's list entry (named name).
func indexCommit(txn *memdb.Txn, v *models.Version, ref *Ref, name string) error {
	if err := insertVersions(txn, []*models.Version{v}); err != nil {
		return err
	}
	if err := txn.Insert(tableRefs, ref); err != nil {
		return err
	}
	return refreshDesign(txn, v.Design, name)
}

func (s *Store) designInfo(txn *memdb.Txn, id models.ID) (*DesignInfo, bool) {
	o, err := txn.First(tableDesigns, indexID, string(id))
	if err != nil || o == nil {
		return nil, false
	}
	return o.(*DesignInfo), true
}

// refHead returns the version a ref points at.
func (s *Store) refHead(txn *memdb.Txn, design models.ID, kind RefKind, name string) (*models.Version, error) {
	o, err := txn.First(tableRefs, indexID, refKey(design, kind, name))
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, fmt.Errorf("%w: %s %q of design %s", ErrNotFound, kind, name, design)
	}
	return s.version(txn, o.(*Ref).Version)
}

func (s *Store) version(txn *memdb.Txn, id models.ID) (*models.Version, error) {
	o, err := txn.First(tableVersions, indexID, string(id))
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, fmt.Errorf("%w: version %s", ErrNotFound, short(id))
	}
	return o.(*models.Version), nil
}

// Version returns a version by ID.
func (s *Store) Version(id models.ID) (*models.Version, error) {
	if err := s.ensureVersion(id); err != nil {
		return nil, fmt.Errorf("reading version: %w", err)
	}
	v, err := s.version(s.mem.Txn(false), id)
	if err != nil {
		return nil, fmt.Errorf("reading version: %w", err)
	}
	return cloneVersion(v), nil
}

// HasVersion reports whether the store holds the version.
func (s *Store) HasVersion(id models.ID) bool {
	if s.ensureVersion(id) != nil {
		return false
	}
	_, err := s.version(s.mem.Txn(false), id)
	return err == nil
}

// ResolveVersion finds a version of design by full ID or by a unique
// prefix of at least 4 characters (as shown by short IDs).
func (s *Store) ResolveVersion(design models.ID, prefix string) (*models.Version, error) {
	if err := s.ensure(design); err != nil {
		return nil, fmt.Errorf("resolving version %q: %w", prefix, err)
	}
	if v, err := s.Version(models.ID(prefix)); err == nil {
		return v, nil
	}
	if len(prefix) < 4 {
		return nil, fmt.Errorf("resolving version %q: %w", prefix, ErrNotFound)
	}
	var found *models.Version
	for _, v := range s.History(design) {
		if len(v.ID) >= len(prefix) && string(v.ID[:len(prefix)]) == prefix {
			if found != nil {
				return nil, fmt.Errorf("resolving version %q: %w: ambiguous prefix", prefix, ErrInvalid)
			}
			found = v
		}
	}
	if found == nil {
		return nil, fmt.Errorf("resolving version %q: %w", prefix, ErrNotFound)
	}
	return found, nil
}

// Snapshot returns the content of a version.
func (s *Store) Snapshot(id models.ID) (models.Snapshot, error) {
	if err := s.ensureVersion(id); err != nil {
		return nil, fmt.Errorf("reading snapshot: %w", err)
	}
	v, err := s.version(s.mem.Txn(false), id)
	if err != nil {
		return nil, fmt.Errorf("reading snapshot: %w", err)
	}
	var snap models.Snapshot
	err = s.db.View(func(tx *bolt.Tx) error {
		snap, err = readSnapshot(tx, v.Root)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading snapshot of %s: %w", short(id), err)
	}
	return snap, nil
}

func readSnapshot(tx *bolt.Tx, root models.Hash) (models.Snapshot, error) {
	snap, _, err := readSnapshotEnc(tx, root, false)
	return snap, err
}

// readSnapshotEnc is readSnapshot, with each element's bytes (a copy) and
// hash when withEnc.
func readSnapshotEnc(tx *bolt.Tx, root models.Hash, withEnc bool) (models.Snapshot, map[models.ID]models.EncodedBytes, error) {
	snap, enc, _, err := readSnapshotFrom(tx, root, withEnc, nil)
	return snap, enc, err
}

// readSnapshotFrom is readSnapshotEnc taking each element from pack (by
// hash; see readPack) where it holds bytes of that hash, and from the
// elements bucket otherwise; it also says how many the pack did not give.
func readSnapshotFrom(tx *bolt.Tx, root models.Hash, withEnc bool, pack map[models.Hash][]byte) (models.Snapshot, map[models.ID]models.EncodedBytes, int, error) {
	mb := tx.Bucket(bucketManifests).Get(root[:])
	if mb == nil {
		return nil, nil, 0, fmt.Errorf("%w: manifest %s missing", ErrCorrupt, shortHash(root))
	}
	m, err := decodeManifest(mb, root)
	if err != nil {
		return nil, nil, 0, err
	}
	snap := make(models.Snapshot, len(m))
	var enc map[models.ID]models.EncodedBytes
	if withEnc {
		enc = make(map[models.ID]models.EncodedBytes, len(m))
	}
	eb := tx.Bucket(bucketElements)
	misses := 0
	for id, h := range m {
		var el models.Element
		b, ok := pack[h]
		if ok && models.HashOf(b) == h {
			el, err = decodeHashed(id, b, h)
		} else {
			misses++
			if b = eb.Get(h[:]); b == nil {
				return nil, nil, 0, fmt.Errorf("%w: element %s (%s) missing", ErrCorrupt, id, shortHash(h))
			}
			el, err = decodeStored(id, b, h)
		}
		if err != nil {
			return nil, nil, 0, err
		}
		snap[id] = el
		if withEnc {
			enc[id] = models.EncodedBytes{Enc: bytes.Clone(b), Hash: h}
		}
	}
	return snap, enc, misses, nil
}

// Designs lists the designs, by name.
//
// In a lazy store the first call reads every design's list entry; on a
// damaged entry it lists those read before ([Store.LoadDirectory] says
// what is wrong).
func (s *Store) Designs() []DesignInfo {
	_ = s.ensureDir()
	txn := s.mem.Txn(false)
	it, err := txn.Get(tableDesigns, indexID)
	if err != nil {
		return nil
	}
	var out []DesignInfo
	for o := it.Next(); o != nil; o = it.Next() {
		out = append(out, *o.(*DesignInfo))
	}
	slices.SortFunc(out, func(a, b DesignInfo) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Design returns one design's list entry.
func (s *Store) Design(id models.ID) (DesignInfo, error) {
	if err := s.ensureEntry(id); err != nil {
		return DesignInfo{}, fmt.Errorf("reading design: %w", err)
	}
	d, ok := s.designInfo(s.mem.Txn(false), id)
	if !ok {
		return DesignInfo{}, fmt.Errorf("reading design: %w: design %s", ErrNotFound, id)
	}
	return *d, nil
}

// FindDesign finds a design by ID or, failing that, by name (case
// insensitive); a name shared by several designs is ErrInvalid.
func (s *Store) FindDesign(idOrName string) (DesignInfo, error) {
	if checkName("design ID", idOrName) == nil {
		d, err := s.Design(models.ID(idOrName))
		if err == nil {
			return d, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return DesignInfo{}, fmt.Errorf("finding design %q: %w", idOrName, err)
		}
	}
	if err := s.ensureNamed(idOrName); err != nil {
		return DesignInfo{}, fmt.Errorf("finding design %q: %w", idOrName, err)
	}
	txn := s.mem.Txn(false)
	it, err := txn.Get(tableDesigns, indexName, idOrName)
	if err != nil {
		return DesignInfo{}, fmt.Errorf("finding design %q: %w", idOrName, err)
	}
	var found []*DesignInfo
	for o := it.Next(); o != nil; o = it.Next() {
		found = append(found, o.(*DesignInfo))
	}
	switch len(found) {
	case 0:
		return DesignInfo{}, fmt.Errorf("finding design %q: %w", idOrName, ErrNotFound)
	case 1:
		return *found[0], nil
	}
	return DesignInfo{}, fmt.Errorf("finding design %q: %w: %d designs have that name, use the ID", idOrName, ErrInvalid, len(found))
}

// History lists every version of a design, newest first by (time, ID).
func (s *Store) History(design models.ID) []*models.Version {
	if s.ensure(design) != nil {
		return nil // a damaged design: LoadDesign says what is wrong
	}
	txn := s.mem.Txn(false)
	it, err := txn.GetReverse(tableVersions, indexDesignTime+"_prefix", string(design))
	if err != nil {
		return nil
	}
	var out []*models.Version
	for o := it.Next(); o != nil; o = it.Next() {
		out = append(out, cloneVersion(o.(*models.Version)))
	}
	return out
}

// VersionCount is how many versions of design the store holds (0 for a
// design it does not know, or cannot read).
func (s *Store) VersionCount(design models.ID) int {
	if s.ensure(design) != nil {
		return 0
	}
	it, err := s.mem.Txn(false).Get(tableVersions, indexDesignTime+"_prefix", string(design))
	if err != nil {
		return 0
	}
	n := 0
	for o := it.Next(); o != nil; o = it.Next() {
		n++
	}
	return n
}

// Log lists the versions reachable from a branch head, newest first by
// (time, ID).
func (s *Store) Log(design models.ID, branch string) ([]*models.Version, error) {
	if err := s.ensure(design); err != nil {
		return nil, fmt.Errorf("reading log: %w", err)
	}
	txn := s.mem.Txn(false)
	head, err := s.refHead(txn, design, RefBranch, branch)
	if err != nil {
		return nil, fmt.Errorf("reading log: %w", err)
	}
	anc, err := s.ancestors(txn, head.ID)
	if err != nil {
		return nil, fmt.Errorf("reading log: %w", err)
	}
	out := make([]*models.Version, 0, len(anc))
	for _, v := range anc {
		out = append(out, cloneVersion(v))
	}
	sortNewestFirst(out)
	return out, nil
}

func sortNewestFirst(vs []*models.Version) {
	slices.SortFunc(vs, func(a, b *models.Version) int { return -compareVersions(a, b) })
}

// compareVersions orders by (time, ID).
func compareVersions(a, b *models.Version) int {
	if a.Time != b.Time {
		if a.Time.Less(b.Time) {
			return -1
		}
		return 1
	}
	return cmp.Compare(a.ID, b.ID)
}

// ancestors returns id and all its ancestors.
func (s *Store) ancestors(txn *memdb.Txn, id models.ID) (map[models.ID]*models.Version, error) {
	seen := map[models.ID]*models.Version{}
	stack := []models.ID{id}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := seen[cur]; ok {
			continue
		}
		v, err := s.version(txn, cur)
		if err != nil {
			return nil, err
		}
		seen[cur] = v
		stack = append(stack, v.Parents...)
	}
	return seen, nil
}

// Heads lists a design's versions that no other version has as parent,
// newest first.
func (s *Store) Heads(design models.ID) []*models.Version {
	if s.ensure(design) != nil {
		return nil
	}
	it, err := s.mem.Txn(false).GetReverse(tableHeads, indexDesignTime+"_prefix", string(design))
	if err != nil {
		return nil
	}
	var out []*models.Version
	for o := it.Next(); o != nil; o = it.Next() {
		out = append(out, cloneVersion(o.(*models.Version)))
	}
	return out
}

// Refs lists a design's branches and tags, by kind then name.
func (s *Store) Refs(design models.ID) []Ref {
	if s.ensureEntry(design) != nil {
		return nil // a damaged design: LoadDesign says what is wrong
	}
	txn := s.mem.Txn(false)
	it, err := txn.Get(tableRefs, indexDesign, string(design))
	if err != nil {
		return nil
	}
	var out []Ref
	for o := it.Next(); o != nil; o = it.Next() {
		out = append(out, *o.(*Ref))
	}
	slices.SortFunc(out, func(a, b Ref) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// Head returns the version a branch points at.
func (s *Store) Head(design models.ID, branch string) (*models.Version, error) {
	if err := s.ensure(design); err != nil {
		return nil, fmt.Errorf("reading head: %w", err)
	}
	v, err := s.refHead(s.mem.Txn(false), design, RefBranch, branch)
	if err != nil {
		return nil, fmt.Errorf("reading head: %w", err)
	}
	return cloneVersion(v), nil
}

// Branch creates branch name at version from (a version of design).
func (s *Store) Branch(design models.ID, name string, from models.ID) error {
	return s.makeRef(design, RefBranch, name, from)
}

// Tag names a version; tags never move: tagging another version under an
// existing name is ErrExists (re-tagging the same version is a no-op).
func (s *Store) Tag(design models.ID, name string, version models.ID) error {
	return s.makeRef(design, RefTag, name, version)
}

func (s *Store) makeRef(design models.ID, kind RefKind, name string, target models.ID) error {
	if err := checkName(string(kind), name); err != nil {
		return fmt.Errorf("creating %s: %w", kind, err)
	}
	if err := s.ensure(design); err != nil {
		return fmt.Errorf("creating %s %q: %w", kind, name, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	txn := s.mem.Txn(false)
	v, err := s.version(txn, target)
	if err != nil {
		return fmt.Errorf("creating %s %q: %w", kind, name, err)
	}
	if v.Design != design {
		return fmt.Errorf("creating %s %q: %w: version %s belongs to design %s", kind, name, ErrInvalid, short(target), v.Design)
	}
	if cur, err := s.refHead(txn, design, kind, name); err == nil {
		if cur.ID == target {
			return nil
		}
		return fmt.Errorf("creating %s %q: %w (at %s)", kind, name, ErrExists, short(cur.ID))
	}
	if kind == RefBranch {
		if err := s.checkNotDeleted(txn, design, name, v); err != nil {
			if !errors.Is(err, errCovered) {
				return fmt.Errorf("creating %s %q: %w", kind, name, err)
			}
			// Deleted at this version or a later one: the branch is made
			// on a new version on top (remakeBranch).
			author, aerr := s.deleter()
			if aerr != nil {
				return fmt.Errorf("creating %s %q: %w (and no identity to make it again: %v)", kind, name, err, aerr)
			}
			if _, err := s.remakeBranch(txn, design, name, v, author); err != nil {
				return fmt.Errorf("creating %s %q: %w", kind, name, err)
			}
			return nil
		}
	}
	ref := &Ref{Key: refKey(design, kind, name), Design: design, Kind: kind, Name: name, Version: target}
	err = s.write(func(tx *bolt.Tx) error { return writeRef(tx, ref) },
		func(txn *memdb.Txn) error { return txn.Insert(tableRefs, ref) },
		Event{Kind: EventRefs, Design: design})
	if err != nil {
		return fmt.Errorf("creating %s %q: %w", kind, name, err)
	}
	return nil
}

// Restore commits, on branch, a new version whose content equals version
// old. ErrNoChange (with the head) when the branch already has that
// content.
func (s *Store) Restore(design models.ID, branch string, old models.ID, author *Identity) (*models.Version, error) {
	v, err := s.Version(old)
	if err != nil {
		return nil, fmt.Errorf("restoring: %w", err)
	}
	if v.Design != design {
		return nil, fmt.Errorf("restoring: %w: version %s belongs to design %s", ErrInvalid, short(old), v.Design)
	}
	snap, err := s.Snapshot(old)
	if err != nil {
		return nil, fmt.Errorf("restoring: %w", err)
	}
	return s.Commit(design, branch, snap, "Restore "+short(old), author)
}
