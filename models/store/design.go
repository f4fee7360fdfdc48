package store

import (
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"

	"maps"
	"slices"

	"cordwain/models"
)

// Checkout returns the design as it was at a version.
func (s *Store) Checkout(id models.ID) (*models.Design, error) {
	v, err := s.Version(id)
	if err != nil {
		return nil, fmt.Errorf("checking out: %w", err)
	}
	var snap models.Snapshot
	var enc map[models.ID]models.EncodedBytes
	var misses int
	err = s.db.View(func(tx *bolt.Tx) error {
		snap, enc, misses, err = readSnapshotPacked(tx, v.Design, v.Root)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("checking out %s: %w", short(id), err)
	}
	s.hist.notePack(v.Design, misses)
	// Remembered for CommitDesign: a commit of the checked-out design
	// encodes only what the caller changes.
	d, err := models.DesignFromSnapshotCached(v.Design, snap, enc, s.hist.snapshotCache(v.Design))
	if err != nil {
		return nil, fmt.Errorf("checking out %s: %w", short(id), err)
	}
	return d, nil
}

// CommitDesign commits d (its ID names the design) on branch; see
// [Store.Commit]. d is not validated here: the caller decides whether an
// invalid design may be saved (the editor saves work in progress).
//
// Only the elements that differ from what the last CommitDesign of the
// design saw are encoded again ([models.SnapshotCache]), and only those
// that differ from the branch head are looked up and written, so the cost
// of an autosave follows the edit more than the design's size.
func (s *Store) CommitDesign(branch string, d *models.Design, msg string, author *Identity) (*models.Version, error) {
	if d == nil {
		return nil, fmt.Errorf("committing design: %w: no design", ErrInvalid)
	}
	// Checking the typed design and making its element form only read
	// it: on a large design they take about as long as each other, so
	// they run side by side.
	var invalid error
	var checked sync.WaitGroup
	if s.opts.ValidateDesign != nil {
		checked.Go(func() { invalid = s.opts.ValidateDesign(d) })
	}
	enc, err := d.SnapshotCached(s.hist.snapshotCache(d.ID))
	checked.Wait()
	if err != nil {
		return nil, fmt.Errorf("committing design %s: %w", d.ID, err)
	}
	return s.commitChecked(d.ID, branch, nil, msg, author, &typedCheck{invalid: invalid, done: s.opts.ValidateDesign != nil}, enc)
}

// Root is one unsigned root version to build with [RootBatch]: a design's
// first content, the same bytes (so the same version ID) wherever it is
// built.
type Root struct {
	Design  models.ID
	Snap    models.Snapshot
	Message string
	Time    models.HLC
}

// RootBatch builds unsigned root versions (see [IsRoot]) with their
// content, ready for [Options.Seed] or [Store.Receive]. The built-in
// samples are seeded this way so every studio starts them from identical
// versions and two studios never hold unrelated histories of a sample.
func RootBatch(roots []Root) (*Batch, error) {
	b := &Batch{}
	seen := map[models.Hash]bool{}
	for _, r := range roots {
		es, err := encodeSnapshot(r.Snap)
		if err != nil {
			return nil, fmt.Errorf("root of %s: %w", r.Design, err)
		}
		v := &models.Version{Design: r.Design, Time: r.Time, Message: r.Message, Root: es.root}
		v.ID = ComputeID(v)
		if v.ID == "" || Verify(v) != nil {
			return nil, fmt.Errorf("root of %s: %w: cannot encode", r.Design, ErrInvalid)
		}
		b.Versions = append(b.Versions, v)
		b.Manifests = append(b.Manifests, es.manifest)
		for _, h := range slices.SortedFunc(maps.Keys(es.elements), compareHash) {
			if !seen[h] {
				seen[h] = true
				b.Elements = append(b.Elements, es.elements[h])
			}
		}
	}
	return b, nil
}

// Prepare makes, without writing anything, the version that
// [Store.Commit] would make of snap on branch, signed by author, as a
// batch for [Store.Receive]: the way content from outside (a JSON file)
// enters through the one receive path.
func (s *Store) Prepare(design models.ID, branch string, snap models.Snapshot, msg string, author *Identity) (*Batch, error) {
	if author == nil {
		return nil, fmt.Errorf("preparing a version: %w: no author", ErrInvalid)
	}
	es, err := encodeSnapshot(snap)
	if err != nil {
		return nil, fmt.Errorf("preparing a version: %w", err)
	}
	v := &models.Version{Design: design, Author: author.Author(), Message: msg, Root: es.root}
	if head, err := s.Head(design, branch); err == nil {
		if head.Root == es.root {
			return nil, fmt.Errorf("preparing a version: %w", ErrNoChange)
		}
		v.Parents = []models.ID{head.ID}
		v.Time = s.clock.After(head.Time)
	} else {
		v.Time = s.clock.Now()
	}
	if err := Sign(v, author.Key); err != nil {
		return nil, err
	}
	b := &Batch{Versions: []*models.Version{v}, Manifests: [][]byte{es.manifest}}
	for _, e := range es.elements {
		b.Elements = append(b.Elements, e)
	}
	return b, nil
}
