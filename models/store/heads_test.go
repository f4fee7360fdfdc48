package store

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// headsStudio makes a studio whose design "d" has two heads (main and a
// branch that diverged) and a second design, and returns its directory
// and d's heads, sorted.
func headsStudio(t *testing.T) (string, []models.ID) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := testIdentity(1, "A")
	v1, err := s.Commit("d", DefaultBranch, snap(t, "Loafer", 1), "base", a)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Branch("d", "side", v1.ID); err != nil {
		t.Fatal(err)
	}
	for i, br := range []string{DefaultBranch, "side", DefaultBranch} {
		if _, err := s.Commit("d", br, snap(t, "Loafer", float64(10+i)), "edit", a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Commit("other", DefaultBranch, snap(t, "Derby", 1), "other", a); err != nil {
		t.Fatal(err)
	}
	var heads []models.ID
	for _, v := range s.Heads("d") {
		heads = append(heads, v.ID)
	}
	slices.Sort(heads)
	if len(heads) != 2 {
		t.Fatalf("%d heads, want 2", len(heads))
	}
	return dir, heads
}

// asSchema5 makes the file what schema 5 wrote: design records without
// heads.
func asSchema5(tx *bolt.Tx) error {
	b := tx.Bucket(bucketDesigns)
	put := map[string][]byte{}
	if err := b.ForEach(func(k, v []byte) error {
		var rec designRecord
		if err := models.DecodeCanonical(v, &rec); err != nil {
			return err
		}
		rec.Heads = nil
		enc, err := models.Canonical(rec)
		put[string(k)] = enc
		return err
	}); err != nil {
		return err
	}
	for k, v := range put {
		if err := b.Put([]byte(k), v); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(keySchema, []byte{0, 0, 0, 0, 0, 0, 0, 5})
}

// recordHeads reads the heads design d's record lists in the file.
func recordHeads(t *testing.T, dir string, d models.ID) []models.ID {
	t.Helper()
	var rec designRecord
	rewrite(t, dir, func(tx *bolt.Tx) error {
		return models.DecodeCanonical(tx.Bucket(bucketDesigns).Get([]byte(d)), &rec)
	})
	return rec.Heads
}

func isLoaded(s *Store, d models.ID) bool {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	return s.loaded[d]
}

// A lazily opened studio answers a design's heads from its record,
// without reading its history; loading it agrees.
func TestHeadIDsWithoutLoading(t *testing.T) {
	dir, want := headsStudio(t)
	for _, ro := range []bool{false, true} {
		s, err := Open(dir, Options{Lazy: true, ReadOnly: ro})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.HeadIDs("d"); !slices.Equal(got, want) {
			t.Fatalf("read-only %v: HeadIDs %v, want %v", ro, got, want)
		}
		if isLoaded(s, "d") {
			t.Fatalf("read-only %v: HeadIDs loaded the design", ro)
		}
		if err := s.LoadDesign("d"); err != nil {
			t.Fatal(err)
		}
		if got := s.HeadIDs("d"); !slices.Equal(got, want) {
			t.Fatalf("read-only %v: after loading, HeadIDs %v, want %v", ro, got, want)
		}
		s.Close()
	}
}

// A schema 5 file (records without heads) is read as it is by a
// read-only open, which then loads the design to answer; the first
// writable open upgrades it: every record lists its design's heads.
func TestUpgradeToSchema6ListsHeads(t *testing.T) {
	dir, want := headsStudio(t)
	rewrite(t, dir, asSchema5)
	if h := recordHeads(t, dir, "d"); h != nil {
		t.Fatalf("the schema 5 file lists heads %v", h)
	}
	ro, err := Open(dir, Options{Lazy: true, ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of schema 5: %v", err)
	}
	if got := ro.HeadIDs("d"); !slices.Equal(got, want) {
		t.Fatalf("schema 5, read-only: HeadIDs %v, want %v", got, want)
	}
	if !isLoaded(ro, "d") {
		t.Fatal("schema 5: HeadIDs answered without the history or a record that lists heads")
	}
	ro.Close()
	s, err := Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if got := recordHeads(t, dir, "d"); !slices.Equal(got, want) {
		t.Fatalf("after the upgrade the record lists %v, want %v", got, want)
	}
	if got := recordHeads(t, dir, "other"); len(got) != 1 {
		t.Fatalf("after the upgrade the other design's record lists %v", got)
	}
	s, err = Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.HeadIDs("d"); !slices.Equal(got, want) || isLoaded(s, "d") {
		t.Fatalf("after the upgrade: HeadIDs %v (loaded %v), want %v without loading", got, isLoaded(s, "d"), want)
	}
}

// Heads in a record that are not its history's are reported as damage
// when the design is loaded (lazily) or at open (eagerly).
func TestRecordHeadsThatLieAreCaught(t *testing.T) {
	dir, want := headsStudio(t)
	rewrite(t, dir, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDesigns)
		var rec designRecord
		if err := models.DecodeCanonical(b.Get([]byte("d")), &rec); err != nil {
			return err
		}
		rec.Heads = want[:1] // one head hidden: a peer in step with it would look in step
		enc, err := models.Canonical(rec)
		if err != nil {
			return err
		}
		return b.Put([]byte("d"), enc)
	})
	s, err := Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadDesign("d"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("lazy load of a record with wrong heads: %v, want ErrCorrupt", err)
	}
	if got := s.HeadIDs("d"); got != nil {
		t.Fatalf("a design that failed to load still answers heads %v from its record", got)
	}
	if err := s.LoadDesign("other"); err != nil {
		t.Fatalf("the intact design: %v", err)
	}
	s.Close()
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("eager open of a record with wrong heads: %v, want ErrCorrupt", err)
	}
}

