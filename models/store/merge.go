package store

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// Diff lists the differences from version a to version b (see
// [models.Diff]).
func (s *Store) Diff(a, b models.ID) ([]models.Change, error) {
	sa, err := s.Snapshot(a)
	if err != nil {
		return nil, fmt.Errorf("diffing: %w", err)
	}
	sb, err := s.Snapshot(b)
	if err != nil {
		return nil, fmt.Errorf("diffing: %w", err)
	}
	return models.Diff(sa, sb), nil
}

// MergeBase returns the deterministic common ancestor of a and b: among
// all their common ancestors, the greatest by (time, ID). It depends only
// on the DAG, so every peer picks the same one.
func (s *Store) MergeBase(a, b models.ID) (*models.Version, error) {
	if err := s.ensureVersion(a); err != nil {
		return nil, fmt.Errorf("finding merge base: %w", err)
	}
	if err := s.ensureVersion(b); err != nil {
		return nil, fmt.Errorf("finding merge base: %w", err)
	}
	txn := s.mem.Txn(false)
	base, err := s.mergeBase(txn, a, b)
	if err != nil {
		return nil, fmt.Errorf("finding merge base: %w", err)
	}
	return cloneVersion(base), nil
}

func (s *Store) mergeBase(txn *memdb.Txn, a, b models.ID) (*models.Version, error) {
	return mergeBaseOf(s.getter(txn, nil), a, b)
}

// getter looks versions up in extra (a batch being applied), then in txn.
func (s *Store) getter(txn *memdb.Txn, extra map[models.ID]*models.Version) versionGetter {
	return func(id models.ID) (*models.Version, error) {
		if v, ok := extra[id]; ok {
			return v, nil
		}
		return s.version(txn, id)
	}
}

func ancestorsOf(get versionGetter, id models.ID) (map[models.ID]*models.Version, error) {
	seen := map[models.ID]*models.Version{}
	stack := []models.ID{id}
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := seen[cur]; ok {
			continue
		}
		v, err := get(cur)
		if err != nil {
			return nil, err
		}
		seen[cur] = v
		stack = append(stack, v.Parents...)
	}
	return seen, nil
}

func mergeBaseOf(get versionGetter, a, b models.ID) (*models.Version, error) {
	ancA, err := ancestorsOf(get, a)
	if err != nil {
		return nil, err
	}
	ancB, err := ancestorsOf(get, b)
	if err != nil {
		return nil, err
	}
	var best *models.Version
	for id, v := range ancA {
		if _, ok := ancB[id]; ok && (best == nil || compareVersions(best, v) < 0) {
			best = v
		}
	}
	if best == nil {
		return nil, fmt.Errorf("%w: %s and %s share no ancestor", errUnrelated, short(a), short(b))
	}
	return best, nil
}

// errUnrelated: two histories of one design that share no version, as when
// two studios each started from the same built-in sample, or one design
// was imported twice from JSON. They merge over an empty base: every
// element counts as added on both sides, and properties both sides hold
// differently are conflicts settled by their stamps like any other.
var errUnrelated = fmt.Errorf("%w: unrelated histories", ErrNotFound)

// mergeBaseOrEmpty is mergeBaseOf with nil (the empty design) as the base
// of unrelated histories.
func mergeBaseOrEmpty(get versionGetter, a, b models.ID) (*models.Version, error) {
	base, err := mergeBaseOf(get, a, b)
	if errors.Is(err, errUnrelated) {
		return nil, nil
	}
	return base, err
}

// MergeHeads merges version other into branch of design. If other is
// already in the branch's history nothing happens; if the branch head is
// an ancestor of other the branch fast-forwards. Otherwise it writes a
// merge version: content from [models.MergeTracked] over the
// deterministic merge base, each property carrying the stamp of the
// change that set it (derived from history, see stamps.go), parents sorted, no author, time the later of the two, message
// [MergeMessage]; so two stores merging the same heads produce the same
// version ID, and a merge that arrived by sync is simply reused. Conflicts
// are recorded with both values (see [Store.Conflicts]). It returns the
// branch's new head.
func (s *Store) MergeHeads(design models.ID, branch string, other models.ID) (*models.Version, error) {
	v, err := s.mergeHeads(design, branch, other)
	if err != nil {
		return nil, fmt.Errorf("merging %s into %s/%s: %w", short(other), design, branch, err)
	}
	return v, nil
}

