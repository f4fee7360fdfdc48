package app

import (
	"slices"
	"testing"

	"cordwain/models"
	"cordwain/models/store"
)

// A design that a peer is still sending (its versions have come, its
// branches come with the last part) is not listed: it has nothing to
// open yet. It is listed once the rest arrives.
func TestArrivingDesignIsNotListed(t *testing.T) {
	a := newStoreFixture(t, t.TempDir())
	b := newStoreFixture(t, t.TempDir())
	d, err := a.st.Checkout(mustHead(t, a.st, a.design).ID)
	if err != nil {
		t.Fatal(err)
	}
	d.ID = models.NewID()
	d.Meta.Name = "Arriving loafer"
	for i := range 3 {
		d.Meta.Notes = string(rune('a' + i))
		if _, err := a.st.CommitDesign(store.DefaultBranch, d, "edit", a.mei); err != nil {
			t.Fatal(err)
		}
	}
	all, err := a.st.Collect(d.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := &store.Batch{Versions: all.Versions[:2], Manifests: all.Manifests, Elements: all.Elements, Partial: true}
	last := &store.Batch{Versions: all.Versions[2:], Manifests: all.Manifests, Elements: all.Elements, Refs: all.Refs, Tombstones: all.Tombstones}
	if _, err := b.st.Receive(first); err != nil {
		t.Fatal(err)
	}
	listed := func() bool {
		ds, err := b.studio.Designs()
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(ds, func(s DesignSummary) bool { return s.ID == d.ID })
	}
	if listed() {
		t.Fatal("a design still arriving (no branch yet) is listed")
	}
	if _, err := b.st.Receive(last); err != nil {
		t.Fatal(err)
	}
	if !listed() {
		t.Fatal("the design is not listed once it has arrived")
	}
	got, err := b.studio.Design(d.ID)
	if err != nil || got.Meta.Name != "Arriving loafer" {
		t.Fatalf("opening the arrived design: %v", err)
	}
}

func mustHead(t *testing.T, st *store.Store, design models.ID) *models.Version {
	t.Helper()
	h, err := st.Head(design, store.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
