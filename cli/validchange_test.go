package cli

import (
	"errors"
	"testing"

	"cordwain/canvas/samples"
	"cordwain/models"
	"cordwain/models/store"
)

// A received history whose last version breaks a design that its parent
// kept valid (a mark on a piece that is not there, a piece turned into a
// material under the marks that stand on it) is refused whole by a studio,
// though the versions before it pass by what they change; the same
// history without the breaking version is taken.
func TestReceivedBreakingChangeIsRefused(t *testing.T) {
	dir := t.TempDir()
	base := sampleHead(t, dir) // the studio, with its samples
	author, err := store.NewIdentity("Mallory")
	if err != nil {
		t.Fatal(err)
	}
	designs := map[string]models.ID{"a mark on a missing piece": "5eac0000000000a1", "a piece turned into a material": "5eac0000000000a2"}
	for name, breakIt := range map[string]func(s models.Snapshot, d *models.Design){
		"a mark on a missing piece": func(s models.Snapshot, d *models.Design) {
			m := d.Marks[0]
			m.Piece = "9999999999999999"
			d2 := &models.Design{Meta: d.Meta, Last: d.Last, Marks: []models.Mark{m}}
			ms, err := d2.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			s[m.ID] = ms[m.ID]
		},
		"a piece turned into a material": func(s models.Snapshot, d *models.Design) {
			p := d.Marks[0].Piece
			e := s[p]
			e.Kind = models.KindMaterial
			s[p] = e
		},
	} {
		t.Run(name, func(t *testing.T) {
			if len(base.Marks) == 0 {
				t.Fatal("the sample has no marks to break")
			}
			src, err := store.Open(t.TempDir(), store.Options{}) // takes anything
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			design := designs[name]
			d := sampleHead(t, dir) // a copy of its own
			d.ID = design
			var chain []models.Snapshot
			for i := range 3 { // valid steps
				d.Meta.Name = base.Meta.Name + string(rune('A'+i))
				s, err := d.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				chain = append(chain, s)
			}
			bad, err := d.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			breakIt(bad, d)
			for _, s := range chain {
				if _, err := src.Commit(design, store.DefaultBranch, s, "step", author); err != nil {
					t.Fatal(err)
				}
			}
			good, err := src.Collect(design, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := src.Commit(design, store.DefaultBranch, bad, "break", author); err != nil {
				t.Fatal(err)
			}
			all, err := src.Collect(design, nil)
			if err != nil {
				t.Fatal(err)
			}

			dst := openStore(t, dir)
			defer dst.Close()
			if _, err := dst.Receive(all); !errors.Is(err, store.ErrInvalid) {
				t.Fatalf("the breaking history: %v", err)
			}
			if n := len(dst.History(design)); n != 0 {
				t.Fatalf("%d versions of a refused history stored", n)
			}
			if _, err := dst.Receive(good); err != nil {
				t.Fatalf("the valid steps: %v", err)
			}
			if n := len(dst.History(design)); n != len(chain) {
				t.Fatalf("%d versions stored, want %d", n, len(chain))
			}
			if h := dst.History(samples.DerbyID); len(h) == 0 {
				t.Fatal("the studio lost its samples")
			}
		})
	}
}
