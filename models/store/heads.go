package store

import (
	"bytes"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// A design's heads are kept in memdb (the heads table, see
// insertVersions) for a loaded design, and in its record in the file,
// written in every transaction that adds versions to it, so that a lazily
// opened studio answers HeadIDs, and sync its summary, without loading
// every design's history.

// Loaded says whether design's history is in memory: a lazily opened
// store reads a design's versions on first use, and HeadIDs, HeadID and
// MetaAt do without them.
func (s *Store) Loaded(design models.ID) bool {
	if !s.opts.Lazy {
		return true
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	return s.loaded[design]
}

// HeadIDs lists the IDs of a design's heads, sorted. A design not loaded
// yet is answered from its record when the record has them (a record
// written before they were kept has not: the design is loaded then).
func (s *Store) HeadIDs(design models.ID) []models.ID {
	if s.opts.Lazy {
		if s.ensureEntry(design) != nil {
			return nil
		}
		s.loadMu.Lock()
		hs, ok := s.recHeads[design]
		loaded, damaged := s.loaded[design], s.loadErr[design] != nil
		s.loadMu.Unlock()
		if ok && !loaded && !damaged {
			return slices.Clone(hs)
		}
	}
	if s.ensure(design) != nil {
		return nil
	}
	return memHeads(s.mem.Txn(false), design)
}

// memHeads lists the IDs of design's heads in memdb, sorted.
func memHeads(txn *memdb.Txn, design models.ID) []models.ID {
	var out []models.ID
	if it, err := txn.Get(tableHeads, indexDesignTime+"_prefix", string(design)); err == nil {
		for o := it.Next(); o != nil; o = it.Next() {
			out = append(out, o.(*models.Version).ID)
		}
	}
	slices.Sort(out)
	return out
}

// headsAfter is the heads of v's design once v, a new version, is added
// on top of memdb's: those heads less v's parents, and v (unsorted:
// writeDesign sorts). A receive, which adds many, has pending.heads.
func headsAfter(txn *memdb.Txn, v *models.Version) []models.ID {
	out := []models.ID{v.ID}
	for _, h := range memHeads(txn, v.Design) {
		if !slices.Contains(v.Parents, h) {
			out = append(out, h)
		}
	}
	return out
}

// versionIDs lists the IDs of vs.
func versionIDs(vs []*models.Version) []models.ID {
	out := make([]models.ID, len(vs))
	for i, v := range vs {
		out[i] = v.ID
	}
	return out
}

// sortedIDs is a sorted copy of ids.
func sortedIDs(ids []models.ID) []models.ID {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// checkRecordHeads refuses a design whose record lists heads (sorted, as
// written) other than those of its history indexed in txn: the record is
// damaged, and a sync summary read from it would be wrong.
func checkRecordHeads(txn *memdb.Txn, design models.ID, rec []models.ID) error {
	if rec == nil {
		return nil
	}
	if got := memHeads(txn, design); !slices.Equal(got, rec) {
		return fmt.Errorf("%w: design %s: its record lists %d heads that are not its history's %d", ErrCorrupt, design, len(rec), len(got))
	}
	return nil
}

// fillDesignHeads writes into every design record the heads of the
// versions the index lists for the design, as loading it reads them (the
// upgrade to schema 6). A design the index lists nothing for (a file
// from before the index, which the open then seals), or whose versions
// or record do not read, keeps its record as it is: a damaged design
// stops no open, and loading it says what is wrong. The versions are not
// verified here: a design's heads are checked against its verified
// history when it is loaded.
func fillDesignHeads(tx *bolt.Tx) error {
	ids := map[models.ID][]models.ID{}
	parent := map[models.ID]bool{}
	damaged := map[models.ID]bool{} // left to loading, which says what is wrong
	vb := tx.Bucket(bucketVersions)
	err := tx.Bucket(bucketIndex).ForEach(func(k, _ []byte) error {
		design, id, ok := bytes.Cut(k, []byte{0})
		if !ok {
			return nil // not a key the store writes: loading reports it
		}
		raw := vb.Get(id)
		if raw == nil {
			damaged[models.ID(design)] = true
			return nil
		}
		v, err := decodeSealed(models.ID(id), raw)
		if err != nil {
			damaged[models.ID(design)] = true
			return nil
		}
		ids[models.ID(design)] = append(ids[models.ID(design)], models.ID(id))
		for _, p := range v.Parents {
			parent[p] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	db := tx.Bucket(bucketDesigns)
	put := map[string][]byte{}
	err = db.ForEach(func(k, raw []byte) error {
		if damaged[models.ID(k)] {
			return nil
		}
		var heads []models.ID
		for _, id := range ids[models.ID(k)] {
			if !parent[id] {
				heads = append(heads, id)
			}
		}
		if len(heads) == 0 {
			return nil
		}
		var rec designRecord
		if models.DecodeCanonical(raw, &rec) != nil {
			return nil // loading the design reports it
		}
		rec.Heads = sortedIDs(heads)
		b, err := models.Canonical(rec)
		if err != nil {
			return err
		}
		put[string(k)] = b
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(put)) {
		if err := db.Put([]byte(k), put[k]); err != nil {
			return err
		}
	}
	return nil
}

// HeadID is the version branch points at, without loading the design's
// history (Head loads it).
func (s *Store) HeadID(design models.ID, branch string) (models.ID, error) {
	if err := s.ensureEntry(design); err != nil {
		return "", fmt.Errorf("reading head: %w", err)
	}
	o, err := s.mem.Txn(false).First(tableRefs, indexID, refKey(design, RefBranch, branch))
	if err != nil {
		return "", fmt.Errorf("reading head: %w", err)
	}
	if o == nil {
		return "", fmt.Errorf("reading head: %w: %s %q of design %s", ErrNotFound, RefBranch, branch, design)
	}
	return o.(*Ref).Version, nil
}

// MetaAt returns the meta element (name, style number, season …) of
// version id of design, without loading the design's history: what a
// list of designs shows. The version is checked against its seal, the
// manifest and the element against their hashes.
func (s *Store) MetaAt(design, id models.ID) (models.Element, error) {
	var meta models.Element
	err := guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			var root models.Hash
			if v, err := s.version(s.mem.Txn(false), id); err == nil {
				if v.Design != design {
					return fmt.Errorf("%w: version %s of design %s", ErrNotFound, short(id), design)
				}
				root = v.Root
			} else {
				raw := tx.Bucket(bucketVersions).Get([]byte(id))
				seal := tx.Bucket(bucketIndex).Get(indexKey(design, id))
				if raw == nil || seal == nil {
					return fmt.Errorf("%w: version %s of design %s", ErrNotFound, short(id), design)
				}
				v, err := s.storedVersion(design, id, raw, seal)
				if err != nil {
					return err
				}
				root = v.Root
			}
			mraw, err := storedManifest(tx, root)
			if err != nil {
				return err
			}
			h, ok, err := manifestEntry(mraw, root, models.MetaID)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: version %s has no meta", ErrCorrupt, short(id))
			}
			eraw := tx.Bucket(bucketElements).Get(h[:])
			if eraw == nil {
				return fmt.Errorf("%w: element %s (%s) missing", ErrCorrupt, models.MetaID, shortHash(h))
			}
			meta, err = decodeStored(models.MetaID, eraw, h)
			return err
		})
	})
	if err != nil {
		return models.Element{}, fmt.Errorf("reading the meta of %s: %w", short(id), err)
	}
	return meta, nil
}
