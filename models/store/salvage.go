package store

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// SalvageReport says what [Salvage] found in a damaged store file.
type SalvageReport struct {
	Versions int      // versions found intact, with their content and ancestors
	Lost     int      // versions present but unusable (damaged, or an ancestor is)
	Problems []string // what was wrong, one line each (at most 100)
}

// Salvage reads a store file that no longer opens, read-only, and returns
// every version that is still intact (its bytes verify, its content is
// present and matches its hashes, and so are all its ancestors) as one
// batch, ready to be received into a new studio. The file is not changed.
// opts supplies CheckAuthor, Roots and Validate as for [Open]; a version
// that fails them counts as lost.
func Salvage(dir string, opts Options) (*Batch, SalvageReport, error) {
	var rep SalvageReport
	note := func(format string, a ...any) {
		if len(rep.Problems) < 100 {
			rep.Problems = append(rep.Problems, fmt.Sprintf(format, a...))
		}
	}
	path := filepath.Join(dir, FileName)
	versions := map[models.ID]*models.Version{}
	elements := map[models.Hash][]byte{}
	manifests := map[models.Hash][]byte{}
	err := guard(func() error {
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
		if err != nil {
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		defer db.Close()
		return db.View(func(tx *bolt.Tx) error {
			each := func(bucket []byte, fn func(k, v []byte)) {
				b := tx.Bucket(bucket)
				if b == nil {
					note("bucket %s missing", bucket)
					return
				}
				// A damaged page can make bbolt fault part way: keep what
				// was read before it.
				if err := guard(func() error {
					return b.ForEach(func(k, v []byte) error { fn(bytes.Clone(k), bytes.Clone(v)); return nil })
				}); err != nil {
					note("bucket %s: %v", bucket, err)
				}
			}
			each(bucketElements, func(k, v []byte) {
				if h, err := hashKey(k); err == nil && models.HashOf(v) == h {
					elements[h] = v
				} else {
					note("element %x does not match its hash", k)
				}
			})
			each(bucketManifests, func(k, v []byte) {
				if h, err := hashKey(k); err == nil && models.HashOf(v) == h {
					manifests[h] = v
				} else {
					note("manifest %x does not match its hash", k)
				}
			})
			each(bucketVersions, func(k, v []byte) {
				ver, err := DecodeVersion(v)
				if err == nil && ver.ID != models.ID(k) {
					err = fmt.Errorf("stored under %s", short(models.ID(k)))
				}
				if err != nil {
					note("version %s: %v", short(models.ID(k)), err)
					rep.Lost++
					return
				}
				versions[ver.ID] = ver
			})
			return nil
		})
	})
	if err != nil {
		return nil, rep, fmt.Errorf("salvaging %s: %w", path, err)
	}

	// A version is usable if its content is complete and every ancestor
	// is usable too; decide parents first.
	s := &Store{opts: opts}
	usable := map[models.ID]bool{}
	var check func(id models.ID) bool
	visiting := map[models.ID]bool{}
	check = func(id models.ID) bool {
		if ok, done := usable[id]; done {
			return ok
		}
		v, ok := versions[id]
		if !ok || visiting[id] {
			return false
		}
		visiting[id] = true
		ok = s.checkAuthor(v) == nil
		for _, p := range v.Parents {
			if !check(p) {
				ok = false
			}
		}
		if ok {
			raw, have := manifests[v.Root]
			m, err := decodeManifest(raw, v.Root)
			if !have || err != nil {
				ok = false
			} else {
				for eid, h := range m {
					if _, err := decodeElement(eid, elements[h], h); err != nil {
						ok = false
						break
					}
				}
			}
		}
		usable[id] = ok
		return ok
	}
	b := &Batch{}
	usedM := map[models.Hash]bool{}
	usedE := map[models.Hash]bool{}
	for _, id := range slices.Sorted(func(yield func(models.ID) bool) {
		for id := range versions {
			if !yield(id) {
				return
			}
		}
	}) {
		if !check(id) {
			rep.Lost++
			note("version %s: its content or an ancestor is damaged or missing", short(id))
			continue
		}
		v := versions[id]
		b.Versions = append(b.Versions, v)
		if !usedM[v.Root] {
			usedM[v.Root] = true
			b.Manifests = append(b.Manifests, manifests[v.Root])
			m, _ := decodeManifest(manifests[v.Root], v.Root)
			for _, h := range m {
				if !usedE[h] {
					usedE[h] = true
					b.Elements = append(b.Elements, elements[h])
				}
			}
		}
	}
	rep.Versions = len(b.Versions)
	return b, rep, nil
}
