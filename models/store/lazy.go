package store

import (
	"bytes"
	"crypto/hmac"
	"fmt"
	"slices"
	"strings"

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

// loadLazy is load for a lazy open: it checks that the buckets are there
// and reads the remembered peers. The designs' list entries and refs are
// read per design when one is first used (ensureEntry), or all at once
// when a caller lists the studio (ensureDir), so that opening and a
// command touching one design cost the same in a studio of 10 designs and
// one of 1,000.
func (s *Store) loadLazy() error {
	return s.db.View(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil {
				return fmt.Errorf("%w: bucket %s missing", ErrCorrupt, b)
			}
		}
		txn := s.mem.Txn(true)
		defer txn.Abort()
		if err := loadPeers(tx, txn); err != nil {
			return err
		}
		txn.Commit()
		return nil
	})
}

// parseDesignRecord reads a designs bucket entry of a schema 3+ file as
// its list entry.
func parseDesignRecord(k, v []byte) (*DesignInfo, error) {
	info, _, err := parseDesignEntry(k, v)
	return info, err
}

// parseDesignEntry is parseDesignRecord with the heads the record lists,
// sorted (nil for a record written before they were kept).
func parseDesignEntry(k, v []byte) (*DesignInfo, []models.ID, error) {
	var rec designRecord
	if err := models.DecodeCanonical(v, &rec); err != nil {
		return nil, nil, fmt.Errorf("%w: design %q: %v", ErrCorrupt, k, err)
	}
	if rec.Latest == "" || rec.Time == nil {
		return nil, nil, fmt.Errorf("%w: design %s: record without its newest version", ErrCorrupt, k)
	}
	// That the newest version exists is checked with the rest of the
	// design when it is loaded (ensure): no lookups here.
	return &DesignInfo{ID: models.ID(k), Name: rec.Name, Latest: rec.Latest, Time: *rec.Time}, rec.Heads, nil
}

// readEntry reads one design's list entry (nil if the file has no such
// design), the heads its record lists, and its refs.
func readEntry(tx *bolt.Tx, design models.ID) (*DesignInfo, []models.ID, []*Ref, error) {
	var info *DesignInfo
	var heads []models.ID
	if v := tx.Bucket(bucketDesigns).Get([]byte(design)); v != nil {
		var err error
		if info, heads, err = parseDesignEntry([]byte(design), v); err != nil {
			return nil, nil, nil, err
		}
	}
	var refs []*Ref
	prefix := indexKey(design, "")
	c := tx.Bucket(bucketRefs).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		ref, err := parseRef(k, v)
		if err != nil {
			return nil, nil, nil, err
		}
		refs = append(refs, ref)
	}
	return info, heads, refs, nil
}

// indexEntries puts list entries and refs read from the file into memdb,
// except those memdb has: a writer has changed them since, or they were
// read before. Callers hold loadMu.
func (s *Store) indexEntries(infos []*DesignInfo, refs []*Ref) error {
	txn := s.mem.Txn(true)
	defer txn.Abort()
	for _, info := range infos {
		if o, _ := txn.First(tableDesigns, indexID, string(info.ID)); o != nil {
			continue
		}
		s.clock.Observe(info.Time)
		if err := txn.Insert(tableDesigns, info); err != nil {
			return fmt.Errorf("indexing design %s: %w", info.ID, err)
		}
	}
	for _, r := range refs {
		if o, _ := txn.First(tableRefs, indexID, r.Key); o != nil {
			continue
		}
		if err := txn.Insert(tableRefs, r); err != nil {
			return fmt.Errorf("indexing %s %q: %w", r.Kind, r.Name, err)
		}
	}
	txn.Commit()
	return nil
}

// ensureEntry reads a design's list entry and refs into memdb in a lazy
// store, if they are not yet. Every writer of a design calls it (through
// ensure) before it writes, so an entry read here is never older than one
// a writer put in memdb.
func (s *Store) ensureEntry(design models.ID) error {
	if !s.opts.Lazy {
		return nil
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	return s.ensureEntryLocked(design)
}

func (s *Store) ensureEntryLocked(design models.ID) error {
	if s.dirAll || s.dirHas[design] {
		return nil
	}
	if err := s.dirErr[design]; err != nil {
		return err
	}
	var info *DesignInfo
	var heads []models.ID
	var refs []*Ref
	err := guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			var err error
			info, heads, refs, err = readEntry(tx, design)
			return err
		})
	})
	if err != nil {
		err = fmt.Errorf("reading design %s: %w", design, err)
		s.dirErr[design] = err
		return err
	}
	var infos []*DesignInfo
	if info != nil {
		infos = append(infos, info)
	}
	if err := s.indexEntries(infos, refs); err != nil {
		return err
	}
	if heads != nil && !s.loaded[design] {
		s.recHeads[design] = heads
	}
	s.dirHas[design] = true
	return nil
}

