package store

import (
	"errors"
	"fmt"
	"testing"

	"cordwain/models"
)

// typedDesign is a small valid design with n style lines.
func typedDesign(n int) *models.Design {
	d := &models.Design{ID: "0123456789abcdef", Meta: models.DefaultMeta(models.Men), Last: models.DefaultLast(models.Men, 260)}
	d.Meta.Name = "Derby"
	for i := range n {
		d.StyleLines = append(d.StyleLines, models.StyleLine{ID: models.ID(fmt.Sprintf("b%015x", i)), Name: fmt.Sprintf("line %d", i), Kind: models.LineStyle,
			Path: models.Path{Points: []models.Point{models.Pt(float64(i), 0), models.Pt(10, 20), models.Pt(20, 40), models.Pt(30, 60)}}})
	}
	return d
}

// CommitDesign encodes only what changed since its last call, yet every
// version holds exactly d.Snapshot(), the same root Commit gives; an
// element encoded for a commit that was refused is still written by the
// next commit that keeps it; a commit on another branch (whose head lacks
// the cached elements) stores them too.
func TestCommitDesignStoresTheSnapshot(t *testing.T) {
	refuse := false
	dir := t.TempDir()
	s, err := Open(dir, Options{NoSync: true, ValidateDesign: func(d *models.Design) error {
		if refuse {
			return errors.New("refused")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	a := testIdentity(1, "A")
	d := typedDesign(40)
	check := func(v *models.Version) {
		t.Helper()
		want, err := d.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if v.Root != want.Hash() {
			t.Fatalf("version %s: root is not the design's snapshot", short(v.ID))
		}
		got, err := s.Snapshot(v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Hash() != want.Hash() || len(got) != len(want) {
			t.Fatalf("version %s: stored content differs", short(v.ID))
		}
	}
	v, err := s.CommitDesign(DefaultBranch, d, "first", a)
	if err != nil {
		t.Fatal(err)
	}
	check(v)
	first := v
	d.StyleLines[3].Path.Points[1].X += 1
	if v, err = s.CommitDesign(DefaultBranch, d, "edit", a); err != nil {
		t.Fatal(err)
	}
	check(v)

	// Refused: its new element is encoded and remembered, not stored.
	d.StyleLines[7].Name = "refused edit"
	refuse = true
	if _, err := s.CommitDesign(DefaultBranch, d, "refused", a); !errors.Is(err, ErrInvalid) {
		t.Fatalf("refused commit: %v", err)
	}
	refuse = false
	d.Last.HeelHeight += 2
	if v, err = s.CommitDesign(DefaultBranch, d, "after refusal", a); err != nil {
		t.Fatal(err)
	}
	check(v)

	// Unchanged: no new version.
	if _, err := s.CommitDesign(DefaultBranch, d, "again", a); !errors.Is(err, ErrNoChange) {
		t.Fatalf("unchanged: %v", err)
	}

	// Another branch from the first version: its head lacks every element
	// changed since, which the cache holds already.
	if err := s.Branch(d.ID, "side", first.ID); err != nil {
		t.Fatal(err)
	}
	d.StyleLines = d.StyleLines[1:] // and one deleted
	if v, err = s.CommitDesign("side", d, "side", a); err != nil {
		t.Fatal(err)
	}
	check(v)
	s.Close()

	// Everything written is in the file: an eager open verifies it all.
	s, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check(v)
	for _, h := range s.History(d.ID) {
		if _, err := s.Checkout(h.ID); err != nil {
			t.Fatalf("checkout %s: %v", short(h.ID), err)
		}
	}
}

// A checkout remembers what it decoded: committing the checked-out
// design after one edit encodes that element only, and what is stored is
// still exactly the design's snapshot.
func TestCheckoutSeedsCommitDesign(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	a := testIdentity(1, "A")
	v, err := s.CommitDesign(DefaultBranch, typedDesign(30), "first", a)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(dir, Options{NoSync: true, Lazy: true}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := s.Checkout(v.ID)
	if err != nil {
		t.Fatal(err)
	}
	d.StyleLines[5].Path.Points[2].Y = -1
	enc, err := d.SnapshotCached(s.hist.snapshotCache(d.ID))
	if err != nil {
		t.Fatal(err)
	}
	if enc.Encoded != 1 {
		t.Fatalf("after a checkout and one edit, %d elements encoded", enc.Encoded)
	}
	v2, err := s.CommitDesign(DefaultBranch, d, "edit", a)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := d.Snapshot()
	got, err := s.Snapshot(v2.ID)
	if err != nil || got.Hash() != want.Hash() || v2.Root != want.Hash() {
		t.Fatalf("stored content is not the design's snapshot: %v", err)
	}
}
