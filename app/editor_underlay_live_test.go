package app

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Dragging the layers tab's opacity slider shows the underlay at each
// step at once, without a command; letting it go makes exactly one
// undoable command, which one undo takes back to the design before the
// drag.
func TestUnderlayOpacitySliderPreviewsLive(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, _ := newStoreUI(t, f)
	u.editor.session.schedule = (&manualClock{}).schedule
	e := u.editor
	s := e.Session()
	if err := u.loadUnderlay(pngBytes(t, 400, 300)); err != nil {
		t.Fatal(err)
	}
	d0 := s.Design()
	h0 := designHash(t, d0)
	undo0 := s.UndoName()
	sl := u.edit.opacity
	sl.Resize(fyne.NewSize(200, 30))
	pad := theme.InnerPadding()
	at := func(ratio float32) *fyne.DragEvent {
		x := pad + ratio*(200-2*pad)
		return &fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, 15)}}
	}
	before := cloneRGBA(e.Frame(800, 600).(*image.RGBA))

	sl.Dragged(at(0.9))
	shown := UnderlayOf(e.Design())
	if shown == nil || shown.Opacity != sl.Value || sl.Value < 0.8 {
		t.Fatalf("while dragging to %g the drawing shows the underlay at %+v", sl.Value, shown)
	}
	if after := e.Frame(800, 600).(*image.RGBA); sameImage(before, after) {
		t.Error("the frame did not change while the slider was dragged")
	}
	if designHash(t, s.Design()) != h0 || s.UndoName() != undo0 {
		t.Fatalf("a step of the drag made a command: undo says %q", s.UndoName())
	}
	sl.Dragged(at(0.2))
	if shown := UnderlayOf(e.Design()); shown.Opacity != sl.Value {
		t.Fatalf("second step: drawn at %g, slider at %g", shown.Opacity, sl.Value)
	}
	sl.DragEnd()
	if s.UndoName() != "Underlay opacity" {
		t.Fatalf("after letting go undo says %q", s.UndoName())
	}
	if got := UnderlayOf(s.Design()).Opacity; got != sl.Value {
		t.Fatalf("kept opacity %g, slider %g", got, sl.Value)
	}
	if e.Design() != s.Design() {
		t.Error("the drawing still shows the preview, not the session's design")
	}
	if err := s.Undo(); err != nil {
		t.Fatal(err)
	}
	if designHash(t, s.Design()) != h0 || s.UndoName() != undo0 {
		t.Fatalf("one undo did not return to the design before the drag (undo says %q)", s.UndoName())
	}
}

func sameImage(a, b *image.RGBA) bool {
	if a.Rect != b.Rect || len(a.Pix) != len(b.Pix) {
		return false
	}
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			return false
		}
	}
	return true
}