func (s *Store) mergeHeads(design models.ID, branch string, other models.ID) (*models.Version, error) {
	if err := s.ensure(design); err != nil {
		return nil, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	txn := s.mem.Txn(false)
	if _, err := s.refHead(txn, design, RefBranch, branch); err != nil {
		return nil, err
	}
	ov, err := s.version(txn, other)
	if err != nil {
		return nil, err
	}
	if ov.Design != design {
		return nil, fmt.Errorf("%w: version %s belongs to design %s", ErrInvalid, short(other), ov.Design)
	}
	var head *models.Version
	_, err = s.update(func(p *pending) error {
		var err error
		head, _, _, err = p.mergeInto(design, branch, ov)
		return err
	})
	if err != nil {
		return nil, err
	}
	return cloneVersion(head), nil
}

// mergeContentTx runs the three-way merge of a and b (ordered by ID) over
// base with per-property stamps derived from history (see stamps.go).
func mergeContentTx(tx *bolt.Tx, get versionGetter, h *histCache, base, a, b *models.Version) (models.Snapshot, []models.Conflict, error) {
	w := newStampWalker(tx, get, h)
	snap0 := models.Snapshot{}
	if base != nil {
		var err error
		if snap0, err = w.snapshot(base.Root); err != nil {
			return nil, nil, fmt.Errorf("version %s: %w", short(base.ID), err)
		}
	}
	sa, err := w.side(base, a)
	if err != nil {
		return nil, nil, fmt.Errorf("version %s: %w", short(a.ID), err)
	}
	sb, err := w.side(base, b)
	if err != nil {
		return nil, nil, fmt.Errorf("version %s: %w", short(b.ID), err)
	}
	merged, conflicts := models.MergeTracked(snap0, sa, sb)
	return merged.Snap, conflicts, nil
}

func stampOf(v *models.Version) models.Stamp {
	return models.Stamp{Time: v.Time, Author: v.Author.PeerID}
}

func writeConflict(tx *bolt.Tx, rec *ConflictRecord) error {
	b, err := models.Canonical(rec)
	if err != nil {
		return fmt.Errorf("encoding conflict: %w", err)
	}
	if err := tx.Bucket(bucketConflicts).Put([]byte(rec.Key), b); err != nil {
		return fmt.Errorf("writing conflict: %w", err)
	}
	return nil
}

// Conflicts lists a design's recorded conflicts, by merge, element and
// property.
func (s *Store) Conflicts(design models.ID) []ConflictRecord {
	if s.ensure(design) != nil {
		return nil
	}
	it, err := s.mem.Txn(false).Get(tableConflicts, indexDesign, string(design))
	if err != nil {
		return nil
	}
	var out []ConflictRecord
	for o := it.Next(); o != nil; o = it.Next() {
		c := *o.(*ConflictRecord)
		c.Winner, c.Loser = slices.Clone(c.Winner), slices.Clone(c.Loser)
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b ConflictRecord) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// FlipConflict makes the loser of a recorded conflict win: it commits, on
// branch, the branch head's content with the conflict's (element,
// property) set to the loser's value (a nil loser removes the property,
// or the element for an existence conflict), and marks the conflict as
// flipped by that version.
func (s *Store) FlipConflict(key string, branch string, author *Identity) (*models.Version, error) {
	if d, _, ok := strings.Cut(key, "\x00"); ok {
		if err := s.ensure(models.ID(d)); err != nil {
			return nil, fmt.Errorf("flipping conflict: %w", err)
		}
	}
	o, err := s.mem.Txn(false).First(tableConflicts, indexID, key)
	if err != nil || o == nil {
		return nil, fmt.Errorf("flipping conflict: %w: %q", ErrNotFound, key)
	}
	rec := *o.(*ConflictRecord)
	head, err := s.Head(rec.Design, branch)
	if err != nil {
		return nil, fmt.Errorf("flipping conflict: %w", err)
	}
	snap, err := s.Snapshot(head.ID)
	if err != nil {
		return nil, fmt.Errorf("flipping conflict: %w", err)
	}
	el, ok := snap[rec.Element]
	switch {
	case rec.Prop == "": // the element was deleted on the losing side
		delete(snap, rec.Element)
	case !ok:
		return nil, fmt.Errorf("flipping conflict: %w: element %s no longer exists on %s", ErrNotFound, rec.Element, branch)
	case rec.Prop == models.KindProp:
		el.Kind = models.Kind(rec.Loser)
		snap[rec.Element] = el
	default:
		el.Props = maps.Clone(el.Props)
		if rec.Loser == nil {
			delete(el.Props, rec.Prop)
		} else {
			el.Props[rec.Prop] = slices.Clone(rec.Loser)
		}
		snap[rec.Element] = el
	}
	what := string(rec.Element)
	if rec.Prop != "" {
		what += "." + rec.Prop
	}
	v, err := s.Commit(rec.Design, branch, snap, "Flip conflict on "+what, author)
	if err != nil {
		return v, fmt.Errorf("flipping conflict: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	rec.FlippedBy = v.ID
	err = s.write(func(tx *bolt.Tx) error { return writeConflict(tx, &rec) },
		func(txn *memdb.Txn) error { return txn.Insert(tableConflicts, &rec) },
		Event{Kind: EventConflicts, Design: rec.Design})
	if err != nil {
		return nil, fmt.Errorf("flipping conflict: %w", err)
	}
	return v, nil
}
