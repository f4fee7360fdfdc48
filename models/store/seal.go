package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// Seals: verify once, protect what is stored.
//
// A version is verified in full (ID, signature, author, parents, content)
// when it enters the store. Then, in the transaction that writes it, the
// index bucket gets an entry design \x00 version ID → seal, where the seal
// is HMAC-SHA256, under a secret kept next to the file ([SealFile], made
// from crypto/rand and readable by the owner only), of the version's ID
// and its stored bytes. A store opened with [Options.Lazy] loads a
// design's versions when a caller first asks for them, and checks each
// version's seal instead of its signature: changing a byte of a stored
// version (or of its seal) still makes it ErrCorrupt, at a fraction of
// the cost, and a command reads only the designs it touches. Element and
// manifest bodies are content-addressed and checked against their hashes
// whenever they are read, as before.
//
// Without the secret (lost, or the file copied without it), the check
// value in the meta bucket does not match and every version is verified
// by its signature again, as an eager [Open] always does; a writable
// open then makes a new secret and re-seals every version it verified,
// in one transaction, like a schema upgrade.

// SealFile is the store's secret in the data directory.
const SealFile = "seal.key"

var (
	bucketIndex  = []byte("index") // schema 3: design \x00 version ID → seal
	keySealCheck = []byte("sealcheck")
)

// sealer holds the secret; nil when there is none that matches the file.
type sealer struct {
	key    []byte
	recKey []byte // recordKey()
	// Keyed HMAC states to reuse (Reset brings one back to its key):
	// loading a design checks two seals a version.
	vers, recs sync.Pool
}

func newSealer(key []byte) *sealer {
	s := &sealer{key: key}
	s.recKey = s.recordKey()
	s.vers.New = func() any { return hmac.New(sha256.New, s.key) }
	s.recs.New = func() any { return hmac.New(sha256.New, s.recKey) }
	return s
}

// mac returns the HMAC of id \x00 b from pool p, appended to dst.
func mac(p *sync.Pool, dst []byte, id models.ID, b []byte) []byte {
	m := p.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write(b)
	out := m.Sum(dst)
	p.Put(m)
	return out
}

func (s *sealer) sum(id models.ID, raw []byte) []byte {
	return mac(&s.vers, nil, id, raw)
}

// recordKey is the key that seals version records (the changes bucket,
// history.go): derived from the secret, so a record's seal can never be
// taken for a version's.
func (s *sealer) recordKey() []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("cordwain record seal"))
	return m.Sum(nil)
}

// recordSealLen is the length of the seal that ends a stored record.
const recordSealLen = sha256.Size

// sealRecord returns a version's record bytes rec followed by their seal.
func (s *sealer) sealRecord(id models.ID, rec []byte) []byte {
	return mac(&s.recs, rec[:len(rec):len(rec)], id, rec)
}

// openRecord checks a stored record (bytes and seal) of version id and
// returns its bytes; false when the seal does not match.
func (s *sealer) openRecord(id models.ID, stored []byte) ([]byte, bool) {
	if len(stored) < recordSealLen {
		return nil, false
	}
	rec := stored[:len(stored)-recordSealLen]
	var buf [sha256.Size]byte
	return rec, hmac.Equal(mac(&s.recs, buf[:0], id, rec), stored[len(rec):])
}

// check is the value in the meta bucket that says which secret sealed
// the file.
func (s *sealer) check() []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("cordwain seal check"))
	return m.Sum(nil)
}

// readSealKey reads the secret of the store in dir; a missing file is
// (nil, nil).
func readSealKey(dir string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, SealFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", SealFile, err)
	}
	if len(b) != 32 {
		return nil, nil // not ours: as if lost
	}
	return b, nil
}

// newSealKey makes and saves a new secret (owner-only, synced).
func newSealKey(dir string) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, SealFile)
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", SealFile, err)
	}
	_, err = f.Write(key)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("writing %s: %w", SealFile, err)
	}
	return key, nil
}

func indexKey(design, id models.ID) []byte {
	k := make([]byte, 0, len(design)+1+len(id))
	k = append(k, design...)
	k = append(k, 0)
	return append(k, id...)
}

// writeIndex records v (stored as raw) under its design, sealed.
func (s *Store) writeIndex(tx *bolt.Tx, v *models.Version, raw []byte) error {
	var seal []byte
	if s.seal != nil {
		seal = s.seal.sum(v.ID, raw)
	}
	if err := tx.Bucket(bucketIndex).Put(indexKey(v.Design, v.ID), seal); err != nil {
		return fmt.Errorf("indexing version %s: %w", short(v.ID), err)
	}
	return nil
}

// sealState reads the secret and says whether it sealed the file.
func (s *Store) sealState(tx *bolt.Tx) error {
	key, err := readSealKey(s.dir)
	if err != nil || key == nil {
		s.setSeal(nil)
		return err
	}
	sl := newSealer(key)
	meta := tx.Bucket(bucketMeta)
	if meta != nil && hmac.Equal(meta.Get(keySealCheck), sl.check()) {
		s.setSeal(sl)
	} else {
		s.setSeal(nil)
	}
	return nil
}

