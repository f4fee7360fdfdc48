package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// The per-version records (the changes bucket: generation and changed
// elements, history.go) steer every merge, so they are protected like the
// versions: sealed when written, checked when a design is loaded and when
// read.

// storedRecord reads version id's stored record (bytes and seal).
func storedRecord(t *testing.T, dir string, id models.ID) []byte {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []byte
	db.View(func(tx *bolt.Tx) error {
		out = bytes.Clone(tx.Bucket(bucketChanges).Get([]byte(id)))
		return nil
	})
	if out == nil {
		t.Fatalf("version %s has no record", short(id))
	}
	return out
}

// flipInFile flips one bit of the byte at off inside every occurrence of
// what in the store file (a freed page may hold an older copy).
func flipInFile(t *testing.T, dir string, what []byte, off int) {
	t.Helper()
	path := filepath.Join(dir, FileName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, what) {
		t.Fatal("not in the file")
	}
	flipped := bytes.Clone(what)
	flipped[off] ^= 0x01
	data = bytes.ReplaceAll(data, what, flipped)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A flipped byte in an old version's record (its generation: 4 becomes
// 5, still a well-formed record) is caught like a flipped byte in an old
// version: when the design is read, as ErrCorrupt naming the version, by
// a lazy open (read-only or not) and refused by an eager one; the other
// design still reads and the file is not written.
func TestFlippedRecordCaughtLikeFlippedVersion(t *testing.T) {
	damage := map[string]func(t *testing.T, dir string, vs []*models.Version){
		"version": func(t *testing.T, dir string, vs []*models.Version) {
			flipAll(t, dir, []byte("UNIQUE-MESSAGE-003"))
		},
		"record": func(t *testing.T, dir string, vs []*models.Version) {
			rec := storedRecord(t, dir, vs[3].ID)
			if rec[0] != 0x82 || rec[1] != 4 {
				t.Fatalf("record of the 4th version starts % x, want [4, …]", rec[:2])
			}
			flipInFile(t, dir, rec, 1)
		},
	}
	for name, fn := range damage {
		for _, mode := range []string{"lazy read-only", "lazy writable", "eager read-only"} {
			t.Run(name+"/"+mode, func(t *testing.T) {
				dir, vs := lazyStore(t, 60)
				fn(t, dir, vs)
				path := filepath.Join(dir, FileName)
				sum := fileSum(t, path)
				opts := Options{Lazy: mode != "eager read-only", ReadOnly: mode != "lazy writable"}
				s, err := Open(dir, opts)
				if !opts.Lazy {
					if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), short(vs[3].ID)) {
						t.Fatalf("eager open: %v (want ErrCorrupt naming %s)", err, short(vs[3].ID))
					}
				} else {
					if err != nil {
						t.Fatalf("lazy open: %v", err)
					}
					if h := s.History("other"); len(h) != 1 {
						t.Fatalf("the intact design: %d versions", len(h))
					}
					err = s.LoadDesign("d")
					if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), short(vs[3].ID)) {
						t.Fatalf("load of the damaged design: %v (want ErrCorrupt naming %s)", err, short(vs[3].ID))
					}
					if _, err := s.Commit("d", DefaultBranch, snap(t, "Loafer", 99), "on damage", testIdentity(1, "A")); !errors.Is(err, ErrCorrupt) {
						t.Fatalf("commit on the damaged design: %v", err)
					}
					s.Close()
				}
				if fileSum(t, path) != sum {
					t.Fatal("the open changed the file")
				}
			})
		}
	}
}

// A record read for a merge is checked against its seal too, whether or
// not its design was loaded through the checks above.
func TestStoredRecordCheckedWhenRead(t *testing.T) {
	dir, vs := lazyStore(t, 6)
	s, err := Open(dir, Options{Lazy: true, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := storedRecord(t, dir, vs[4].ID)
	rec[1] ^= 0x01
	err = s.db.View(func(tx *bolt.Tx) error {
		fresh := newHistCache()
		fresh.setSeal(s.seal)
		if in, err := fresh.storedInfo(tx, vs[4]); err != nil || in == nil || in.Gen != 5 {
			t.Fatalf("intact record: %+v, %v", in, err)
		}
		// the same check on the flipped bytes
		if _, ok := s.seal.openRecord(vs[4].ID, rec); ok {
			t.Fatal("a flipped record passes its seal")
		}
		if _, ok := s.seal.openRecord(vs[3].ID, storedRecord(t, dir, vs[4].ID)); ok {
			t.Fatal("a record passes as another version's")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Without the secret a record cannot be checked, so it is not read: the
// merge bookkeeping is derived from the (hash-checked) content instead,
// and gives the same records.
func TestRecordsWithoutSecretAreDerived(t *testing.T) {
	dir, vs := lazyStore(t, 6)
	rec := storedRecord(t, dir, vs[4].ID)
	var want verInfo
	if err := models.DecodeCanonical(rec[:len(rec)-recordSealLen], &want); err != nil {
		t.Fatal(err)
	}
	flipInFile(t, dir, rec, 1)
	if err := os.Remove(filepath.Join(dir, SealFile)); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{Lazy: true, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.LoadDesign("d"); err != nil {
		t.Fatal(err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		in, err := s.hist.infoOf(tx, s.getter(s.mem.Txn(false), nil), vs[4])
		if err != nil {
			return err
		}
		if in.Gen != 5 || want.Gen != 5 || len(in.Changed) != 1 || !slicesEqual(in.Changed[0], want.Changed[0]) || len(in.Changed[0]) == 0 {
			t.Fatalf("derived record %+v, the written one %+v", in, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func slicesEqual(a, b []models.ID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A schema 3 file (records stored without seals) is upgraded by a
// writable open: every record is derived again from the content and
// sealed; a record damaged before the upgrade does not survive it.
func TestUpgradeSealsRecords(t *testing.T) {
	dir, vs := lazyStore(t, 6)
	var want [][]byte
	rewrite(t, dir, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketChanges)
		for _, v := range vs {
			raw := b.Get([]byte(v.ID))
			rec := bytes.Clone(raw[:len(raw)-recordSealLen])
			want = append(want, bytes.Clone(rec))
			if v == vs[2] {
				rec[1] ^= 0x01 // damaged while unsealed
			}
			if err := b.Put([]byte(v.ID), rec); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, []byte{0, 0, 0, 0, 0, 0, 0, 3})
	})
	if _, err := Open(dir, Options{Lazy: true, ReadOnly: true}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("read-only open of schema 3: %v", err)
	}
	s, err := Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.History("d")) != 6 {
		t.Fatal("upgrade lost versions")
	}
	s.Close()
	s, err = Open(dir, Options{Lazy: true, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, v := range vs {
		rec, ok := s.seal.openRecord(v.ID, storedRecord(t, dir, v.ID))
		if !ok || !bytes.Equal(rec, want[i]) {
			t.Fatalf("record %d after the upgrade: sealed %v, % x, want % x", i, ok, rec, want[i])
		}
	}
}
