package store

import (
	"bytes"
	"crypto/hmac"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// Lazy opens ([Options.Lazy]): the cost of opening and of a command does
// not grow with the studio's history. Open reads the designs (each record
// names its newest version), branches, tags and peers; a design's
// versions and conflicts are read, their seals checked (seal.go), and
// indexed in memory the first time a caller asks about that design. A
// design that fails its checks is ErrCorrupt from then on, naming the
// version and the reason, and nothing is written.

// loadLazy is load for a lazy open.
func (s *Store) loadLazy() error {
	return s.db.View(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil {
				return fmt.Errorf("%w: bucket %s missing", ErrCorrupt, b)
			}
		}
		txn := s.mem.Txn(true)
		defer txn.Abort()
		err := tx.Bucket(bucketDesigns).ForEach(func(k, v []byte) error {
			var rec designRecord
			if err := models.DecodeCanonical(v, &rec); err != nil {
				return fmt.Errorf("%w: design %q: %v", ErrCorrupt, k, err)
			}
			if rec.Latest == "" || rec.Time == nil {
				return fmt.Errorf("%w: design %s: record without its newest version", ErrCorrupt, k)
			}
			// That the newest version exists is checked with the rest of
			// the design when it is loaded (ensure): no lookups here.
			s.clock.Observe(*rec.Time)
			return txn.Insert(tableDesigns, &DesignInfo{ID: models.ID(k), Name: rec.Name, Latest: rec.Latest, Time: *rec.Time})
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketRefs).ForEach(func(k, v []byte) error {
			ref, err := parseRef(k, v)
			if err != nil {
				return err
			}
			return txn.Insert(tableRefs, ref) // its target is checked when the design is loaded
		})
		if err != nil {
			return err
		}
		err = loadPeers(tx, txn)
		if err != nil {
			return err
		}
		txn.Commit()
		return nil
	})
}

// LoadDesign reads a design's versions and conflicts into memory if they
// are not yet (a lazy store does so on first use), checking them; it says
// what is wrong with a damaged design. A store opened eagerly has
// everything loaded and returns nil.
func (s *Store) LoadDesign(design models.ID) error {
	return s.ensure(design)
}

// ensure loads design in a lazy store. Callers call it before taking a
// memdb snapshot or a write transaction that needs the design.
func (s *Store) ensure(design models.ID) error {
	if !s.opts.Lazy {
		return nil
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if s.loaded[design] {
		return nil
	}
	if err := s.loadErr[design]; err != nil {
		return err
	}
	var vs []*models.Version
	var confs []*ConflictRecord
	err := guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			var err error
			vs, confs, err = s.readDesign(tx, design)
			return err
		})
	})
	if err != nil {
		err = fmt.Errorf("loading design %s: %w", design, err)
		s.loadErr[design] = err
		return err
	}
	// What open listed without looking: the design's newest version and
	// its branches and tags must be among the versions just checked.
	have := make(map[models.ID]bool, len(vs))
	for _, v := range vs {
		have[v.ID] = true
	}
	rtxn := s.mem.Txn(false)
	if info, ok := s.designInfo(rtxn, design); ok && !have[info.Latest] {
		err := fmt.Errorf("loading design %s: %w: its newest version %s is missing", design, ErrCorrupt, short(info.Latest))
		s.loadErr[design] = err
		return err
	}
	if it, err := rtxn.Get(tableRefs, indexDesign, string(design)); err == nil {
		for o := it.Next(); o != nil; o = it.Next() {
			if r := o.(*Ref); !have[r.Version] {
				err := fmt.Errorf("loading design %s: %w: %s %q points at missing version %s", design, ErrCorrupt, r.Kind, r.Name, short(r.Version))
				s.loadErr[design] = err
				return err
			}
		}
	}
	txn := s.mem.Txn(true)
	defer txn.Abort()
	for _, v := range vs {
		if o, _ := txn.First(tableVersions, indexID, string(v.ID)); o != nil {
			continue
		}
		if err := txn.Insert(tableVersions, v); err != nil {
			return fmt.Errorf("indexing version %s: %w", short(v.ID), err)
		}
	}
	for _, c := range confs {
		if o, _ := txn.First(tableConflicts, indexID, c.Key); o != nil {
			continue
		}
		if err := txn.Insert(tableConflicts, c); err != nil {
			return fmt.Errorf("indexing conflict: %w", err)
		}
	}
	txn.Commit()
	s.loaded[design] = true
	return nil
}

// ensureVersion loads the design of version id, if the store has it.
func (s *Store) ensureVersion(id models.ID) error {
	if !s.opts.Lazy {
		return nil
	}
	if _, err := s.version(s.mem.Txn(false), id); err == nil {
		return nil
	}
	var design models.ID
	_ = s.db.View(func(tx *bolt.Tx) error {
		if raw := tx.Bucket(bucketVersions).Get([]byte(id)); raw != nil {
			if v, err := decodeSealed(id, raw); err == nil {
				design = v.Design // a hint only: ensure checks it
			}
		}
		return nil
	})
	if design == "" {
		return nil // not found: the caller says so
	}
	return s.ensure(design)
}

// ensureAll loads every design (rare callers that scan all versions).
func (s *Store) ensureAll() error {
	for _, d := range s.Designs() {
		if err := s.ensure(d.ID); err != nil {
			return err
		}
	}
	return nil
}

