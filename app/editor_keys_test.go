package app

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"cordwain/canvas"
	"cordwain/models"
)

// The desktop driver delivers Ctrl+Z, Ctrl+Y, Ctrl+C and Ctrl+V (Cmd on
// macOS) as Fyne's standard shortcuts, not as custom ones: the window
// answers them (undo, redo, copy, paste) whatever has the focus.
func TestStandardShortcutsEdit(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	sc := u.win.Canvas().(fyne.Shortcutable)
	d := u.editor.Session().Design()
	if d == nil {
		t.Fatal("no design open")
	}
	name := d.Meta.Name
	if err := u.editor.Do(canvas.Rename(d, "Renamed by a test", "")); err != nil {
		t.Fatal(err)
	}
	sc.TypedShortcut(&fyne.ShortcutUndo{})
	if got := u.editor.Session().Design().Meta.Name; got != name {
		t.Fatalf("after Ctrl+Z the design is named %q, want %q", got, name)
	}
	sc.TypedShortcut(&fyne.ShortcutRedo{})
	if got := u.editor.Session().Design().Meta.Name; got != "Renamed by a test" {
		t.Fatalf("after Ctrl+Y the design is named %q", got)
	}
	sc.TypedShortcut(&fyne.ShortcutUndo{})
	// Ctrl+Shift+Z, a custom shortcut, redoes too.
	sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
	if got := u.editor.Session().Design().Meta.Name; got != "Renamed by a test" {
		t.Fatalf("after Ctrl+Shift+Z the design is named %q", got)
	}

	// Copy and paste a piece: one more piece.
	pc := u.editor.Session().Design().Pieces[0]
	u.editor.Select(Selection{Elems: []models.ID{pc.ID}})
	n := len(u.editor.Session().Design().Pieces)
	sc.TypedShortcut(&fyne.ShortcutCopy{})
	sc.TypedShortcut(&fyne.ShortcutPaste{})
	if got := len(u.editor.Session().Design().Pieces); got != n+1 {
		t.Fatalf("after Ctrl+C, Ctrl+V: %d pieces, want %d", got, n+1)
	}
}

// A tool picked by its key is lit in the toolbar as if clicked.
func TestToolKeyLightsTheToolbar(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	u.editor.TypedRune('l')
	if u.editor.Tool().Name() != ToolLine {
		t.Fatalf("tool %q after L", u.editor.Tool().Name())
	}
	for name, b := range u.edit.toolBtns {
		want := widget.MediumImportance
		if name == ToolLine {
			want = widget.HighImportance
		}
		if b.Importance != want {
			t.Errorf("button %s: importance %v, want %v", name, b.Importance, want)
		}
	}
}

// Ctrl+= and Ctrl+Shift+= zoom in by 1.25 about the middle, Ctrl+−
// out, Ctrl+0 frames the whole drawing again, and View → Zoom to
// selection frames the selected piece: it fills the drawing's width or
// height, inside it.
func TestZoomKeysAndZoomToSelection(t *testing.T) {
	u, done := newTestUI(t, newFakeStudio(), nil)
	defer done()
	e := u.editor
	u.setView(canvas.ViewMeanForm)
	sc := u.win.Canvas().(fyne.Shortcutable)
	key := func(k fyne.KeyName, mods fyne.KeyModifier) {
		sc.TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault | mods})
	}
	e.Fit()
	fitted := e.Viewport()
	w, h := e.pageSize()
	mid := fyne.NewPos(float32(w/2*unitsPerMM), float32(h/2*unitsPerMM))
	for _, c := range []struct {
		k    fyne.KeyName
		mods fyne.KeyModifier
		f    float64
	}{{fyne.KeyEqual, 0, 1.25}, {fyne.KeyEqual, fyne.KeyModifierShift, 1.25}, {fyne.KeyMinus, 0, 0.8}} {
		scale, at := e.Viewport().Scale, e.ToModel(mid)
		key(c.k, c.mods)
		if got := e.Viewport().Scale / scale; math.Abs(got-c.f) > 1e-9 {
			t.Fatalf("%s (mods %v): zoom ×%.4f, want ×%.4f", c.k, c.mods, got, c.f)
		}
		if canvas.Dist(at, e.ToModel(mid)) > 1e-9 {
			t.Fatalf("%s moved the middle of the drawing", c.k)
		}
	}
	key(fyne.Key0, 0)
	if got := e.Viewport(); got.Scale != fitted.Scale || got.OffX != fitted.OffX || got.OffY != fitted.OffY {
		t.Fatalf("Ctrl+0: viewport %+v, want the fitted %+v", got, fitted)
	}

	d := e.Session().Design()
	pc := d.Pieces[0]
	e.Select(Selection{Elems: []models.ID{pc.ID}})
	var zoomSel *fyne.MenuItem
	for _, m := range u.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == u.tr.L("menu.zoom_selection") {
				zoomSel = it
			}
		}
	}
	if zoomSel == nil {
		t.Fatal("no Zoom to selection in the menus")
	}
	zoomSel.Action()
	b := canvas.ElemBounds(d, []models.ID{pc.ID})
	lo, hi := e.ToWidget(models.Pt(b.Min.X, b.Max.Y)), e.ToWidget(models.Pt(b.Max.X, b.Min.Y))
	size := e.Size()
	if lo.X < 0 || lo.Y < 0 || hi.X > size.Width || hi.Y > size.Height {
		t.Fatalf("the selection %v–%v is not inside the drawing %v", lo, hi, size)
	}
	if fx, fy := (hi.X-lo.X)/size.Width, (hi.Y-lo.Y)/size.Height; max(fx, fy) < 0.7 {
		t.Fatalf("the selection fills %.0f%% × %.0f%% of the drawing", fx*100, fy*100)
	}
	if e.Viewport().Scale <= fitted.Scale {
		t.Fatal("zoom to a piece did not zoom in from the whole drawing")
	}
}
