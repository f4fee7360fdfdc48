package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// FileName is the store file in the data directory.
const FileName = "cordwain.db"

// SchemaVersion is the layout of the buckets this program writes.
const SchemaVersion uint64 = 6

// readableSchema is the oldest schema a read-only open reads as it is:
// schema 6 adds only the heads of design records, which a reader does
// without (it loads the design instead).
const readableSchema uint64 = 5

// Bucket names.
var (
	bucketMeta      = []byte("meta")
	bucketElements  = []byte("elements")
	bucketManifests = []byte("manifests")
	bucketVersions  = []byte("versions")
	bucketRefs      = []byte("refs")
	bucketConflicts = []byte("conflicts")
	bucketDesigns   = []byte("designs")
	bucketPeers     = []byte("peers")
	bucketChanges   = []byte("changes") // schema 2: version ID → its record (history.go)

	allBuckets = [][]byte{bucketMeta, bucketElements, bucketManifests, bucketVersions,
		bucketRefs, bucketConflicts, bucketDesigns, bucketPeers, bucketChanges, bucketIndex, bucketTombstones}

	keySchema = []byte("schema")
)

// upgrades[n] turns a schema n file into schema n+1, inside the same
// transaction as the version bump. Schema 0 is a new, empty file.
var upgrades = map[uint64]func(tx *bolt.Tx) error{
	0: func(tx *bolt.Tx) error {
		for _, b := range allBuckets[:8] {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("creating bucket %s: %w", b, err)
			}
		}
		return nil
	},
	// 2: the changes bucket, each version's record (generation and the
	// elements it changed from each parent), which makes a merge cost what
	// the edits cost. Versions stored before have none; the store derives
	// theirs from their manifests when first needed (history.go).
	1: func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketChanges); err != nil {
			return fmt.Errorf("creating bucket %s: %w", bucketChanges, err)
		}
		return nil
	},
	// 3: the index bucket (design \x00 version ID → seal, seal.go) and
	// design records naming their newest version, for lazy opens. The
	// writable open that upgrades then verifies every version by its
	// signature and seals it ([Store.reseal]).
	2: func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketIndex); err != nil {
			return fmt.Errorf("creating bucket %s: %w", bucketIndex, err)
		}
		return nil
	},
	// 4: version records are sealed like versions (seal.go): each value
	// of the changes bucket is the record followed by its seal. The
	// records of a schema 3 file are not; the upgrade drops the seal
	// check so that the writable open that upgrades verifies and seals
	// again ([Store.reseal]), deriving every record anew from the content.
	3: func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Delete(keySealCheck)
	},
	// 5: the tombstones bucket (design \x00 branch \x00 head → signed
	// tombstone and its seal, tombstone.go): deleted branches, which
	// sync carries to the other machines. A schema 4 file has none.
	4: func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketTombstones); err != nil {
			return fmt.Errorf("creating bucket %s: %w", bucketTombstones, err)
		}
		return nil
	},
	// 6: design records list the design's heads (heads.go), so a sync
	// summary of a lazily opened studio reads no history.
	5: fillDesignHeads,
}

// fileSchema reads the file's schema version without writing.
func fileSchema(db *bolt.DB) (uint64, error) {
	var cur uint64
	err := db.View(func(tx *bolt.Tx) error {
		var err error
		cur, err = schemaOf(tx)
		return err
	})
	if err == nil && cur > SchemaVersion {
		return 0, fmt.Errorf("%w: file schema %d, program schema %d", ErrSchemaTooNew, cur, SchemaVersion)
	}
	return cur, err
}

// migrate brings the file to SchemaVersion, one step at a time, in one
// transaction: a crash midway leaves the old schema.
func migrate(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		cur, err := schemaOf(tx)
		if err != nil {
			return err
		}
		if cur > SchemaVersion {
			return fmt.Errorf("%w: file schema %d, program schema %d", ErrSchemaTooNew, cur, SchemaVersion)
		}
		if cur == SchemaVersion {
			return nil
		}
		for ; cur < SchemaVersion; cur++ {
			up, ok := upgrades[cur]
			if !ok {
				return fmt.Errorf("%w: no upgrade from schema %d", ErrCorrupt, cur)
			}
			if err := up(tx); err != nil {
				return fmt.Errorf("upgrading schema %d → %d: %w", cur, cur+1, err)
			}
		}
		if err := tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint64(nil, cur)); err != nil {
			return fmt.Errorf("writing schema version: %w", err)
		}
		return nil
	})
}

// schemaOf reads the schema version; a file without a meta bucket is new
// (0) only if it has no buckets at all.
func schemaOf(tx *bolt.Tx) (uint64, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if !empty {
			return 0, fmt.Errorf("%w: no meta bucket", ErrCorrupt)
		}
		return 0, nil
	}
	v := meta.Get(keySchema)
	if len(v) != 8 {
		return 0, fmt.Errorf("%w: schema version of %d bytes", ErrCorrupt, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}