// A list of designs reads each one's branch head and meta without
// loading its history; what it reads is checked like the rest.
func TestHeadIDAndMetaAtWithoutLoading(t *testing.T) {
	dir, _ := headsStudio(t)
	s, err := Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	main, err := s.HeadID("d", DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	meta, err := s.MetaAt("d", main)
	if err != nil {
		t.Fatal(err)
	}
	if isLoaded(s, "d") {
		t.Fatal("HeadID and MetaAt loaded the design")
	}
	if name := designName(models.Snapshot{models.MetaID: meta}); name != "Loafer" {
		t.Fatalf("meta names %q", name)
	}
	if _, err := s.HeadID("d", "none"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a branch that is not there: %v", err)
	}
	if _, err := s.MetaAt("other", main); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a version of another design: %v", err)
	}
	// Loaded, the same answers.
	head, err := s.Head("d", DefaultBranch)
	if err != nil || head.ID != main {
		t.Fatalf("Head %v, %v; HeadID %s", head, err, short(main))
	}
	if again, err := s.MetaAt("d", main); err != nil || designName(models.Snapshot{models.MetaID: again}) != "Loafer" {
		t.Fatalf("loaded: %v", err)
	}
	s.Close()
	// The stored version changed under its seal: refused.
	rewrite(t, dir, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketVersions)
		raw := bytes.Clone(b.Get([]byte(main)))
		raw[len(raw)-1] ^= 1
		return b.Put([]byte(main), raw)
	})
	s, err = Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.MetaAt("d", main); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("a version whose bytes changed: %v, want ErrCorrupt", err)
	}
}

// A design whose versions do not read stops no upgrade: the others get
// their heads, and loading the damaged one says what is wrong.
func TestUpgradeToSchema6LeavesADamagedDesign(t *testing.T) {
	dir, want := headsStudio(t)
	rewrite(t, dir, func(tx *bolt.Tx) error {
		var rec designRecord
		if err := models.DecodeCanonical(tx.Bucket(bucketDesigns).Get([]byte("other")), &rec); err != nil {
			return err
		}
		if err := tx.Bucket(bucketVersions).Put([]byte(rec.Latest), []byte("not a version")); err != nil {
			return err
		}
		return asSchema5(tx)
	})
	s, err := Open(dir, Options{Lazy: true})
	if err != nil {
		t.Fatalf("the upgrade stopped at a damaged design: %v", err)
	}
	defer s.Close()
	if got := s.HeadIDs("d"); !slices.Equal(got, want) || isLoaded(s, "d") {
		t.Fatalf("the intact design: HeadIDs %v (loaded %v), want %v from its record", got, isLoaded(s, "d"), want)
	}
	if err := s.LoadDesign("other"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("the damaged design: %v, want ErrCorrupt", err)
	}
}
