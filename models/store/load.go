package store

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// designRecord is a design as stored in the designs bucket.
type designRecord struct {
	Name string `cbor:"name"`
	// Latest and Time are the design's newest version (schema 3), which a
	// lazy open lists without loading versions.
	Latest models.ID   `cbor:"latest,omitempty"`
	Time   *models.HLC `cbor:"time,omitempty"`
	// Heads are the design's heads, sorted, written with every version
	// (schema 6; absent in older records), so a sync summary of a lazily
	// opened studio does not load every design. They are checked against
	// the history when the design is loaded.
	Heads []models.ID `cbor:"heads,omitempty"`
}

// load reads the whole file into memdb, verifying every version; any
// inconsistency is ErrCorrupt naming the object.
func (s *Store) load() error {
	return s.db.View(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil {
				return fmt.Errorf("%w: bucket %s missing", ErrCorrupt, b)
			}
		}
		// Signatures dominate start-up: verify them on all cores while
		// this goroutine checks elements and manifests.
		decoded, err := s.decodeVersions(tx)
		if err != nil {
			return err
		}
		elements := make(map[models.Hash]struct{})
		err = tx.Bucket(bucketElements).ForEach(func(k, v []byte) error {
			h, err := hashKey(k)
			if err != nil {
				return fmt.Errorf("element key: %w", err)
			}
			if models.HashOf(v) != h {
				return fmt.Errorf("%w: element %s does not match its hash", ErrCorrupt, shortHash(h))
			}
			elements[h] = struct{}{}
			return nil
		})
		if err != nil {
			return err
		}
		manifests := make(map[models.Hash]struct{})
		err = tx.Bucket(bucketManifests).ForEach(func(k, v []byte) error {
			h, err := hashKey(k)
			if err != nil {
				return fmt.Errorf("manifest key: %w", err)
			}
			if models.HashOf(v) != h {
				return fmt.Errorf("%w: manifest %s does not match its hash", ErrCorrupt, shortHash(h))
			}
			var missing []byte
			var missingHash models.Hash
			ok := manifestRefs(v, func(id []byte, eh models.Hash) bool {
				if _, ok := elements[eh]; !ok {
					missing, missingHash = id, eh
					return false
				}
				return true
			})
			if !ok {
				if _, err := decodeManifest(v, h); err != nil {
					return err
				}
				return fmt.Errorf("%w: manifest %s: unexpected layout", ErrCorrupt, shortHash(h))
			}
			if missing != nil {
				return fmt.Errorf("%w: manifest %s: element %s (%s) missing", ErrCorrupt, shortHash(h), missing, shortHash(missingHash))
			}
			manifests[h] = struct{}{}
			return nil
		})
		if err != nil {
			return err
		}
		versions, err := s.checkVersions(decoded(), manifests)
		if err != nil {
			return err
		}
		for id := range versions {
			if err := s.checkRecord(tx, id); err != nil {
				return err
			}
		}
		if err := s.checkAllTombs(tx); err != nil {
			return err
		}
		return s.loadIndexes(tx, versions)
	})
}

func hashKey(k []byte) (models.Hash, error) {
	var h models.Hash
	if len(k) != len(h) {
		return h, fmt.Errorf("%w: key of %d bytes", ErrCorrupt, len(k))
	}
	copy(h[:], k)
	return h, nil
}

type decodedVersion struct {
	v   *models.Version
	err error
}

// decodeVersions starts decoding and verifying every version on all cores
// and returns a function that waits for the results.
func (s *Store) decodeVersions(tx *bolt.Tx) (func() []decodedVersion, error) {
	type raw struct{ key, val []byte }
	var raws []raw
	err := tx.Bucket(bucketVersions).ForEach(func(k, v []byte) error {
		raws = append(raws, raw{bytes.Clone(k), bytes.Clone(v)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]decodedVersion, len(raws))
	workers := min(runtime.GOMAXPROCS(0), 8)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(raws); i += workers {
				key := models.ID(raws[i].key)
				v, err := DecodeVersion(raws[i].val)
				if err == nil && v.ID != key {
					err = fmt.Errorf("%w: stored under %s", ErrBadID, short(key))
				}
				if err == nil {
					err = s.checkAuthor(v)
				}
				if err != nil {
					out[i].err = fmt.Errorf("%w: version %s: %w", ErrCorrupt, short(key), err)
					continue
				}
				out[i].v = v
			}
		}()
	}
	return func() []decodedVersion { wg.Wait(); return out }, nil
}

// checkVersions checks the decoded versions' parents and manifests.
func (s *Store) checkVersions(out []decodedVersion, manifests map[models.Hash]struct{}) (map[models.ID]*models.Version, error) {
	byID := make(map[models.ID]*models.Version, len(out))
	for _, d := range out {
		if d.err != nil {
			return nil, d.err
		}
		byID[d.v.ID] = d.v
	}
	for _, v := range byID {
		if _, ok := manifests[v.Root]; !ok {
			return nil, fmt.Errorf("%w: version %s: manifest %s missing", ErrCorrupt, short(v.ID), shortHash(v.Root))
		}
		for _, p := range v.Parents {
			pv, ok := byID[p]
			if !ok {
				return nil, fmt.Errorf("%w: version %s: %w %s", ErrCorrupt, short(v.ID), ErrUnknownParent, short(p))
			}
			if pv.Design != v.Design {
				return nil, fmt.Errorf("%w: version %s: parent %s belongs to another design", ErrCorrupt, short(v.ID), short(p))
			}
		}
		s.clock.Observe(v.Time)
	}
	return byID, nil
}