// ensureDir reads every design's list entry and refs into memdb in a lazy
// store, if they are not yet: for callers that list the studio.
func (s *Store) ensureDir() error {
	if !s.opts.Lazy {
		return nil
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if s.dirAll {
		return nil
	}
	if s.dirAllErr != nil {
		return s.dirAllErr
	}
	var infos []*DesignInfo
	var refs []*Ref
	err := guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			err := tx.Bucket(bucketDesigns).ForEach(func(k, v []byte) error {
				if s.dirHas[models.ID(k)] {
					return nil
				}
				info, heads, err := parseDesignEntry(k, v)
				if err != nil {
					return err
				}
				infos = append(infos, info)
				if heads != nil && !s.loaded[info.ID] {
					s.recHeads[info.ID] = heads
				}
				return nil
			})
			if err != nil {
				return err
			}
			return tx.Bucket(bucketRefs).ForEach(func(k, v []byte) error {
				ref, err := parseRef(k, v)
				if err != nil {
					return err
				}
				if !s.dirHas[ref.Design] {
					refs = append(refs, ref)
				}
				return nil
			})
		})
	})
	if err != nil {
		s.dirAllErr = fmt.Errorf("reading the designs: %w", err)
		return s.dirAllErr
	}
	if err := s.indexEntries(infos, refs); err != nil {
		return err
	}
	s.dirAll = true
	return nil
}

// LoadDirectory reads every design's list entry and refs, checking their
// form (a lazy store reads them when first needed): the window, which
// lists the studio, calls it after opening to report a damaged entry at
// once. A store opened eagerly has read them and returns nil.
func (s *Store) LoadDirectory() error {
	return s.ensureDir()
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
	if err := s.ensureEntryLocked(design); err != nil {
		return err
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
			if err == nil {
				_, err = s.readTombs(tx, design) // checked like the versions
			}
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
	fresh := make([]*models.Version, 0, len(vs))
	for _, v := range vs {
		if o, _ := txn.First(tableVersions, indexID, string(v.ID)); o == nil {
			fresh = append(fresh, v)
		}
	}
	if err := insertVersions(txn, fresh); err != nil {
		return err
	}
	// The heads its record lists (what HeadIDs answered until now) must
	// be its history's.
	if err := checkRecordHeads(txn, design, s.recHeads[design]); err != nil {
		err = fmt.Errorf("loading design %s: %w", design, err)
		s.loadErr[design] = err
		return err
	}
	delete(s.recHeads, design)
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

// storedVersion decodes version id of design as the file holds it (raw)
// with its seal: checked against the seal, or, in a store without its
// secret, by its signature.
func (s *Store) storedVersion(design, id models.ID, raw, seal []byte) (*models.Version, error) {
	var v *models.Version
	var err error
	if s.seal != nil {
		if !hmac.Equal(seal, s.seal.sum(id, raw)) {
			return nil, fmt.Errorf("%w: version %s: its bytes are not those verified when it entered (seal mismatch)", ErrCorrupt, short(id))
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
		return nil, fmt.Errorf("%w: version %s: %w", ErrCorrupt, short(id), err)
	}
	if v.Design != design {
		return nil, fmt.Errorf("%w: version %s is listed under design %s but belongs to %s", ErrCorrupt, short(id), design, v.Design)
	}
	return v, nil
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
		v, err := s.storedVersion(design, id, raw, seal)
		if err != nil {
			return nil, nil, err
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
	for _, t := range b.Tombstones {
		if t != nil && checkName("design ID", string(t.Design)) == nil {
			if err := s.ensure(t.Design); err != nil {
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

// ensureNamed reads into memdb the list entries of the designs named
// name (case insensitive), as FindDesign matches it, in a lazy store that
// has not read them all: a scan of the designs bucket that decodes only
// the records holding the name, so finding a design by name does not
// index the whole studio.
func (s *Store) ensureNamed(name string) error {
	if !s.opts.Lazy {
		return nil
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if s.dirAll {
		return nil
	}
	want := strings.ToLower(name)
	var ids []models.ID
	err := guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketDesigns).ForEach(func(k, v []byte) error {
				// The name is the record's first entry: compare it
				// without decoding the record, and decode (checking its
				// form) only a match or a record laid out otherwise.
				if n, ok := recordName(v); ok && strings.ToLower(n) != want {
					return nil
				}
				info, err := parseDesignRecord(k, v)
				if err != nil {
					return err
				}
				if strings.ToLower(info.Name) == want {
					ids = append(ids, info.ID)
				}
				return nil
			})
		})
	})
	if err != nil {
		return fmt.Errorf("reading the designs: %w", err)
	}
	for _, id := range ids {
		if err := s.ensureEntryLocked(id); err != nil {
			return err
		}
	}
	return nil
}

// recordName reads the name of a canonical design record, a map whose
// first key is "name" (canonical order puts it before "time" and
// "latest"); false if v is not laid out so.
func recordName(v []byte) (string, bool) {
	if _, rest, ok := models.ReadCBORHead(v, 5); ok {
		if n, r, ok := models.ReadCBORHead(rest, 3); ok && n == 4 && len(r) >= 4 && string(r[:4]) == "name" {
			if n, r, ok := models.ReadCBORHead(r[4:], 3); ok && uint64(len(r)) >= n {
				return string(r[:n]), true
			}
		}
	}
	return "", false
}
