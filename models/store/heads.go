package store

import (
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
		loaded := s.loaded[design]
		s.loadMu.Unlock()
		if ok && !loaded {
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

// headsWith is design's heads once vs (new versions of it, parents
// first or not) are added: memdb's heads, less every parent of vs, with
// each of vs that is no parent of another.
func headsWith(txn *memdb.Txn, design models.ID, vs ...*models.Version) []models.ID {
	parent := map[models.ID]bool{}
	for _, v := range vs {
		for _, p := range v.Parents {
			parent[p] = true
		}
	}
	var out []models.ID
	for _, h := range memHeads(txn, design) {
		if !parent[h] {
			out = append(out, h)
		}
	}
	for _, v := range vs {
		if v.Design == design && !parent[v.ID] && !slices.Contains(out, v.ID) {
			out = append(out, v.ID)
		}
	}
	return sortedIDs(out)
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
// design's versions in the file (the upgrade to schema 6). The versions
// are not verified here: a design's heads are checked against its
// verified history when it is loaded.
func fillDesignHeads(tx *bolt.Tx) error {
	ids := map[models.ID][]models.ID{}
	parent := map[models.ID]bool{}
	err := tx.Bucket(bucketVersions).ForEach(func(k, raw []byte) error {
		v, err := decodeSealed(models.ID(k), raw)
		if err != nil {
			return err
		}
		ids[v.Design] = append(ids[v.Design], models.ID(k))
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
		var rec designRecord
		if err := models.DecodeCanonical(raw, &rec); err != nil {
			return fmt.Errorf("%w: design %q: %v", ErrCorrupt, k, err)
		}
		var heads []models.ID
		for _, id := range ids[models.ID(k)] {
			if !parent[id] {
				heads = append(heads, id)
			}
		}
		if len(heads) == 0 {
			return fmt.Errorf("%w: design %s has no versions", ErrCorrupt, k)
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