// reseal verifies every version by its signature and seals it under a
// new secret, in one transaction: for a writable open of a file whose
// secret is missing or another, and the schema 3 and 4 upgrades. It also
// derives every version's record (history.go) again from the content
// and seals it: a record sealed under another secret, or not at all,
// cannot be trusted. A version that does not verify stops it
// (ErrCorrupt): nothing is sealed that was not verified.
func (s *Store) reseal(db *bolt.DB) error {
	key, err := newSealKey(s.dir)
	if err != nil {
		return err
	}
	sl := newSealer(key)
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketIndex); err != nil {
			return err
		}
		vb, ib := tx.Bucket(bucketVersions), tx.Bucket(bucketIndex)
		all := map[models.ID]*models.Version{}
		err := vb.ForEach(func(k, raw []byte) error {
			v, err := DecodeVersion(raw)
			if err == nil && v.ID != models.ID(k) {
				err = fmt.Errorf("%w: stored under %s", ErrBadID, short(models.ID(k)))
			}
			if err == nil {
				err = s.checkAuthor(v)
			}
			if err != nil {
				return fmt.Errorf("%w: version %s: %w", ErrCorrupt, short(models.ID(k)), err)
			}
			all[v.ID] = v
			return ib.Put(indexKey(v.Design, v.ID), sl.sum(v.ID, raw))
		})
		if err != nil {
			return err
		}
		if err := s.rebuildRecords(tx, sl, all); err != nil {
			return err
		}
		if err := s.resealTombs(tx, sl); err != nil {
			return err
		}
		if err := fillDesignRecords(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySealCheck, sl.check())
	})
	if err != nil {
		return err
	}
	s.setSeal(sl)
	return nil
}

// rebuildRecords replaces the changes bucket with every version's record
// derived from the content (versions all, verified), sealed by sl.
func (s *Store) rebuildRecords(tx *bolt.Tx, sl *sealer, all map[models.ID]*models.Version) error {
	if tx.Bucket(bucketChanges) != nil {
		if err := tx.DeleteBucket(bucketChanges); err != nil {
			return err
		}
	}
	if _, err := tx.CreateBucket(bucketChanges); err != nil {
		return err
	}
	s.hist.setSeal(nil) // nothing stored to read: derive all
	get := func(id models.ID) (*models.Version, error) {
		if v := all[id]; v != nil {
			return v, nil
		}
		return nil, fmt.Errorf("%w: %w %s", ErrCorrupt, ErrUnknownParent, short(id))
	}
	b := tx.Bucket(bucketChanges)
	for _, id := range slices.Sorted(maps.Keys(all)) {
		in, err := s.hist.infoOf(tx, get, all[id])
		if err != nil {
			return err
		}
		rec, err := encodeRecord(in)
		if err != nil {
			return fmt.Errorf("encoding the record of %s: %w", short(id), err)
		}
		if err := b.Put([]byte(id), sl.sealRecord(id, rec)); err != nil {
			return fmt.Errorf("writing the record of %s: %w", short(id), err)
		}
	}
	s.hist.forget() // every record of the studio: read again when needed
	return nil
}

// setSeal sets the store's secret (nil: none that matches the file), for
// versions and for their records.
func (s *Store) setSeal(sl *sealer) {
	s.seal = sl
	s.hist.setSeal(sl)
}

// checkRecord checks the seal of version id's stored record, if it has
// one, as a design is loaded: a record is trusted like its version.
func (s *Store) checkRecord(tx *bolt.Tx, id models.ID) error {
	if s.seal == nil {
		return nil // records are not read without the secret (history.go)
	}
	raw := tx.Bucket(bucketChanges).Get([]byte(id))
	if raw == nil {
		return nil // derived from the content when needed
	}
	if _, ok := s.seal.openRecord(id, raw); !ok {
		return fmt.Errorf("%w: the record of version %s is not the one written with it (seal mismatch)", ErrCorrupt, short(id))
	}
	return nil
}

// fillDesignRecords gives every design record its newest version (by
// time, ID), which a lazy open lists without loading versions.
func fillDesignRecords(tx *bolt.Tx) error {
	newest := map[models.ID]*models.Version{}
	err := tx.Bucket(bucketVersions).ForEach(func(k, raw []byte) error {
		v, err := decodeSealed(models.ID(k), raw)
		if err != nil {
			return err
		}
		if cur := newest[v.Design]; cur == nil || compareVersions(cur, v) < 0 {
			newest[v.Design] = v
		}
		return nil
	})
	if err != nil {
		return err
	}
	db := tx.Bucket(bucketDesigns)
	return db.ForEach(func(k, raw []byte) error {
		var rec designRecord
		if err := models.DecodeCanonical(raw, &rec); err != nil {
			return fmt.Errorf("%w: design %q: %v", ErrCorrupt, k, err)
		}
		v := newest[models.ID(k)]
		if v == nil {
			return fmt.Errorf("%w: design %s has no versions", ErrCorrupt, k)
		}
		if rec.Latest == v.ID && rec.Time != nil {
			return nil
		}
		t := v.Time
		rec.Latest, rec.Time = v.ID, &t
		b, err := models.Canonical(rec)
		if err != nil {
			return err
		}
		return db.Put(bytes.Clone(k), b)
	})
}

// decodeSealed decodes version bytes whose seal matched (or that are being
// verified otherwise): the canonical decode without the signature check.
func decodeSealed(id models.ID, raw []byte) (*models.Version, error) {
	var w versionWire
	if err := models.DecodeCanonical(raw, &w); err != nil || w.V == nil {
		return nil, fmt.Errorf("%w: version %s does not decode", ErrCorrupt, short(id))
	}
	v := w.V
	v.Signature = w.Sig
	v.ID = id
	return v, nil
}
