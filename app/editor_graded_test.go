package app

import (
	"image"
	"testing"

	"slices"

	"fyne.io/fyne/v2"

	"cordwain/models"
)

// Patterns are drawn at the base size and graded from it: with a graded
// size shown, a tool edits nothing and says why, and nothing drawn at the
// base size (selection, handles) lies over the graded drawing; back at
// the base size the same taps draw the line.
func TestGradedSizeIsNotEdited(t *testing.T) {
	e, _, _, _ := newTestEditor(t)
	var said []string
	e.OnStatus = func(s string) { said = append(said, s) }
	d0 := e.Design()
	h0 := designHash(t, d0)
	var graded float64
	for _, mm := range d0.Meta.SizeRun {
		if mm != d0.Meta.BaseSize {
			graded = mm
			break
		}
	}
	if graded == 0 {
		t.Fatal("the sample has no graded size")
	}
	a, b := fyne.NewPos(400, 300), fyne.NewPos(520, 360)
	e.Select(Selection{Elems: []models.ID{d0.Pieces[0].ID}})
	o := e.Options()
	o.Size = graded
	e.SetOptions(o)
	if e.Editable() {
		t.Fatal("editable at a graded size")
	}
	frame := func() []byte { return slices.Clone(e.Frame(1000, 700).(*image.RGBA).Pix) }
	withSel := frame()
	e.Select(Selection{})
	noSel := frame()
	if diff := differingPixels(withSel, noSel); diff != 0 {
		t.Errorf("the base size's selection is drawn over the graded drawing (%d pixels)", diff)
	}
	e.SetTool(ToolLine)
	e.Tapped(&fyne.PointEvent{Position: a})
	e.Tapped(&fyne.PointEvent{Position: b})
	if h := designHash(t, e.Design()); h != h0 {
		t.Fatal("a line was drawn at a graded size")
	}
	want := e.tr().L("status.edit_at_base_size")
	if len(said) == 0 || said[len(said)-1] != want {
		t.Fatalf("status %q, want %q", said, want)
	}

	o.Size = 0
	e.SetOptions(o)
	e.SetTool(ToolLine)
	e.Tapped(&fyne.PointEvent{Position: a})
	e.Tapped(&fyne.PointEvent{Position: b})
	if n := len(e.Design().StyleLines); n != len(d0.StyleLines)+1 {
		t.Fatalf("%d style lines at the base size after two taps, want %d", n, len(d0.StyleLines)+1)
	}
}

func differingPixels(a, b []byte) int {
	n := 0
	for i := 0; i+3 < len(a) && i+3 < len(b); i += 4 {
		if a[i] != b[i] || a[i+1] != b[i+1] || a[i+2] != b[i+2] {
			n++
		}
	}
	return n
}
