package app

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
)

// TestHistoryButtonsFitWithNothingSelected lays the window out at its
// minimum and default sizes with the History tab open and no version
// selected: every History button (disabled ones too) and the branch
// picker get at least their minimum size inside the window, so no label
// is clipped; also right after a language switch, before any resize.
func TestHistoryButtonsFitWithNothingSelected(t *testing.T) {
	f := newStoreFixture(t, t.TempDir())
	u, w := newStoreUI(t, f)
	u.history.list.UnselectAll()
	if u.history.selected != "" {
		t.Fatal("a version is selected")
	}
	check := func(stage string) {
		t.Helper()
		n := 0
		for _, b := range append(u.history.buttons(), u.history.mergeBtn, u.history.deleteBtn) {
			n++
			if !b.Visible() {
				t.Errorf("%s: button %q hidden", stage, b.Text)
				continue
			}
			got, min := b.Size(), b.MinSize()
			if got.Width+0.5 < min.Width || got.Height+0.5 < min.Height {
				t.Errorf("%s: button %q is %v, needs %v", stage, b.Text, got, min)
			}
			if !inside(w, b) {
				t.Errorf("%s: button %q lies outside the window", stage, b.Text)
			}
		}
		if n < 6 {
			t.Fatalf("only %d History buttons", n)
		}
		sel := u.history.branchSelect
		if got, min := sel.Size(), sel.MinSize(); !sel.Visible() || got.Width+0.5 < min.Width || !inside(w, sel) {
			t.Errorf("%s: the branch picker is %v, needs %v", stage, got, min)
		}
	}
	for _, lang := range []string{LangZH, LangEN} {
		u.SetLanguage(lang)
		check(lang + " after the switch")
		for _, size := range []fyne.Size{w.Content().MinSize(), DefaultWindowSize} {
			w.Resize(size)
			check(fmt.Sprintf("%s at %v", lang, size))
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