// loadIndexes fills memdb from the verified versions and the other
// buckets.
func (s *Store) loadIndexes(tx *bolt.Tx, versions map[models.ID]*models.Version) error {
	txn := s.mem.Txn(true)
	defer txn.Abort()
	if err := insertVersions(txn, slices.Collect(maps.Values(versions))); err != nil {
		return err
	}
	err := tx.Bucket(bucketRefs).ForEach(func(k, v []byte) error {
		ref, err := parseRef(k, v)
		if err != nil {
			return err
		}
		target, ok := versions[ref.Version]
		if !ok || target.Design != ref.Design {
			return fmt.Errorf("%w: %s %q of design %s points at missing version %s", ErrCorrupt, ref.Kind, ref.Name, ref.Design, short(ref.Version))
		}
		return txn.Insert(tableRefs, ref)
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketConflicts).ForEach(func(k, v []byte) error {
		c := &ConflictRecord{}
		if err := models.DecodeCanonical(v, c); err != nil {
			return fmt.Errorf("%w: conflict %q: %v", ErrCorrupt, k, err)
		}
		c.Key = conflictKey(&c.Conflict)
		if c.Key != string(k) {
			return fmt.Errorf("%w: conflict stored under %q", ErrCorrupt, k)
		}
		return txn.Insert(tableConflicts, c)
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketDesigns).ForEach(func(k, v []byte) error {
		var rec designRecord
		if err := models.DecodeCanonical(v, &rec); err != nil {
			return fmt.Errorf("%w: design %q: %v", ErrCorrupt, k, err)
		}
		info := &DesignInfo{ID: models.ID(k), Name: rec.Name}
		latest, err := latestVersion(txn, info.ID)
		if err != nil {
			return err
		}
		if latest == nil {
			return fmt.Errorf("%w: design %s has no versions", ErrCorrupt, info.ID)
		}
		info.Latest, info.Time = latest.ID, latest.Time
		if err := checkRecordHeads(txn, info.ID, rec.Heads); err != nil {
			return err
		}
		return txn.Insert(tableDesigns, info)
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
}

// parseRef reads a refs bucket entry: key design \x00 kind \x00 name,
// value the version ID.
func parseRef(k, v []byte) (*Ref, error) {
	parts := strings.SplitN(string(k), "\x00", 3)
	if len(parts) != 3 || (parts[1] != string(RefBranch) && parts[1] != string(RefTag)) {
		return nil, fmt.Errorf("%w: malformed ref key %q", ErrCorrupt, k)
	}
	return &Ref{Key: string(k), Design: models.ID(parts[0]), Kind: RefKind(parts[1]), Name: parts[2], Version: models.ID(v)}, nil
}

// loadPeers indexes the remembered peers.
func loadPeers(tx *bolt.Tx, txn *memdb.Txn) error {
	return tx.Bucket(bucketPeers).ForEach(func(k, v []byte) error {
		p := &Peer{}
		if err := models.DecodeCanonical(v, p); err != nil || p.ID != string(k) {
			return fmt.Errorf("%w: peer %q", ErrCorrupt, k)
		}
		return txn.Insert(tablePeers, p)
	})
}

// latestVersion is the design's newest version by (time, ID), or nil.
func latestVersion(txn *memdb.Txn, design models.ID) (*models.Version, error) {
	it, err := txn.GetReverse(tableVersions, indexDesignTime+"_prefix", string(design))
	if err != nil {
		return nil, fmt.Errorf("reading versions of %s: %w", design, err)
	}
	if o := it.Next(); o != nil {
		return o.(*models.Version), nil
	}
	return nil, nil
}

// checkAuthor asks Options.CheckAuthor whether a signed version's key may
// speak for its author; "ed25519:<hex>" peer IDs must name their own key.
func (s *Store) checkAuthor(v *models.Version) error {
	if IsRoot(v) {
		if s.opts.Roots == nil || !s.opts.Roots(v.ID) {
			return fmt.Errorf("version %s: %w", short(v.ID), ErrUnknownRoot)
		}
		return nil
	}
	if len(v.PubKey) == 0 {
		return nil // a merge version, checked by Verify
	}
	if err := s.keyActsFor(v.Author.PeerID, v.PubKey); err != nil {
		return fmt.Errorf("version %s: %w", short(v.ID), err)
	}
	return nil
}

// keyActsFor checks that a record signed with pub may carry the author
// peerID: an "ed25519:" peer ID names its own key, and Options.CheckAuthor
// (the studio's members) accepts the pair. Versions and tombstones alike.
func (s *Store) keyActsFor(peerID string, pub []byte) error {
	if hx, ok := strings.CutPrefix(peerID, "ed25519:"); ok && hx != hex.EncodeToString(pub) {
		return fmt.Errorf("%w: author %s is not the signing key", ErrBadSignature, peerID)
	}
	if s.opts.CheckAuthor != nil {
		if err := s.opts.CheckAuthor(peerID, pub); err != nil {
			return fmt.Errorf("%w: %v", ErrBadSignature, err)
		}
	}
	return nil
}
