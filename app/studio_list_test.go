package app

import (
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cordwain/cli"
	"cordwain/models"
	"cordwain/models/store"
)

// The design list reads each design's meta, not its history: it shows
// what checking the design out shows, and a design whose head does not
// read is listed by name instead of hiding the rest.
func TestDesignListReadsMetaAndSurvivesADamagedHead(t *testing.T) {
	dir := t.TempDir()
	st, id, err := cli.OpenStudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	studio := NewStoreStudio(st, id)
	list, err := studio.Designs()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("%d designs listed, want the 3 samples", len(list))
	}
	var damaged models.ID
	for _, ds := range list {
		d, err := studio.Design(ds.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := DesignSummary{ID: d.ID, Name: d.Meta.Name, NameZH: d.Meta.NameZH, StyleNo: d.Meta.StyleNo, Season: d.Meta.Season, Archived: d.Meta.Archived}
		if ds != want {
			t.Fatalf("listed %+v, the design checked out %+v", ds, want)
		}
		damaged = ds.ID
	}
	head, err := st.HeadID(damaged, store.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	studio.Close()
	db, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("versions")).Put([]byte(head), []byte("not a version"))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, id, err = cli.OpenStudio(dir)
	if err != nil {
		t.Fatal(err)
	}
	studio = NewStoreStudio(st, id)
	defer studio.Close()
	list, err = studio.Designs()
	if err != nil {
		t.Fatalf("one damaged design hid the list: %v", err)
	}
	if len(list) != 3 {
		t.Fatalf("%d designs listed with one damaged, want 3", len(list))
	}
	for _, ds := range list {
		if ds.ID == damaged && ds.StyleNo != "" {
			t.Fatalf("the damaged design listed with a style number read from somewhere: %+v", ds)
		}
	}
	if _, err := studio.Design(damaged); err == nil {
		t.Fatal("the damaged design opened")
	}
}
