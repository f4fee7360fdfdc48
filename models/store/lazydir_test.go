package store

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// A lazy open reads no design list: a design's entry and refs are read
// when it is first used, all of them when the studio is listed. What the
// caller sees is what an eager open shows.

func dirStudio(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	a := testIdentity(1, "A")
	for i, name := range []string{"Loafer", "Derby", "Oxford", "loafer", "Mule", "Ünïcode Bøot", "\u212Aelvin"} {
		d := models.ID(fmt.Sprintf("d%02d", i))
		v, err := s.Commit(d, DefaultBranch, snap(t, name, 1), "first", a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Commit(d, DefaultBranch, snap(t, name, 2), "second", a); err != nil {
			t.Fatal(err)
		}
		if err := s.Branch(d, "side", v.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Tag(d, "v1", v.ID); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	return dir
}

func TestLazyDirectoryMatchesEager(t *testing.T) {
	dir := dirStudio(t)
	eager, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	wantDesigns := eager.Designs()
	wantRefs := map[models.ID][]Ref{}
	for _, d := range wantDesigns {
		wantRefs[d.ID] = eager.Refs(d.ID)
	}
	eager.Close()

	// One design touched: its entry and refs, nothing else.
	lazy, err := Open(dir, Options{ReadOnly: true, Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := lazy.Design("d02")
	if err != nil || got != wantDesigns[slices.IndexFunc(wantDesigns, func(d DesignInfo) bool { return d.ID == "d02" })] {
		t.Fatalf("Design: %+v, %v", got, err)
	}
	if refs := lazy.Refs("d01"); !slices.Equal(refs, wantRefs["d01"]) {
		t.Fatalf("Refs: %+v, want %+v", refs, wantRefs["d01"])
	}
	if _, err := lazy.Design("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown design: %v", err)
	}
	it, _ := lazy.mem.Txn(false).Get(tableDesigns, indexID)
	var indexed int
	for o := it.Next(); o != nil; o = it.Next() {
		indexed++
	}
	if indexed != 2 {
		t.Fatalf("%d designs indexed after touching 2", indexed)
	}
	// Then the whole list.
	if ds := lazy.Designs(); !slices.Equal(ds, wantDesigns) {
		t.Fatalf("Designs: %+v, want %+v", ds, wantDesigns)
	}
	for _, d := range wantDesigns {
		if refs := lazy.Refs(d.ID); !slices.Equal(refs, wantRefs[d.ID]) {
			t.Fatalf("Refs(%s): %+v, want %+v", d.ID, refs, wantRefs[d.ID])
		}
	}
	lazy.Close()
}

// FindDesign by name in a lazy store finds what it finds in an eager one
// (case insensitive, Unicode case folding included; a shared name is
// ErrInvalid), whether or not the list was read before.
func TestLazyFindDesignByName(t *testing.T) {
	dir := dirStudio(t)
	eager, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer eager.Close()
	queries := []string{"Derby", "DERBY", "oxford", "Loafer", "ünïcode bøot", "KELVIN", "kelvin", "Mule", "Mul", "nothing", "d03", ""}
	for _, listed := range []bool{false, true} {
		for _, q := range queries {
			lazy, err := Open(dir, Options{ReadOnly: true, Lazy: true})
			if err != nil {
				t.Fatal(err)
			}
			if listed {
				lazy.Designs()
			}
			want, werr := eager.FindDesign(q)
			got, gerr := lazy.FindDesign(q)
			if got != want || fmt.Sprint(errors.Is(gerr, ErrNotFound), errors.Is(gerr, ErrInvalid)) != fmt.Sprint(errors.Is(werr, ErrNotFound), errors.Is(werr, ErrInvalid)) {
				t.Errorf("listed=%v FindDesign(%q) = %+v, %v; eager %+v, %v", listed, q, got, gerr, want, werr)
			}
			lazy.Close()
		}
	}
}

// recordName reads the name of every stored design record as the decoder
// does.
func TestRecordName(t *testing.T) {
	dir := dirStudio(t)
	db, err := bolt.Open(dir+"/"+FileName, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDesigns).ForEach(func(k, v []byte) error {
			info, err := parseDesignRecord(k, v)
			if err != nil {
				t.Fatal(err)
			}
			if n, ok := recordName(v); !ok || n != info.Name {
				t.Errorf("recordName = %q, %v; decoded %q", n, ok, info.Name)
			}
			return nil
		})
	})
	for _, rec := range []designRecord{{Name: ""}, {Name: "x"}, {Name: string(make([]byte, 300))}} {
		t0 := models.HLC{Wall: 5}
		rec.Latest, rec.Time = "v", &t0
		b, err := models.Canonical(rec)
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := recordName(b); !ok || n != rec.Name {
			t.Errorf("recordName = %q, %v; want %q", n, ok, rec.Name)
		}
	}
}

// A writer of a design not yet read (a new branch, a commit, a deleted
// branch) reads its entry first, so the list shows the change and no
// stale entry comes back.
func TestLazyDirectoryWriters(t *testing.T) {
	dir := dirStudio(t)
	s, err := Open(dir, Options{Lazy: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBranch("d03", "side"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit("d04", DefaultBranch, snap(t, "Mule renamed", 3), "third", testIdentity(1, "A")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit("new", DefaultBranch, snap(t, "New one", 3), "first", testIdentity(1, "A")); err != nil {
		t.Fatal(err)
	}
	ds := s.Designs()
	names := map[models.ID]string{}
	for _, d := range ds {
		names[d.ID] = d.Name
	}
	if len(ds) != 8 || names["d04"] != "Mule renamed" || names["new"] != "New one" {
		t.Fatalf("Designs after writes: %+v", ds)
	}
	for _, r := range s.Refs("d03") {
		if r.Name == "side" {
			t.Fatal("deleted branch listed")
		}
	}
	s.Close()
}
