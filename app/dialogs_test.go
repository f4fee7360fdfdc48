package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"cordwain/models"
)

func pressEnter(e *widget.Entry) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

// Enter in a name dialog confirms it, as the Create button does.
func TestEnterConfirmsTagAndBranchDialogs(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	v1, _ := f.st.Head(f.design, "main")
	f.commit(t, "main", "Girth +2", func(d *models.Design) { d.Last.BallGirth += 2 })
	u, w := newStoreUI(t, f)
	u.history.Select(v1.ID)
	for _, c := range []struct{ btn, name string }{{"Tag…", "sample 1 sent"}, {"Branch…", "wider-fit"}} {
		test.Tap(button(t, w, c.btn))
		e := entry(t, w)
		test.Type(e, c.name)
		pressEnter(e)
		if top := w.Canvas().Overlays().Top(); top != nil {
			t.Fatalf("%s: the dialog is still open after Enter", c.btn)
		}
	}
	refs := map[string]models.ID{}
	for _, r := range f.st.Refs(f.design) {
		refs[string(r.Kind)+":"+r.Name] = r.Version
	}
	if refs["tag:sample 1 sent"] != v1.ID || refs["branch:wider-fit"] != v1.ID {
		t.Fatalf("refs after Enter in the tag and branch dialogs: %v", refs)
	}
}

// Enter in any entry of the new design dialog creates the design.
func TestEnterConfirmsNewDesignDialog(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, w := newStoreUI(t, f)
	before := len(u.designs)
	u.askNewDesign()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog")
	}
	var entries []*widget.Entry
	for _, o := range test.LaidOutObjects(top) {
		if e, ok := o.(*widget.Entry); ok {
			entries = append(entries, e)
		}
	}
	if len(entries) < 2 {
		t.Fatalf("the new design dialog has %d entries", len(entries))
	}
	test.Type(entries[0], "Enter Derby")
	test.Type(entries[1], "CW-ENTER")
	e := entries[len(entries)-1] // the size: Enter there too
	pressEnter(e)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("the new design dialog is still open after Enter in its last entry")
	}
	u.reload()
	if len(u.designs) != before+1 {
		t.Fatalf("designs %d → %d after Enter, want one more", before, len(u.designs))
	}
}