// readDesign reads and checks a design's versions and conflicts.
func (s *Store) readDesign(tx *bolt.Tx, design models.ID) ([]*models.Version, []*ConflictRecord, error) {
	prefix := indexKey(design, "")
	vb, mb := tx.Bucket(bucketVersions), tx.Bucket(bucketManifests)
	byID := map[models.ID]*models.Version{}
	var vs []*models.Version
	c := tx.Bucket(bucketIndex).Cursor()
	for k, seal := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, seal = c.Next() {
		id := models.ID(k[len(prefix):])
		raw := vb.Get([]byte(id))
		if raw == nil {
			return nil, nil, fmt.Errorf("%w: version %s missing", ErrCorrupt, short(id))
		}
		var v *models.Version
		var err error
		if s.seal != nil {
			if !hmac.Equal(seal, s.seal.sum(id, raw)) {
				return nil, nil, fmt.Errorf("%w: version %s: its bytes are not those verified when it entered (seal mismatch)", ErrCorrupt, short(id))
			}
			v, err = decodeSealed(id, raw)
			if err == nil && IsRoot(v) {
				err = s.checkAuthor(v)
			}
		} else {
			v, err = DecodeVersion(raw)
			if err == nil && v.ID != id {
				err = fmt.Errorf("%w: stored under %s", ErrBadID, short(id))
			}
			if err == nil {
				err = s.checkAuthor(v)
			}
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%w: version %s: %w", ErrCorrupt, short(id), err)
		}
		if v.Design != design {
			return nil, nil, fmt.Errorf("%w: version %s is listed under design %s but belongs to %s", ErrCorrupt, short(id), design, v.Design)
		}
		if err := s.checkRecord(tx, id); err != nil {
			return nil, nil, err
		}
		if mb.Get(v.Root[:]) == nil {
			return nil, nil, fmt.Errorf("%w: version %s: manifest %s missing", ErrCorrupt, short(v.ID), shortHash(v.Root))
		}
		byID[id] = v
		vs = append(vs, v)
	}
	for _, v := range vs {
		for _, p := range v.Parents {
			if _, ok := byID[p]; !ok {
				return nil, nil, fmt.Errorf("%w: version %s: %w %s", ErrCorrupt, short(v.ID), ErrUnknownParent, short(p))
			}
		}
		s.clock.Observe(v.Time)
	}
	var confs []*ConflictRecord
	cc := tx.Bucket(bucketConflicts).Cursor()
	for k, val := cc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, val = cc.Next() {
		rec := &ConflictRecord{}
		if err := models.DecodeCanonical(val, rec); err != nil {
			return nil, nil, fmt.Errorf("%w: conflict %q: %v", ErrCorrupt, k, err)
		}
		rec.Key = conflictKey(&rec.Conflict)
		if rec.Key != string(k) {
			return nil, nil, fmt.Errorf("%w: conflict stored under %q", ErrCorrupt, k)
		}
		confs = append(confs, rec)
	}
	slices.SortFunc(vs, compareVersions)
	return vs, confs, nil
}

// ensureBatch loads the designs a batch touches, before a receive takes
// its snapshot of the index.
func (s *Store) ensureBatch(b *Batch) error {
	if !s.opts.Lazy {
		return nil
	}
	for _, v := range b.Versions {
		if v != nil && checkName("design ID", string(v.Design)) == nil {
			if err := s.ensure(v.Design); err != nil {
				return err
			}
		}
	}
	for _, r := range b.Refs {
		if checkName("design ID", string(r.Design)) == nil {
			if err := s.ensure(r.Design); err != nil {
				return err
			}
		}
	}
	return nil
}

// LatestElement reads one element of a design's newest version (see
// [DesignInfo]) without loading the design's history: the version is
// checked against its seal (or signature) alone and the element against
// its hash. Commands use it to find a design by a property of its meta
// element (the style number) in a large studio.
func (s *Store) LatestElement(design, element models.ID) (models.Element, bool, error) {
	info, err := s.Design(design)
	if err != nil {
		return models.Element{}, false, err
	}
	var el models.Element
	var found bool
	err = guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			raw := tx.Bucket(bucketVersions).Get([]byte(info.Latest))
			seal := tx.Bucket(bucketIndex).Get(indexKey(design, info.Latest))
			if raw == nil || seal == nil {
				return fmt.Errorf("%w: version %s missing", ErrCorrupt, short(info.Latest))
			}
			var v *models.Version
			var err error
			if s.seal != nil {
				if !hmac.Equal(seal, s.seal.sum(info.Latest, raw)) {
					return fmt.Errorf("%w: version %s: its bytes are not those verified when it entered (seal mismatch)", ErrCorrupt, short(info.Latest))
				}
				v, err = decodeSealed(info.Latest, raw)
			} else if v, err = DecodeVersion(raw); err == nil && v.ID != info.Latest {
				err = fmt.Errorf("%w: stored under %s", ErrBadID, short(info.Latest))
			}
			if err != nil {
				return fmt.Errorf("%w: version %s: %w", ErrCorrupt, short(info.Latest), err)
			}
			m, err := s.hist.manifest(tx, v.Root)
			if err != nil {
				return err
			}
			h, ok := m[element]
			if !ok {
				return nil
			}
			el, err = s.hist.element(tx, element, h)
			found = err == nil
			return err
		})
	})
	if err != nil {
		return models.Element{}, false, fmt.Errorf("reading design %s: %w", design, err)
	}
	return el, found, nil
}
