package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestHistoryButtonsFitWithNothingSelected lays the window out at its
// minimum and default sizes with the History tab open and no version
// selected: every History button (disabled ones too) gets at least its
// minimum size, so no label is clipped.
func TestHistoryButtonsFitWithNothingSelected(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, w := newStoreUI(t, f)
	u.history.list.UnselectAll()
	if u.history.selected != "" {
		t.Fatal("a version is selected")
	}
	for _, lang := range []string{LangEN, LangZH} {
		u.SetLanguage(lang)
		for _, size := range []fyne.Size{w.Content().MinSize(), DefaultWindowSize} {
			w.Resize(size)
			w.Content().Refresh()
			n := 0
			for _, b := range u.history.buttons() {
				n++
				if !b.Visible() {
					t.Errorf("%s at %v: button %q hidden", lang, size, b.Text)
					continue
				}
				got, min := b.Size(), b.MinSize()
				if got.Width+0.5 < min.Width || got.Height+0.5 < min.Height {
					t.Errorf("%s at %v: button %q is %v, needs %v", lang, size, b.Text, got, min)
				}
				if !inside(w, b) {
					t.Errorf("%s at %v: button %q lies outside the window", lang, size, b.Text)
				}
			}
			if n < 5 {
				t.Fatalf("only %d History buttons", n)
			}
		}
	}
}

// inside reports whether o lies within the window's canvas.
func inside(w fyne.Window, o fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(o)
	size := w.Canvas().Size()
	return pos.X >= -0.5 && pos.Y >= -0.5 && pos.X+o.Size().Width <= size.Width+0.5 && pos.Y+o.Size().Height <= size.Height+0.5
}

var _ = test.NewTempApp
var _ = widget.NewButton
