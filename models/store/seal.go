package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

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
type sealer struct{ key []byte }

func (s *sealer) sum(id models.ID, raw []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write(raw)
	return m.Sum(nil)
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
		s.seal = nil
		return err
	}
	sl := &sealer{key: key}
	meta := tx.Bucket(bucketMeta)
	if meta != nil && hmac.Equal(meta.Get(keySealCheck), sl.check()) {
		s.seal = sl
	} else {
		s.seal = nil
	}
	return nil
}

// reseal verifies every version by its signature and seals it under a
// new secret, in one transaction: for a writable open of a file whose
// secret is missing or another, and the schema 3 upgrade. A version that
// does not verify stops it (ErrCorrupt): nothing is sealed that was not
// verified.
func (s *Store) reseal(db *bolt.DB) error {
	key, err := newSealKey(s.dir)
	if err != nil {
		return err
	}
	sl := &sealer{key: key}
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketIndex); err != nil {
			return err
		}
		vb, ib := tx.Bucket(bucketVersions), tx.Bucket(bucketIndex)
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
			return ib.Put(indexKey(v.Design, v.ID), sl.sum(v.ID, raw))
		})
		if err != nil {
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
	s.seal = sl
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
